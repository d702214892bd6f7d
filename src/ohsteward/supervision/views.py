"""Pages of classified supervision: risk assessments (history, explanation, 公示), the
self-inspection on a phone and its review, checklist versions, class → ratio configuration,
yearly plans, inspections (三步法, 监督意见书) and enforcement cases; lists export .xlsx."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.models import User
from ohsteward.core.spreadsheets import bytes_response
from ohsteward.core.views import ImportView as BaseImportView
from ohsteward.core.views import (
    ObjectDetailView,
    ObjectListView,
    ProtectedView,
    ScopedObjectMixin,
    messages_of,
)
from ohsteward.registry.forms import ImportForm
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship import rules as steward_rules
from ohsteward.supervision import actions, jobs, portrait, reports, rules
from ohsteward.supervision.filtersets import (
    ConstructionProjectFilterSet,
    EarlyWarningFilterSet,
    EnforcementCaseFilterSet,
    InspectionFilterSet,
    InspectionPlanFilterSet,
    RiskAssessmentFilterSet,
    SelfInspectionFilterSet,
)
from ohsteward.supervision.forms import (
    AnswerForm,
    AssessForm,
    CaseCloseForm,
    CaseDecideForm,
    CaseOpenForm,
    FrequencyForm,
    InspectionRecordForm,
    PlanForm,
    ProjectForm,
    ReinspectForm,
    ReviewForm,
    StageForm,
    StartForm,
)
from ohsteward.supervision.importers import ChecklistImporter
from ohsteward.supervision.models import (
    AnswerEvidence,
    ChecklistVersion,
    ClassFrequency,
    ConstructionProject,
    EarlyWarning,
    EnforcementCase,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    RiskAssessment,
    SelfInspection,
    StoredBlob,
)
from ohsteward.supervision.tables import (
    ConstructionProjectTable,
    EarlyWarningTable,
    EnforcementCaseTable,
    InspectionPlanTable,
    InspectionTable,
    RiskAssessmentTable,
    SelfInspectionTable,
)

ISSUER = "卫生健康综合行政执法机构"


def _errors(form) -> str:
    return "；".join(e for errs in form.errors.values() for e in errs)


def _run(request, call, success: str) -> bool:
    """Run an action; a ValidationError/PermissionDenied becomes a Chinese message. True when done."""
    try:
        with transaction.atomic():
            call()
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, messages_of(error))
        return False
    messages.success(request, success)
    return True


def _file_response(name: str, blob: StoredBlob) -> HttpResponse:
    media_type, shown = steward_rules.evidence_media_type(name)  # by the checked suffix
    response = HttpResponse(bytes(blob.data), content_type=media_type)
    response["Content-Disposition"] = f"{'inline' if shown else 'attachment'}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _uscc_lookup(uscc: str) -> dict:
    return {"uscc": uscc.upper()}


# --------------------------------------------------------------------------------------------
# Risk assessments
# --------------------------------------------------------------------------------------------


class RiskAssessmentListView(ObjectListView):
    queryset = RiskAssessment.objects.all()
    filterset = RiskAssessmentFilterSet
    table = RiskAssessmentTable
    permission = "supervision.view_riskassessment"
    title, unit, export_filename = "职业病危害综合风险评估", "条", "综合风险评估"
    template_name = "supervision/riskassessment_list.html"


class RiskAssessmentDetailView(ObjectDetailView):
    queryset = RiskAssessment.objects.select_related("enterprise", "declaration", "self_inspection")
    permission = "supervision.view_riskassessment"
    template_name = "supervision/riskassessment_detail.html"

    def get_context_data(self, **context) -> dict:
        a = context["object"]
        history = (
            RiskAssessment.objects.for_user(self.request.user)
            .filter(enterprise=a.enterprise)
            .order_by("-assessed_on", "-pk")[:20]
        )
        return {
            **context,
            "history": history,
            "scheme_note": rules.load_risk_rules(a.rules_version).annex3["note"],
        }


class EnterpriseAssessView(ScopedObjectMixin, ProtectedView):
    """POST: assess one employer from live data now (a new history row)."""

    http_method_names = ["post"]
    queryset = Enterprise.objects.all()
    permission = "supervision.add_riskassessment"
    lookup = _uscc_lookup

    def post(self, request, uscc):
        enterprise = self.get_object()
        form = AssessForm(request.POST)
        on = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
        result: list[RiskAssessment] = []
        if _run(
            request,
            lambda: result.append(actions.risk_assess(user=request.user, enterprise=enterprise, on=on)),
            "已完成评估。",
        ):
            return redirect(result[0].get_absolute_url())
        return redirect("supervision:riskassessment_list")


class RecomputeView(ProtectedView):
    """POST: recompute every employer in the user's scope as a background job."""

    http_method_names = ["post"]
    permission = "supervision.add_riskassessment"

    def post(self, request):
        if access.own_enterprise_id(request.user) is not None:
            raise PermissionDenied
        district = request.POST.get("district", "").strip()
        job = jobs.start_recompute_job(user=request.user, on=timezone.localdate(), district=district)
        return redirect("web:job_detail", pk=job.pk)


