"""Tables of classified supervision: list pages and .xlsx exports share the columns."""

from __future__ import annotations

from django.utils import timezone

from ohsteward.core.tables import Column, Table
from ohsteward.supervision import rules


def _flag(verified) -> str:
    return "已核对" if verified else "未核对"


def _parts(a) -> str:
    v = a.verified or {}
    names = {"hazard_level": "风险等级", "management_status": "管理状况", "comprehensive_class": "综合类别"}
    pending = [label for key, label in names.items() if not v.get(key)]
    return "全部已核对" if not pending else "未核对：" + "、".join(pending)


class RiskAssessmentTable(Table):
    html_id = "risk-assessment-table"
    select_related = ("enterprise__region",)
    default_sort = "-assessed_on"
    columns = [
        Column("编号", "pk", key="id", link="supervision:riskassessment_detail", sortable="pk"),
        Column("用人单位", "enterprise.name", key="enterprise", link="supervision:riskassessment_detail", sortable="enterprise__name"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("区县", "enterprise.region.name", key="district"),
        Column("评估日期", "assessed_on", sortable="assessed_on"),
        Column("职业病危害风险等级", "get_hazard_level_display", key="hazard_level", sortable="hazard_level"),
        Column("管理自查得分", "management_score", css="num"),
        Column("管理状况等级", "management_status", sortable="management_status"),
        Column("综合风险类别", "class_label", key="comprehensive_class", sortable="comprehensive_class"),
        Column("核对情况", _parts, key="verified"),
        Column("方案", "scheme"),
        Column("规则版本", "rules_version"),
        Column("应重新评估日期", "reassess_due"),
    ]  # fmt: skip


class SelfInspectionTable(Table):
    html_id = "self-inspection-table"
    select_related = ("enterprise__region", "checklist")
    default_sort = "-filled_on"
    columns = [
        Column("编号", "pk", key="id", link="supervision:selfinspection_detail", sortable="pk"),
        Column("用人单位", "enterprise.name", key="enterprise", link="supervision:selfinspection_detail", sortable="enterprise__name"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("自查日期", "filled_on", sortable="filled_on"),
        Column("状态", "get_state_display", key="state", sortable="state"),
        Column("得分", "score", css="num", sortable="score"),
        Column("管理状况等级", "status", sortable="status"),
        Column("自查表版本", "checklist.code", key="checklist"),
        Column("自查表核对", lambda s: _flag(s.checklist.verified), key="checklist_verified"),
        Column("审核日期", "reviewed_on"),
    ]  # fmt: skip


class InspectionPlanTable(Table):
    html_id = "inspection-plan-table"
    select_related = ("district",)
    default_sort = "-year"
    columns = [
        Column("区县", "district.name", key="district", link="supervision:plan_detail", sortable="district_id"),
        Column("年度", "year", sortable="year"),
        Column("随机种子", "seed"),
        Column("抽中家数", lambda p: "、".join(f"{k}类{v}" for k, v in sorted(p.drawn.items())), key="drawn"),
    ]  # fmt: skip


class InspectionTable(Table):
    html_id = "inspection-table"
    select_related = ("enterprise__region", "inspector", "plan")
    default_sort = "-inspected_on"
    columns = [
        Column("编号", "pk", key="id", link="supervision:inspection_detail", sortable="pk"),
        Column("用人单位", "enterprise.name", key="enterprise", link="supervision:inspection_detail", sortable="enterprise__name"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("区县", "enterprise.region.name", key="district"),
        Column("计划年度", "plan.year", key="plan_year"),
        Column("抽取时类别", "drawn_class"),
        Column("状态", "get_status_display", key="status", sortable="status"),
        Column("检查日期", "inspected_on", sortable="inspected_on"),
        Column("检查人员", lambda i: i.inspector.get_full_name() or i.inspector.username if i.inspector else "", key="inspector"),
        Column("发现的问题", "findings"),
        Column("责令改正期限", "order_deadline", sortable="order_deadline"),
        Column("复查已改正", lambda i: {True: "是", False: "否", None: ""}[i.corrected], key="corrected"),
    ]  # fmt: skip


class EnforcementCaseTable(Table):
    html_id = "enforcement-case-table"
    select_related = ("enterprise__region",)
    default_sort = "-opened_on"
    columns = [
        Column("编号", "pk", key="id", sortable="pk"),
        Column("案号", lambda c: c.case_no or f"#{c.pk}", key="case_no", link="supervision:case_detail"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("区县", "enterprise.region.name", key="district"),
        Column("立案日期", "opened_on", sortable="opened_on"),
        Column("适用法律条款", "provisions"),
        Column("状态", "get_status_display", key="status", sortable="status"),
        Column("处理决定", "decision"),
        Column("罚款金额（元）", "penalty_amount", css="num"),
        Column("结案日期", "closed_on"),
    ]  # fmt: skip


def _late(p) -> str:
    late = rules.late_stages(
        p.stage_dates(), serious=p.serious, started_on=p.started_on, planned_completion=p.planned_completion,
        today=timezone.localdate(),
    )  # fmt: skip
    return "、".join(rules.STAGE_LABELS[s] for s in late)


class ConstructionProjectTable(Table):
    html_id = "construction-project-table"
    select_related = ("enterprise__region",)
    default_sort = "-pk"
    columns = [
        Column("编号", "pk", key="id", link="supervision:project_detail", sortable="pk"),
        Column("项目名称", "name", sortable="name"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("区县", "enterprise.region.name", key="district"),
        Column("建设性质", "get_kind_display", key="kind"),
        Column("风险类别", lambda p: "严重" if p.serious else "一般", key="serious"),
        Column("开工日期", "started_on"),
        Column("计划竣工日期", "planned_completion"),
        Column("预评价", "pre_assessment_on"),
        Column("防护设施设计", lambda p: p.design_on if p.serious else "不适用", key="design_on"),
        Column("控制效果评价", "control_effect_on"),
        Column("竣工验收", "acceptance_on"),
        Column("滞后阶段", _late, key="late"),
    ]


def _records(w) -> str:
    return "；".join(label for label, _url in (w.records or []))


class EarlyWarningTable(Table):
    html_id = "warning-table"
    select_related = ("enterprise__region",)
    default_sort = "-opened_on"
    columns = [
        Column("编号", "pk", key="id", link="supervision:warning_detail", sortable="pk"),
        Column("用人单位", "enterprise.name", key="enterprise", sortable="enterprise__name"),
        Column("统一社会信用代码", "enterprise.uscc", key="uscc"),
        Column("区县", "enterprise.region.name", key="district"),
        Column("预警类型", "get_kind_display", key="kind", sortable="kind"),
        Column("说明", "message"),
        Column("应处置方", "get_actor_display", key="actor"),
        Column("预警日期", "opened_on", sortable="opened_on"),
        Column("解除日期", "closed_on"),
        Column("相关记录", _records, key="records"),
    ]


def _subject_district(f) -> str:
    region = f.enterprise.region if f.enterprise_id else f.institution.region if f.institution_id else None
    return region.name if region else "外省机构" if f.institution_id else ""


def _datetime(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class CrossCheckFindingTable(Table):
    html_id = "finding-table"
    select_related = ("enterprise__region", "institution__region", "decided_by")
    default_sort = "-year"
    columns = [
        Column("编号", "pk", key="id", link="supervision:finding_detail", sortable="pk"),
        Column("年度", "year", sortable="year"),
        Column("核查类别", "get_kind_display", key="kind", sortable="kind"),
        Column("机构", lambda f: f.institution.name if f.institution_id else "", key="institution", sortable="institution__name"),
        Column("机构信用代码", lambda f: f.institution.uscc if f.institution_id else "", key="institution_uscc", export=True),
        Column("用人单位", lambda f: f.enterprise.name if f.enterprise_id else "", key="enterprise", sortable="enterprise__name"),
        Column("用人单位信用代码", lambda f: f.enterprise.uscc if f.enterprise_id else "", key="enterprise_uscc", export=True),
        Column("区县", _subject_district, key="district"),
        Column("发现", "summary"),
        Column("相关记录", _records, key="records"),
        Column("核实结论", "get_status_display", key="status", sortable="status"),
        Column("核实说明", "note"),
        Column("核实人", lambda f: f.decided_by.get_username() if f.decided_by_id else "", key="decided_by"),
        Column("核实时间", "decided_at", format=_datetime, sortable="decided_at"),
        Column("首次发现", "found_at", format=_datetime, sortable="found_at"),
        Column("复核未再发现", "gone_at", format=_datetime, key="gone_at"),
    ]  # fmt: skip
    list_columns = [
        "id",
        "year",
        "kind",
        "institution",
        "enterprise",
        "district",
        "summary",
        "status",
        "gone_at",
    ]
