"""Tables of exams, batches (表5-1), tasks and cases: list pages and .xlsx exports share the columns.

Clinical details (the abnormal items) are shown only to viewers with
``surveillance.view_clinical_details`` (``seen_by``); an ID number only masked.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html

from ohsteward.accounts import access
from ohsteward.core.tables import Column, Table
from ohsteward.surveillance.exams.choices import TaskStatus
from ohsteward.surveillance.exams.models import CLINICAL_PERMISSION

HIDDEN = "（仅体检机构与疾控可见）"


def _badge(css: str, text: str) -> str:
    return format_html('<span class="badge {}">{}</span>', css, text)


def _results_text(exam) -> str:
    return "；".join(f"{r.factor.name}：{r.get_conclusion_display()}" for r in exam.results.all())


def _items_text(exam) -> str:
    if not getattr(exam, "clinical_visible", False):
        return HIDDEN
    return "；".join(f"{r.factor.name}：{r.items}" for r in exam.results.all() if r.items)


def _abnormal(exam) -> bool:
    return any(r.conclusion != "a" for r in exam.results.all())


def _results_cell(exam) -> str:
    text = _results_text(exam)
    return format_html("<strong>{}</strong>", text) if _abnormal(exam) else text


class ExamTable(Table):
    html_id = "exam-table"
    select_related = ("worker__person", "worker__enterprise", "institution")
    prefetch_related = ("results__factor",)
    default_sort = "-date"
    columns = [
        Column(
            "劳动者", "worker.name", key="worker", link="surveillance:exam_detail", sortable="worker__name"
        ),
        Column("身份证号", "worker.person.id_number_masked", key="id_number_masked"),
        Column("用人单位", "worker.enterprise.name", key="enterprise"),
        Column("体检日期", "date", sortable="date"),
        Column("体检类别", "get_kind_display", key="type"),
        Column("体检机构", "institution.name", key="institution"),
        Column("结论", _results_text, key="results", html=_results_cell),
        Column("异常项目", _items_text, key="items", export=True),
        Column("编号", "pk", key="id", export=True),
    ]
    list_columns = ("worker", "id_number_masked", "enterprise", "date", "type", "institution", "results")

    @classmethod
    def seen_by(cls, user: Any, objects: list[Any]) -> list[Any]:
        visible = user is None or access.has_perm(user, CLINICAL_PERMISSION)
        for exam in objects:
            exam.clinical_visible = visible
        return objects


def batch_counts(queryset):
    """表5-1 per batch, as annotations (persons, not results): one query per page."""
    examined = Count("exams__worker", distinct=True)

    def persons(code: str):
        return Count("exams__worker", filter=Q(exams__results__conclusion=code), distinct=True)

    return queryset.annotate(
        n_examined=examined,
        n_abnormal=Count("exams__worker", filter=~Q(exams__results__conclusion="a"), distinct=True),
        n_recheck=persons("b"),
        n_suspected=persons("c"),
        n_contraindication=persons("d"),
        n_other=persons("e"),
    )


class ExamBatchTable(Table):
    html_id = "exam-batch-table"
    select_related = ("enterprise", "institution")
    default_sort = "-created"
    columns = [
        Column("上传日期", lambda b: timezone.localtime(b.created_at).date(), key="created", link="surveillance:exambatch_detail", sortable="created_at"),
        Column("用人单位", "enterprise.name", key="enterprise"),
        Column("体检机构", "institution.name", key="institution"),
        Column("来源", "get_source_display", key="source"),
        Column("应检人数", "expected", css="num"),
        Column("实检人数", "n_examined", key="examined", css="num"),
        Column("目前未见异常", lambda b: b.n_examined - b.n_abnormal, key="normal", css="num"),
        Column("复查", "n_recheck", key="recheck", css="num"),
        Column("疑似职业病", "n_suspected", key="suspected", css="num"),
        Column("职业禁忌证", "n_contraindication", key="contraindication", css="num"),
        Column("其他疾病或异常", "n_other", key="other", css="num"),
        Column("编号", "pk", key="id"),
    ]  # fmt: skip

    @classmethod
    def queryset(cls, queryset):
        return batch_counts(super().queryset(queryset))


def task_status_label(task) -> str:
    status = task.status_on(timezone.localdate())
    return TaskStatus(status).label


def _task_status_cell(task) -> str:
    status = task.status_on(timezone.localdate())
    if status == TaskStatus.OVERDUE:
        return _badge("serious", TaskStatus.OVERDUE.label)
    if status == TaskStatus.CLOSED:
        return _badge("active", TaskStatus.CLOSED.label)
    return TaskStatus.OPEN.label


class SurveillanceTaskTable(Table):
    html_id = "task-table"
    select_related = ("worker__person", "worker__enterprise", "factor", "new_post")
    default_sort = "due_on"
    columns = [
        Column("任务类型", "get_kind_display", key="kind", link="surveillance:task_detail"),
        Column("劳动者", "worker.name", key="worker", sortable="worker__name"),
        Column("身份证号", "worker.person.id_number_masked", key="id_number_masked"),
        Column("用人单位", "worker.enterprise.name", key="enterprise"),
        Column("危害因素", "factor.name", key="factor"),
        Column("期限", "due_on", sortable="due_on"),
        Column("状态", task_status_label, key="status", html=_task_status_cell),
        Column("完成日期", "closed_on", sortable="closed_on"),
        Column("调换后的岗位", "new_post.name", key="new_post"),
        Column("说明", "note"),
        Column("编号", "pk", key="id"),
    ]
    list_columns = ("kind", "worker", "enterprise", "factor", "due_on", "status", "closed_on", "note")


def case_deadline_text(case) -> str:
    today = timezone.localdate()
    late = [d for d in case.deadlines_on(today) if d.status == "overdue"]
    if late:
        return "；".join(f"{d.label}已逾期（应于{d.due:%Y-%m-%d}前）" for d in late)
    pending = [d for d in case.deadlines_on(today) if d.status == "open" and d.due]
    if pending:
        d = min(pending, key=lambda x: x.due)
        return f"{d.label}：{d.due:%Y-%m-%d}前"
    return ""


def _case_deadline_cell(case) -> str:
    text = case_deadline_text(case)
    return _badge("serious", text) if "逾期" in text else text


class DiseaseCaseTable(Table):
    html_id = "case-table"
    select_related = ("worker__person", "worker__enterprise", "factor", "referred_to", "disease")
    default_sort = "-found_on"
    columns = [
        Column(
            "劳动者", "worker.name", key="worker", link="surveillance:case_detail", sortable="worker__name"
        ),
        Column("身份证号", "worker.person.id_number_masked", key="id_number_masked"),
        Column("用人单位", "worker.enterprise.name", key="enterprise"),
        Column("危害因素", "factor.name", key="factor"),
        Column("发现日期", "found_on", sortable="found_on"),
        Column("状态", "get_status_display", key="status"),
        Column("诊断机构", "referred_to.name", key="referred_to"),
        Column("诊断结论", "get_outcome_display", key="outcome"),
        Column("职业病名称", "disease.name", key="disease"),
        Column("期别", "stage"),
        Column("时限", case_deadline_text, key="deadlines", html=_case_deadline_cell),
        Column("编号", "pk", key="id"),
    ]
    list_columns = (
        "worker",
        "enterprise",
        "factor",
        "found_on",
        "status",
        "referred_to",
        "outcome",
        "deadlines",
    )


class ChronicScreeningTable(Table):
    html_id = "screening-table"
    select_related = ("worker__person", "worker__enterprise")
    default_sort = "-screened_on"
    columns = [
        Column("劳动者", "worker.name", key="worker", sortable="worker__name"),
        Column("身份证号", "worker.person.id_number_masked", key="id_number_masked"),
        Column("用人单位", "worker.enterprise.name", key="enterprise"),
        Column("筛查日期", "screened_on", sortable="screened_on"),
        Column("来源", "get_source_display", key="source"),
        Column("血压", lambda s: f"{s.sbp}/{s.dbp}" if s.sbp else "", key="bp"),
        Column("空腹血糖", "fasting_glucose"),
        Column("筛查结果", "get_classification_display", key="classification",
               html=lambda s: _badge("serious", s.get_classification_display()) if s.classification == "emergency" else s.get_classification_display()),
        Column("下次筛查", "rescreen_on"),
        Column("编号", "pk", key="id"),
    ]  # fmt: skip


def _follow_up_due_cell(visit) -> str:
    if visit.is_latest and visit.next_due < timezone.localdate():
        return _badge("serious", f"{visit.next_due:%Y-%m-%d} 已逾期")
    return f"{visit.next_due:%Y-%m-%d}"


class ChronicFollowUpTable(Table):
    html_id = "follow-up-table"
    select_related = ("worker__person", "worker__enterprise")
    default_sort = "-visited_on"
    columns = [
        Column("劳动者", "worker.name", key="worker", sortable="worker__name"),
        Column("身份证号", "worker.person.id_number_masked", key="id_number_masked"),
        Column("用人单位", "worker.enterprise.name", key="enterprise"),
        Column("病种", "get_disease_display", key="disease"),
        Column("随访日期", "visited_on", sortable="visited_on"),
        Column("血压", lambda v: f"{v.sbp}/{v.dbp}" if v.sbp else "", key="bp"),
        Column("空腹血糖", "fasting_glucose"),
        Column("随访结果", "get_outcome_display", key="outcome"),
        Column("需转诊", lambda v: "是" if v.refer else "", key="refer"),
        Column("下次随访", "next_due", sortable="next_due", html=_follow_up_due_cell),
        Column("编号", "pk", key="id"),
    ]


def _patient_due_cell(p) -> str:
    if p.next_follow_up and p.next_follow_up < timezone.localdate():
        return _badge("serious", f"{p.next_follow_up:%Y-%m-%d} 已逾期")
    return f"{p.next_follow_up:%Y-%m-%d}" if p.next_follow_up else "—"


class PneumoconiosisPatientTable(Table):
    html_id = "patient-table"
    select_related = ("person", "enterprise", "disease", "district", "town")
    default_sort = "-diagnosed_on"
    columns = [
        Column("患者", "person.name", key="name", link="surveillance:patient_detail"),
        Column("身份证号", "person.id_number_masked", key="id_number_masked"),
        Column("职业病", "disease.name", key="disease"),
        Column("期别", "stage"),
        Column("诊断日期", "diagnosed_on", sortable="diagnosed_on"),
        Column("诊断时用人单位", "enterprise.name", key="enterprise"),
        Column("居住区县", "district.name", key="district"),
        Column("居住乡镇/街道", "town.name", key="town"),
        Column("状态", "get_status_display", key="status"),
        Column("下次随访", "next_follow_up", sortable="next_follow_up", html=_patient_due_cell),
        Column("编号", "pk", key="id"),
    ]
