"""API representations of the register. Input is checked for type, length and known codes here;
domain rules (check digit, dates, scope, derived fields) are applied by ``registry.actions``."""

from __future__ import annotations

from rest_framework import serializers

from ohsteward.core.api.fields import PlausibleDateField
from ohsteward.registry import rules
from ohsteward.registry.choices import EconomicType, EnterpriseStatus, IndustryLevel, RegionLevel
from ohsteward.registry.models import Enterprise, EnterpriseChangeRequest, Industry, Region, Workplace

MAX_COUNT = 2_147_483_647


def text_field(
    label: str, max_length: int, *, required: bool = False, allow_blank: bool = True
) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=allow_blank,
        error_messages={
            "max_length": f"{label}不能超过{max_length}个字符",
            "blank": f"{label}不能为空",
            "required": f"请填写{label}",
            "null": f"{label}不能为空",
            "invalid": f"{label}应为文本",
        },
    )


def count_field(label: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        allow_null=True,
        error_messages={
            "invalid": f"{label}应为整数",
            "min_value": f"{label}不能为负数",
            "max_value": f"{label}数值过大",
            "max_string_length": f"{label}数值过大",
        },
    )


def amount_field(label: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        coerce_to_string=False,
        error_messages={
            "invalid": f"{label}应为数字（单位：万元）",
            "min_value": f"{label}不能为负数",
            "max_digits": f"{label}数值过大（最多12位整数、2位小数）",
            "max_whole_digits": f"{label}数值过大（最多12位整数）",
            "max_decimal_places": f"{label}最多保留2位小数",
            "max_string_length": f"{label}数值过大",
        },
    )


def date_field(label: str) -> serializers.DateField:
    return PlausibleDateField(
        required=False,
        allow_null=True,
        error_messages={"invalid": f"{label}格式应为 YYYY-MM-DD", "datetime": f"{label}应为日期，不含时间"},
    )


def choice_field(label: str, choices, **kwargs) -> serializers.ChoiceField:
    values = "、".join(value for value, _ in choices)
    return serializers.ChoiceField(
        choices=choices,
        error_messages={
            "invalid_choice": f"{label}应为以下之一：{values}（收到 {{input}}）",
            "required": f"请填写{label}",
            "null": f"{label}不能为空",
        },
        **kwargs,
    )


class CodeField(serializers.SlugRelatedField):
    """A foreign key given by its code (region 6/9-digit code, zone Z500x, industry 4-digit code)."""

    def __init__(self, label: str, hint: str, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": f"未知的{label}代码：{{value}}（{hint}）",
                "invalid": f"{label}代码应为文本",
                "required": f"请填写{label}",
                "null": f"{label}不能为空",
            },
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, int):
            data = str(data)
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data.strip().upper())


class IndustryCodeField(CodeField):
    def to_internal_value(self, data):
        # "C3311" (门类 letter + 小类) is how codes are often written; the key is the 4 digits.
        if isinstance(data, str):
            data = data.strip().upper()
            if len(data) == 5 and data[0].isalpha() and data[1:].isdigit():
                data = data[1:]
        return super().to_internal_value(data)


