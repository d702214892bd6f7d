"""Authentication with login throttling: repeated failures lock the username and the address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


def _keys(username: str | None, request) -> list[str]:
    keys = [f"ohs-login-fail:user:{(username or '').lower()}"]
    addr = request.META.get("REMOTE_ADDR") if request is not None else None
    if addr:
        keys.append(f"ohs-login-fail:addr:{addr}")
    return keys


def is_locked(username: str | None, request=None) -> bool:
    limit = settings.OHSTEWARD_LOGIN_MAX_FAILURES
    user_key = _keys(username, request)[0]
    if (cache.get(user_key) or 0) >= limit:
        return True
    # the address limit is wider: several people may share an office NAT
    return any((cache.get(k) or 0) >= limit * 4 for k in _keys(username, request)[1:])


def register_failure(username: str | None, request=None) -> None:
    for key in _keys(username, request):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.OHSTEWARD_LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str | None, request=None) -> None:
    cache.delete(_keys(username, request)[0])


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses while locked and counts failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if is_locked(username, request):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            register_failure(username, request)
        else:
            clear_failures(username, request)
        return user
