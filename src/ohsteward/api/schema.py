"""drf-spectacular extensions: how our Bearer token authentication appears in the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "ohsteward.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "个人 API 令牌：`ohsteward token create 用户名` 生成，请求头 `Authorization: Bearer <令牌>`。",
        }
