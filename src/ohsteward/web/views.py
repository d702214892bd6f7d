"""The web face: login, the home page per role, the audit trail, API tokens and error pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ohsteward.accounts import access
from ohsteward.accounts import actions as account_actions
from ohsteward.accounts.models import ApiToken
from ohsteward.core import htmx
from ohsteward.core.audit_display import SOURCE_LABELS, ChangeDescriber  # noqa: F401 (SOURCE_LABELS re-exported)
from ohsteward.core.models import AuditLog
from ohsteward.core.spreadsheets import xlsx_response
from ohsteward.core.views import filter_query, requires
from ohsteward.core.work import sort_work
from ohsteward.declarations import queries as declaration_queries
from ohsteward.institutions import queries as institution_queries
from ohsteward.intake import queries as intake_queries
from ohsteward.monitoring import queries as monitoring_queries
from ohsteward.registry.choices import EnterpriseStatus, RiskClass
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship import queries as stewardship_queries
from ohsteward.stewardship.training import queries as training_queries
from ohsteward.stewardship.zone import queries as zone_queries
from ohsteward.stewardship.zone.rules import ADVICE_TOPICS
from ohsteward.supervision import queries as supervision_queries
from ohsteward.surveillance import queries as surveillance_queries
from ohsteward.surveillance.exams import queries as surveillance_exam_queries
from ohsteward.web.forms import AuditFilterForm, LoginForm, TokenForm

RECENT_DAYS = 30
PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            max_failures=settings.OHSTEWARD_LOGIN_MAX_FAILURES,
            lockout_minutes=max(1, settings.OHSTEWARD_LOGIN_LOCKOUT_SECONDS // 60),
            **kwargs,
        )


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): the top bar has a small form with the CSRF token."""


def risk_chart(user) -> dict | None:
    """Operating employers per area and industry risk class: by district city-wide, else by town."""
    key = access.area_breakdown_field(user)
    if key is None:
        return None
    rows = (
        Enterprise.objects.for_user(user)
        .exclude(status=EnterpriseStatus.CANCELLED)
        .values(key)
        .annotate(
            serious=Count("pk", filter=Q(industry_risk=RiskClass.SERIOUS)),
            general=Count("pk", filter=Q(industry_risk=RiskClass.GENERAL)),
            unlisted=Count("pk", filter=Q(industry_risk=RiskClass.UNLISTED)),
        )
        .order_by(key)
    )
    rows = [r for r in rows if r[key]]
    if len(rows) < 2:
        return None
    names = dict(Region.objects.filter(code__in=[r[key] for r in rows]).values_list("code", "name"))
    rows.sort(key=lambda r: r["serious"] + r["general"] + r["unlisted"])
    return {
        "title": "各区县在业和停产停业的用人单位"
        if key == "region_id"
        else "各乡镇街道在业和停产停业的用人单位",
        "areas": [names.get(r[key], r[key]) for r in rows],
        "codes": [r[key] for r in rows],
        "param": "region" if key == "region_id" else "town",
        "series": [
            {"name": str(label), "key": value, "data": [r[value] for r in rows]}
            for value, label in RiskClass.choices
        ],
    }


