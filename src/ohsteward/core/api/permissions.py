"""API permission: authenticated, and the role's model permission for the method.

Where (jurisdiction) is enforced by the scoped queryset, not here.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import permissions

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RolePermission(permissions.BasePermission):
    message = "您的角色无权执行此操作"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(
            view, "permission_model", None
        )
        if model is None:
            return True
        action = getattr(view, "permission_action", None) or METHOD_ACTIONS.get(request.method, "view")
        return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def schema_is_public() -> bool:
    """The API schema and docs are open in debug and demo mode only; in production they need a login.

    (The test suite runs like demo mode, settings.TESTING.)
    """
    return bool(settings.DEBUG or getattr(settings, "DEMO", False) or getattr(settings, "TESTING", False))


class SchemaAccess(permissions.BasePermission):
    """``/api/v1/schema/`` and ``/api/v1/docs/``: anyone in debug/demo, any logged-in user in production."""

    message = "API 文档需要登录后查看"

    def has_permission(self, request, view) -> bool:
        return schema_is_public() or bool(request.user and request.user.is_authenticated)
