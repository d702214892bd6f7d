"""Forms of the steward service: each narrows its choices to the user's jurisdiction and hands
an action its keyword arguments (``action_data``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q

from ohsteward.accounts import access
from ohsteward.core.widgets import DateInput
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship import followups, rules
from ohsteward.stewardship.choices import FundingChannel, ServiceContent
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit, StewardTeam, TeamMember
from ohsteward.stewardship.zone import rules as zone_rules

DATE = DateInput()


def institutions():
    """Institutions for the lead/member choice. Not scoped: the list of institutions is public
    within the platform (``institutions.Institution`` has no jurisdiction); reached through the
    FK because stewardship may not import the institutions app (import-linter layers)."""
    return StewardTeam._meta.get_field("lead_institution").related_model.objects.order_by("name")


class TeamForm(forms.ModelForm):
    service_area = forms.ModelMultipleChoiceField(
        label="服务范围（区县、乡镇街道、功能区）",
        queryset=Region.objects.none(),
        required=False,
        help_text="不选则为所在区县全域",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = StewardTeam
        fields = ["name", "district", "level", "lead_institution", "contact_phone", "service_area"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = access.writable_districts(user)
        self.fields["district"].queryset = districts
        self.fields["lead_institution"].queryset = institutions()
        codes = list(districts.values_list("code", flat=True))
        self.fields["service_area"].queryset = Region.objects.filter(
            Q(code__in=codes) | Q(parent_id__in=codes, level=RegionLevel.TOWN) | Q(level=RegionLevel.ZONE)
        ).order_by("code")

    def action_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "service_area"}
        return {"data": data, "service_area": list(self.cleaned_data.get("service_area") or [])}


class MemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["name", "qualification", "certificate_no", "valid_until", "institution", "phone"]
        widgets = {"valid_until": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions()

    def action_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _content_fields(form: forms.Form, prefix: str = "content_") -> None:
    for code, label in ServiceContent.choices:
        form.fields[prefix + code] = forms.IntegerField(
            label=f"{label}（{rules.quantity_unit(code)}）", min_value=0, required=False
        )


def _contents(cleaned: dict[str, Any], prefix: str = "content_") -> dict[str, int]:
    return {code: cleaned[prefix + code] for code in ServiceContent.values if cleaned.get(prefix + code)}


class AgreementForm(forms.Form):
    """Draft (and optionally sign) an agreement: contents with quantities (000 三(一)–(八)), term,
    fee and the amount per funding channel (000 四(一)–(六))."""

    team = forms.ModelChoiceField(label="服务团队", queryset=StewardTeam.objects.none())
    enterprise = forms.CharField(label="用人单位统一社会信用代码", max_length=18)
    start_date = forms.DateField(label="开始日期", widget=DATE)
    end_date = forms.DateField(
        label="结束日期", widget=DATE, required=False, help_text="不填为一年（000 二(三)）"
    )
    fee = forms.DecimalField(
        label="服务费用（元）", min_value=Decimal(0), max_digits=12, decimal_places=2, required=False
    )
    note = forms.CharField(label="备注", max_length=300, required=False)
    sign = forms.BooleanField(label="立即签订（生成服务日程）", required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["team"].queryset = StewardTeam.objects.for_user(user).order_by("name")
        _content_fields(self)
        for code, label in FundingChannel.choices:
            self.fields["funding_" + code] = forms.DecimalField(
                label=f"筹资：{label}（元）",
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=2,
                required=False,
            )

    def clean_enterprise(self):
        code = self.cleaned_data["enterprise"].strip().upper()
        enterprise = Enterprise.objects.for_user(self.user).filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError("没有该统一社会信用代码的用人单位，或不在您的管辖范围内")
        return enterprise

    def clean(self):
        cleaned = super().clean()
        if not _contents(cleaned):
            raise forms.ValidationError("请至少为一项服务内容填写数量")
        return cleaned

    def action_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        funding = {code: c["funding_" + code] for code in FundingChannel.values if c.get("funding_" + code)}
        return {
            "team": c["team"],
            "enterprise": c["enterprise"],
            "start_date": c["start_date"],
            "end_date": c.get("end_date"),
            "fee": c.get("fee"),
            "note": c.get("note") or "",
            "contents": _contents(c),
            "funding": funding,
            "sign": bool(c.get("sign")),
        }


class SupplementForm(forms.Form):
    signed_on = forms.DateField(label="签订日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        _content_fields(self)

    def action_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {"signed_on": c["signed_on"], "note": c.get("note") or "", "contents": _contents(c)}


class SignForm(forms.Form):
    signed_on = forms.DateField(label="签订日期", widget=DATE, required=False)


class TerminateForm(forms.Form):
    reason = forms.CharField(label="解除原因", max_length=300)
    terminated_on = forms.DateField(label="解除日期", widget=DATE, required=False)


class RenewForm(forms.Form):
    years = forms.IntegerField(label="续签年限", min_value=1, max_value=5, initial=1)


class MoveForm(forms.Form):
    planned_on = forms.DateField(label="改到", widget=DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos from the phone's camera, the signed sheet)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class VisitRecordForm(forms.ModelForm):
    """The on-site record, one column on a phone."""

    evidence = MultipleFileField(
        label="照片或文件（佐证材料）",
        required=False,
        help_text=f"图片、PDF 或 Office 文档，每个不超过 {rules.EVIDENCE_MAX_MB} MB；可上传签字确认单",
    )

    class Meta:
        model = ServiceVisit
        fields = ["content", "visited_on", "work_done", "findings", "advice", "trained_count"]
        widgets = {
            "visited_on": DATE,
            "work_done": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "advice": forms.Textarea(attrs={"rows": 3}),
            "trained_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    FINDING_ROWS = 3  # structured findings on the phone form; more can be added on the record

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].required = True
        self.fields["work_done"].required = True
        self.fields["content"].required = True
        self.fields["findings"].label = "发现的问题（文字说明）"
        order = ["content", "visited_on", "work_done", "findings"]
        for n in range(1, self.FINDING_ROWS + 1):
            blank = [("", "—")]
            self.fields[f"finding_{n}_category"] = forms.ChoiceField(
                label=f"问题{n} 类别", required=False, choices=blank + zone_rules.FINDING_CATEGORIES
            )
            self.fields[f"finding_{n}_severity"] = forms.ChoiceField(
                label=f"问题{n} 严重程度", required=False, choices=zone_rules.SEVERITIES
            )
            self.fields[f"finding_{n}_text"] = forms.CharField(
                label=f"问题{n} 描述", required=False, max_length=zone_rules.FINDING_TEXT_MAX
            )
            # issue 10 item 3: the finding raises a rectification task (monitoring) or a training need
            self.fields[f"finding_{n}_rectify"] = forms.BooleanField(
                label=f"问题{n} 需整改", required=False, disabled=not followups.rectification_available(),
                help_text="" if followups.rectification_available() else followups.UNAVAILABLE,
            )  # fmt: skip
            self.fields[f"finding_{n}_train"] = forms.BooleanField(label=f"问题{n} 需培训", required=False)
            order += [f"finding_{n}_{k}" for k in ("category", "severity", "text", "rectify", "train")]
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        for n in range(1, self.FINDING_ROWS + 1):
            category = cleaned.get(f"finding_{n}_category") or ""
            text = (cleaned.get(f"finding_{n}_text") or "").strip()
            if category or text:
                errors = zone_rules.finding_error(category, cleaned.get(f"finding_{n}_severity") or "", text)
                for key, message in errors.items():
                    self.add_error(f"finding_{n}_{key}", message)
            elif cleaned.get(f"finding_{n}_rectify") or cleaned.get(f"finding_{n}_train"):
                self.add_error(f"finding_{n}_text", "请写明需整改或需培训的问题")
        return cleaned

    def clean_evidence(self):
        files = self.cleaned_data.get("evidence") or []
        errors = [e for f in files if (e := rules.evidence_error(f.name, f.size))]
        if errors:
            raise forms.ValidationError(errors)
        return files

    def action_data(self) -> dict[str, Any]:
        c = dict(self.cleaned_data)
        files = c.pop("evidence", [])
        findings = []
        for n in range(1, self.FINDING_ROWS + 1):
            row = {k: (c.pop(f"finding_{n}_{k}", "") or "") for k in ("category", "severity", "text")}
            row["rectify"] = bool(c.pop(f"finding_{n}_rectify", False))
            row["train"] = bool(c.pop(f"finding_{n}_train", False))
            if row["category"] or row["text"].strip():
                findings.append(row)
        return {"data": c, "files": files, "findings": findings}


class EvidenceForm(forms.Form):
    files = MultipleFileField(label="照片或文件", help_text=f"每个不超过 {rules.EVIDENCE_MAX_MB} MB")


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="满意度评分",
        coerce=int,
        choices=[(i, f"{i} 分") for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="评价（可选）", max_length=300, required=False)


def agreement_choices_for(user):
    """Agreements a user may record visits under (signed ones in scope)."""
    return ServiceAgreement.objects.for_user(user).binding()
