"""Forms of training (phone-sized); choices narrowed to the user's jurisdiction."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from ohsteward.core.widgets import DateInput
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.training import actions, rules

DATE = DateInput()
MANY = 50  # more employers than this in scope: type credit codes instead of ticking boxes


class _EmployersMixin:
    """``enterprises``: boxes to tick for a team or a manager, credit codes for a region."""

    def _employers(self, user) -> None:
        self.user = user
        scoped = Enterprise.objects.for_user(user).order_by("name")
        self.many = scoped[: MANY + 1].count() > MANY
        fields: dict[str, Any] = self.fields  # type: ignore[attr-defined]
        if self.many:
            fields["enterprises"] = forms.CharField(
                label="用人单位（统一社会信用代码，每行一个）", widget=forms.Textarea(attrs={"rows": 2})
            )
        else:
            fields["enterprises"] = forms.ModelMultipleChoiceField(
                label="用人单位", queryset=scoped, widget=forms.CheckboxSelectMultiple
            )
            if scoped.count() == 1 and not getattr(self, "is_bound", False):
                self.initial["enterprises"] = [scoped.first().pk]  # type: ignore[attr-defined]

    def clean_enterprises(self):
        value = self.cleaned_data["enterprises"]  # type: ignore[attr-defined]
        if not self.many:
            return list(value)
        codes = [c.strip().upper() for c in value.split() if c.strip()]
        found = {e.uscc: e for e in Enterprise.objects.for_user(self.user).filter(uscc__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(f"不在您范围内或不存在：{'、'.join(missing)}")
        return [found[c] for c in codes]


class SessionForm(_EmployersMixin, forms.Form):
    held_on = forms.DateField(label="培训日期", widget=DATE)
    topic = forms.CharField(label="培训主题", max_length=200)
    trainer = forms.CharField(label="授课人", max_length=100)
    hours = forms.DecimalField(label="学时", min_value=0.5, max_value=200, decimal_places=1)
    mode = forms.ChoiceField(label="方式", choices=list(rules.MODES), widget=forms.RadioSelect)
    people = forms.CharField(
        label="参训人员（每行一人：姓名，类别）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "张三，接害劳动者\n李四，职业卫生管理人员"}),
        help_text="类别：主要负责人 / 职业卫生管理人员 / 接害劳动者 / 其他人员；不写类别即为接害劳动者。"
        "多家单位的培训，保存后在培训页面按单位登记参训人员。",
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._employers(user)
        self.order_fields(["held_on", "topic", "trainer", "hours", "mode", "enterprises", "people", "note"])
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
            self.initial.setdefault("mode", "onsite")

    def clean_people(self):
        try:
            return actions.parse_people(self.cleaned_data["people"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["people"]) from None


class RecordForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="用人单位", queryset=None)
    name = forms.CharField(label="姓名", max_length=50)
    role = forms.ChoiceField(label="人员类别", choices=list(rules.ROLES))
    trained_on = forms.DateField(label="培训日期", widget=DATE)
    hours = forms.DecimalField(label="学时", min_value=0.5, max_value=200, decimal_places=1)
    course = forms.CharField(label="培训/课程名称", max_length=200)
    started_on = forms.DateField(label="上岗（任职）日期（新人员）", required=False, widget=DATE)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).order_by("name")


class TraineeForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="用人单位", queryset=None)
    name = forms.CharField(label="姓名", max_length=50)
    role = forms.ChoiceField(label="人员类别", choices=list(rules.ROLES))
    post = forms.CharField(label="岗位", max_length=100, required=False)
    started_on = forms.DateField(label="上岗（任职）日期", widget=DATE)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).order_by("name")


class QuestionsField(forms.CharField):
    """Questions as JSON: [{"text": "…", "options": ["…", "…"], "answer": 0}, …]."""

    widget = forms.Textarea(attrs={"rows": 10, "spellcheck": "false"})

    def prepare_value(self, value):
        return json.dumps(value, ensure_ascii=False, indent=1) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        try:
            questions = json.loads(text or "[]")
        except json.JSONDecodeError as error:
            raise ValidationError(f"题目格式有误（第{error.lineno}行）：应为 JSON 列表") from None
        message = rules.questions_error(questions)
        if message:
            raise ValidationError(message)
        return questions


QUESTIONS_HELP = '每题：{"text": "题目", "options": ["选项A", "选项B"], "answer": 正确选项序号（从0开始）}'


class LectureForm(forms.Form):
    title = forms.CharField(label="课程名称", max_length=200)
    description = forms.CharField(label="简介", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    hours = forms.DecimalField(label="学时", min_value=0.5, max_value=200, decimal_places=1)
    link = forms.URLField(label="课程链接（无课件时）", required=False, assume_scheme="https")
    file = forms.FileField(label="课件或视频（mp4/webm ≤50 MB；PDF/PPT/图片 ≤10 MB）", required=False)
    questions = QuestionsField(label="测验题目", help_text=QUESTIONS_HELP)
    pass_score = forms.IntegerField(label="合格分数", min_value=1, max_value=100, initial=60)
    active = forms.BooleanField(label="上线", required=False, initial=True)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            self.initial.update({f: getattr(instance, f) for f in ("title", "description", "hours", "link",
                                 "questions", "pass_score", "active")})  # fmt: skip


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label="问卷名称", max_length=200)
    hazard = forms.ModelChoiceField(
        label="危害因素", queryset=HazardFactor.objects.order_by("pk"), required=False
    )
    questions = QuestionsField(label="题目", help_text=QUESTIONS_HELP)
    threshold = forms.IntegerField(
        label="知晓分数线（得分≥此值为知晓）", min_value=1, max_value=100, initial=80
    )
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            self.initial.update({f: getattr(instance, f) for f in ("title", "hazard", "questions", "threshold",
                                 "active")})  # fmt: skip


class SessionPeopleForm(forms.Form):
    """People of one of the session's employers, typed one per line on the session page."""

    enterprise = forms.ModelChoiceField(label="用人单位", queryset=None)
    people = forms.CharField(
        label="参训人员（每行一人：姓名，类别）", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = session.links.values("enterprise_id") if session is not None else []
        self.fields["enterprise"].queryset = Enterprise.objects.filter(pk__in=ids).order_by("name")
        if session is not None and session.links.count() == 1 and not self.is_bound:
            self.initial["enterprise"] = session.links.get().enterprise_id

    def clean_people(self):
        try:
            return actions.parse_people(self.cleaned_data["people"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["people"]) from None
