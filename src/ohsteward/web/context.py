"""Template context: the navigation a user's role may use, their role and jurisdiction."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from ohsteward.accounts import access
from ohsteward.accounts.access import jurisdiction
from ohsteward.registry.models import Enterprise

# (url name, label, permission or None). Pages of apps that are not there yet are skipped.
NAV_ITEMS: list[tuple[str, str, str | None]] = [
    ("web:home", "首页", None),
    ("registry:enterprise_list", "用人单位", "registry.view_enterprise"),
    ("registry:enterprise_import", "导入名单", "registry.add_enterprise"),
    ("registry:change_request_list", "变更申请", "registry.change_enterprisechangerequest"),
    ("declarations:home", "申报扩面", "declarations.view_hazardlistentry"),
    # enterprise managers reach the same page, which shows them their own declarations
    ("declarations:home", "职业病危害申报", "declarations.add_declaration"),
    ("intake:batch_list", "数据汇聚", "intake.view_sourcebatch"),
    ("stewardship:work", "管家服务", "stewardship.view_servicevisit"),
    ("institutions:institution_list", "技术服务机构", "institutions.view_institution"),
    ("institutions:guidance_list", "技术指导", "institutions.view_technicalguidance"),
    ("institutions:reportcard_list", "信息报告卡", "institutions.view_reportcard"),
    # the QC team's findings; institution staff read those about their own institution
    ("supervision:finding_list", "交叉核查发现", "supervision.view_crosscheckfinding"),
    ("exposure:calculator", "接触评价计算器", None),
    ("hazards:edition_list", "接触限值", "hazards.add_exposurelimitedition"),
    ("monitoring:report_list", "检测监测", "monitoring.view_detectionreport"),
    ("monitoring:task_list", "超标整改", "monitoring.view_rectificationtask"),
    ("stewardship:zone_home", "服务专区", "stewardship.add_expertquestion"),
    ("library:regulation_list", "法规标准库", "library.view_regulation"),
    ("supervision:riskassessment_list", "分类监督", "supervision.view_riskassessment"),
    ("surveillance:due", "职业健康监护", "surveillance.view_worker"),
    ("surveillance:exam_list", "体检结果", "surveillance.view_exam"),
    ("surveillance:task_list", "监护任务", "surveillance.view_surveillancetask"),
    ("surveillance:chronicfollowup_list", "慢病随访", "surveillance.view_chronicfollowup"),
    ("surveillance:patient_list", "尘肺病患者", "surveillance.view_pneumoconiosispatient"),
    ("surveillance:dose_list", "个人剂量监测", "surveillance.view_doserecord"),
    ("surveillance:dose_rates", "剂量监测率", "surveillance.view_doserecord"),
    ("indicators:table", "指标与目标", "indicators.view_indicator"),
    ("interdept:insurance_list", "工伤保险参保", "interdept.view_insurancerecord"),
    ("interdept:healthy_list", "健康企业", "interdept.view_healthyenterprise"),
    ("interdept:award_list", "职业健康达人/安康之星", "interdept.view_personaward"),
    ("web:audit_list", "审计日志", "core.view_auditlog"),
    ("accounts:user_list", "用户管理", "accounts.view_user"),
    ("web:job_list", "我的任务", None),
    ("web:token_list", "API 令牌", None),
]


# The menu groups, in order: a group with one page the user may open is a plain link, a group with
# more is a drop-down (details/summary: works without JavaScript and on a phone). 18 top-level links
# wrapped onto two lines at 1280 px; a district officer now sees eight entries.
NAV_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("首页", ("web:home",)),
    ("用人单位", ("registry:enterprise_list", "registry:enterprise_import", "registry:change_request_list")),
    ("申报扩面", ("declarations:home", "intake:batch_list")),
    (
        "检测",
        ("monitoring:report_list", "monitoring:task_list", "exposure:calculator", "hazards:edition_list"),
    ),
    (
        "监护",
        (
            "surveillance:due",
            "surveillance:exam_list",
            "surveillance:task_list",
            "surveillance:chronicfollowup_list",
            "surveillance:patient_list",
            "surveillance:dose_list",
            "surveillance:dose_rates",
        ),
    ),
    ("管家服务", ("stewardship:work", "stewardship:zone_home")),
    (
        "机构",
        (
            "institutions:institution_list",
            "institutions:guidance_list",
            "institutions:reportcard_list",
            "supervision:finding_list",
        ),
    ),
    ("监督", ("supervision:riskassessment_list",)),
    ("部门名单", ("interdept:insurance_list", "interdept:healthy_list", "interdept:award_list")),
    (
        "更多",
        ("library:regulation_list", "web:job_list", "web:token_list", "web:audit_list", "accounts:user_list"),
    ),
]


def _grouped(items: list[dict]) -> list[dict]:
    """The flat menu in its groups; a page no group names gets its own entry at the end."""
    by_name = {i["name"]: i for i in items}
    groups, placed = [], set()
    for label, names in NAV_GROUPS:
        members = [by_name[n] for n in names if n in by_name]
        placed.update(n for n in names if n in by_name)
        if not members:
            continue
        groups.append(
            {
                "label": members[0]["label"] if len(members) == 1 else label,
                "items": members,
                "active": any(m["active"] for m in members),
            }
        )
    for i in items:
        if i["name"] not in placed:
            groups.append({"label": i["label"], "items": [i], "active": i["active"]})
    return groups


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    current = request.path
    if access.own_person_id(user):
        # a worker's own login reads one page (their file): no menu of the platform's work
        items = [
            {
                "name": "surveillance:me",
                "url": reverse("surveillance:me"),
                "label": "我的档案",
                "active": True,
            }
        ]
        return {
            "nav": items,
            "nav_groups": _grouped(items),
            "jurisdiction": jurisdiction(user),
            "sees_everything": False,
            "own_enterprise_id": None,
            "user_role_label": "劳动者本人",
            "user_scope_label": "本人",
        }
    own_id = access.own_enterprise_id(user)
    own = None
    if own_id:
        own = Enterprise.objects.filter(pk=own_id).values("pk", "uscc", "name").first()
    items = []
    for name, label, perm in NAV_ITEMS:
        if perm and not user.has_perm(perm):
            continue
        url = _url(name)
        if url is None or any(i["url"] == url for i in items):
            continue
        if own_id and name == "registry:enterprise_import":
            continue  # an employer keeps its own record up to date on its page, not by list import
        if own and name == "registry:enterprise_list":
            # an employer's manager has one employer: the menu goes straight to it
            url, label = reverse("registry:enterprise_detail", args=[own["uscc"] or own["pk"]]), "本单位"
        active = current == url if url == "/" else current.startswith(url)
        items.append({"name": name, "url": url, "label": label, "active": active})
    # the longest matching prefix wins (导入名单 under /registry/ should not light 用人单位 too)
    active = [i for i in items if i["active"]]
    if len(active) > 1:
        best = max(active, key=lambda i: len(i["url"]))
        for i in items:
            i["active"] = i is best
    assignment = user.assignment
    return {
        "nav": items,
        "nav_groups": _grouped(items),
        # named answers for templates; "jurisdiction" stays for the declarations templates until
        # their rewrite reads sees_everything (integrator: drop it then)
        "jurisdiction": jurisdiction(user),
        "sees_everything": access.sees_everything(user),
        "own_enterprise_id": own_id,
        "user_role_label": assignment.get_role_display()
        if assignment
        else ("系统管理员" if user.is_superuser else "未分配角色"),
        "user_scope_label": access.jurisdiction_label(user, own["name"] if own else None),
    }