class PublicDisplayView(ScopedObjectMixin, ProtectedView):
    """公示: the employer's latest assessment on one printable page (the employer must post it,
    hhhzy 2022 summary [S]); the scheme and its meaning printed with it."""

    queryset = Enterprise.objects.all()
    permission = "supervision.view_riskassessment"
    lookup = _uscc_lookup
    template_name = "supervision/public_display.html"

    def get(self, request, uscc):
        enterprise = self.get_object()
        latest = (
            RiskAssessment.objects.for_user(request.user)
            .filter(enterprise=enterprise)
            .order_by("-assessed_on", "-pk")
            .first()
        )
        return render(request, self.template_name, {"enterprise": enterprise, "a": latest})


class PortraitView(ScopedObjectMixin, ProtectedView):
    """职业健康画像 (item 4): the latest assessment, the core indicators with traffic lights, a
    radar and what to fix first; the employer sees its own (scope: out of scope → 404)."""

    queryset = Enterprise.objects.all()
    permission = "supervision.view_riskassessment"
    lookup = _uscc_lookup
    template_name = "supervision/portrait.html"

    def get(self, request, uscc):
        enterprise = self.get_object()
        p = portrait.build(enterprise, timezone.localdate())
        return render(request, self.template_name, {"enterprise": enterprise, "p": p, "radar": p.radar})


class PortraitDocxView(PortraitView):
    def get(self, request, uscc):
        enterprise = self.get_object()
        content = reports.portrait_docx(portrait.build(enterprise, timezone.localdate()))
        return bytes_response(f"职业健康画像-{enterprise.uscc}.docx", content, reports.DOCX)


# --------------------------------------------------------------------------------------------
# Self-inspections
# --------------------------------------------------------------------------------------------


class SelfInspectionListView(ObjectListView):
    queryset = SelfInspection.objects.all()
    filterset = SelfInspectionFilterSet
    table = SelfInspectionTable
    permission = "supervision.view_selfinspection"
    title, unit, export_filename = "职业卫生管理自查", "份", "职业卫生管理自查"
    template_name = "supervision/selfinspection_list.html"


class SelfInspectionStartView(ProtectedView):
    """Start (or continue) a self-inspection: a manager for its own employer, others by USCC."""

    http_method_names = ["post"]
    permission = "supervision.add_selfinspection"

    def post(self, request):
        own = access.own_enterprise_id(request.user)
        if own is not None:
            enterprise = Enterprise.objects.for_user(request.user).filter(pk=own).first()
        else:
            form = StartForm(request.POST, user=request.user)
            if not form.is_valid():
                messages.error(request, _errors(form))
                return redirect("supervision:selfinspection_list")
            enterprise = form.cleaned_data["enterprise"]
        if enterprise is None:
            raise Http404
        result: list[SelfInspection] = []
        if _run(
            request,
            lambda: result.append(
                actions.self_inspection_start(
                    user=request.user, enterprise=enterprise, on=timezone.localdate()
                )
            ),
            "请逐项填写得分并上传佐证材料。",
        ):
            return redirect(result[0].get_absolute_url())
        return redirect("supervision:selfinspection_list")


