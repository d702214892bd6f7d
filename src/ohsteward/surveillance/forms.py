"""Forms of the surveillance pages (phone-friendly: one column, native date inputs)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ohsteward.core.widgets import DateInput
from ohsteward.registry.models import Enterprise, Post
from ohsteward.surveillance import rules
from ohsteward.surveillance.choices import EmploymentType, RadiationUse
from ohsteward.surveillance.models import Worker

DATE = DateInput()


class WorkerForm(forms.Form):
    """Enrol or edit a worker. On edit the ID number may be left empty (kept as is)."""

    enterprise = forms.ModelChoiceField(label="用人单位", queryset=Enterprise.objects.none())
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="联系电话", max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    employee_number = forms.CharField(label="工号", max_length=30, required=False)
    employment_type = forms.ChoiceField(
        label="用工形式", choices=EmploymentType.choices, initial=EmploymentType.CONTRACT
    )
    dispatcher = forms.CharField(label="劳务派遣单位", max_length=200, required=False)
    radiation_use = forms.ChoiceField(
        label="放射工作类别", choices=RadiationUse.choices, required=False,
        help_text="放射工作人员按劳动者划分医用/非医用时使用；留空按用人单位行业",
    )  # fmt: skip
    hire_date = forms.DateField(label="入职日期", widget=DATE)
    leave_date = forms.DateField(label="离职日期", required=False, widget=DATE)

    def __init__(self, *args, user=None, instance: Worker | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "enterprise": instance.enterprise_id,
                "name": instance.name,
                "phone": instance.phone,
                "employee_number": instance.employee_number,
                "employment_type": instance.employment_type,
                "dispatcher": instance.dispatcher,
                "radiation_use": instance.radiation_use,
                "hire_date": instance.hire_date,
                "leave_date": instance.leave_date,
            }
        kwargs.pop("files", None)
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = (
            Enterprise.objects.for_user(user).order_by("name") if user else Enterprise.objects.none()
        )
        if instance is not None:
            self.fields.pop("enterprise")
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = f"当前：{instance.id_number_masked}；留空则不变"

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number") or ""
        if not value and self.instance is not None:
            return ""

        _parsed, error = rules.id_parse(value, on=timezone.localdate())
        if error:
            raise forms.ValidationError(error)
        return rules.id_clean(value)

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance is not None and not data.get("id_number"):
            data.pop("id_number", None)
        return data


class WorkerPostForm(forms.Form):
    post = forms.ModelChoiceField(label="岗位", queryset=Post.objects.none())
    start_date = forms.DateField(label="上岗日期", widget=DATE)
    end_date = forms.DateField(label="离岗日期", required=False, widget=DATE)

    def __init__(self, *args, worker: Worker, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = (
            Post.objects.filter(workplace__enterprise_id=worker.enterprise_id)
            .select_related("workplace")
            .order_by("workplace__name", "name")
        )


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看事由", max_length=200, required=False)


class FindForm(forms.Form):
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_id_number(self):
        _parsed, error = rules.id_parse(self.cleaned_data["id_number"], on=timezone.localdate())
        if error:
            raise forms.ValidationError(error)
        return rules.id_clean(self.cleaned_data["id_number"])
