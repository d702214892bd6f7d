"""Forms of SME assistance; choices narrowed to the user's jurisdiction."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.widgets import DateInput
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.assistance import rules
from ohsteward.stewardship.models import StewardTeam

DATE = DateInput()


class PlanForm(forms.Form):
    district = forms.ModelChoiceField(label="区县", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2020, max_value=2100)
    target = forms.IntegerField(
        label="目标家数", min_value=0, required=False, help_text="不填则为规定下限（20家）"
    )
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = access.writable_districts(user)
        if not self.is_bound:
            self.initial["year"] = timezone.localdate().year


class EntryForm(forms.Form):
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    team = forms.ModelChoiceField(label="帮扶团队", queryset=None, required=False)
    expert_group = forms.CharField(label="专家组（无团队时）", max_length=200, required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE)
    strategy = forms.CharField(label="一企一策", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["team"].queryset = StewardTeam.objects.for_user(user).order_by("name")

    def clean_uscc(self):
        uscc = self.cleaned_data["uscc"].strip().upper()
        enterprise = Enterprise.objects.for_user(self.user).filter(uscc=uscc).first()
        if enterprise is None:
            raise forms.ValidationError("没有该统一社会信用代码的用人单位，或不在您的管辖范围内")
        self.enterprise = enterprise
        return uscc

    def action_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("uscc")
        return {"enterprise": self.enterprise, **data}


class EntryNotesForm(forms.Form):
    strategy = forms.CharField(label="一企一策", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class ItemForm(forms.Form):
    state = forms.ChoiceField(label="状态", choices=list(rules.ITEM_STATES.items()))
    done_on = forms.DateField(label="完成日期", required=False, widget=DATE)
    na_reason = forms.CharField(label="不适用理由", max_length=300, required=False)
    evidence_note = forms.CharField(
        label="佐证说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(label="佐证文件（图片/PDF/Office，≤10 MB）", required=False)


class PlanEditForm(forms.Form):
    target = forms.IntegerField(label="目标家数", min_value=0)
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            self.initial.update(target=instance.target, deadline=instance.deadline, note=instance.note)


class EntryEditForm(forms.Form):
    team = forms.ModelChoiceField(label="帮扶团队", queryset=None, required=False)
    expert_group = forms.CharField(label="专家组（无团队时）", max_length=200, required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE)
    strategy = forms.CharField(label="一企一策", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = StewardTeam.objects.for_user(user).order_by("name")
        if instance is not None and not self.is_bound:
            self.initial.update(
                team=instance.team_id, expert_group=instance.expert_group,
                deadline=instance.deadline, strategy=instance.strategy,
            )  # fmt: skip