class SelfInspectionDetailView(ObjectDetailView):
    """The checklist as cards, one per item, readable and fillable on a 375 px phone."""

    queryset = SelfInspection.objects.select_related("enterprise", "checklist")
    permission = "supervision.view_selfinspection"
    template_name = "supervision/selfinspection_detail.html"

    def get_context_data(self, **context) -> dict:
        inspection = context["object"]
        user = self.request.user
        answers = list(
            inspection.answers.select_related("item")
            .prefetch_related("evidence", "records")
            .order_by("item__order")
        )
        sections: list[tuple[str, list]] = []
        for a in answers:
            if not sections or sections[-1][0] != a.item.section:
                sections.append((a.item.section, []))
            sections[-1][1].append(a)
        can_fill = inspection.state == "draft" and user.has_perm("supervision.change_selfinspection")
        can_review = (
            inspection.state == "submitted"
            and user.has_perm("supervision.change_selfinspection")
            and access.own_enterprise_id(user) is None
        )
        filled = sum(1 for a in answers if a.points is not None)
        return {
            **context,
            "sections": sections,
            "can_fill": can_fill,
            "can_review": can_review,
            "filled": filled,
            "total": len(answers),
            "review_form": ReviewForm(),
        }


class SelfInspectionAnswerView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = SelfInspection.objects.select_related("enterprise")
    permission = "supervision.change_selfinspection"

    def post(self, request, pk):
        inspection = self.get_object()
        form = AnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _errors(form))
        else:
            d = form.cleaned_data
            _run(
                request,
                lambda: actions.self_inspection_answer(
                    user=request.user, inspection=inspection, code=d["code"], points=d["points"],
                    note=d["note"], files=d["files"],
                ),
                f"已保存第 {d['code']} 项。",
            )  # fmt: skip
        return redirect(f"{inspection.get_absolute_url()}#item-{request.POST.get('code', '')}")


class SelfInspectionEvidenceEditView(ScopedObjectMixin, ProtectedView):
    """The manager edits an item's evidence in its draft: ``op`` = ``record_add`` (``code``,
    ``label``, ``url``), ``record_remove`` (``record``), ``record_refill`` (``code``: link again the
    system's records) or ``file_remove`` (``evidence``)."""

    http_method_names = ["post"]
    queryset = SelfInspection.objects.select_related("enterprise")
    permission = "supervision.change_selfinspection"

    def post(self, request, pk):
        inspection = self.get_object()
        post, user = request.POST, request.user
        op, code = post.get("op", ""), post.get("code", "")

        def number(key: str) -> int:
            try:
                return int(post.get(key, ""))
            except ValueError:
                raise ValidationError({key: "编号应为数字"}) from None

        calls = {
            "record_add": (
                lambda: actions.self_inspection_record_add(
                    user=user, inspection=inspection, code=code, label=post.get("label", ""),
                    url=post.get("url", ""),
                ),
                "已添加引用记录。",
            ),
            "record_remove": (
                lambda: actions.self_inspection_record_remove(
                    user=user, inspection=inspection, record_id=number("record")
                ),
                "已移除引用记录。",
            ),
            "record_refill": (
                lambda: actions.self_inspection_record_refill(
                    user=user, inspection=inspection, code=code, on=timezone.localdate()
                ),
                "已重新引用系统中的记录。",
            ),
            "file_remove": (
                lambda: actions.self_inspection_evidence_remove(
                    user=user, inspection=inspection, evidence_id=number("evidence")
                ),
                "已删除佐证材料。",
            ),
        }  # fmt: skip
        if op not in calls:
            messages.error(request, "未知的操作")
        else:
            call, done = calls[op]
            _run(request, call, done)
        return redirect(
            f"{inspection.get_absolute_url()}#item-{code}" if code else inspection.get_absolute_url()
        )


