"""Forms of the online service zone (one column, phone-sized)."""

from __future__ import annotations

from django import forms

from ohsteward.stewardship import followups
from ohsteward.stewardship.choices import ServiceContent
from ohsteward.stewardship.zone import rules

REQUIRED = {"required": "请填写此项"}  # whatever language the browser asks for


class RequestForm(forms.Form):
    contents = forms.MultipleChoiceField(
        label="希望团队提供的服务", required=False, choices=ServiceContent.choices,
        widget=forms.CheckboxSelectMultiple, help_text="可多选；不确定可以不选，团队会和您商量",
    )  # fmt: skip
    message = forms.CharField(
        label="留言", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：职工人数、主要岗位、希望上门的时间",
    )  # fmt: skip


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="答复", choices=[("accept", "接受"), ("decline", "婉拒")])
    reason = forms.CharField(label="婉拒原因", required=False, max_length=300)


class QuestionForm(forms.Form):
    topic = forms.ChoiceField(label="问题类别", choices=rules.QUESTION_TOPICS, initial="other")
    question = forms.CharField(
        label="您的问题", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="用自己的话写清楚情况，例如岗位、人数、遇到的困难",
        error_messages={"required": "请写下您想咨询的问题"},
    )  # fmt: skip


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="答复", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}), error_messages=REQUIRED
    )


class FindingForm(forms.Form):
    category = forms.ChoiceField(label="问题类别", choices=rules.FINDING_CATEGORIES)
    severity = forms.ChoiceField(label="严重程度", choices=rules.SEVERITIES)
    text = forms.CharField(label="问题描述", max_length=rules.FINDING_TEXT_MAX, error_messages=REQUIRED)
    rectify = forms.BooleanField(label="需整改（下达整改任务）", required=False)
    train = forms.BooleanField(label="需培训（提出培训需求）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not followups.rectification_available():
            self.fields["rectify"].disabled = True
            self.fields["rectify"].help_text = followups.UNAVAILABLE
