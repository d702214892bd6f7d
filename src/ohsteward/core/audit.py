"""Audit trail: every create/update/delete of an audited model is written to ``AuditLog``.

A signal is the right tool here (a decoupled side effect, STYLE.md). The actor comes from a
context variable set by the middleware (web and API), by ``audit_context`` (CLI, imports) and
falls back to "系统". Bulk writes bypass signals, so bulk actions call ``record`` themselves.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

_actor: contextvars.ContextVar[tuple[Any, str] | None] = contextvars.ContextVar("audit_actor", default=None)

# the encrypted ID number and its lookup hash stay out of the trail (the masked number is in it)
EXCLUDED_FIELDS = {
    "created_at",
    "updated_at",
    "password",
    "last_login",
    "name_normalized",
    "search_text",
    "id_number_cipher",
    "id_number_hmac",
}


@contextlib.contextmanager
def audit_context(user: Any = None, source: str = "cli") -> Iterator[None]:
    token = _actor.set((user, source))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> tuple[Any, str]:
    value = _actor.get()
    return value if value is not None else (None, "system")


class AuditUserMiddleware:
    """Makes the request's user the actor of every change made while serving it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = (
            "api"
            if request.path.startswith("/api/")
            else "admin"
            if request.path.startswith("/admin/")
            else "web"
        )
        user = getattr(request, "user", None)
        token = _actor.set((user if user is not None and user.is_authenticated else None, source))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in EXCLUDED_FIELDS or field.primary_key:
            continue
        data[field.name] = _jsonable(field.value_from_object(instance))
    return data


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, list[Any]]:
    old = old or {}
    new = new or {}
    keys = set(old) | set(new)
    return {k: [old.get(k), new.get(k)] for k in sorted(keys) if old.get(k) != new.get(k)}


def _is_audited(sender: type) -> bool:
    return bool(getattr(sender, "audited", False))


def record(
    instance: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    *,
    user: Any = None,
    source: str | None = None,
    save: bool = True,
):
    """Build (and by default save) one AuditLog row for ``instance``."""
    # local: this module loads before Django is set up (registry.refdata -> demo.synth, used by the
    # benchmarks); the models need the app registry
    from django.contrib.contenttypes.models import ContentType

    from ohsteward.core.models import AuditLog

    actor, actor_source = current_actor()
    user = user if user is not None else actor
    scope = instance.audit_scope() if hasattr(instance, "audit_scope") else {}
    entry = AuditLog(
        user=user if getattr(user, "pk", None) else None,
        user_repr=(user.get_username() if getattr(user, "pk", None) else "系统"),
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        district_code=scope.get("district_code") or "",
        zone_code=scope.get("zone_code") or "",
        enterprise_id=scope.get("enterprise_id"),
        source=source or actor_source,
    )
    if save:
        entry.save()
    return entry


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not _is_audited(sender):
        return
    old = None
    if instance.pk is not None and not instance._state.adding:
        previous = sender._default_manager.filter(pk=instance.pk).first()
        old = snapshot(previous) if previous is not None else None
    instance._audit_old = old


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _is_audited(sender):
        return
    old = None if created else getattr(instance, "_audit_old", None)
    changes = diff(old, snapshot(instance))
    if not created and not changes:
        return
    record(instance, "create" if created else "update", changes)


def _post_delete(sender, instance, **kwargs):
    if not _is_audited(sender):
        return
    record(instance, "delete", diff(snapshot(instance), None))


def connect_signals() -> None:
    pre_save.connect(_pre_save, dispatch_uid="ohsteward_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="ohsteward_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="ohsteward_audit_post_delete")
