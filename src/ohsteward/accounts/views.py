"""Users and passwords in the web UI: one's own password, and user management for city/district admins.

Every read goes through ``User.objects.for_user(viewer)`` (access.user_q); every write is an action
in ``accounts/actions.py``. Out-of-scope users answer 404.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ohsteward.accounts import actions
from ohsteward.accounts.access import get_for_user_or_404
from ohsteward.accounts.forms import PasswordChangeForm, UserCreateForm, UserFilterForm
from ohsteward.accounts.models import LoginAttempt, LoginThrottle, ThrottleKind, User
from ohsteward.core.spreadsheets import xlsx_response

PAGE_SIZE = 50


def in_chinese(view):
    """Django's own messages (field required, invalid choice, validators) in the UI's language."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return view(request, *args, **kwargs)

    return wrapped


def requires(perm: str):
    """Log in first (anonymous users go to the login page), then the permission or 403."""

    def decorate(view):
        return login_required(permission_required(perm, raise_exception=True)(in_chinese(view)))

    return decorate


def _errors_into(form, exc: ValidationError, default_field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc.messages)


@login_required
@in_chinese
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; the forced change after a temporary password lands here too.

    The validators' messages come from Django's catalogue: always in the UI's language (Chinese),
    whatever language the browser asks for.
    """
    user = User.objects.get(pk=request.user.pk)  # the model instance, not the request's lazy wrapper
    forced = user.must_change_password
    form = PasswordChangeForm(user, request.POST or None, forced=forced)
    if request.method == "POST" and form.is_valid():
        try:
            actions.password_change(user=user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            _errors_into(form, exc, "new_password1")
        else:
            update_session_auth_hash(request, user)  # stay logged in with the new password
            messages.success(request, "密码已修改，下次登录请使用新密码。")
            target = request.POST.get("next") or ""
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = ""
            return redirect(target or "web:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": forced, "next": request.GET.get("next") or request.POST.get("next", "")},
    )


def _users(request: HttpRequest):
    form = UserFilterForm(request.GET or None, viewer=request.user)
    queryset = (
        User.objects.for_user(request.user)
        .select_related("role_assignment__region", "role_assignment__enterprise")
        .order_by("username")
    )
    return form, form.filter(queryset)


def _locks(usernames) -> dict[str, object]:
    now = timezone.now()
    rows = LoginThrottle.objects.filter(
        kind=ThrottleKind.USERNAME, key__in=[u.lower() for u in usernames], locked_until__gt=now
    )
    return {r.key: r.locked_until for r in rows}


def _where(user: User) -> str:
    a = user.assignment
    if a is None:
        return "—"
    return str(a.enterprise or a.region or "全市")


@requires("accounts.view_user")
def user_list(request: HttpRequest) -> HttpResponse:
    form, queryset = _users(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    locks = _locks([u.username for u in page.object_list])
    rows = [(u, _where(u), locks.get(u.username.lower())) for u in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("accounts.add_user"),
        },
    )


USER_COLUMNS = [
    ("username", "用户名"),
    ("display_name", "姓名"),
    ("role", "角色"),
    ("where", "辖区/单位"),
    ("status", "状态"),
    ("must_change", "须修改临时密码"),
    ("last_login", "最近登录"),
    ("date_joined", "创建时间"),
]


@requires("accounts.view_user")
def user_export(request: HttpRequest) -> HttpResponse:
    _, queryset = _users(request)

    def rows():
        for u in queryset.iterator(chunk_size=2000):
            a = u.assignment
            yield [
                u.username,
                u.display_name,
                a.get_role_display() if a else "未分配角色",
                _where(u),
                "启用" if u.is_active else "已停用",
                "是" if u.must_change_password else "否",
                timezone.localtime(u.last_login).strftime("%Y-%m-%d %H:%M") if u.last_login else "",
                timezone.localtime(u.date_joined).strftime("%Y-%m-%d %H:%M"),
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"用户-{stamp}.xlsx", USER_COLUMNS, rows())


@requires("accounts.add_user")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        raw = actions.temporary_password()
        try:
            user = actions.user_create(
                actor=request.user,
                username=data["username"],
                password=raw,
                role=data["role"],
                region_code=data["region"] or None,
                enterprise_uscc=data["enterprise_uscc"] or None,
                display_name=data["display_name"],
                temporary=True,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            return _detail(request, user, temporary_password=raw, created=True)
    return render(request, "accounts/user_form.html", {"form": form})


def _detail(request: HttpRequest, user: User, **extra) -> HttpResponse:
    attempts = LoginAttempt.objects.filter(username__iexact=user.username)[:10]
    locked = _locks([user.username]).get(user.username.lower())
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": user,
            "where": _where(user),
            "locked_until": locked,
            "attempts": attempts,
            "can_change": request.user.has_perm("accounts.change_user"),
            **extra,
        },
    )


@requires("accounts.view_user")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_for_user_or_404(User.objects.select_related("role_assignment__region"), request.user, pk=pk)
    return _detail(request, user)


def _target(request: HttpRequest, pk: int) -> User:
    return get_for_user_or_404(User.objects, request.user, pk=pk)


@requires("accounts.change_user")
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _target(request, pk)
    try:
        actions.user_activate(actor=request.user, user=user, active=False)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已停用 {user}：该账号不能再登录，其 API 令牌已作废。")
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.change_user")
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _target(request, pk)
    actions.user_activate(actor=request.user, user=user, active=True)
    messages.success(request, f"已启用 {user}。")
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.change_user")
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _target(request, pk)
    raw = actions.user_password_reset(actor=request.user, user=user)
    return _detail(request, user, temporary_password=raw)


@requires("accounts.change_user")
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = _target(request, pk)
    if actions.user_unlock(actor=request.user, user=user):
        messages.success(request, f"已解除 {user} 的登录锁定。")
    else:
        messages.info(request, f"{user} 当前未被锁定。")
    return redirect("accounts:user_detail", pk=pk)
