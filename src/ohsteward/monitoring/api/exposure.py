"""Stateless exposure endpoints: ``POST /api/v1/exposure/assess/`` (one post × factor judged
against the limits in force on ``on``) and ``POST /api/v1/exposure/statistics/`` (a similar
exposure group). Any authenticated user; nothing is saved. Field names are issue 11's contract."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ohsteward.monitoring.assess import InputError
from ohsteward.monitoring.calculator.service import assessment_json, run_assessment, run_mixture
from ohsteward.monitoring.calculator.stats_service import run_statistics, statistics_json
from ohsteward.monitoring.stats import StatsInputError


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string", "example": "<0.05"}]})
class LooseValueField(serializers.Field):
    """A number or a string such as ``"<0.05"`` / ``"<LOD"``; checked by the monitoring rules, which
    answer in Chinese naming the field."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError("应为数值或“<检出限”形式的文本")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class TimedValueSerializer(serializers.Serializer):
    value = LooseValueField(help_text='浓度；低于检出限写作 "<0.05"（检出限 0.05）')
    minutes = LooseValueField(help_text="采样时间(min)")


class NoiseSegmentSerializer(serializers.Serializer):
    level = LooseValueField(help_text="L_Aeq(dB(A))")
    hours = LooseValueField(help_text="接触时间(h)")


class AssessRequestSerializer(serializers.Serializer):
    factor = serializers.CharField(help_text="危害因素：名称、别名、CAS号或CDC代码")
    on = serializers.DateField(
        required=False, help_text="检测日期（选择当日施行的限值版本和分级标准版本），默认今天"
    )
    samples = TimedValueSerializer(many=True, required=False, help_text="全班次采样时段（计算 C_TWA）")
    short_samples = TimedValueSerializer(
        many=True, required=False, help_text="短时间采样（C_STE / 峰接触浓度），每个≤15 min"
    )
    c_twa = LooseValueField(required=False, help_text="直接给出的 C_TWA")
    condition = serializers.CharField(
        required=False,
        help_text="限值条件（限值按条件区分时必填，如 铅烟、铅尘；粉尘用 dust_fraction 和 free_silica_percent）",
    )
    free_silica_percent = LooseValueField(required=False, help_text="游离SiO2含量(%)")
    dust_fraction = serializers.ChoiceField(
        choices=[("total", "总尘"), ("respirable", "呼尘")],
        required=False,
        help_text="total 总尘 / respirable 呼尘",
    )
    shift_hours = LooseValueField(required=False, help_text="班次时长(h)；超过8 h 时按折减因子（未核对）")
    days_per_week = LooseValueField(required=False, help_text="每周工作天数")
    noise_segments = NoiseSegmentSerializer(many=True, required=False, help_text="噪声时段")
    l_ex_8h = LooseValueField(required=False, help_text="直接给出的 L_EX,8h(dB(A))")
    daily_levels = serializers.ListField(
        child=LooseValueField(), required=False, help_text="每日 L_EX,8h（计算 L_EX,W）"
    )
    wbgt = LooseValueField(required=False, help_text="WBGT(℃)")
    time_ratio = LooseValueField(required=False, help_text="接触时间率 0–1")
    labour_intensity = serializers.ChoiceField(
        choices=[("I", "Ⅰ"), ("II", "Ⅱ"), ("III", "Ⅲ"), ("IV", "Ⅳ")],
        required=False,
        help_text="体力劳动强度 I–IV",
    )
    # beyond the issue's list (additive): the kinds a stored measurement also judges
    c_me = LooseValueField(required=False, help_text="直接给出的 C_ME（最高浓度，对 MAC）")
    toxicity = serializers.ChoiceField(
        choices=[("轻度", "轻度危害"), ("中度", "中度危害"), ("高度", "高度危害"), ("极度", "极度危害")],
        required=False,
        help_text="毒物危害程度（GBZ 230），与体力劳动强度一起用于化学物作业分级",
    )
    a_hw = LooseValueField(required=False, help_text="手传振动：频率计权加速度 a_hw(T)(m/s²)")
    vibration_hours = LooseValueField(required=False, help_text="手传振动：日接振时间(h)")
    a_hw4 = LooseValueField(required=False, help_text="手传振动：直接给出 a_hw(4)(m/s²)")
    e_field = LooseValueField(required=False, help_text="工频电场强度(kV/m)")
    region = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        help_text="6位行政区划代码（地区修正，如高温+1℃）",
        error_messages={"invalid": "应为6位行政区划代码，如 500112"},
    )