class SelfInspectionSubmitView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = SelfInspection.objects.select_related("enterprise")
    permission = "supervision.change_selfinspection"

    def post(self, request, pk):
        inspection = self.get_object()
        _run(
            request,
            lambda: actions.self_inspection_submit(
                user=request.user, inspection=inspection, on=timezone.localdate()
            ),
            "已提交，等待管家团队或区县审核。",
        )
        return redirect(inspection.get_absolute_url())


class SelfInspectionReviewView(ScopedObjectMixin, ProtectedView):
    """Review: ``adjust-<code>`` fields change items' points; the rest is kept."""

    http_method_names = ["post"]
    queryset = SelfInspection.objects.select_related("enterprise")
    permission = "supervision.change_selfinspection"

    def post(self, request, pk):
        inspection = self.get_object()
        adjustments = {}
        for key, value in request.POST.items():
            if key.startswith("adjust-") and value.strip():
                try:
                    adjustments[key.removeprefix("adjust-")] = float(value)
                except ValueError:
                    messages.error(request, f"{key.removeprefix('adjust-')}: 得分应为数字")
                    return redirect(inspection.get_absolute_url())
        _run(
            request,
            lambda: actions.self_inspection_review(
                user=request.user, inspection=inspection, on=timezone.localdate(), adjustments=adjustments,
                note=request.POST.get("note", ""),
            ),
            "已审核，管理状况等级已确定。",
        )  # fmt: skip
        return redirect(inspection.get_absolute_url())


class AnswerEvidenceView(ScopedObjectMixin, ProtectedView):
    queryset = SelfInspection.objects.all()
    permission = "supervision.view_selfinspection"

    def get(self, request, pk, evidence_pk):
        inspection = self.get_object()
        evidence = (
            AnswerEvidence.objects.select_related("blob")
            .filter(answer__inspection=inspection, pk=evidence_pk)
            .first()
        )
        if evidence is None:
            raise Http404("文件不存在")
        return _file_response(evidence.name, evidence.blob)


class ChecklistListView(ProtectedView):
    permission = "supervision.view_checklistversion"

    def get(self, request):
        actions.checklist_active()  # the provisional version exists from the first visit on
        versions = ChecklistVersion.objects.order_by("-active", "-created_at", "-pk")
        return render(request, "supervision/checklist_list.html", {"versions": versions})


class ChecklistImportView(BaseImportView):
    """The city loads a checklist version (the official 附件2 once obtained)."""

    importer = ChecklistImporter()
    kind = "supervision.checklist"
    permission = "supervision.add_checklistversion"
    form_class = ImportForm
    title = "导入管理自查表版本"
    url_names = {
        "upload": "supervision:checklist_import",
        "template": "supervision:checklist_import_template",
        "confirm": "supervision:checklist_import_confirm",
        "errors": "supervision:checklist_import_errors",
        "done": "supervision:checklist_list",
    }


class ChecklistDetailView(ProtectedView):
    permission = "supervision.view_checklistversion"

    def get(self, request, pk):
        version = ChecklistVersion.objects.filter(pk=pk).first()
        if version is None:
            raise Http404
        return render(
            request,
            "supervision/checklist_detail.html",
            {"object": version, "items": version.items.order_by("order")},
        )


# --------------------------------------------------------------------------------------------
# Supervision by class
# --------------------------------------------------------------------------------------------


class FrequencyView(ProtectedView):
    """Per district: class → yearly ratio (configuration; no source gives numbers)."""

    permission = "supervision.view_classfrequency"

    def get(self, request, form=None):
        rows = (
            ClassFrequency.objects.for_user(request.user)
            .select_related("district")
            .order_by("district_id", "risk_class")
        )
        can = request.user.has_perm("supervision.change_classfrequency")
        form = form or (FrequencyForm(user=request.user) if can else None)
        return render(request, "supervision/frequency.html", {"rows": rows, "form": form})

    def post(self, request):
        if not request.user.has_perm("supervision.change_classfrequency"):
            raise PermissionDenied
        form = FrequencyForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.get(request, form=form)
        d = form.cleaned_data
        _run(request, lambda: actions.frequency_set(user=request.user, **d), "已保存抽查比例。")
        return redirect("supervision:frequency")


