"""Forms of the institutions app: the register, QC, proficiency tests, grading, import."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ohsteward.core.widgets import DateInput
from ohsteward.institutions import rules
from ohsteward.institutions.choices import (
    GuidanceKind,
    InspectionResult,
    InstitutionKind,
    ProficiencyOutcome,
    ReferralDirection,
    ReferralStatus,
)
from ohsteward.institutions.models import (
    Institution,
    ProficiencyRound,
    QcInspection,
    QcPlan,
    Qualification,
    StaffMember,
    TechnicalGuidance,
)
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.forms import ImportForm
from ohsteward.registry.models import Enterprise, Region

DATE = DateInput()

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
            "guidance_duty",
            "public",
            "primary_grade_a",
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


# --------------------------------------------------------------------------------------------
# Performance evaluation, the QC ↔ enforcement ledger, technical guidance
# --------------------------------------------------------------------------------------------


def _institution_by_code(user, code: str) -> Institution:
    institution = Institution.objects.for_user(user).filter(uscc=(code or "").strip().upper()).first()
    if institution is None:
        raise forms.ValidationError("该统一社会信用代码不在您可见的机构名录中")
    return institution


class EvaluationForm(forms.Form):
    """One score and one evidence note per item of the current checklist (fields ``score_<code>``
    and ``evidence_<code>``)."""

    institution = forms.CharField(label="机构（统一社会信用代码）", max_length=18)
    year = forms.IntegerField(label="年度", min_value=2020, max_value=2100)
    evaluated_on = forms.DateField(label="评估日期", widget=DATE)
    note = forms.CharField(label="评估说明", max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.checklist = rules.load_checklist()
        for item in self.checklist.items:
            self.fields[f"score_{item.code}"] = forms.DecimalField(
                label=f"{item.code} {item.label}（满分 {item.max_points:g}）",
                min_value=0,
                max_value=item.max_points,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
            self.fields[f"evidence_{item.code}"] = forms.CharField(
                label=f"{item.code} 评分依据", max_length=300, required=False
            )
        self.initial.setdefault("year", timezone.localdate().year)
        self.initial.setdefault("evaluated_on", timezone.localdate())

    def clean_institution(self):
        return _institution_by_code(self.user, self.cleaned_data["institution"])

    def action_data(self) -> dict:
        data = self.cleaned_data
        return {
            "institution": data["institution"],
            "year": data["year"],
            "evaluated_on": data["evaluated_on"],
            "note": data.get("note") or "",
            "scores": {
                i.code: (data.get(f"score_{i.code}"), data.get(f"evidence_{i.code}") or "")
                for i in self.checklist.items
            },
        }


class ReferralForm(forms.Form):
    direction = forms.ChoiceField(label="移交方向", choices=ReferralDirection.choices)
    institution = forms.CharField(label="机构（统一社会信用代码）", max_length=18)
    inspection = forms.IntegerField(
        label="质控检查编号", required=False, help_text="质控发现线索时填写发现问题的质控检查编号"
    )
    district = forms.ModelChoiceField(
        label="承办区县", queryset=Region.objects.none(), required=False, help_text="留空为机构所在区县"
    )
    finding = forms.CharField(label="问题（线索）", widget=forms.Textarea(attrs={"rows": 4}))
    handed_on = forms.DateField(label="移交日期", widget=DATE)
    handed_by = forms.CharField(label="移交单位（人）", max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["district"].queryset = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")
        self.initial.setdefault("handed_on", timezone.localdate())

    def clean_institution(self):
        return _institution_by_code(self.user, self.cleaned_data["institution"])

    def clean_inspection(self):
        pk = self.cleaned_data.get("inspection")
        if pk is None:
            return None
        inspection = QcInspection.objects.for_user(self.user).filter(pk=pk).first()
        if inspection is None:
            raise forms.ValidationError("该质控检查不存在或不在您的管辖范围内")
        return inspection

    def action_data(self) -> dict:
        return dict(self.cleaned_data)


NEXT_CHOICES = [(s, label) for s, label in ReferralStatus.choices if s != ReferralStatus.HANDED_OVER]


class ReferralAdvanceForm(forms.Form):
    status = forms.ChoiceField(label="变更为", choices=NEXT_CHOICES)
    on = forms.DateField(label="日期", widget=DATE)
    by = forms.CharField(label="接收单位（人）", max_length=100, required=False)
    outcome = forms.CharField(
        label="处理结果 / 退回原因", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class GuidanceForm(forms.Form):
    """Phone-friendly: codes and ids are typed (no city-wide select lists)."""

    institution = forms.CharField(label="指导机构（统一社会信用代码）", max_length=18)
    enterprise = forms.CharField(label="用人单位（统一社会信用代码）", max_length=18)
    visited_on = forms.DateField(label="指导日期", widget=DATE)
    kind = forms.ChoiceField(label="工作类别", choices=GuidanceKind.choices)
    content = forms.CharField(label="指导内容", widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label="发现的问题", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    steward_visit = forms.IntegerField(
        label="对应的管家服务记录编号", required=False, help_text="与管家服务为同一次上门时填写"
    )
    assistance_entry = forms.IntegerField(
        label="对应的帮扶企业记录编号", required=False, help_text="与中小微企业帮扶为同一次时填写"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.initial.setdefault("visited_on", timezone.localdate())
        own = Institution.objects.for_user(user).filter(guidance_duty=True)[:2] if user else []
        if len(own) == 1:
            self.initial.setdefault("institution", own[0].uscc)
        for name in ("institution", "enterprise"):
            self.fields[name].widget.attrs.update({"autocapitalize": "characters", "autocomplete": "off"})

    def clean_institution(self):
        return _institution_by_code(self.user, self.cleaned_data["institution"])

    def clean_enterprise(self):
        code = registry_rules.uscc_clean(self.cleaned_data["enterprise"])
        enterprise = Enterprise.objects.for_user(self.user).filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError("该统一社会信用代码不在您管辖的用人单位中")
        return enterprise

    def _linked(self, name: str):
        pk = self.cleaned_data.get(name)
        if pk is None:
            return None
        model = TechnicalGuidance._meta.get_field(name).related_model  # stewardship's, not imported
        found = model._default_manager.for_user(self.user).filter(pk=pk).first()
        if found is None:
            raise forms.ValidationError("该记录不存在或不在您的管辖范围内")
        return found

    def clean_steward_visit(self):
        return self._linked("steward_visit")

    def clean_assistance_entry(self):
        return self._linked("assistance_entry")

    def action_data(self) -> dict:
        return dict(self.cleaned_data)


class ReportCardFileForm(forms.Form):
    """报送 one card: the date it was filed (today by default)."""

    reported_on = forms.DateField(label="报送日期", widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