class LimitSerializer(serializers.Serializer):
    type = serializers.CharField()
    value = serializers.FloatField()
    unit = serializers.CharField()
    standard = serializers.CharField()
    version = serializers.CharField()
    verified = serializers.BooleanField(help_text="false 时页面和报告显示“未核对”")
    condition = serializers.CharField()
    note = serializers.CharField()


class GradeSerializer(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    standard = serializers.CharField()
    verified = serializers.BooleanField()


class AssessResponseSerializer(serializers.Serializer):
    factor = serializers.CharField()
    on = serializers.DateField()
    c_twa = serializers.FloatField(allow_null=True)
    c_ste = serializers.FloatField(allow_null=True)
    c_me = serializers.FloatField(allow_null=True)
    peak_ratio = serializers.FloatField(allow_null=True)
    l_ex_8h = serializers.FloatField(allow_null=True)
    l_ex_w = serializers.FloatField(allow_null=True)
    limit = LimitSerializer(many=True, help_text="所用限值（可多条）")
    ratio = serializers.FloatField(allow_null=True, help_text="接触值/限值，取最大者")
    exposure_level = serializers.CharField(allow_null=True, help_text="接触水平 0、I、II、III、IV")
    compliant = serializers.BooleanField(
        allow_null=True, help_text="无接触限值时为 null（无接触限值，未判定）"
    )
    grade = GradeSerializer(allow_null=True)
    explanation = serializers.ListField(child=serializers.CharField())
    verified = serializers.BooleanField(help_text="所用限值、约定和分级均已核对时为 true")
    unverified = serializers.ListField(child=serializers.CharField(), help_text="未核对的部分")


def _bad_input(exc: InputError | StatsInputError) -> exceptions.ValidationError:
    return exceptions.ValidationError({exc.field: [str(exc)]})


class ExposureAssessView(APIView):
    """POST /api/v1/exposure/assess/: 接触评价计算器（不保存记录）."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="接触评价计算（C_TWA、C_STE、峰接触、噪声、高温；按检测日期选限值版本；不保存）",
        description=(
            "按检测日期 `on` 选用当日施行的接触限值版本和分级标准版本，计算 C_TWA（Σ CᵢTᵢ / 8）、C_STE、C_ME、"
            "峰接触浓度、L_EX,8h / L_EX,W、WBGT，给出所用限值、接触比值、接触水平（GBZ 2.1 表5）、符合/不符合"
            '（无接触限值时为 null，“无接触限值，未判定”）、危害分级和中文说明。低于检出限写作 "<0.05"。'
            "输入有误时返回 400，错误信息按字段给出。"
        ),
        request=AssessRequestSerializer,
        responses={200: AssessResponseSerializer},
        examples=[
            OpenApiExample(
                "苯，三段采样",
                value={
                    "factor": "苯",
                    "on": "2024-06-01",
                    "samples": [
                        {"value": 4.5, "minutes": 120},
                        {"value": 2, "minutes": 240},
                        {"value": "<0.05", "minutes": 120},
                    ],
                    "short_samples": [{"value": 5, "minutes": 15}],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        form = AssessRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            result, _match = run_assessment(form.validated_data)
        except InputError as exc:
            raise _bad_input(exc) from None
        return Response(assessment_json(result))


class StatisticsRequestSerializer(serializers.Serializer):
    values = serializers.ListField(
        child=LooseValueField(), min_length=2, help_text='检测结果（如 0.3、"<0.05"、"<LOD"）'
    )
    lod = LooseValueField(required=False, help_text='检出限（结果写作 "<LOD" 时）')
    limit = LooseValueField(required=False, help_text="接触限值（同单位），用于超限比例和 AIHA 分类")


class StatisticsResponseSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    n_censored = serializers.IntegerField(help_text="低于检出限的结果数（删失数据）")
    method = serializers.CharField(help_text="closed_form（无删失）/ censored_mle（删失数据最大似然）")
    gm = serializers.FloatField(help_text="几何均数")
    gsd = serializers.FloatField(help_text="几何标准差")
    p95 = serializers.FloatField(help_text="第95百分位数")
    p95_ucl70 = serializers.FloatField(help_text="第95百分位数的70%置信上限")
    limit = serializers.FloatField(allow_null=True)
    exceedance = serializers.FloatField(allow_null=True, help_text="超限比例（0–1）")
    exceedance_low = serializers.FloatField(allow_null=True, help_text="超限比例95%单侧下限")
    exceedance_high = serializers.FloatField(allow_null=True, help_text="超限比例95%单侧上限")
    category = serializers.IntegerField(allow_null=True, help_text="AIHA 接触分类 0–4（按第95百分位数）")
    category_label = serializers.CharField()
    category_ucl = serializers.IntegerField(allow_null=True, help_text="按70%置信上限的 AIHA 分类")
    notes = serializers.ListField(child=serializers.CharField())


class ExposureStatisticsView(APIView):
    """POST /api/v1/exposure/statistics/: 相似接触组统计（不保存记录）."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="相似接触组统计：几何均数、GSD、P95及其70%置信上限、超限比例、AIHA分类（不保存）",
        description=(
            "按对数正态分布估计。低于检出限的结果作为删失数据用最大似然法估计，不用检出限/2替代；"
            "无删失时用闭式解（超限比例区间和置信上限为非中心 t 精确解），有删失时置信上限和区间为 delta 法近似。"
        ),
        request=StatisticsRequestSerializer,
        responses={200: StatisticsResponseSerializer},
        examples=[
            OpenApiExample(
                "含低于检出限的结果",
                value={"values": [0.12, "<0.05", 0.31, 0.08, "<0.05", 0.22, 0.5], "limit": 0.5},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        form = StatisticsRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            result = run_statistics(form.validated_data)
        except StatsInputError as exc:
            raise _bad_input(exc) from None
        return Response(statistics_json(result))


class MixtureItemSerializer(AssessRequestSerializer):
    """One factor of a mixture request: the fields of ``exposure/assess/`` without ``on``/``region``."""

    def get_fields(self):  # noqa: ANN201 - DRF's signature
        fields = super().get_fields()
        fields.pop("on", None)
        fields.pop("region", None)
        return fields


class MixtureRequestSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="检测日期（各因素相同），默认今天")
    region = serializers.CharField(required=False, help_text="6位行政区划代码（地区修正用）")
    factors = MixtureItemSerializer(
        many=True, help_text="同一岗位同日检测的各危害因素（字段同 exposure/assess/）"
    )

    def validate_factors(self, value):  # noqa: ANN001, ANN201 - DRF's signature
        if len(value) < 2:
            raise serializers.ValidationError("至少需要两种危害因素")
        if len(value) > 20:
            raise serializers.ValidationError("最多20种危害因素")
        return value


class MixtureSumSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="限值类型：PC-TWA、PC-STEL 或 MAC")
    sum = serializers.FloatField(help_text="Σ Cᵢ/OELᵢ")
    factors = serializers.ListField(child=serializers.CharField())


class MixtureResultSerializer(serializers.Serializer):
    group = serializers.CharField()
    key = serializers.CharField()
    effect = serializers.CharField()
    version = serializers.CharField()
    factors = serializers.ListField(child=serializers.CharField())
    sums = MixtureSumSerializer(many=True)
    ratio = serializers.FloatField(help_text="最大的 Σ")
    compliant = serializers.BooleanField()
    verified = serializers.BooleanField()
    explanation = serializers.ListField(child=serializers.CharField())


class MixtureResponseSerializer(serializers.Serializer):
    results = AssessResponseSerializer(many=True)
    mixtures = MixtureResultSerializer(many=True)


class ExposureMixtureView(APIView):
    """POST /api/v1/exposure/assess-mixture/: 联合作用（相加作用）计算（不保存记录）."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="联合作用（相加作用）计算：同一岗位同日检测的多种因素，按 Σ Cᵢ/OELᵢ ≤ 1 判定（不保存）",
        description=(
            "各因素先按 exposure/assess/ 单独判定（results，字段相同），再对配置的联合作用分组"
            "（mixture-groups-v1：苯、甲苯、二甲苯，未核对）中有两种及以上因素的，按限值类型（PC-TWA、PC-STEL、MAC）"
            "求 Σ Cᵢ/OELᵢ（mixtures：group、effect、version、factors、sums、ratio、compliant、verified、explanation）。"
        ),
        request=MixtureRequestSerializer,
        responses={200: MixtureResponseSerializer},
        examples=[
            OpenApiExample(
                "苯与甲苯",
                value={
                    "on": "2024-06-01",
                    "factors": [{"factor": "苯", "c_twa": 2}, {"factor": "甲苯", "c_twa": 30}],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        form = MixtureRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            results, mixtures = run_mixture(form.validated_data)
        except InputError as exc:
            raise _bad_input(exc) from None
        return Response(
            {"results": [assessment_json(r) for r in results], "mixtures": [m.as_json() for m in mixtures]}
        )
