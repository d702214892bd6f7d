"""API authentication: ``Authorization: Bearer <token>`` with per-user tokens (``ohsteward token create``)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from ohsteward.accounts.models import ApiToken

LAST_USED_EVERY_SECONDS = 60


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization 头格式应为：Bearer <令牌>")
        token = ApiToken.lookup(header[1].decode(errors="replace"))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已停用")
        now = timezone.now()
        if token.is_expired(now):
            expired = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
            raise exceptions.AuthenticationFailed(f"令牌已于 {expired} 过期，请在“API 令牌”页面生成新令牌")
        if token.user.must_change_password:
            raise exceptions.AuthenticationFailed("该账号须先在网页上修改临时密码，之后令牌才能使用")
        # at most one write a minute per token: busy integrations should not write on every request
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() >= LAST_USED_EVERY_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
