"""Forms of the declarations pages. They validate input; writes go through ``actions.py``."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ohsteward.core.widgets import DateInput
from ohsteward.declarations import rules
from ohsteward.declarations.choices import DeclarationKind, DeliveryMethod, EntryStatus, TriggerKind
from ohsteward.declarations.models import Declaration
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region

DATE = DateInput()


class ConfirmForm(forms.Form):
    status = forms.ChoiceField(
        label="核实结果",
        choices=[
            (EntryStatus.HAZARDS, EntryStatus.HAZARDS.label),
            (EntryStatus.NO_HAZARDS, EntryStatus.NO_HAZARDS.label),
            (EntryStatus.CANCELLED, EntryStatus.CANCELLED.label),
        ],
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class HandoverForm(forms.Form):
    to_region = forms.ModelChoiceField(
        label="移交给", queryset=Region.objects.filter(level=RegionLevel.DISTRICT), empty_label="请选择区县"
    )
    reason = forms.CharField(
        label="说明",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：实际经营地址在该区"}),
    )

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entry is not None:  # an entry is handed over to another district, never to its own
            self.fields["to_region"].queryset = self.fields["to_region"].queryset.exclude(pk=entry.region_id)


class DuplicateForm(forms.Form):
    keep = forms.CharField(label="保留的单位（统一社会信用代码或系统编号）", max_length=30)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="指导日期", widget=DATE, initial=timezone.localdate)
    visitors = forms.CharField(
        label="指导人员", max_length=200, widget=forms.TextInput(attrs={"placeholder": "姓名，以、分隔"})
    )
    findings = forms.CharField(label="发现情况", widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label="下一步", max_length=300, required=False)


class FoundForm(forms.Form):
    key = forms.CharField(label="用人单位（统一社会信用代码或名称）", max_length=200)
    discovered_on = forms.DateField(label="发现日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="发现经过", max_length=300, required=False)


class NoticeForm(forms.Form):
    deadline_days = forms.IntegerField(label="申报期限（送达后天数）", min_value=1, max_value=90, initial=15)
    issuer = forms.CharField(
        label="发出单位", max_length=100, required=False, help_text="留空则为“<区县>卫生健康委员会”"
    )


class NoticeDeliveryForm(forms.Form):
    """送达登记: the deadline starts from ``delivered_on``."""

    delivered_on = forms.DateField(label="送达日期", widget=DATE, initial=timezone.localdate)
    delivery_method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    signed_by = forms.CharField(label="签收人", max_length=50, required=False, help_text="直接送达必填")
    note = forms.CharField(
        label="送达说明", max_length=200, required=False, help_text="如邮件单号、电子送达的平台或邮箱"
    )
    receipt_scan = forms.FileField(
        label="签收回执扫描件（可选）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class YesNoUnknown(forms.NullBooleanSelect):
    """是/否/未填写 (Django's own labels are not translated in this deployment)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "未填写"), ("true", "是"), ("false", "否")]


class DeclarationForm(forms.ModelForm):
    """Sections 基本情况, 培训情况, 检测情况, 体检情况 of the 申报表."""

    kind = forms.ChoiceField(label="申报类型", choices=DeclarationKind.choices)

    class Meta:
        model = Declaration
        fields = [
            "kind",
            "employees",
            "exposed_total",
            "legal_representative",
            "principal",
            "hygiene_manager",
            "contact_phone",
            "principal_trained",
            "manager_trained",
            "workers_trained",
            "detection_year",
            "detection_org",
            "detection_points",
            "detection_exceeding",
            "exam_year",
            "exam_org",
            "exam_count",
            "exam_abnormal",
            "remark",
        ]
        widgets = {f: YesNoUnknown() for f in ("principal_trained", "manager_trained")}

    SECTIONS = [
        (
            "基本情况",
            [
                "kind",
                "employees",
                "exposed_total",
                "legal_representative",
                "principal",
                "hygiene_manager",
                "contact_phone",
            ],
        ),
        ("培训情况", ["principal_trained", "manager_trained", "workers_trained"]),
        ("检测情况", ["detection_year", "detection_org", "detection_points", "detection_exceeding"]),
        ("体检情况", ["exam_year", "exam_org", "exam_count", "exam_abnormal", "remark"]),
    ]

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean(self):
        data = super().clean()
        error = rules.headcount_error(
            data.get("employees"), data.get("exposed_total"), employees_required=True
        )
        if error:
            self.add_error("exposed_total", error)
        return data

    def clean_detection_year(self):
        year = self.cleaned_data.get("detection_year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError("检测年度不能晚于今年")
        return year


class HazardRowForm(forms.Form):
    """One hazard factor at one workplace with its exposed headcount."""

    workplace = forms.CharField(label="工作场所/车间", max_length=100, required=False)
    hazard_name = forms.CharField(
        label="危害因素",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "hazard-factors"}),
    )
    exposed_count = forms.IntegerField(label="接触人数", min_value=0, required=False)

    def clean(self):
        data = super().clean()
        name = (data.get("hazard_name") or "").strip()
        if name:
            factor = HazardFactor.objects.filter(name=name).first()
            if factor is None:
                raise forms.ValidationError(f"危害因素“{name}”不在目录中，请从下拉提示中选择")
            data["hazard_factor"] = factor
            if data.get("exposed_count") is None:
                raise forms.ValidationError(f"请填写接触“{name}”的人数")
        return data


HazardFormSet = forms.formset_factory(HazardRowForm, extra=1, max_num=200)


class TriggerForm(forms.Form):
    kind = forms.ChoiceField(label="发生了什么变化", choices=TriggerKind.choices)
    occurred_on = forms.DateField(
        label="发生日期",
        widget=DATE,
        help_text="竣工验收日、变化发生日、收到检测评价结果之日或停止生产经营之日",
    )
    description = forms.CharField(label="说明", max_length=300, required=False)


class SpotCheckForm(forms.Form):
    seed = forms.IntegerField(
        label="随机种子",
        min_value=0,
        initial=lambda: timezone.localdate().year,
        help_text="同一种子、同一名单得到同样的样本，可复核",
    )
    fraction = forms.DecimalField(label="抽样比例", min_value=0, max_value=1, decimal_places=4, initial=0.05)
    minimum = forms.IntegerField(label="每区县最少抽取", min_value=0, initial=5)
    name = forms.CharField(label="名称", max_length=100, required=False)


class SpotCheckItemForm(forms.Form):
    CHOICES = [("", "未检查"), ("true", "是"), ("false", "否")]
    declared = forms.TypedChoiceField(
        label="已申报", choices=CHOICES, required=False, coerce=lambda v: v == "true", empty_value=None
    )
    industry_ok = forms.TypedChoiceField(
        label="行业准确", choices=CHOICES, required=False, coerce=lambda v: v == "true", empty_value=None
    )
    size_ok = forms.TypedChoiceField(
        label="规模准确", choices=CHOICES, required=False, coerce=lambda v: v == "true", empty_value=None
    )
    hazards_ok = forms.TypedChoiceField(
        label="危害因素准确", choices=CHOICES, required=False, coerce=lambda v: v == "true", empty_value=None
    )
    headcount_ok = forms.TypedChoiceField(
        label="接害人数准确", choices=CHOICES, required=False, coerce=lambda v: v == "true", empty_value=None
    )
    inspector = forms.CharField(label="检查人员", max_length=100, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)