class PlanListView(ObjectListView):
    queryset = InspectionPlan.objects.all()
    filterset = InspectionPlanFilterSet
    table = InspectionPlanTable
    permission = "supervision.view_inspectionplan"
    title, unit, export_filename = "年度监督检查计划", "个", "年度监督检查计划"
    template_name = "supervision/plan_list.html"

    def get_context_data(self, **context) -> dict:
        context = super().get_context_data(**context)
        if self.request.user.has_perm("supervision.add_inspectionplan"):
            context["plan_form"] = PlanForm(
                user=self.request.user, initial={"year": timezone.localdate().year}
            )
        return context


class PlanCreateView(ProtectedView):
    http_method_names = ["post"]
    permission = "supervision.add_inspectionplan"

    def post(self, request):
        form = PlanForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect("supervision:plan_list")
        d = form.cleaned_data
        seed = d["seed"] if d["seed"] is not None else int(timezone.now().timestamp())
        result: list[InspectionPlan] = []
        if _run(
            request,
            lambda: result.append(
                actions.plan_generate(user=request.user, district=d["district"], year=d["year"], seed=seed)
            ),
            "已生成年度监督检查计划。",
        ):
            return redirect(result[0].get_absolute_url())
        return redirect("supervision:plan_list")


class PlanDetailView(ObjectDetailView):
    queryset = InspectionPlan.objects.select_related("district")
    permission = "supervision.view_inspectionplan"
    template_name = "supervision/plan_detail.html"

    def get_context_data(self, **context) -> dict:
        plan = context["object"]
        rows = (
            Inspection.objects.for_user(self.request.user)
            .filter(plan=plan)
            .select_related(*InspectionTable.select_related)
            .order_by("drawn_class", "enterprise__name", "pk")
        )
        return {
            **context,
            "rows": InspectionTable.html_rows(list(rows)),
            "headers": InspectionTable.headers(""),
        }


class InspectionListView(ObjectListView):
    queryset = Inspection.objects.all()
    filterset = InspectionFilterSet
    table = InspectionTable
    permission = "supervision.view_inspection"
    title, unit, export_filename = "监督检查", "次", "监督检查"
    template_name = "supervision/inspection_list.html"


class InspectionDetailView(ObjectDetailView):
    queryset = Inspection.objects.select_related("enterprise", "plan", "inspector", "reinspection_of")
    permission = "supervision.view_inspection"
    template_name = "supervision/inspection_detail.html"

    def get_context_data(self, **context) -> dict:
        i = context["object"]
        today = timezone.localdate()
        reinspections = list(i.reinspections.order_by("inspected_on", "pk"))
        cases = list(i.cases.order_by("pk"))
        state = rules.three_step_state(
            has_findings=bool(i.findings.strip()),
            deadline=i.order_deadline,
            reinspected_ok=reinspections[-1].corrected if reinspections else None,
            case_opened=bool(cases),
            today=today,
        )
        can = self.request.user.has_perm("supervision.change_inspection")
        return {
            **context,
            "state": state,
            "reinspections": reinspections,
            "cases": cases,
            "photos": i.photos.order_by("pk"),
            "record_form": InspectionRecordForm(initial={"inspected_on": today}) if can else None,
            "reinspect_form": ReinspectForm(initial={"inspected_on": today})
            if can and i.order_deadline
            else None,
            "case_form": CaseOpenForm(initial={"opened_on": today})
            if self.request.user.has_perm("supervision.add_enforcementcase") and i.findings
            else None,
        }


