"""Forms of exam results (a phone form: one worker, one exam, up to three factors), the
reassignment of a worker with a 职业禁忌证, and the case steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.widgets import DateInput
from ohsteward.hazards.models import OccupationalDisease
from ohsteward.institutions.choices import InstitutionKind
from ohsteward.institutions.models import Institution
from ohsteward.registry.models import Post, Region
from ohsteward.surveillance import conclusions
from ohsteward.surveillance import rules as id_rules
from ohsteward.surveillance.choices import ExamKind
from ohsteward.surveillance.exams.choices import (
    ChronicDisease,
    DiagnosisOutcome,
    PatientCondition,
    ScreeningSource,
    StationKind,
)
from ohsteward.surveillance.exams.lookups import find_factor
from ohsteward.surveillance.models import Worker

DATE = DateInput()
SLOTS = 3
CONCLUSION_CHOICES = [("", "—")] + [(c.code, f"{c.code} {c.label}") for c in conclusions.CONCLUSIONS.values()]


class ExamForm(forms.Form):
    """One exam on a phone. The worker is named by ID number (looked up through the keyed hash,
    among the workers the user may see); the form never shows the number back in full."""

    id_number = forms.CharField(
        label="身份证号", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    date = forms.DateField(label="体检日期", widget=DATE)
    kind = forms.ChoiceField(label="体检类别", choices=ExamKind.choices)
    report_number = forms.CharField(label="体检编号", max_length=40, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for i in range(1, SLOTS + 1):
            required = i == 1
            self.fields[f"factor_{i}"] = forms.CharField(
                label=f"危害因素{i}", required=required, max_length=100
            )
            self.fields[f"conclusion_{i}"] = forms.ChoiceField(
                label=f"结论{i}", choices=CONCLUSION_CHOICES, required=required
            )
            self.fields[f"items_{i}"] = forms.CharField(
                label=f"异常项目/疾病名称{i}", required=False, max_length=500
            )
            self.fields[f"recheck_items_{i}"] = forms.CharField(
                label=f"复查项目{i}", required=False, max_length=300
            )
            self.fields[f"recheck_by_{i}"] = forms.DateField(
                label=f"复查期限{i}", required=False, widget=DATE
            )
        if not self.is_bound:
            self.initial["date"] = timezone.localdate()

    def clean_id_number(self):
        parsed, error = id_rules.id_parse(self.cleaned_data["id_number"], on=timezone.localdate())
        if parsed is None:
            raise forms.ValidationError(error)
        workers = (
            Worker.objects.for_user(self.user).by_id_number(parsed.number).filter(leave_date__isnull=True)
        )
        worker = (
            workers.order_by("-hire_date", "pk").first()
            or Worker.objects.for_user(self.user)
            .by_id_number(parsed.number)
            .order_by("-hire_date", "pk")
            .first()
        )
        if worker is None:
            raise forms.ValidationError(
                f"未找到身份证号为 {id_rules.id_mask(parsed.number)} 的劳动者，或不在您的服务范围内"
            )
        self.worker = worker
        return id_rules.id_mask(parsed.number)

    def clean(self):
        data = super().clean()
        for i in range(1, SLOTS + 1):
            text = (data.get(f"factor_{i}") or "").strip()
            if not text and not data.get(f"conclusion_{i}"):
                continue
            if find_factor(text) is None:
                self.add_error(f"factor_{i}", f"未知的危害因素“{text}”")
            if not data.get(f"conclusion_{i}"):
                self.add_error(f"conclusion_{i}", "请选择结论")
        return data

    def results(self) -> list[dict[str, Any]]:
        out = []
        for i in range(1, SLOTS + 1):
            text = (self.cleaned_data.get(f"factor_{i}") or "").strip()
            if not text:
                continue
            out.append(
                {
                    "factor": find_factor(text),
                    "conclusion": self.cleaned_data[f"conclusion_{i}"],
                    "items": self.cleaned_data.get(f"items_{i}", ""),
                    "recheck_items": self.cleaned_data.get(f"recheck_items_{i}", ""),
                    "recheck_by": self.cleaned_data.get(f"recheck_by_{i}"),
                }
            )
        return out


# field of the action → field of the form, for the action's ValidationError
EXAM_FIELD_MAP = {"worker": "id_number", "results": "factor_1", "factor": "factor_1", "conclusion": "conclusion_1",
                  "items": "items_1", "recheck_items": "recheck_items_1", "recheck_by": "recheck_by_1",
                  "institution": None}  # fmt: skip


class ReassignForm(forms.Form):
    post = forms.ModelChoiceField(label="调换后的岗位", queryset=Post.objects.none(), required=False)
    on = forms.DateField(label="调岗日期", widget=DATE)

    def __init__(self, *args, task=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if task is not None:
            self.fields["post"].queryset = (
                Post.objects.for_user(user)
                .filter(workplace__enterprise_id=task.worker.enterprise_id)
                .exclude(exposures__hazard_factor_id=task.factor_id)
                .select_related("workplace")
                .order_by("workplace__name", "name")
            )
        if not self.is_bound:
            self.initial["on"] = timezone.localdate()


class ReferForm(forms.Form):
    institution = forms.ModelChoiceField(label="职业病诊断机构", queryset=Institution.objects.none())
    on = forms.DateField(label="转诊日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.of_kind(InstitutionKind.DIAGNOSIS).order_by(
            "name"
        )
        if not self.is_bound:
            self.initial["on"] = timezone.localdate()


class DiagnoseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="诊断结论",
        choices=[(DiagnosisOutcome.CONFIRMED, "诊断为职业病"), (DiagnosisOutcome.EXCLUDED, "排除职业病")],
    )
    diagnosed_on = forms.DateField(label="诊断日期", widget=DATE)
    disease = forms.ModelChoiceField(
        label="职业病名称（诊断日期施行的目录）",
        queryset=OccupationalDisease.objects.order_by("-effective_from", "class_no", "seq"),
        required=False,
    )
    stage = forms.CharField(label="期别/分级", max_length=30, required=False, help_text="如 尘肺壹期")
    certificate_number = forms.CharField(label="诊断证明书编号", max_length=60, required=False)
    certificate_issued_on = forms.DateField(label="证明书出具日期", widget=DATE, required=False)


class CaseDatesForm(forms.Form):
    certificate_delivered_on = forms.DateField(label="证明书送达日期", widget=DATE, required=False)
    reported_on = forms.DateField(label="网络直报日期", widget=DATE, required=False)
    certificate_received_on = forms.DateField(label="劳动者收到证明书日期", widget=DATE, required=False)
    appealed_on = forms.DateField(label="申请鉴定日期", widget=DATE, required=False)


def own_institution(user) -> Institution | None:
    own = access.own_institution_id(user)
    return Institution.objects.filter(pk=own).first() if own else None


class WorkerByIdForm(forms.Form):
    """The worker named by ID number among those the user may see (never echoed in full)."""

    id_number = forms.CharField(
        label="身份证号", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_id_number(self):
        parsed, error = id_rules.id_parse(self.cleaned_data["id_number"], on=timezone.localdate())
        if parsed is None:
            raise forms.ValidationError(error)
        worker = (
            Worker.objects.for_user(self.user)
            .by_id_number(parsed.number)
            .order_by("leave_date", "-hire_date", "pk")
            .first()
        )
        if worker is None:
            raise forms.ValidationError(
                f"未找到身份证号为 {id_rules.id_mask(parsed.number)} 的劳动者，或不在您的服务范围内"
            )
        self.worker = worker
        return id_rules.id_mask(parsed.number)


class ChronicScreeningForm(WorkerByIdForm):
    screened_on = forms.DateField(label="筛查日期", widget=DATE)
    source = forms.ChoiceField(label="来源", choices=ScreeningSource.choices, initial=ScreeningSource.VISIT)
    sbp = forms.IntegerField(label="收缩压(mmHg)", required=False)
    dbp = forms.IntegerField(label="舒张压(mmHg)", required=False)
    fasting_glucose = forms.DecimalField(
        label="空腹血糖(mmol/L)", required=False, max_digits=4, decimal_places=1
    )
    note = forms.CharField(label="说明", required=False, max_length=300)


class ChronicFollowUpForm(WorkerByIdForm):
    disease = forms.ChoiceField(label="病种", choices=ChronicDisease.choices)
    visited_on = forms.DateField(label="随访日期", widget=DATE)
    sbp = forms.IntegerField(label="收缩压(mmHg)", required=False)
    dbp = forms.IntegerField(label="舒张压(mmHg)", required=False)
    fasting_glucose = forms.DecimalField(
        label="空腹血糖(mmol/L)", required=False, max_digits=4, decimal_places=1
    )
    note = forms.CharField(label="说明", required=False, max_length=300)


class PatientFollowUpForm(forms.Form):
    visited_on = forms.DateField(label="随访日期", widget=DATE)
    condition = forms.ChoiceField(label="病情", choices=PatientCondition.choices)
    complications = forms.CharField(label="并发症", required=False, max_length=300)
    rehabilitation = forms.CharField(label="康复情况", required=False, max_length=300)


class StationForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="类别", choices=StationKind.choices)
    town = forms.ModelChoiceField(label="乡镇/街道", queryset=Region.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = access.writable_districts(user) if user is not None else Region.objects.none()
        self.fields["town"].queryset = Region.objects.filter(parent__in=districts).order_by("code")
