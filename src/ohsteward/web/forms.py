"""Forms of the web face: login with Chinese messages and the lockout notice, audit filter, tokens."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from ohsteward.accounts import lockout
from ohsteward.core.forms import FilterFormMixin
from ohsteward.core.widgets import DateInput


def locked_message() -> str:
    minutes = max(1, settings.OHSTEWARD_LOGIN_LOCKOUT_SECONDS // 60)
    return f"登录失败次数过多，请{minutes}分钟后再试"


def slowed_message(seconds: int) -> str:
    return f"该网络地址近期登录失败次数过多，此账号请{max(1, seconds)}秒后再试；其他账号不受影响"


class LoginForm(AuthenticationForm):
    """Django's login form, in Chinese, refusing while the username or address is locked."""

    error_messages = {
        "invalid_login": "用户名或密码不正确（注意区分大小写）。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请输入用户名"
        self.fields["password"].error_messages["required"] = "请输入密码"

    def clean(self):
        username = self.cleaned_data.get("username")
        try:
            return super().clean()
        except forms.ValidationError:
            refusal = getattr(self.request, "ohs_login_refusal", None)
            if refusal is not None and refusal.verdict == lockout.SLOWED:
                raise forms.ValidationError(slowed_message(refusal.wait_seconds), code="slowed") from None
            # refused while locked, or this failure was the one that locks the account: say so at once
            if username and lockout.is_locked(username):
                raise forms.ValidationError(locked_message(), code="locked") from None
            raise


class AuditFilterForm(FilterFormMixin, forms.Form):
    object_type = forms.ChoiceField(label="对象类型", required=False)
    user = forms.CharField(label="操作人", required=False, max_length=150)
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # every audited model (declarations, lists, spot checks, notices … included: issue 8 item 15)
        audited = [m for m in apps.get_models() if getattr(m, "audited", False)]
        types = ContentType.objects.get_for_models(*audited).values() if audited else []
        self.fields["object_type"].choices = sorted(
            ((str(ct.pk), str(ct.model_class()._meta.verbose_name)) for ct in types if ct.model_class()),
            key=lambda c: c[1],
        )
        self.label_empty_choices()

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["object_type"]:
            queryset = queryset.filter(content_type_id=data["object_type"])
        if data["user"]:
            who = data["user"].strip()
            queryset = queryset.filter(Q(user_repr__icontains=who) | Q(user__display_name__icontains=who))
        if data["date_from"]:
            queryset = queryset.filter(timestamp__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(timestamp__date__lte=data["date_to"])
        return queryset


class TokenForm(forms.Form):
    name = forms.CharField(
        label="令牌名称（用途）",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "例如：区县数据对接"}),
    )
    expires_in_days = forms.IntegerField(
        label="有效天数",
        required=False,
        min_value=1,
        max_value=3650,
        help_text="不填则长期有效，直到作废；建议按对接期限填写",
        error_messages={
            "min_value": "有效天数至少为 1",
            "max_value": "有效天数最多为 3650",
            "invalid": "请输入天数（整数）",
        },
        widget=forms.NumberInput(attrs={"placeholder": "例如：90", "inputmode": "numeric"}),
    )