class InspectionAssignView(ScopedObjectMixin, ProtectedView):
    """Assign inspectors by user name (the district's officers)."""

    http_method_names = ["post"]
    queryset = Inspection.objects.select_related("enterprise")
    permission = "supervision.change_inspection"

    def post(self, request, pk):
        inspection = self.get_object()
        names = [request.POST.get("inspector", "").strip(), request.POST.get("second_inspector", "").strip()]
        users = {u.username: u for u in User.objects.filter(username__in=[n for n in names if n])}
        missing = [n for n in names if n and n not in users]
        if not names[0] or missing:
            messages.error(request, f"没有该用户：{'、'.join(missing) or '请填写检查人员'}")
        else:
            _run(
                request,
                lambda: actions.inspection_assign(
                    user=request.user,
                    inspection=inspection,
                    inspector=users[names[0]],
                    second=users.get(names[1]),
                ),
                "已指派检查人员。",
            )
        return redirect(inspection.get_absolute_url())


class InspectionRecordView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = Inspection.objects.select_related("enterprise")
    permission = "supervision.change_inspection"

    def post(self, request, pk):
        inspection = self.get_object()
        form = InspectionRecordForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _errors(form))
        else:
            d = form.cleaned_data
            photos = d.pop("photos")
            _run(
                request,
                lambda: actions.inspection_record(
                    user=request.user, inspection=inspection, today=timezone.localdate(), photos=photos, **d
                ),
                "已记录检查结果。",
            )
        return redirect(inspection.get_absolute_url())


class InspectionReinspectView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = Inspection.objects.select_related("enterprise")
    permission = "supervision.change_inspection"

    def post(self, request, pk):
        inspection = self.get_object()
        form = ReinspectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
        else:
            _run(
                request,
                lambda: actions.inspection_reinspect(
                    user=request.user, inspection=inspection, today=timezone.localdate(), **form.cleaned_data
                ),
                "已记录复查。",
            )
        return redirect(inspection.get_absolute_url())


class InspectionOpinionView(ScopedObjectMixin, ProtectedView):
    """监督意见书 (.docx, GB/T 9704)."""

    queryset = Inspection.objects.select_related("enterprise")
    permission = "supervision.view_inspection"

    def get(self, request, pk):
        inspection = self.get_object()
        content = reports.opinion_docx(inspection, issuer=ISSUER, today=timezone.localdate())
        return bytes_response(
            f"监督意见书-{inspection.enterprise.name}.docx",
            content,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )


class InspectionPhotoView(ScopedObjectMixin, ProtectedView):
    queryset = Inspection.objects.all()
    permission = "supervision.view_inspection"

    def get(self, request, pk, photo_pk):
        inspection = self.get_object()
        photo = (
            InspectionPhoto.objects.select_related("blob").filter(inspection=inspection, pk=photo_pk).first()
        )
        if photo is None:
            raise Http404("文件不存在")
        return _file_response(photo.name, photo.blob)


class CaseOpenView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = Inspection.objects.select_related("enterprise")
    permission = "supervision.add_enforcementcase"

    def post(self, request, pk):
        inspection = self.get_object()
        form = CaseOpenForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect(inspection.get_absolute_url())
        result: list[EnforcementCase] = []
        if _run(
            request,
            lambda: result.append(
                actions.case_open(
                    user=request.user, enterprise=inspection.enterprise, inspection=inspection,
                    today=timezone.localdate(), **form.cleaned_data,
                )
            ),
            "已立案。",
        ):  # fmt: skip
            return redirect(result[0].get_absolute_url())
        return redirect(inspection.get_absolute_url())


class CaseListView(ObjectListView):
    queryset = EnforcementCase.objects.all()
    filterset = EnforcementCaseFilterSet
    table = EnforcementCaseTable
    permission = "supervision.view_enforcementcase"
    title, unit, export_filename = "执法案件", "件", "执法案件"
    template_name = "supervision/case_list.html"


class CaseDetailView(ObjectDetailView):
    queryset = EnforcementCase.objects.select_related("enterprise", "inspection")
    permission = "supervision.view_enforcementcase"
    template_name = "supervision/case_detail.html"

    def get_context_data(self, **context) -> dict:
        today = timezone.localdate()
        can = self.request.user.has_perm("supervision.change_enforcementcase")
        case = context["object"]
        return {
            **context,
            "decide_form": CaseDecideForm(initial={"decided_on": today})
            if can and case.status != "closed"
            else None,
            "close_form": CaseCloseForm(initial={"closed_on": today})
            if can and case.status != "closed"
            else None,
        }


