"""FilterSets of exams, tasks and cases: list pages' filter panels, API query parameters, exports."""

from __future__ import annotations

import django_filters as filters

from ohsteward.core.filtersets import FilterSet
from ohsteward.core.forms import FilterForm
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region
from ohsteward.surveillance.choices import ExamKind
from ohsteward.surveillance.exams.choices import (
    CaseStatus,
    ChronicClass,
    ChronicDisease,
    Conclusion,
    TaskKind,
    TaskStatus,
)
from ohsteward.surveillance.exams.models import (
    ChronicFollowUp,
    ChronicScreening,
    DiseaseCase,
    Exam,
    ExamBatch,
    PneumoconiosisPatient,
    SurveillanceTask,
)

YES_NO = [("yes", "是"), ("no", "否")]


def _districts(request):
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")


class _WorkerFilters(FilterSet):
    """Filters shared by the rows that belong to a worker (``worker_path`` to the Worker)."""

    worker_path = "worker"
    q = filters.CharFilter(label="劳动者姓名", method="filter_q")
    enterprise = filters.CharFilter(label="用人单位（统一社会信用代码）", method="filter_enterprise")
    region = filters.ModelChoiceFilter(label="区县", method="filter_region", queryset=_districts)

    def filter_q(self, queryset, name, value):
        return queryset.filter(**{f"{self.worker_path}__name__contains": value.strip()})

    def filter_enterprise(self, queryset, name, value):
        return queryset.filter(**{f"{self.worker_path}__enterprise__uscc": value.strip().upper()})

    def filter_region(self, queryset, name, value):
        return queryset.filter(**{f"{self.worker_path}__enterprise__region": value})


class ExamFilterSet(_WorkerFilters):
    type = filters.ChoiceFilter(label="体检类别", field_name="kind", choices=ExamKind.choices)
    conclusion = filters.ChoiceFilter(label="含结论", choices=Conclusion.choices, method="filter_conclusion")
    date_from = filters.DateFilter(label="体检日期自", field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(label="体检日期至", field_name="date", lookup_expr="lte")
    batch = filters.NumberFilter(label="批次", field_name="batch_id")

    class Meta:
        model = Exam
        fields = ["q", "enterprise", "region", "type", "conclusion", "date_from", "date_to", "batch"]
        form = FilterForm

    def filter_conclusion(self, queryset, name, value):
        return queryset.filter(results__conclusion=value).distinct()


class ExamBatchFilterSet(FilterSet):
    enterprise = filters.CharFilter(label="用人单位（统一社会信用代码）", field_name="enterprise__uscc")
    region = filters.ModelChoiceFilter(label="区县", field_name="enterprise__region", queryset=_districts)

    class Meta:
        model = ExamBatch
        fields = ["enterprise", "region"]
        form = FilterForm


class SurveillanceTaskFilterSet(_WorkerFilters):
    kind = filters.ChoiceFilter(label="任务类型", choices=TaskKind.choices)
    status = filters.ChoiceFilter(label="状态", choices=TaskStatus.choices, method="filter_status")
    still_exposed = filters.ChoiceFilter(label="逾期仍接触禁忌因素", choices=YES_NO, method="filter_exposed")

    class Meta:
        model = SurveillanceTask
        fields = ["q", "enterprise", "region", "kind", "status", "still_exposed"]
        form = FilterForm

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value, self.today)

    def filter_exposed(self, queryset, name, value):
        exposed = queryset.still_exposed(self.today).filter(closed_on__isnull=True)
        return exposed if value == "yes" else queryset.exclude(pk__in=exposed.values("pk"))


class DiseaseCaseFilterSet(_WorkerFilters):
    status = filters.ChoiceFilter(label="状态", choices=CaseStatus.choices)
    overdue = filters.ChoiceFilter(label="时限逾期", choices=YES_NO, method="filter_overdue")

    class Meta:
        model = DiseaseCase
        fields = ["q", "enterprise", "region", "status", "overdue"]
        form = FilterForm

    def filter_overdue(self, queryset, name, value):
        late = queryset.overdue(self.today)
        return late if value == "yes" else queryset.exclude(pk__in=late.values("pk"))


class ChronicScreeningFilterSet(_WorkerFilters):
    classification = filters.ChoiceFilter(label="筛查结果", choices=ChronicClass.choices)
    year = filters.NumberFilter(label="年度", field_name="screened_on__year")

    class Meta:
        model = ChronicScreening
        fields = ["q", "enterprise", "region", "classification", "year"]
        form = FilterForm


class ChronicFollowUpFilterSet(_WorkerFilters):
    disease = filters.ChoiceFilter(label="病种", choices=ChronicDisease.choices)
    overdue = filters.ChoiceFilter(label="随访逾期", choices=YES_NO, method="filter_overdue")

    class Meta:
        model = ChronicFollowUp
        fields = ["q", "enterprise", "region", "disease", "overdue"]
        form = FilterForm

    def filter_overdue(self, queryset, name, value):
        late = queryset.overdue(self.today)
        return late if value == "yes" else queryset.exclude(pk__in=late.values("pk"))


class PneumoconiosisPatientFilterSet(FilterSet):
    q = filters.CharFilter(label="患者姓名", field_name="person__name", lookup_expr="contains")
    district = filters.ModelChoiceFilter(label="居住区县", field_name="district", queryset=_districts)
    overdue = filters.ChoiceFilter(label="随访逾期", choices=YES_NO, method="filter_overdue")

    class Meta:
        model = PneumoconiosisPatient
        fields = ["q", "district", "overdue"]
        form = FilterForm

    def filter_overdue(self, queryset, name, value):
        late = queryset.filter(status="alive", next_follow_up__lt=self.today)
        return late if value == "yes" else queryset.exclude(pk__in=late.values("pk"))
