"""Base viewsets of the API. Every protected endpoint subclasses ``ScopedModelViewSet``.

Scoping is never written per view: ``ScopedModelViewSet.get_queryset`` always narrows the
queryset with ``.for_user(request.user)`` (the one mechanism, accounts/access), so list,
detail, update and export all see the same rows, and an object outside the user's jurisdiction
answers 404 like an object that does not exist. Django's ``ValidationError`` and
``PermissionDenied`` raised by actions become 400/403 in ``core.api.exceptions``.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action

from ohsteward.core import audit
from ohsteward.core.tables import export_response


class AuditedViewMixin:
    """Makes the authenticated API user the actor of the audit trail.

    The audit middleware runs before DRF authenticates a Bearer token, so for token requests it
    only sees an anonymous user; here the actor is set again once DRF knows who is calling.
    """

    def dispatch(self, request, *args, **kwargs):
        with contextlib.ExitStack() as stack:
            self._audit_stack = stack
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user if request.user.is_authenticated else None
        self._audit_stack.enter_context(audit.audit_context(user, "api"))


class ScopedQuerysetMixin:
    """``get_queryset`` is always ``queryset.for_user(request.user)``; subclasses narrow it further
    by overriding ``get_queryset`` and calling ``super()``."""

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.for_user(self.request.user)


class ScopedModelViewSet(AuditedViewMixin, ScopedQuerysetMixin, viewsets.ModelViewSet):
    """A ModelViewSet whose queryset is always ``queryset.for_user(request.user)``.

    Subclasses set ``queryset`` (a manager or queryset built on ``ScopedQuerySet``),
    ``serializer_class`` and ``filterset_class``; writes go through ``actions.py`` in
    ``perform_create``/``perform_update``. DELETE is not offered unless a subclass adds it.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]


class ScopedReadOnlyModelViewSet(AuditedViewMixin, ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of protected data, scoped like ``ScopedModelViewSet`` (actions may write)."""


class ExportMixin:
    """``GET <list>/export/``: the filtered, scoped list as .xlsx, columns from the model's Table.

    Set ``table_class`` (a ``core.tables.Table``, the same one the list page renders) and
    ``export_filename``.
    """

    table_class: Any = None
    export_filename = "export"

    @extend_schema(
        summary="导出为 .xlsx（与列表相同的筛选条件）",
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description=".xlsx 文件"
            )
        },
    )
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        filename = f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx"
        return export_response(self.table_class, queryset, filename, user=request.user)


class ReferenceViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only reference data (regions, industries, hazard factors, limits): not scoped; ``export/``
    like every list (set ``table_class``)."""