class CaseDecideView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = EnforcementCase.objects.select_related("enterprise")
    permission = "supervision.change_enforcementcase"

    def post(self, request, pk):
        case = self.get_object()
        form = CaseDecideForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
        else:
            _run(
                request,
                lambda: actions.case_decide(user=request.user, case=case, **form.cleaned_data),
                "已录入处理决定。",
            )
        return redirect(case.get_absolute_url())


class CaseCloseView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = EnforcementCase.objects.select_related("enterprise")
    permission = "supervision.change_enforcementcase"

    def post(self, request, pk):
        case = self.get_object()
        form = CaseCloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
        else:
            _run(
                request,
                lambda: actions.case_close(user=request.user, case=case, **form.cleaned_data),
                "已结案。",
            )
        return redirect(case.get_absolute_url())


# --------------------------------------------------------------------------------------------
# "三同时" construction projects
# --------------------------------------------------------------------------------------------


class ProjectListView(ObjectListView):
    queryset = ConstructionProject.objects.all()
    filterset = ConstructionProjectFilterSet
    table = ConstructionProjectTable
    permission = "supervision.view_constructionproject"
    title, unit, export_filename = "建设项目“三同时”", "个", "建设项目三同时"
    template_name = "supervision/project_list.html"

    def get_context_data(self, **context) -> dict:
        context = super().get_context_data(**context)
        if self.request.user.has_perm("supervision.add_constructionproject"):
            context["project_form"] = ProjectForm(user=self.request.user)
        return context


class ProjectCreateView(ProtectedView):
    http_method_names = ["post"]
    permission = "supervision.add_constructionproject"

    def post(self, request):
        form = ProjectForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect("supervision:project_list")
        result: list[ConstructionProject] = []
        if _run(
            request,
            lambda: result.append(actions.project_create(user=request.user, **form.cleaned_data)),
            "已登记建设项目。",
        ):
            return redirect(result[0].get_absolute_url())
        return redirect("supervision:project_list")


class ProjectDetailView(ObjectDetailView):
    queryset = ConstructionProject.objects.select_related("enterprise")
    permission = "supervision.view_constructionproject"
    template_name = "supervision/project_detail.html"

    def get_context_data(self, **context) -> dict:
        p = context["object"]
        today = timezone.localdate()
        late = rules.late_stages(
            p.stage_dates(),
            serious=p.serious,
            started_on=p.started_on,
            planned_completion=p.planned_completion,
            today=today,
        )
        dates = p.stage_dates()
        stages = [
            (code, rules.STAGE_LABELS[code], dates[code], p.reports.get(code, {}), code in late)
            for code in rules.stages_for(p.serious)
        ]
        can = self.request.user.has_perm("supervision.change_constructionproject")
        return {**context, "stages": stages, "stage_form": StageForm(initial={"on": today}) if can else None}


class ProjectStageView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = ConstructionProject.objects.select_related("enterprise")
    permission = "supervision.change_constructionproject"

    def post(self, request, pk):
        project = self.get_object()
        form = StageForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
        else:
            _run(
                request,
                lambda: actions.project_record_stage(
                    user=request.user, project=project, today=timezone.localdate(), **form.cleaned_data
                ),
                "已登记。",
            )
        return redirect(project.get_absolute_url())


# --------------------------------------------------------------------------------------------
# Early warnings (预警, item 7)
# --------------------------------------------------------------------------------------------


class WarningListView(ObjectListView):
    queryset = EarlyWarning.objects.all()
    filterset = EarlyWarningFilterSet
    table = EarlyWarningTable
    permission = "supervision.view_earlywarning"
    title, unit, export_filename = "预警", "条", "预警"
    template_name = "supervision/warning_list.html"


class WarningDetailView(ObjectDetailView):
    queryset = EarlyWarning.objects.select_related("enterprise__region")
    permission = "supervision.view_earlywarning"
    template_name = "supervision/warning_detail.html"
