"""The API docs page at /api/v1/docs/, served without any CDN.

Swagger UI's files come from the ``drf-spectacular-sidecar`` package when it is installed and are
served by ``docs_asset`` straight from the package (no collectstatic or INSTALLED_APPS entry is
needed). Without the package the page is a plain list of the endpoints, rendered from the schema.
"""

from __future__ import annotations

import html
import mimetypes
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from ohsteward.core.api.permissions import SchemaAccess, schema_is_public

SWAGGER_FILES = (
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-32x32.png",
)
METHODS = ("get", "post", "put", "patch", "delete")


def swagger_dist() -> Path | None:
    """The directory of the vendored Swagger UI files, or None when the sidecar is not installed."""
    try:
        # local: the sidecar is optional: without it the docs page falls back to no Swagger UI
        import drf_spectacular_sidecar
    except ImportError:
        return None
    path = (
        Path(drf_spectacular_sidecar.__file__).parent
        / "static"
        / "drf_spectacular_sidecar"
        / "swagger-ui-dist"
    )
    return path if path.is_dir() else None


@login_not_required  # the docs page itself is public (a DRF view); so are its assets
def docs_asset(request, filename: str):
    dist = swagger_dist()
    if dist is None or filename not in SWAGGER_FILES:
        raise Http404("文件不存在")
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(open(dist / filename, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its init script served as a separate file (``?script``), so the CSP needs no inline script."""

    url_name = "api:schema"
    title = "ohsteward API 文档"
    # checked in get(): a person opening the page in production is sent to the login page, not a 401
    permission_classes = [AllowAny]
    # Swagger UI with the project's font and a bar linking back to the app (templates/api/, static/api-docs.css)
    template_name = "api/swagger_ui.html"

    @staticmethod
    def _swagger_ui_resource(filename):
        return reverse("api:docs-asset", args=[filename])

    @staticmethod
    def _swagger_ui_favicon():
        return reverse("api:docs-asset", args=["favicon-32x32.png"])

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not schema_is_public() and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())  # a person opening the page: log in first
        if swagger_dist() is None:
            return endpoint_list(request)
        return super().get(request, *args, **kwargs)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema; behind login in production (SchemaAccess)."""

    permission_classes = [SchemaAccess]


def endpoint_list(request) -> HttpResponse:
    """A self-rendered page listing the endpoints of the schema (used when Swagger UI is absent)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            summary = op.get("summary") or op.get("description", "").split("\n")[0]
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(summary)}</td></tr>"
            )
    body = (
        "<!DOCTYPE html><html lang='zh-hans'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>ohsteward API 文档</title>"
        "<style>body{font-family:sans-serif;margin:1rem}table{border-collapse:collapse;width:100%}"
        "td{border-bottom:1px solid #ddd;padding:.3rem;vertical-align:top;word-break:break-all}</style></head><body>"
        f"<p><a href='{reverse('web:home')}'>返回 ohsteward</a></p>"
        "<h1>ohsteward API</h1><p>认证：请求头 <code>Authorization: Bearer &lt;令牌&gt;</code>。"
        f"完整的 OpenAPI 描述：<a href='{reverse('api:schema')}'>{reverse('api:schema')}</a></p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )
    return HttpResponse(body)