class EnterpriseSerializer(serializers.ModelSerializer):
    """用人单位. ``industry_risk`` and ``size_class`` are derived by rules and read-only."""

    uscc = text_field("统一社会信用代码", 30, required=True, allow_blank=False)
    name = text_field("用人单位名称", 200, required=True, allow_blank=False)
    region = CodeField(
        "区县",
        "应为重庆市区县的6位代码，如 500112",
        queryset=Region.objects.filter(level=RegionLevel.DISTRICT),
    )
    town = CodeField(
        "乡镇街道",
        "应为9位乡镇街道代码",
        required=False,
        allow_null=True,
        queryset=Region.objects.filter(level=RegionLevel.TOWN),
    )
    zone = CodeField(
        "功能区",
        "如 Z5001 两江新区",
        required=False,
        allow_null=True,
        queryset=Region.objects.filter(level=RegionLevel.ZONE),
    )
    industry = IndustryCodeField(
        "行业",
        "应为国民经济行业分类 GB/T 4754-2017 小类4位代码",
        required=False,
        allow_null=True,
        queryset=Industry.objects.filter(level=IndustryLevel.CLASS),
    )
    economic_type = choice_field("经济类型", EconomicType.choices, required=False, allow_blank=True)
    employees = count_field("从业人员数")
    exposed_workers = count_field("接害人数")
    revenue = amount_field("营业收入")
    total_assets = amount_field("资产总额")
    status = choice_field("经营状态", EnterpriseStatus.choices, required=False)
    suspended_on = date_field("停产停业日期")
    cancelled_on = date_field("注销日期")
    address = text_field("地址", 200)
    legal_representative = text_field("法定代表人", 50)
    contact_name = text_field("联系人", 50)
    contact_phone = text_field("联系电话", 30)
    # why an employer asks for a status/industry change (becomes a change request, issue 6 item 5)
    change_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="用人单位申请变更经营状态或行业时的理由（可不填）",
    )

    region_name = serializers.CharField(source="region.name", read_only=True, allow_null=True)
    town_name = serializers.CharField(source="town.name", read_only=True, allow_null=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True, allow_null=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "former_names",
            "region",
            "region_name",
            "town",
            "town_name",
            "zone",
            "zone_name",
            "address",
            "industry",
            "industry_name",
            "industry_risk",
            "economic_type",
            "employees",
            "exposed_workers",
            "revenue",
            "total_assets",
            "size_class",
            "status",
            "suspended_on",
            "cancelled_on",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "registration",
            "created_at",
            "updated_at",
            "change_reason",
        ]
        read_only_fields = [
            "id",
            "former_names",
            "industry_risk",
            "size_class",
            "registration",
            "created_at",
            "updated_at",
        ]

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["未知字段"] for key in unknown})
        return super().to_internal_value(data)

    def validate_uscc(self, value: str) -> str:
        # whether the code is taken is checked by the action, which names it "registered" only
        # when the caller can see that employer (issue 6 item 17)
        return rules.uscc_clean(value)

    def validate_name(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("用人单位名称不能为空")
        return value


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_display", "parent", "source"]


class IndustrySerializer(serializers.ModelSerializer):
    risk_class_display = serializers.CharField(source="get_risk_class_display", read_only=True)

    class Meta:
        model = Industry
        fields = [
            "code",
            "name",
            "level",
            "section",
            "parent",
            "risk_class",
            "risk_class_display",
            "risk_note",
            "remark",
        ]


class WorkplaceSerializer(serializers.ModelSerializer):
    """工作场所. ``enterprise`` is the employer's credit code, chosen among those in the caller's
    scope on create and fixed afterwards."""

    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.none(),
        error_messages={"does_not_exist": "没有统一社会信用代码为 {value} 的用人单位，或不在您的管辖范围内"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    name = text_field("车间/工作场所", 100, required=True, allow_blank=False)

    class Meta:
        model = Workplace
        fields = ["id", "enterprise", "enterprise_name", "name", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["enterprise"].read_only = True
        elif request is not None:
            fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
        return fields


class ChangeRequestSerializer(serializers.ModelSerializer):
    """An employer's request to change its status or industry, waiting for the district."""

    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    field_label = serializers.CharField(source="get_field_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = EnterpriseChangeRequest
        fields = [
            "id",
            "uscc",
            "field",
            "field_label",
            "old_value",
            "new_value",
            "reason",
            "status",
            "status_label",
            "created_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class ChangeRequestResultSerializer(serializers.Serializer):
    detail = serializers.CharField()
    enterprise = EnterpriseSerializer()
    change_requests = ChangeRequestSerializer(many=True)
