"""drf-spectacular extensions: how our Bearer token authentication appears in the OpenAPI schema,
and the Chinese tags that group the endpoints on the docs page."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AutoSchema(openapi.AutoSchema):
    """Tags each operation with its app's Chinese tag (``settings.OHSTEWARD_API_TAGS``) instead of
    the URL's first segment; ``extend_schema(tags=[…])`` on a view still wins."""

    def get_tags(self) -> list[str]:
        module = type(self.view).__module__.split(".")
        app = module[1] if len(module) > 1 and module[0] == "ohsteward" else ""
        tag = settings.OHSTEWARD_API_TAGS.get(app)
        return [tag[0]] if tag else super().get_tags()


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "ohsteward.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "个人 API 令牌：`ohsteward token create 用户名` 生成，请求头 `Authorization: Bearer <令牌>`。",
        }
