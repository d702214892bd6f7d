"""Forms of monitoring, one column on a phone: the report header, one post × factor with the
inputs of its kind, opening a rectification task, recording a measure."""

from __future__ import annotations

from typing import Any

from django import forms

from ohsteward.accounts import access
from ohsteward.core.widgets import DateInput
from ohsteward.hazards.lookup import UnknownFactor, catalogue_factor
from ohsteward.institutions.models import Institution
from ohsteward.monitoring.choices import MeasureType, ReportKind, SamplingMode
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship import rules as evidence_rules
from ohsteward.stewardship.forms import MultipleFileField

NUM = {"inputmode": "decimal"}
LABOUR = [("", "—"), ("I", "Ⅰ级"), ("II", "Ⅱ级"), ("III", "Ⅲ级"), ("IV", "Ⅳ级")]
TOXICITY = [("", "—"), ("轻度", "轻度危害"), ("中度", "中度危害"), ("高度", "高度危害"), ("极度", "极度危害")]


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", choices=ReportKind.choices)
    number = forms.CharField(label="报告编号", max_length=60)
    enterprise = forms.CharField(
        label="用人单位统一社会信用代码", max_length=18, help_text="只能为本机构服务的用人单位录入"
    )
    institution = forms.ModelChoiceField(label="检测机构", queryset=Institution.objects.none())
    sampling_start = forms.DateField(label="采样开始日期", widget=DateInput())
    sampling_end = forms.DateField(label="采样结束日期", widget=DateInput(), required=False)
    issued_on = forms.DateField(label="报告日期", widget=DateInput(), required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        own = access.own_institution_id(user)
        institutions = Institution.objects.for_user(user).order_by("name")
        if own is not None:
            institutions = Institution.objects.filter(pk=own)
            self.fields["institution"].initial = own
        self.fields["institution"].queryset = institutions
        if instance is not None:
            self.initial.update({
                "kind": instance.kind, "number": instance.number, "enterprise": instance.enterprise.uscc,
                "institution": instance.institution_id, "sampling_start": instance.sampling_start,
                "sampling_end": instance.sampling_end, "issued_on": instance.issued_on, "note": instance.note,
            })  # fmt: skip

    def clean_enterprise(self):
        code = self.cleaned_data["enterprise"].strip().upper()
        employer = Enterprise.objects.for_user(self.user).filter(uscc=code).first()
        if employer is None:
            raise forms.ValidationError(
                "未找到该统一社会信用代码的用人单位，或该单位不在您的服务或管辖范围内"
            )
        return employer

    def action_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def parse_lines(text: str, what: str, keys: tuple[str, str]) -> list[dict[str, Any]]:
    """Rows "值 时长" (one per line; ``<0.05 240`` for a result below the LOD 0.05)."""
    rows = []
    for i, line in enumerate((text or "").splitlines(), 1):
        parts = line.replace(",", " ").replace("，", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise forms.ValidationError(f"{what}第{i}行: 应为“数值 时长”两项，如 0.35 240")
        rows.append({keys[0]: parts[0], keys[1]: parts[1]})
    return rows


class MeasurementForm(forms.Form):
    """One post × factor; the inputs shown follow the factor's kind (app.js hides the others)."""

    factor = forms.CharField(label="危害因素", max_length=100, help_text="名称、CDC代码或CAS号")
    workplace_name = forms.CharField(label="车间/工作场所", max_length=100)
    post_name = forms.CharField(label="岗位/工种", max_length=100)
    measured_on = forms.DateField(
        label="检测日期", widget=DateInput(), required=False, help_text="默认为采样开始日期"
    )
    exposed_workers = forms.IntegerField(
        label="接触人数",
        required=False,
        min_value=0,
        help_text="该岗位接触该因素的劳动者人数，用于与申报比对",
    )
    # chemical and dust
    samples = forms.CharField(
        label="定点/个体采样（浓度 时长min，每行一个）", required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "0.35 240\n<0.05 240"}),
        help_text="低于检出限写 <检出限，如 <0.05",
    )  # fmt: skip
    sampling_mode = forms.ChoiceField(
        label="采样方式", choices=[("", "—"), *SamplingMode.choices], required=False
    )
    short_samples = forms.CharField(
        label="短时间采样（浓度 时长min，≤15 min）", required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "1.2 15"}),
    )  # fmt: skip
    c_twa = forms.CharField(label="C_TWA（直接给出）", required=False, widget=forms.TextInput(attrs=NUM))
    c_me = forms.CharField(label="C_ME（最高浓度）", required=False, widget=forms.TextInput(attrs=NUM))
    shift_hours = forms.CharField(label="班次时长(h)", required=False, widget=forms.TextInput(attrs=NUM))
    condition = forms.CharField(label="限值条件（如 铅尘/铅烟）", required=False, max_length=200)
    free_silica_percent = forms.CharField(
        label="游离SiO2含量(%)", required=False, widget=forms.TextInput(attrs=NUM)
    )
    dust_fraction = forms.ChoiceField(
        label="粉尘类别", choices=[("total", "总尘"), ("respirable", "呼尘")], required=False
    )
    toxicity = forms.ChoiceField(label="毒物危害程度（分级用）", choices=TOXICITY, required=False)
    # noise
    noise_segments = forms.CharField(
        label="噪声时段（L_Aeq dB(A) 时长h，每行一个）", required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "88 4\n82 4"}),
    )  # fmt: skip
    l_ex_8h = forms.CharField(
        label="L_EX,8h dB(A)（直接给出）", required=False, widget=forms.TextInput(attrs=NUM)
    )
    days_per_week = forms.IntegerField(label="每周工作天数", required=False, min_value=1, max_value=7)
    # heat
    wbgt = forms.CharField(label="WBGT(℃)", required=False, widget=forms.TextInput(attrs=NUM))
    time_ratio = forms.CharField(label="接触时间率(0–1)", required=False, widget=forms.TextInput(attrs=NUM))
    labour_intensity = forms.ChoiceField(label="体力劳动强度", choices=LABOUR, required=False)
    # vibration, electric field
    a_hw = forms.CharField(
        label="手传振动加速度 a_hw(T) m/s²", required=False, widget=forms.TextInput(attrs=NUM)
    )
    vibration_hours = forms.CharField(
        label="日接振时间(h)", required=False, widget=forms.TextInput(attrs=NUM)
    )
    a_hw4 = forms.CharField(
        label="a_hw(4) m/s²（直接给出）", required=False, widget=forms.TextInput(attrs=NUM)
    )
    e_field = forms.CharField(label="工频电场强度(kV/m)", required=False, widget=forms.TextInput(attrs=NUM))

    GROUPS = {
        "chemical dust": (
            "samples",
            "sampling_mode",
            "short_samples",
            "c_twa",
            "c_me",
            "shift_hours",
            "condition",
        ),
        "dust": ("free_silica_percent", "dust_fraction"),
        "chemical": ("toxicity",),
        "noise": ("noise_segments", "l_ex_8h", "days_per_week"),
        "heat": ("wbgt", "time_ratio"),
        "heat dust chemical": ("labour_intensity",),
        "vibration": ("a_hw", "vibration_hours", "a_hw4"),
        "efield": ("e_field",),
    }

    def clean_factor(self):
        try:
            return catalogue_factor(self.cleaned_data["factor"])
        except UnknownFactor as e:
            raise forms.ValidationError(str(e)) from None

    def clean_samples(self):
        return parse_lines(self.cleaned_data["samples"], "采样", ("value", "minutes"))

    def clean_short_samples(self):
        return parse_lines(self.cleaned_data["short_samples"], "短时间采样", ("value", "minutes"))

    def clean_noise_segments(self):
        return parse_lines(self.cleaned_data["noise_segments"], "噪声时段", ("level", "hours"))

    def groups(self):
        """(kinds, fields) for the template: each fieldset names the kinds it applies to."""
        return [(kinds, [self[name] for name in names]) for kinds, names in self.GROUPS.items()]

    def action_data(self) -> dict[str, Any]:
        c = dict(self.cleaned_data)
        head = {k: c.pop(k) for k in ("factor", "workplace_name", "post_name", "measured_on")}
        return {**head, "inputs": {k: v for k, v in c.items() if v not in (None, "", [])}}


class TaskOpenForm(forms.Form):
    required_measures = forms.MultipleChoiceField(
        label="要求的整改措施", choices=MeasureType.choices, widget=forms.CheckboxSelectMultiple
    )
    finding = forms.CharField(label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="不填则用判定说明")  # fmt: skip
    deadline = forms.DateField(label="整改期限", required=False, widget=DateInput(), help_text="默认30天")


class MeasureForm(forms.Form):
    measure_type = forms.ChoiceField(label="措施类别", choices=MeasureType.choices)
    taken_on = forms.DateField(label="完成日期", widget=DateInput())
    description = forms.CharField(label="措施内容", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(
        label="佐证材料", required=False,
        help_text=f"图片、PDF 或 Office 文档，每个不超过 {evidence_rules.EVIDENCE_MAX_MB} MB",
    )  # fmt: skip

    def clean_evidence(self):
        files = self.cleaned_data.get("evidence") or []
        errors = [e for f in files if (e := evidence_rules.evidence_error(f.name, f.size))]
        if errors:
            raise forms.ValidationError(errors)
        return files
