"""申报告知单: issue one from an entry, the list (``ObjectListView`` + ``NoticeTable``), the files,
送达登记 (``ObjectFormView``) and the district's template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.core import submissions
from ohsteward.core.spreadsheets import bytes_response
from ohsteward.core.views import ObjectFormView, ObjectListView, requires
from ohsteward.declarations import actions, reports
from ohsteward.declarations.forms import NoticeDeliveryForm, NoticeForm
from ohsteward.declarations.models import Notice, NoticeTemplate
from ohsteward.declarations.tables import NoticeTable
from ohsteward.declarations.templates_docx.build_notice_template import PLACEHOLDERS
from ohsteward.declarations.views.common import DOCX_MIME, LegacyExportMixin, form_errors, today
from ohsteward.declarations.views.entries import _entry_or_404
from ohsteward.registry.forms import districts_for
from ohsteward.registry.models import Region


@requires("declarations.add_notice")
@require_POST
def notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    """告知单 for an entry; a one-time token makes the form sent twice issue one notice (issue 6 item 11)."""
    entry = _entry_or_404(request, pk)
    form = NoticeForm(request.POST)
    back = reverse("declarations:entry_detail", args=[entry.pk])
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(back)
    try:
        submission = submissions.claim(request)
    except submissions.Repeated as repeated:
        return submissions.repeated_response(request, repeated, fallback=back)
    try:
        notice = actions.notice_issue(
            user=request.user,
            enterprise=entry.enterprise,
            entry=entry,
            today=today(),
            issuer=form.cleaned_data["issuer"],
            deadline_days=form.cleaned_data["deadline_days"],
        )
    except BaseException:
        submissions.release(submission)
        raise
    submissions.done(submission, back)
    messages.success(
        request,
        f"告知单 {notice.number} 已生成。请下载打印后送达，并在“告知单”中登记送达——"
        f"申报期限自送达之日起计算。",
    )
    return redirect(back)


class NoticeListView(LegacyExportMixin, ObjectListView):
    """Notices with their delivery; ``?show=undelivered`` keeps those not yet delivered (no deadline runs)."""

    queryset = Notice.objects.all()
    table = NoticeTable
    permission = "declarations.view_notice"
    template_name = "declarations/notice_list.html"
    title = "申报告知单"
    unit = "份"
    export_filename = "申报告知单"
    export_url_name = "declarations:notice_export"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.table = NoticeTable.for_user(request.user)  # type: ignore[misc]  # 登记送达 links for those who may

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.undelivered() if self.request.GET.get("show") == "undelivered" else queryset

    def has_filters(self) -> bool:
        return False  # the tab is not a filter the user set

    def get_context_data(self, **context):
        scoped = Notice.objects.for_user(self.request.user)
        return {
            **context,
            "show": self.request.GET.get("show", ""),
            "undelivered_count": scoped.undelivered().count(),
            "can_deliver": self.request.user.has_perm("declarations.add_notice"),
        }


def _notice_or_404(request: HttpRequest, pk: int) -> Notice:
    return access.get_for_user_or_404(Notice.objects.select_related("file"), request.user, pk=pk)


@requires("declarations.view_notice")
def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(request, pk)
    return bytes_response(f"{notice.number}.docx", bytes(notice.file.content), DOCX_MIME)


@requires("declarations.view_notice")
def notice_scan(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_or_404(request, pk)
    if not notice.file.receipt_scan:
        raise Http404
    return bytes_response(
        notice.file.receipt_scan_name, bytes(notice.file.receipt_scan), notice.file.receipt_scan_type
    )


class NoticeDeliverView(ObjectFormView):
    """送达登记: date, way, who signed, the signed receipt's scan; the deadline starts from delivery."""

    queryset = Notice.objects.select_related("enterprise", "region", "file")
    permission = "declarations.add_notice"
    form = NoticeDeliveryForm
    template_name = "declarations/notice_deliver.html"

    @staticmethod
    def action(*, user, notice: Notice, data: dict) -> Notice:
        upload = data.get("receipt_scan")
        actions.notice_deliver(
            user=user,
            notice=notice,
            delivered_on=data["delivered_on"],
            method=data["delivery_method"],
            signed_by=data["signed_by"],
            note=data["note"],
            scan=upload.read() if upload else None,
            scan_name=getattr(upload, "name", "") or "",
            scan_type=getattr(upload, "content_type", "") or "",
            today=today(),
        )
        return notice

    def get_form(self, obj):
        initial = None
        if obj is not None and obj.delivered:
            initial = {
                "delivered_on": obj.delivered_on,
                "delivery_method": obj.delivery_method,
                "signed_by": obj.signed_by,
                "note": obj.delivery_note,
            }
        return NoticeDeliveryForm(self.request.POST or None, self.request.FILES or None, initial=initial)

    def action_kwargs(self, form, obj) -> dict:
        return {"notice": obj, "data": dict(form.cleaned_data)}

    def get_context_data(self, **context):
        return {**context, "notice": context["object"]}

    def get_success_message(self, obj) -> str:
        obj.refresh_from_db()
        return f"告知单 {obj.number} 已登记送达，申报期限 {obj.deadline_on:%Y-%m-%d}。"

    def success_url(self, obj) -> str:
        return f"{reverse('declarations:notice_list')}?show=undelivered"


def _template_region(request: HttpRequest) -> Region | None:
    """The district whose template is managed: the user's own, or (city) the one chosen."""
    code = access.own_district_code(request.user)
    if code is None and access.is_citywide(request.user):
        code = request.POST.get("region") or request.GET.get("region")
    return Region.objects.filter(pk=code, level="district").first() if code else None


@requires("declarations.add_notice")
def notice_template(request: HttpRequest) -> HttpResponse:
    """Download the default 告知单 template, upload the district's own, or go back to the default.
    A download, an upload and a reset on one small page: a function view."""
    if request.GET.get("default"):
        return bytes_response(
            "申报告知单模板（默认）.docx", reports.DEFAULT_NOTICE_TEMPLATE.read_bytes(), DOCX_MIME
        )
    citywide = access.is_citywide(request.user)
    if not (citywide or access.own_district_code(request.user)):
        raise PermissionDenied("告知单模板由区县管理")
    region = _template_region(request)
    own = NoticeTemplate.objects.filter(region=region).first() if region else None
    if request.GET.get("download") and own is not None:
        return bytes_response(own.name, bytes(own.content), DOCX_MIME)
    if request.method == "POST" and region is not None:
        try:
            if request.POST.get("reset"):
                actions.notice_template_reset(user=request.user, region=region)
                messages.success(request, f"{region.name}已恢复使用默认模板。")
            else:
                upload = request.FILES.get("template")
                if upload is None or not upload.name.lower().endswith(".docx"):
                    raise ValidationError({"content": "请选择 Word .docx 模板文件"})
                actions.notice_template_upload(
                    user=request.user, region=region, content=upload.read(), name=upload.name
                )
                messages.success(request, f"{region.name}的告知单模板已更新，之后生成的告知单使用该模板。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(f"{reverse('declarations:notice_template')}?region={region.pk}")
    return render(
        request,
        "declarations/notice_template.html",
        {
            "region": region,
            "own": own,
            "placeholders": PLACEHOLDERS,
            "citywide": citywide,
            "districts": districts_for(request.user) if citywide else [],
        },
    )