def employer_duties(industry_risk: str, exposed_workers: int | None) -> list[str]:
    """The routine duties of an employer, in plain words, by its industry's risk class.

    《工作场所职业卫生管理规定》（国家卫生健康委令第5号，2021）第二十条: serious-risk employers have
    hazard factors tested at least yearly and a status evaluation at least every three years;
    other employers testing at least every three years. 《职业病危害项目申报办法》: employers
    with hazard factors declare them, and update the declaration when they change.
    """
    duties = []
    if exposed_workers == 0:
        return [
            "本单位目前登记的接害人数为 0。如果有岗位接触粉尘、化学毒物、噪声等职业病危害因素，请如实更新接害人数。"
        ]
    duties.append(
        "在“职业病危害项目申报”中如实申报本单位的职业病危害因素；危害因素、接害人数等发生变化时及时变更申报。"
    )
    if industry_risk == RiskClass.SERIOUS:
        duties.append(
            "本单位所在行业属于职业病危害严重的行业：每年至少委托有资质的技术服务机构做一次职业病危害因素检测，"
            "每三年至少做一次职业病危害现状评价。"
        )
    else:
        duties.append("每三年至少委托有资质的技术服务机构做一次职业病危害因素检测。")
    duties.append("组织接触职业病危害因素的劳动者做上岗前、在岗期间和离岗时的职业健康检查，并告知检查结果。")
    return duties


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What to do next, in plain words, with the figures of the user's scope."""
    user = request.user
    if access.own_person_id(user):
        # a worker's own login: their file is their home (issue 12 item 9)
        return redirect("surveillance:me")
    own_id = access.own_enterprise_id(user)
    context: dict[str, Any] = {"links": []}
    today = timezone.localdate()
    context["work"] = sort_work(
        [
            *declaration_queries.open_work(user, today),
            *intake_queries.open_work(user, today),
            *stewardship_queries.open_work(user, today),
            *training_queries.open_work(user, today),
            *institution_queries.open_work(user, today),
            *monitoring_queries.open_work(user, today),
            *supervision_queries.open_work(user, today),
            *surveillance_queries.open_work(user, today),
            *surveillance_exam_queries.open_work(user, today),
        ]
    )
    can_view = user.has_perm("registry.view_enterprise")
    if can_view:
        since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
        context["counts"] = Enterprise.objects.for_user(user).aggregate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=EnterpriseStatus.ACTIVE)),
            suspended=Count("pk", filter=Q(status=EnterpriseStatus.SUSPENDED)),
            cancelled=Count("pk", filter=Q(status=EnterpriseStatus.CANCELLED)),
            serious=Count(
                "pk", filter=Q(industry_risk=RiskClass.SERIOUS) & ~Q(status=EnterpriseStatus.CANCELLED)
            ),
            general=Count(
                "pk", filter=Q(industry_risk=RiskClass.GENERAL) & ~Q(status=EnterpriseStatus.CANCELLED)
            ),
            recent=Count("pk", filter=Q(updated_at__gte=since)),
        )
        context["recent_days"] = RECENT_DAYS
        context["chart"] = risk_chart(user)
    if own_id:
        context["own"] = (
            Enterprise.objects.for_user(user)
            .select_related("region", "town", "zone", "industry")
            .filter(pk=own_id)
            .first()
        )
        if context["own"] is not None:
            own = context["own"]
            steps = []
            if not own.industry_id:
                steps.append("请补填本单位的行业（国民经济行业小类），系统据此判断职业病危害风险分类。")
            if own.employees is None:
                steps.append("请填写从业人员数，系统据此判断企业规模。")
            if own.exposed_workers is None:
                steps.append("请填写接触职业病危害因素的人数（接害人数）。")
            if not own.contact_phone:
                steps.append("请留下联系人和联系电话，方便监管部门和服务机构联系您。")
            context["steps"] = steps
            context["duties"] = employer_duties(own.industry_risk, own.exposed_workers)
            if user.has_perm("stewardship.add_expertquestion"):
                context["advice"] = zone_queries.advice_for(own.pk)
                context["topics"] = ADVICE_TOPICS
    links = context["links"]
    if can_view and not own_id:
        links.append(
            (reverse("registry:enterprise_list"), "查看用人单位", "按区县、行业、风险分类查找和导出")
        )
    if user.has_perm("registry.add_enterprise") and not own_id:
        links.append((reverse("registry:enterprise_import"), "导入名单", "上传 Excel 名单，先预览再确认"))
        links.append((reverse("registry:import_template"), "下载模板", "带下拉选项的导入模板 .xlsx"))
        links.append((reverse("registry:enterprise_create"), "新增用人单位", "逐个登记一家用人单位"))
    if own_id and user.has_perm("declarations.add_declaration"):
        links.append((reverse("declarations:declare"), "网上申报", "职业病危害项目申报和变更申报"))
    for name, label, hint, perm in [
        ("declarations:home", "申报扩面", "危害申报和名单核实", "declarations.view_hazardlistentry"),
        ("intake:batch_list", "数据汇聚", "各来源名单的汇聚与比对", "intake.view_sourcebatch"),
        (
            "stewardship:work",
            "管家服务",
            "服务团队、协议、服务日程和服务记录",
            "stewardship.view_servicevisit",
        ),
        (
            "institutions:institution_list",
            "技术服务机构",
            "机构名录、质控检查、能力验证和三色等级",
            "institutions.view_institution",
        ),
    ]:
        url = _url_or_none(name)
        if url and user.has_perm(perm):
            links.append((url, label, hint))
    if user.has_perm("core.view_auditlog"):
        links.append((reverse("web:audit_list"), "审计日志", "谁在什么时候改了什么"))
    links.append((reverse("web:token_list"), "API 令牌", "供其他系统对接使用"))
    return render(request, "web/home.html", context)


def _audit_queryset(request: HttpRequest):
    form = AuditFilterForm(request.GET or None)
    queryset = AuditLog.objects.for_user(request.user).select_related("content_type", "user")
    return form, form.filter(queryset)


@requires("core.view_auditlog")
def audit_list(request: HttpRequest) -> HttpResponse:
    form, queryset = _audit_queryset(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = list(ChangeDescriber(page.object_list))
    context = {"form": form, "page": page, "entries": entries, "query": filter_query(request)}
    template = "web/_audit_table.html" if htmx.is_partial(request, "audit-results") else "web/audit_list.html"
    return htmx.vary(render(request, template, context))


AUDIT_COLUMNS = [
    ("timestamp", "时间"),
    ("user", "操作人"),
    ("action", "操作"),
    ("type", "对象类型"),
    ("object", "对象"),
    ("field", "字段"),
    ("old", "原值"),
    ("new", "新值"),
    ("source", "来源"),
]


@requires("core.view_auditlog")
def audit_export(request: HttpRequest) -> HttpResponse:
    _, queryset = _audit_queryset(request)

    def rows():
        chunk: list = []
        for entry in queryset.iterator(chunk_size=2000):
            chunk.append(entry)
            if len(chunk) == 2000:
                yield from _audit_rows(chunk)
                chunk = []
        yield from _audit_rows(chunk)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"审计日志-{stamp}.xlsx", AUDIT_COLUMNS, rows())


def _audit_rows(entries):
    for e, type_label, changes, source in ChangeDescriber(entries):
        when = timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        base = [when, e.who, e.get_action_display(), type_label, e.object_repr]
        for label, old, new in changes or [("", "", "")]:
            yield [*base, label, old, new, source]


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; a new token is shown once, in the answer to the POST that made it."""
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_token = account_actions.token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "web/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "api_docs": _url_or_none("api:docs"),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if account_actions.token_revoke(user=request.user, token_id=pk):
        messages.success(request, "令牌已作废，使用它的程序将无法再访问。")
    return redirect("web:token_list")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
