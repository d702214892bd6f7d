"""Forms of the employer register: the edit/create form, the filter panel choices, the import form."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from ohsteward.accounts import access
from ohsteward.accounts.access import writable_districts
from ohsteward.core.widgets import DateInput
from ohsteward.registry.choices import IndustryLevel, RegionLevel
from ohsteward.registry.models import Enterprise, Industry, Region, Workplace
from ohsteward.registry.refdata import zone_towns_unverified

IMPORT_SUFFIXES = {".xlsx", ".xls", ".csv"}


def districts_for(user):
    """Districts a user may pick (``access.writable_districts``)."""
    return writable_districts(user)


def towns_for(user, district: str | None):
    """Towns/streets under ``district`` that lie inside the user's jurisdiction."""
    if not district:
        return Region.objects.none()
    towns = Region.objects.filter(level=RegionLevel.TOWN, parent_id=district).order_by("code")
    return access.selectable_towns(user, towns)


def zones_for(user):
    """Functional zones a user may pick (``access.selectable_zones``)."""
    return access.selectable_zones(user)


class EnterpriseForm(forms.ModelForm):
    """Fields a person enters; size class and industry risk are derived by the rules, not typed."""

    industry = forms.ModelChoiceField(
        label="行业代码",
        required=False,
        queryset=Industry.objects.filter(level=IndustryLevel.CLASS),
        to_field_name="code",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "如 3311"}),
        help_text="GB/T 4754-2017 国民经济行业分类小类的4位代码；系统据此判断职业病危害风险分类。",
        error_messages={"invalid_choice": "没有这个行业小类代码，请填写4位数字的小类代码，如 3311"},
    )

    def validate_unique(self):
        """Everything but the credit code: a taken code is refused by the action, which names it
        registered only when the user can see that employer (issue 6 item 17)."""
        exclude = self._get_validation_exclusions()
        exclude.add("uscc")
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "region",
            "town",
            "zone",
            "address",
            "industry",
            "economic_type",
            "employees",
            "exposed_workers",
            "revenue",
            "total_assets",
            "status",
            "suspended_on",
            "cancelled_on",
            "legal_representative",
            "contact_name",
            "contact_phone",
        ]
        widgets = {
            "suspended_on": DateInput(),
            "cancelled_on": DateInput(),
            "contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "uscc": "18位，系统会核对校验位。",
            "employees": "企业规模按《统计上大中小微型企业划分办法（2017）》由从业人员数、营业收入、资产总额判定。",
            "suspended_on": "经营状态为“停产停业”时填写。",
            "cancelled_on": "经营状态为“注销”时填写。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = districts_for(user)
        self.fields["region"].empty_label = "请选择区县"
        locked = bool(access.own_enterprise_id(user) and self.instance.pk)
        district = (
            self.data.get("region") if self.is_bound and not locked else (self.instance.region_id or None)
        )
        if not district and self.fields["region"].queryset.count() == 1:
            district = self.fields["region"].queryset.first().code
            self.initial.setdefault("region", district)
        self.fields["town"].queryset = towns_for(user, district)
        self.fields["town"].empty_label = "（不填）"
        self.fields["zone"].queryset = (
            zones_for(user)
            if not access.own_enterprise_id(user)
            else (
                Region.objects.filter(code=self.instance.zone_id)
                if self.instance.zone_id
                else Region.objects.none()
            )
        )
        self.fields["zone"].empty_label = "（不属于功能区）"
        self.fields["zone"].help_text = "功能区按乡镇街道划定，须同时填写乡镇街道" + (
            "（功能区—乡镇街道对照表未核对）" if zone_towns_unverified() else ""
        )
        self.fields["economic_type"].choices = [("", "（不填）")] + [
            c for c in self.fields["economic_type"].choices if c[0]
        ]
        self.fields["industry"].widget.attrs.update(
            {
                "hx-get": reverse("registry:industry_hint"),
                "hx-target": "#industry-hint",
                "hx-trigger": "load, input changed delay:300ms",
                "autocomplete": "off",
            }
        )
        self.fields["industry"].help_text = format_html(
            '<span id="industry-hint" aria-live="polite"></span>{}', self.fields["industry"].help_text
        )
        self.fields["region"].widget.attrs.update(
            {
                "hx-get": reverse("registry:town_options"),
                "hx-target": "#id_town",
                "hx-trigger": "change",
                "hx-vals": '{"empty": "（不填）"}',
            }
        )
        if locked:
            # an employer's own manager keeps its identity and location; the district changes those
            for name in ("uscc", "region", "town", "zone"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "如需更改，请联系所在区县卫生健康部门。"

    def action_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="名单文件（.xlsx / .xls / .csv）",
        error_messages={"required": "请选择要上传的文件", "empty": "上传的文件是空的"},
    )
    partial = forms.BooleanField(label="仅导入无误的行（有错误的行跳过，可下载后修改再导入）", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        suffix = Path(f.name).suffix.lower()
        if suffix not in IMPORT_SUFFIXES:
            raise forms.ValidationError(
                f"不支持 {suffix or '无扩展名'} 文件，请上传 .xlsx、.xls 或 .csv 文件"
            )
        limit = settings.OHSTEWARD_MAX_UPLOAD_MB
        if f.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"文件太大（{f.size / 1024 / 1024:.1f} MB），上限为 {limit} MB，请拆分后分批导入"
            )
        return f


class WorkplaceForm(forms.ModelForm):
    """A workplace's own fields; which employer it belongs to is not changed here."""

    class Meta:
        model = Workplace
        fields = ["name"]

    def action_data(self) -> dict:
        return {"name": self.cleaned_data["name"]}
