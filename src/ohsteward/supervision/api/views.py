"""API of classified supervision: the stateless ``risk/assess/`` calculator and the scoped
``risk-assessments/``, ``self-inspections/``, ``inspection-plans/``, ``inspections/`` and
``enforcement-cases/`` (field names of ``risk/assess/`` fixed by issue 13). Writes go through
``actions``."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ohsteward.accounts import access
from ohsteward.core.api.jobs import JobAcceptedSerializer, job_accepted
from ohsteward.core.api.viewsets import (
    AuditedViewMixin,
    ExportMixin,
    ScopedModelViewSet,
    ScopedReadOnlyModelViewSet,
)
from ohsteward.hazards import lookup
from ohsteward.registry.models import Enterprise, Region
from ohsteward.supervision import actions, jobs, portrait, queries, rules
from ohsteward.supervision.choices import FindingStatus
from ohsteward.supervision.filtersets import (
    ConstructionProjectFilterSet,
    CrossCheckFindingFilterSet,
    EarlyWarningFilterSet,
    EnforcementCaseFilterSet,
    InspectionFilterSet,
    InspectionPlanFilterSet,
    RiskAssessmentFilterSet,
    SelfInspectionFilterSet,
)
from ohsteward.supervision.models import (
    ConstructionProject,
    CrossCheckFinding,
    EarlyWarning,
    EnforcementCase,
    Inspection,
    InspectionPlan,
    RiskAssessment,
    SelfInspection,
    SelfInspectionAnswer,
)
from ohsteward.supervision.tables import (
    ConstructionProjectTable,
    CrossCheckFindingTable,
    EarlyWarningTable,
    EnforcementCaseTable,
    InspectionPlanTable,
    InspectionTable,
    RiskAssessmentTable,
    SelfInspectionTable,
)

# --------------------------------------------------------------------------------------------
# POST /api/v1/risk/assess/ (stateless)
# --------------------------------------------------------------------------------------------


class RiskFactorSerializer(serializers.Serializer):
    factor = serializers.CharField(help_text="危害因素：CDC代码、名称或别名（危害因素目录）")
    serious = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="是否严重职业病危害因素；省略则按目录判定"
    )
    compliant = serializers.BooleanField(allow_null=True, help_text="接触水平是否符合；null = 无检测结果")
    exposed = serializers.IntegerField(
        min_value=0, help_text="接触人数", error_messages={"min_value": "接触人数不能为负数"}
    )


class AssessSerializer(serializers.Serializer):
    factors = RiskFactorSerializer(many=True, allow_empty=True)
    management_score = serializers.FloatField(
        required=False, allow_null=True, default=None, help_text="职业卫生管理自查得分（0–100）"
    )
    on = serializers.DateField(help_text="评估日期（选择适用的规则版本）")

    def validate_management_score(self, value):
        if error := rules.score_error(value):
            raise serializers.ValidationError(error)
        return value


class AssessResultSerializer(serializers.Serializer):
    hazard_level = serializers.ChoiceField(choices=list(rules.LEVELS))
    management_status = serializers.ChoiceField(choices=list(rules.STATUSES), allow_null=True)
    comprehensive_class = serializers.ChoiceField(choices=list(rules.CLASSES), allow_null=True)
    scheme = serializers.CharField()
    verified = serializers.DictField(child=serializers.BooleanField())
    explanation = serializers.ListField(child=serializers.CharField())


class RiskAssessView(AuditedViewMixin, APIView):
    """职业病危害综合风险在线评估（无状态，不保存）。"""

    @extend_schema(
        request=AssessSerializer,
        responses={200: AssessResultSerializer},
        summary="职业病危害综合风险在线评估（附件1–3，不保存）",
        description=(
            "按国疾控综监督二函〔2022〕50号：每个危害因素的性质（严重/一般；省略 `serious` 时按危害因素目录判定："
            "高毒物品目录、石棉、矽尘、GBZ 2.1 标注G1、电离辐射）、接触水平（`compliant`，null 表示无检测结果，"
            "按配置的默认值判定并标注未核对）和接触人数，经附表1-1得出职业病危害风险等级 `hazard_level`（I/II/III），"
            "取各因素最高者；`management_score`（0–100）得出管理状况 `management_status`（A≥90，B 70–89，C<70）；"
            "两者经附件3矩阵得出综合风险类别 `comprehensive_class`（甲类风险最低、丙类最高；矩阵未核对）。"
            "`verified` 逐项说明是否已核对官方文本，`explanation` 为逐条的中文判定说明。"
        ),
    )
    def post(self, request):
        data = AssessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            r = rules.rules_on(v["on"])
        except rules.RuleError as error:
            raise DRFValidationError({"on": [str(error)]}) from error
        factors, unknown = [], []
        for i, f in enumerate(v["factors"]):
            try:
                match: lookup.FactorMatch | None = lookup.resolve_factor(f["factor"])
            except lookup.UnknownFactor as error:
                if f.get("serious") is None:
                    near = "；是否为：" + "、".join(error.suggestions) if error.suggestions else ""
                    unknown.append(
                        f"第{i + 1}项: 危害因素“{f['factor']}”不在目录中（可填写 serious 指明性质）{near}"
                    )
                    continue
                match = None
            reasons = tuple(queries.match_reasons(match, r)) if match else ()
            factors.append(
                rules.FactorInput(
                    name=match.name if match else f["factor"],
                    exposed=f["exposed"],
                    compliant=f["compliant"],
                    serious=f.get("serious"),
                    reasons=reasons,
                )
            )
        if unknown:
            raise DRFValidationError({"factors": unknown})
        result = rules.assess(factors, on=v["on"], management_score=v["management_score"], rules=r)
        return Response(
            {
                "hazard_level": result.hazard.level,
                "management_status": result.management_status,
                "comprehensive_class": result.comprehensive_class,
                "scheme": result.scheme,
                "verified": result.verified,
                "explanation": list(result.explanation),
            }
        )


# --------------------------------------------------------------------------------------------
# risk-assessments/
# --------------------------------------------------------------------------------------------


class RiskAssessmentSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id", "enterprise", "enterprise_name", "assessed_on", "scheme", "rules_version", "hazard_level",
            "management_score", "management_status", "comprehensive_class", "verified", "factors",
            "explanation", "basis", "declaration", "self_inspection", "reassess_due",
        ]  # fmt: skip


class RiskAssessRequestSerializer(serializers.Serializer):
    enterprise = serializers.CharField(help_text="统一社会信用代码")
    on = serializers.DateField(required=False, help_text="评估日期，默认今天")


class RiskAssessmentViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """职业病危害综合风险评估记录（每个单位的历史；方案与规则版本随结果保存）。``assess`` 按现有数据重新评估一个单位。"""

    permission_action = None  # set per action below (RolePermission)

    queryset = RiskAssessment.objects.select_related("enterprise").order_by("-assessed_on", "-pk")
    serializer_class = RiskAssessmentSerializer
    filterset_class = RiskAssessmentFilterSet
    table_class = RiskAssessmentTable
    export_filename = "综合风险评估"

    @extend_schema(
        request=RiskAssessRequestSerializer,
        responses={201: RiskAssessmentSerializer},
        summary="按现有数据评估一个单位并保存",
    )
    @action(detail=False, methods=["post"], permission_action="add")
    def assess(self, request):
        s = RiskAssessRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        enterprise = access.get_for_user_or_404(
            Enterprise.objects, request.user, uscc=s.validated_data["enterprise"]
        )
        on = s.validated_data.get("on") or timezone.localdate()
        assessment = actions.risk_assess(user=request.user, enterprise=enterprise, on=on)
        return Response(RiskAssessmentSerializer(assessment).data, status=201)


# --------------------------------------------------------------------------------------------
# self-inspections/
# --------------------------------------------------------------------------------------------


class AnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code")
    section = serializers.CharField(source="item.section")
    text = serializers.CharField(source="item.text")
    max_points = serializers.DecimalField(source="item.points", max_digits=5, decimal_places=1)
    veto = serializers.BooleanField(source="item.veto")
    evidence = serializers.SerializerMethodField()
    records = serializers.SerializerMethodField()

    class Meta:
        model = SelfInspectionAnswer
        fields = [
            "code", "section", "text", "max_points", "veto", "points", "original_points", "note",
            "records", "review_note", "evidence",
        ]  # fmt: skip

    def get_records(self, answer) -> list[dict]:
        """Links to records of the system cited as evidence (pre-filled or added by the manager)."""
        return [
            {"id": r.pk, "kind": r.kind, "label": r.label, "url": r.url, "prefilled": r.added_by_id is None}
            for r in answer.records.all()
        ]

    def get_evidence(self, answer) -> list[str]:
        return [e.name for e in answer.evidence.all()]


class SelfInspectionSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())
    checklist = serializers.CharField(source="checklist.code", read_only=True)
    checklist_verified = serializers.BooleanField(source="checklist.verified", read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = SelfInspection
        fields = [
            "id", "enterprise", "checklist", "checklist_verified", "filled_on", "state", "score", "status",
            "veto_failed", "submitted_on", "reviewed_on", "review_note", "answers",
        ]  # fmt: skip
        read_only_fields = [
            "filled_on",
            "state",
            "score",
            "status",
            "veto_failed",
            "submitted_on",
            "reviewed_on",
            "review_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
            self.fields["enterprise"].error_messages["does_not_exist"] = "该单位不存在或不在您的管辖范围内"


class AnswerWriteSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class RecordAddSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()


class RecordRemoveSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class ReviewSerializer(serializers.Serializer):
    adjustments = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=1), required=False, default=dict
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SelfInspectionViewSet(ExportMixin, ScopedModelViewSet):
    """职业卫生管理自查（附件2）：用人单位按当前自查表逐项填写得分和佐证，提交后由其管家团队或区县审核调整，得分确定A/B/C。
    自查表当前为临时版（未核对），市级用户导入官方版本后替换。"""

    permission_action = None  # set per action below (RolePermission)

    queryset = (
        SelfInspection.objects.select_related("enterprise", "checklist")
        .prefetch_related("answers__item", "answers__evidence", "answers__records")
        .order_by("-filled_on", "-pk")
    )
    serializer_class = SelfInspectionSerializer
    filterset_class = SelfInspectionFilterSet
    table_class = SelfInspectionTable
    export_filename = "职业卫生管理自查"
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        enterprise = serializer.validated_data["enterprise"]
        inspection = actions.self_inspection_start(
            user=self.request.user, enterprise=enterprise, on=timezone.localdate()
        )
        serializer.instance = self.get_queryset().get(pk=inspection.pk)

    @extend_schema(
        request=AnswerWriteSerializer,
        responses={200: SelfInspectionSerializer},
        summary="填写一个条目（得分、说明、佐证文件）",
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def answer(self, request, pk=None):
        inspection = self.get_object()
        s = AnswerWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        actions.self_inspection_answer(
            user=request.user,
            inspection=inspection,
            code=d["code"],
            points=d["points"],
            note=d["note"],
            files=d["evidence"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(
        request=RecordAddSerializer,
        responses={200: SelfInspectionSerializer},
        summary="为条目引用一条系统记录",
    )
    @action(detail=True, methods=["post"], permission_action="change", url_path="add-record")
    def add_record(self, request, pk=None):
        inspection = self.get_object()
        s = RecordAddSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        actions.self_inspection_record_add(user=request.user, inspection=inspection, **s.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(
        request=RecordRemoveSerializer, responses={200: SelfInspectionSerializer}, summary="移除一条引用记录"
    )
    @action(detail=True, methods=["post"], permission_action="change", url_path="remove-record")
    def remove_record(self, request, pk=None):
        inspection = self.get_object()
        s = RecordRemoveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        actions.self_inspection_record_remove(
            user=request.user, inspection=inspection, record_id=s.validated_data["id"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(request=None, responses={200: SelfInspectionSerializer}, summary="提交审核")
    @action(detail=True, methods=["post"], permission_action="change")
    def submit(self, request, pk=None):
        inspection = actions.self_inspection_submit(
            user=request.user, inspection=self.get_object(), on=timezone.localdate()
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(
        request=ReviewSerializer, responses={200: SelfInspectionSerializer}, summary="审核（可调整条目得分）"
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def review(self, request, pk=None):
        s = ReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        inspection = actions.self_inspection_review(
            user=request.user, inspection=self.get_object(), on=timezone.localdate(), **s.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)


# --------------------------------------------------------------------------------------------
# inspection-plans/, inspections/, enforcement-cases/
# --------------------------------------------------------------------------------------------


class InspectionPlanSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    seed = serializers.IntegerField(required=False)

    class Meta:
        model = InspectionPlan
        fields = ["id", "district", "year", "seed", "ratios", "drawn", "note"]
        read_only_fields = ["ratios", "drawn"]
        validators: list = []  # the action says "该区县该年度已有监督检查计划"


class InspectionPlanViewSet(ExportMixin, ScopedModelViewSet):
    """年度监督检查计划：按综合风险类别分层、按区县配置的抽查比例“双随机”抽取（随机种子可复现）。"""

    queryset = InspectionPlan.objects.select_related("district").order_by("-year", "district_id", "pk")
    serializer_class = InspectionPlanSerializer
    filterset_class = InspectionPlanFilterSet
    table_class = InspectionPlanTable
    export_filename = "年度监督检查计划"
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        seed = d.get("seed")
        if seed is None:
            seed = int(timezone.now().timestamp())
        plan = actions.plan_generate(
            user=self.request.user, district=d["district"], year=d["year"], seed=seed
        )
        serializer.instance = plan


class InspectionSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id", "enterprise", "enterprise_name", "plan", "drawn_class", "inspector", "status", "inspected_on",
            "checklist", "findings", "opinion", "order_deadline", "reinspection_of", "corrected", "state",
        ]  # fmt: skip

    def get_state(self, inspection) -> str:
        return rules.three_step_state(
            has_findings=bool(inspection.findings.strip()),
            deadline=inspection.order_deadline,
            reinspected_ok=next((r.corrected for r in inspection.reinspections.all()), None),
            case_opened=bool(inspection.cases.all()),
            today=timezone.localdate(),
        ).label


class InspectionRecordSerializer(serializers.Serializer):
    inspected_on = serializers.DateField()
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    order_deadline = serializers.DateField(required=False, allow_null=True, default=None)


class ReinspectSerializer(serializers.Serializer):
    inspected_on = serializers.DateField()
    corrected = serializers.BooleanField()
    findings = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    inspector = serializers.CharField(help_text="检查人员用户名")
    second_inspector = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="第二检查人员用户名"
    )


class InspectionViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """监督检查：检查记录（发现的问题、监督意见、责令改正期限）与“三步法”状态（教育引导→限期改正→逾期处罚）。"""

    permission_action = None  # set per action below (RolePermission)

    queryset = (
        Inspection.objects.select_related("enterprise", "plan", "inspector")
        .prefetch_related("reinspections", "cases")
        .order_by("-inspected_on", "-pk")
    )
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    table_class = InspectionTable
    export_filename = "监督检查"

    @extend_schema(
        request=InspectionRecordSerializer, responses={200: InspectionSerializer}, summary="录入检查结果"
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def record(self, request, pk=None):
        s = InspectionRecordSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        inspection = actions.inspection_record(
            user=request.user, inspection=self.get_object(), today=timezone.localdate(), **s.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(request=ReinspectSerializer, responses={201: InspectionSerializer}, summary="复查")
    @action(detail=True, methods=["post"], permission_action="change")
    def reinspect(self, request, pk=None):
        s = ReinspectSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        follow = actions.inspection_reinspect(
            user=request.user, inspection=self.get_object(), today=timezone.localdate(), **s.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=follow.pk)).data, status=201)


class EnforcementCaseSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())

    class Meta:
        model = EnforcementCase
        fields = [
            "id", "enterprise", "inspection", "case_no", "opened_on", "violations", "provisions", "status",
            "decision", "penalty_amount", "decided_on", "closed_on",
        ]  # fmt: skip
        read_only_fields = ["status", "decision", "penalty_amount", "decided_on", "closed_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
            self.fields["enterprise"].error_messages["does_not_exist"] = "该单位不存在或不在您的管辖范围内"
            self.fields["inspection"].queryset = Inspection.objects.for_user(request.user)


class DecideSerializer(serializers.Serializer):
    decision = serializers.CharField()
    decided_on = serializers.DateField()
    penalty_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )


class CloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField()


class EnforcementCaseViewSet(ExportMixin, ScopedModelViewSet):
    """执法案件：立案（违法事实、适用法律条款）、处理决定（处罚）、结案（无处理决定不能结案）。"""

    permission_action = None  # set per action below (RolePermission)

    queryset = EnforcementCase.objects.select_related("enterprise").order_by("-opened_on", "-pk")
    serializer_class = EnforcementCaseSerializer
    filterset_class = EnforcementCaseFilterSet
    table_class = EnforcementCaseTable
    export_filename = "执法案件"
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        case = actions.case_open(user=self.request.user, today=timezone.localdate(), **d)
        serializer.instance = case

    @extend_schema(
        request=DecideSerializer, responses={200: EnforcementCaseSerializer}, summary="录入处理决定"
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def decide(self, request, pk=None):
        s = DecideSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = actions.case_decide(user=request.user, case=self.get_object(), **s.validated_data)
        return Response(self.get_serializer(case).data)

    @extend_schema(request=CloseSerializer, responses={200: EnforcementCaseSerializer}, summary="结案")
    @action(detail=True, methods=["post"], permission_action="change")
    def close(self, request, pk=None):
        s = CloseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = actions.case_close(user=request.user, case=self.get_object(), **s.validated_data)
        return Response(self.get_serializer(case).data)


# --------------------------------------------------------------------------------------------
# construction-projects/
# --------------------------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())
    serious = serializers.BooleanField(required=False, allow_null=True, default=None)
    late = serializers.SerializerMethodField()

    class Meta:
        model = ConstructionProject
        fields = [
            "id", "enterprise", "name", "kind", "serious", "risk_note", "started_on", "planned_completion",
            "pre_assessment_on", "design_on", "control_effect_on", "acceptance_on", "reports", "late",
        ]  # fmt: skip
        read_only_fields = [
            "risk_note", "pre_assessment_on", "design_on", "control_effect_on", "acceptance_on", "reports",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
            self.fields["enterprise"].error_messages["does_not_exist"] = "该单位不存在或不在您的管辖范围内"

    def get_late(self, p) -> list[str]:
        return rules.late_stages(
            p.stage_dates(), serious=p.serious, started_on=p.started_on, planned_completion=p.planned_completion,
            today=timezone.localdate(),
        )  # fmt: skip


class StageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[c for c, _l in rules.STAGES])
    on = serializers.DateField()
    report_no = serializers.CharField(required=False, allow_blank=True, default="")
    institution = serializers.CharField(required=False, allow_blank=True, default="")


class ConstructionProjectViewSet(ExportMixin, ScopedModelViewSet):
    """建设项目职业病防护设施“三同时”：预评价 → 防护设施设计（仅严重项目）→ 控制效果评价 → 竣工验收，按顺序登记；
    `late` 列出滞后的阶段；竣工验收后自动登记30日内的变更申报事项。"""

    permission_action = None  # set per action below (RolePermission)
    queryset = ConstructionProject.objects.select_related("enterprise").order_by("-pk")
    serializer_class = ProjectSerializer
    filterset_class = ConstructionProjectFilterSet
    table_class = ConstructionProjectTable
    export_filename = "建设项目三同时"
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = actions.project_create(user=self.request.user, **serializer.validated_data)

    @extend_schema(
        request=StageSerializer, responses={200: ProjectSerializer}, summary="登记一个阶段（须按顺序）"
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def stage(self, request, pk=None):
        s = StageSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        project = actions.project_record_stage(
            user=request.user, project=self.get_object(), today=timezone.localdate(), **s.validated_data
        )
        return Response(self.get_serializer(project).data)


# --------------------------------------------------------------------------------------------
# warnings/
# --------------------------------------------------------------------------------------------


class EarlyWarningSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    region = serializers.CharField(source="enterprise.region_id", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor_label = serializers.CharField(source="get_actor_display", read_only=True)
    open = serializers.BooleanField(source="is_open", read_only=True)

    class Meta:
        model = EarlyWarning
        fields = [
            "id", "enterprise", "enterprise_name", "region", "kind", "kind_label", "message", "records",
            "actor", "actor_label", "opened_on", "closed_on", "open",
        ]  # fmt: skip


class EarlyWarningViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """预警（由系统根据各模块数据自动生成并解除）：申报危害因素未检测、超标未整改、接害劳动者未按期体检、
    协议到期仍有计划服务、综合风险类别升高。每条含说明、相关记录链接和应处置方。
    过滤：`region`（区县代码）、`enterprise`（统一社会信用代码）、`kind`、`open=true|false`。"""

    queryset = EarlyWarning.objects.select_related("enterprise").order_by("-opened_on", "-pk")
    serializer_class = EarlyWarningSerializer
    filterset_class = EarlyWarningFilterSet
    table_class = EarlyWarningTable
    export_filename = "预警"


# --------------------------------------------------------------------------------------------
# crosscheck-findings/ (issue 9 item 6)
# --------------------------------------------------------------------------------------------


class CrossCheckFindingSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    institution = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True, default=None)
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    current = serializers.BooleanField(source="is_current", read_only=True)

    class Meta:
        model = CrossCheckFinding
        fields = [
            "id", "year", "kind", "kind_label", "key", "institution", "institution_name", "enterprise",
            "enterprise_name", "summary", "records", "status", "status_label", "note", "decided_by",
            "decided_at", "found_at", "gone_at", "current",
        ]  # fmt: skip


class FindingDecideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FindingStatus.choices)
    note = serializers.CharField(max_length=2000)


class CrossCheckRunSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class CrossCheckFindingViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """交叉核查发现（噪声超标无听力体检、粉尘体检无检测、超出资质范围、结果异常一致），由后台任务按年度登记，
    质控人员核实：`status` pending（待核实）/ confirmed（属实）/ rejected（不属实）。
    过滤：`year`、`kind`、`status`、`institution`、`enterprise`（信用代码）、`region`（区县代码）、`current`。"""

    permission_action = None  # set per action below (RolePermission)
    queryset = CrossCheckFinding.objects.select_related(
        "enterprise__region", "institution__region", "decided_by"
    ).order_by("-year", "kind", "pk")
    serializer_class = CrossCheckFindingSerializer
    filterset_class = CrossCheckFindingFilterSet
    table_class = CrossCheckFindingTable
    export_filename = "交叉核查发现"

    @extend_schema(
        request=FindingDecideSerializer,
        responses={200: CrossCheckFindingSerializer},
        summary="核实（属实/不属实）",
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def decide(self, request, pk=None):
        s = FindingDecideSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        finding = actions.crosscheck_finding_decide(
            user=request.user, finding=self.get_object(), **s.validated_data
        )
        return Response(self.get_serializer(finding).data)

    @extend_schema(
        request=CrossCheckRunSerializer,
        responses={202: JobAcceptedSerializer},
        summary="重新核查一个年度并登记发现（后台任务：202）",
    )
    @action(detail=False, methods=["post"], permission_action="change")
    def run(self, request):
        s = CrossCheckRunSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return job_accepted(jobs.start_crosscheck_job(user=request.user, year=s.validated_data["year"]))


# --------------------------------------------------------------------------------------------
# portraits/{uscc}/
# --------------------------------------------------------------------------------------------


class PortraitView(APIView):
    """职业健康画像：综合风险类别与等级、管理状况、核心指标（红绿灯，`light`: green/amber/red/none，
    none 即“无数据”）、优先整改建议和未解除的预警。用人单位只能看到本单位。"""

    @extend_schema(responses={200: dict}, summary="一个用人单位的职业健康画像")
    def get(self, request, uscc: str):
        if not request.user.has_perm("supervision.view_riskassessment"):
            raise PermissionDenied("没有查看综合风险的权限")
        enterprise = Enterprise.objects.for_user(request.user).filter(uscc=uscc.upper()).first()
        if enterprise is None:
            raise NotFound("该单位不存在或不在您的管辖范围内")
        return Response(portrait.as_data(portrait.build(enterprise, timezone.localdate())))
