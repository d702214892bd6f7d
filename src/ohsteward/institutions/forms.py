"""Forms of the institutions app: the register, QC, proficiency tests, grading, import."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ohsteward.institutions.choices import (
    InspectionResult,
    InstitutionKind,
    ProficiencyOutcome,
)
from ohsteward.institutions.models import (
    Institution,
    ProficiencyRound,
    QcPlan,
    Qualification,
    StaffMember,
)
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.forms import ImportForm
from ohsteward.registry.models import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

__all__ = ["ImportForm"]  # the register's upload form, reused


class ActionDataMixin:
    cleaned_data: dict

    def action_data(self) -> dict:
        return dict(self.cleaned_data)


class InstitutionForm(ActionDataMixin, forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label="机构类别", choices=InstitutionKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Institution
        fields = [
            "uscc",
            "name",
            "kinds",
            "province",
            "region",
            "address",
            "qc_number",
            "qc_issued_on",
            "capability_mode",
            "capability_confirmed_on",
            "capability_basis",
        ]
        widgets = {"qc_issued_on": DATE, "capability_confirmed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")
        self.fields["qc_number"].help_text = "外省来渝机构由市疾控中心发放；本市机构不填"

    def validate_unique(self):
        """The action checks the QC number and the credit code with its own messages."""


class QualificationForm(ActionDataMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["kind", "number", "scope_text", "issued_on", "valid_until"]
        widgets = {"issued_on": DATE, "valid_until": DATE}

    def validate_unique(self):
        """The action validates the whole row (the institution is not a field of this form)."""


class StaffMemberForm(ActionDataMixin, forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "role", "certificate_number", "certificate_issued_on", "certificate_valid_until"]
        widgets = {"certificate_issued_on": DATE, "certificate_valid_until": DATE}


class QcPlanForm(ActionDataMixin, forms.ModelForm):
    class Meta:
        model = QcPlan
        fields = ["year", "name", "fraction", "minimum", "seed"]
        help_texts = {
            "fraction": "各类别按此比例抽取；外省来渝机构不少于 0.5；上年度红、黄色机构必抽",
            "seed": "留空则随机生成；同一种子、同一名录抽取结果相同，可复核",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seed"].required = False
        self.initial.setdefault("year", timezone.localdate().year)


class QcRecordForm(forms.Form):
    inspected_on = forms.DateField(label="检查日期", widget=DATE)
    items = forms.CharField(
        label="检查项目（每行一项）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    findings = forms.CharField(label="发现的问题", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    score = forms.DecimalField(label="评分（百分制）", min_value=0, max_value=100, decimal_places=1)
    result = forms.ChoiceField(label="结论", choices=InspectionResult.choices)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None and instance.inspected_on:
            self.initial.update(
                inspected_on=instance.inspected_on,
                items=instance.items,
                findings=instance.findings,
                score=instance.score,
                result=instance.result,
            )

    def action_data(self) -> dict:
        return dict(self.cleaned_data)


class RectificationForm(forms.Form):
    demand = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 3}))
    issued_on = forms.DateField(label="下达日期", widget=DATE)
    deadline = forms.DateField(label="整改期限", widget=DATE)

    def action_data(self) -> dict:
        return dict(self.cleaned_data)


class RectificationCloseForm(forms.Form):
    closed_on = forms.DateField(label="验收日期", widget=DATE)
    closing_note = forms.CharField(label="验收意见", max_length=300, required=False)


class ProficiencyRoundForm(ActionDataMixin, forms.ModelForm):
    class Meta:
        model = ProficiencyRound
        fields = ["year", "kind", "name", "held_on"]
        widgets = {"held_on": DATE}


class ProficiencyEnrolForm(forms.Form):
    institutions = forms.CharField(
        label="参加机构（统一社会信用代码，每行一个）", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_institutions(self):
        codes = [c.strip().upper() for c in self.cleaned_data["institutions"].split() if c.strip()]
        found = {i.uscc: i for i in Institution.objects.for_user(self.user).filter(uscc__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError("以下统一社会信用代码不在机构名录中：" + "、".join(missing))
        return [found[c] for c in dict.fromkeys(codes)]


class ProficiencyResultForm(forms.Form):
    institution = forms.CharField(label="机构（统一社会信用代码）", max_length=18)
    outcome = forms.ChoiceField(
        label="结果", choices=[("", "按 z 比分数判定"), *ProficiencyOutcome.choices], required=False
    )
    z_score = forms.DecimalField(label="z 比分数", max_digits=6, decimal_places=2, required=False)
    recorded_on = forms.DateField(label="录入日期", widget=DATE, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_institution(self):
        code = self.cleaned_data["institution"].strip().upper()
        institution = Institution.objects.for_user(self.user).filter(uscc=code).first()
        if institution is None:
            raise forms.ValidationError("该统一社会信用代码不在机构名录中")
        return institution


class GradeComputeForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2020, max_value=2100)
