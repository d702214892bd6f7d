"""API of exam results and their follow-up: ``exams/``, ``surveillance-tasks/`` and ``cases/``
(field names fixed by issue 12), each with ``export/``. Writes go through ``actions``.

An ID number is never returned in full (``id_number_masked``); the abnormal items of a result
(``items``) are null for a viewer without ``surveillance.view_clinical_details``.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ohsteward.accounts import access
from ohsteward.core.api.fields import PlausibleDateField
from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet, ScopedReadOnlyModelViewSet
from ohsteward.hazards.models import OccupationalDisease
from ohsteward.registry.models import Post
from ohsteward.surveillance import conclusions
from ohsteward.surveillance.choices import ExamKind
from ohsteward.surveillance.exams import actions
from ohsteward.surveillance.exams.choices import BatchSource, DiagnosisOutcome
from ohsteward.surveillance.exams.chronic_api import CHRONIC_ROUTES
from ohsteward.surveillance.exams.filtersets import (
    DiseaseCaseFilterSet,
    ExamFilterSet,
    SurveillanceTaskFilterSet,
)
from ohsteward.surveillance.exams.lookups import find_factor, find_institution
from ohsteward.surveillance.exams.models import (
    CLINICAL_PERMISSION,
    DiseaseCase,
    Exam,
    ExamResult,
    SurveillanceTask,
)
from ohsteward.surveillance.exams.tables import DiseaseCaseTable, ExamTable, SurveillanceTaskTable
from ohsteward.surveillance.models import Worker


def _clinical(context) -> bool:
    request = context.get("request")
    return request is not None and access.has_perm(request.user, CLINICAL_PERMISSION)


class FactorField(serializers.Field):
    """A hazard factor by name, code or alias (分类目录); answers its name."""

    def to_internal_value(self, data):
        factor = find_factor(str(data or ""))
        if factor is None:
            raise serializers.ValidationError(f"未知的危害因素“{data}”（应为分类目录中的名称或代码）")
        return factor

    def to_representation(self, value):
        return value.name


class ConclusionField(serializers.Field):
    def to_internal_value(self, data):
        code = conclusions.parse(data)
        if code is None:
            raise serializers.ValidationError(conclusions.code_error(data))
        return code

    def to_representation(self, value):
        return value


class ResultSerializer(serializers.ModelSerializer):
    factor = FactorField(help_text="危害因素名称或代码，如 噪声、矽尘、苯")
    conclusion = ConclusionField(
        help_text="a 目前未见异常 / b 复查 / c 疑似职业病 / d 职业禁忌证 / e 其他疾病或异常"
    )
    conclusion_label = serializers.CharField(source="get_conclusion_display", read_only=True)
    items = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="异常项目或疾病名称"
    )
    recheck_items = serializers.CharField(required=False, allow_blank=True, default="", help_text="复查项目")
    recheck_by = serializers.DateField(required=False, allow_null=True, default=None, help_text="复查期限")

    class Meta:
        model = ExamResult
        fields = ["factor", "conclusion", "conclusion_label", "items", "recheck_items", "recheck_by"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not _clinical(self.context):
            data["items"] = None
        return data


class InstitutionField(serializers.Field):
    def to_internal_value(self, data):
        institution = find_institution(str(data or ""))
        if institution is None:
            raise serializers.ValidationError(f"机构登记中没有“{data}”")
        return institution

    def to_representation(self, value):
        return value.name


class ExamSerializer(serializers.ModelSerializer):
    worker = serializers.PrimaryKeyRelatedField(
        queryset=Worker.objects.none(), help_text="劳动者编号（workers/ 的 id）"
    )
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    id_number_masked = serializers.CharField(source="worker.person.id_number_masked", read_only=True)
    enterprise = serializers.CharField(source="worker.enterprise.uscc", read_only=True)
    date = PlausibleDateField(help_text="体检日期，不能晚于今天")
    type = serializers.ChoiceField(
        source="kind", choices=ExamKind.choices, help_text="pre / periodic / exit / emergency"
    )
    institution = InstitutionField(help_text="体检机构名称或统一社会信用代码")
    results = ResultSerializer(many=True)
    batch = serializers.IntegerField(source="batch_id", read_only=True)

    class Meta:
        model = Exam
        fields = [
            "id", "worker", "worker_name", "id_number_masked", "enterprise", "date", "type", "institution",
            "report_number", "results", "batch",
        ]  # fmt: skip
        validators: list = []  # the action says "已上传"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["worker"].queryset = Worker.objects.for_user(request.user)


class ExamViewSet(ExportMixin, ScopedModelViewSet):
    """职业健康检查结果：体检机构上传（``results`` 每个危害因素一条结论），用人单位查看结论。
    重复上传同一劳动者同一日期同一类别同一危害因素的结论会被拒绝。"""

    queryset = Exam.objects.select_related(
        "worker__person", "worker__enterprise", "institution"
    ).prefetch_related(
        Prefetch("results", queryset=ExamResult.objects.select_related("factor").order_by("pk"))
    )
    serializer_class = ExamSerializer
    filterset_class = ExamFilterSet
    table_class = ExamTable
    export_filename = "职业健康检查结果"
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        exam = actions.exam_record(
            user=self.request.user,
            worker=d["worker"],
            date=d["date"],
            kind=d["kind"],
            institution=d["institution"],
            report_number=d.get("report_number", ""),
            results=d["results"],
            source=BatchSource.API,
        )
        serializer.instance = self.get_queryset().get(pk=exam.pk)


class TaskSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    id_number_masked = serializers.CharField(source="worker.person.id_number_masked", read_only=True)
    enterprise = serializers.CharField(source="worker.enterprise.uscc", read_only=True)
    factor = serializers.CharField(source="factor.name", read_only=True)
    status = serializers.SerializerMethodField()
    exam = serializers.IntegerField(source="result.exam_id", read_only=True)

    class Meta:
        model = SurveillanceTask
        fields = [
            "id", "kind", "status", "worker", "worker_name", "id_number_masked", "enterprise", "factor",
            "exam", "due_on", "closed_on", "new_post", "note",
        ]  # fmt: skip

    def get_status(self, task) -> str:
        return task.status_on(timezone.localdate())


class ReassignSerializer(serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.none(), required=False, allow_null=True)
    on = PlausibleDateField(help_text="调岗日期")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.for_user(user)


class TaskViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """监护任务：复查（recheck）、调岗（reassignment）、职业病诊断（diagnosis）；
    ``status`` 为 open / overdue / closed。调岗任务由用人单位以 ``reassign`` 登记新岗位。"""

    queryset = SurveillanceTask.objects.select_related(
        "worker__person", "worker__enterprise", "factor", "new_post"
    )
    serializer_class = TaskSerializer
    filterset_class = SurveillanceTaskFilterSet
    table_class = SurveillanceTaskTable
    export_filename = "监护任务"
    permission_action = None  # set per action below (RolePermission)

    @extend_schema(
        request=ReassignSerializer,
        responses={200: TaskSerializer},
        summary="登记调换后的岗位（关闭调岗任务）",
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def reassign(self, request, pk=None):
        task = self.get_object()
        s = ReassignSerializer(data=request.data, user=request.user)
        s.is_valid(raise_exception=True)
        actions.reassignment_record(user=request.user, task=task, **s.validated_data)
        return Response(
            TaskSerializer(self.get_queryset().get(pk=task.pk), context={"request": request}).data
        )


class DeadlineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    late = serializers.BooleanField()
    verified = serializers.BooleanField()


class CaseSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    id_number_masked = serializers.CharField(source="worker.person.id_number_masked", read_only=True)
    enterprise = serializers.CharField(source="worker.enterprise.uscc", read_only=True)
    factor = serializers.CharField(source="factor.name", read_only=True)
    referred_to = serializers.CharField(source="referred_to.name", read_only=True, default=None)
    disease = serializers.CharField(source="disease.name", read_only=True, default=None)
    deadlines = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = DiseaseCase
        fields = [
            "id", "worker", "worker_name", "id_number_masked", "enterprise", "factor", "found_on", "status",
            "employer_notified_on", "referred_to", "referred_on", "outcome", "diagnosed_on", "disease", "stage",
            "certificate_number", "certificate_issued_on", "certificate_delivered_on", "reported_on",
            "certificate_received_on", "appealed_on", "deadlines", "overdue",
        ]  # fmt: skip

    def get_deadlines(self, case) -> list[dict]:
        return [DeadlineSerializer(d).data for d in case.deadlines_on(timezone.localdate())]

    def get_overdue(self, case) -> bool:
        return any(d.status == "overdue" for d in case.deadlines_on(timezone.localdate()))


class ReferSerializer(serializers.Serializer):
    institution = InstitutionField(help_text="职业病诊断机构名称或统一社会信用代码")
    on = PlausibleDateField(help_text="转诊日期")


class DiagnoseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[DiagnosisOutcome.CONFIRMED, DiagnosisOutcome.EXCLUDED])
    diagnosed_on = PlausibleDateField()
    disease = serializers.PrimaryKeyRelatedField(
        queryset=OccupationalDisease.objects.all(),
        required=False,
        allow_null=True,
        help_text="职业病目录条目编号",
    )
    stage = serializers.CharField(required=False, allow_blank=True, default="")
    certificate_number = serializers.CharField(required=False, allow_blank=True, default="")
    certificate_issued_on = PlausibleDateField(required=False, allow_null=True, default=None)


class CaseDatesSerializer(serializers.Serializer):
    certificate_delivered_on = PlausibleDateField(required=False, allow_null=True)
    reported_on = PlausibleDateField(required=False, allow_null=True)
    certificate_received_on = PlausibleDateField(required=False, allow_null=True)
    appealed_on = PlausibleDateField(required=False, allow_null=True)


class CaseViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """职业病诊断个案（疑似职业病）：转诊（``refer``）、诊断结论（``diagnose``）、§13 各环节日期
    （``dates``：证明书送达15日、网络直报15日、申请鉴定30日）；``overdue`` 为有环节逾期。"""

    queryset = DiseaseCase.objects.select_related(
        "worker__person", "worker__enterprise", "factor", "referred_to", "disease"
    )
    serializer_class = CaseSerializer
    filterset_class = DiseaseCaseFilterSet
    table_class = DiseaseCaseTable
    export_filename = "职业病诊断个案"
    permission_action = None  # set per action below (RolePermission)

    def _answer(self, request, case):
        return Response(
            CaseSerializer(self.get_queryset().get(pk=case.pk), context={"request": request}).data
        )

    @extend_schema(request=ReferSerializer, responses={200: CaseSerializer}, summary="转诊至职业病诊断机构")
    @action(detail=True, methods=["post"], permission_action="change")
    def refer(self, request, pk=None):
        case = self.get_object()
        s = ReferSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        actions.case_refer(user=request.user, case=case, **s.validated_data)
        return self._answer(request, case)

    @extend_schema(
        request=DiagnoseSerializer, responses={200: CaseSerializer}, summary="登记诊断结论与诊断证明书"
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def diagnose(self, request, pk=None):
        case = self.get_object()
        s = DiagnoseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        actions.case_diagnose(user=request.user, case=case, **s.validated_data)
        return self._answer(request, case)

    @extend_schema(
        request=CaseDatesSerializer,
        responses={200: CaseSerializer},
        summary="登记送达、直报、收到、申请鉴定日期",
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def dates(self, request, pk=None):
        case = self.get_object()
        s = CaseDatesSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        actions.case_record_dates(user=request.user, case=case, data=s.validated_data)
        return self._answer(request, case)


EXAMS_ROUTES = [
    ("exams", ExamViewSet, "exam"),
    ("surveillance-tasks", TaskViewSet, "surveillance-task"),
    ("cases", CaseViewSet, "case"),
]


def register(router) -> None:
    for prefix, viewset, basename in [*EXAMS_ROUTES, *CHRONIC_ROUTES]:
        router.register(prefix, viewset, basename=basename)
