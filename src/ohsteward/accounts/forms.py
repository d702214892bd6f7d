"""Forms of the user-management page and the password change, in Chinese."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db.models import Q

from ohsteward.accounts import access
from ohsteward.accounts.choices import Role
from ohsteward.accounts.models import User
from ohsteward.registry.models import Region

STATUS_CHOICES = [("", "全部"), ("active", "启用"), ("inactive", "已停用"), ("must_change", "待修改临时密码")]


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (old password, new twice) with Chinese labels; the validators run in the action."""

    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def __init__(self, user, *args, forced: bool = False, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "临时密码" if forced else "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        self.fields["new_password1"].help_text = "".join(password_validators_help_texts())
        self.fields["new_password2"].help_text = "再输入一次新密码，以免输错。"
        for name in self.fields:
            self.fields[name].error_messages["required"] = "请填写此项"

    def save(self, commit: bool = True):  # pragma: no cover - the view calls the action instead
        raise NotImplementedError("use accounts.actions.password_change")


class UserFilterForm(forms.Form):
    q = forms.CharField(label="用户名或姓名", required=False, max_length=50)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部"), *Role.choices])
    region = forms.ChoiceField(label="区县", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(access.grantable_region_q(viewer), level__in=["district", "zone"])
        self.fields["region"].choices = [("", "全部"), *regions.values_list("code", "name")]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            queryset = queryset.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
        if data["role"]:
            queryset = queryset.filter(role_assignment__role=data["role"])
        if data["region"]:
            code = data["region"]
            queryset = queryset.filter(
                Q(role_assignment__region_id=code)
                | Q(role_assignment__region__parent_id=code)
                | Q(role_assignment__enterprise__region_id=code)
                | Q(role_assignment__enterprise__zone_id=code)
            )
        if data["status"] == "active":
            queryset = queryset.filter(is_active=True)
        elif data["status"] == "inactive":
            queryset = queryset.filter(is_active=False)
        elif data["status"] == "must_change":
            queryset = queryset.filter(must_change_password=True)
        return queryset


class UserCreateForm(forms.Form):
    """A new user with a role and a jurisdiction; the choices are what the viewer may grant."""

    username = forms.RegexField(
        label="用户名",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和 @ . + - _"},
        help_text="登录时使用，建议用拼音或工号，例如 yubei_wang",
    )
    display_name = forms.CharField(
        label="姓名",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "例如：渝北区卫生健康委 王某某"}),
    )
    role = forms.ChoiceField(label="角色")
    region = forms.ChoiceField(
        label="辖区", required=False, help_text="除用人单位管理人员和市卫生健康委外必填"
    )
    enterprise_uscc = forms.CharField(
        label="所属用人单位（统一社会信用代码）",
        max_length=30,
        required=False,
        help_text="仅用人单位管理人员填写",
    )

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        roles = access.grantable_roles(viewer)
        self.fields["role"].choices = [
            ("", "请选择"),
            *[(v, label) for v, label in Role.choices if v in roles],
        ]
        regions = Region.objects.filter(access.grantable_region_q(viewer)).exclude(level="town")
        towns = Region.objects.filter(access.grantable_region_q(viewer), level="town")
        choices = [("", "请选择"), *regions.values_list("code", "name")]
        if not access.sees_everything(viewer):
            # a district admin may also assign one of its towns (the whole city's towns are too many to list)
            choices += [(code, f"└ {name}") for code, name in towns.values_list("code", "name")]
        self.fields["region"].choices = choices
        for name in ("username", "role"):
            self.fields[name].error_messages["required"] = (
                "请填写此项" if name == "username" else "请选择角色"
            )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.ENTERPRISE_MANAGER and not data.get("enterprise_uscc"):
            self.add_error("enterprise_uscc", "用人单位管理人员须填写所属用人单位的统一社会信用代码")
        elif role and role not in {Role.ENTERPRISE_MANAGER, Role.CITY_ADMIN} and not data.get("region"):
            self.add_error("region", "该角色须选择辖区")
        username = data.get("username")
        if username and User.objects.filter(username__iexact=username).exists():
            self.add_error("username", f"用户名 {username} 已存在")
        return data
