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
import functools
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from ohsteward.core import bulk

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
    if value is None or type(value) in (str, int, bool):  # the common case, checked first
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@functools.cache
def _audited_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(
        f for f in model._meta.concrete_fields if f.name not in EXCLUDED_FIELDS and not f.primary_key
    )


@functools.cache
def _audited_fields_sorted(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(sorted(_audited_fields(model), key=lambda f: f.name))


def snapshot(instance: models.Model) -> dict[str, Any]:
    return {f.name: _jsonable(f.value_from_object(instance)) for f in _audited_fields(type(instance))}


def created_changes(instance: models.Model) -> dict[str, list[Any]]:
    """``diff(None, snapshot(instance))`` — the changes of a create — without the two dicts."""
    out = {}
    for f in _audited_fields_sorted(type(instance)):
        value = _jsonable(f.value_from_object(instance))
        if value is not None:
            out[f.name] = [None, value]
    return out


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, list[Any]]:
    old = old or {}
    new = new or {}
    keys = set(old) | set(new)
    return {k: [old.get(k), new.get(k)] for k in sorted(keys) if old.get(k) != new.get(k)}


def _is_audited(sender: type) -> bool:
    return bool(getattr(sender, "audited", False))


# the columns of an AuditLog row as ``entry_row`` gives them (attnames, for ``core.bulk.insert_rows``)
ENTRY_FIELDS = (
    "timestamp",
    "user_id",
    "user_repr",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "changes",
    "district_code",
    "zone_code",
    "enterprise_id",
    "source",
)


def entry_row(
    instance: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    *,
    user: Any = None,
    source: str | None = None,
    timestamp: dt.datetime | None = None,
) -> tuple:
    """The values (``ENTRY_FIELDS``) of the AuditLog row for one change of ``instance``: the one
    row builder, used by ``record`` and by bulk writers (``insert_entries``)."""
    # local: this module loads before Django is set up (registry.refdata -> demo.synth, used by the
    # benchmarks); the models need the app registry
    from django.contrib.contenttypes.models import ContentType

    actor, actor_source = current_actor()
    user = user if user is not None else actor
    scope = instance.audit_scope() if hasattr(instance, "audit_scope") else {}
    user_pk = getattr(user, "pk", None)
    return (
        timestamp,
        user_pk or None,
        user.get_username() if user_pk else "系统",
        action,
        ContentType.objects.get_for_model(type(instance)).pk,
        str(instance.pk),
        str(instance)[:200],
        changes,
        scope.get("district_code") or "",
        scope.get("zone_code") or "",
        scope.get("enterprise_id"),
        source or actor_source,
    )


def insert_entries(rows: Iterable[tuple]) -> None:
    """Insert ``entry_row`` rows in bulk (COPY on PostgreSQL), their timestamp now where None."""
    from ohsteward.core.models import AuditLog  # local: models need the app registry (see entry_row)

    now = timezone.now()
    bulk.insert_rows(AuditLog, ENTRY_FIELDS, [(r[0] or now, *r[1:]) for r in rows])


def record(
    instance: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    *,
    user: Any = None,
    source: str | None = None,
    save: bool = True,
):
    """Build (and by default save) one AuditLog row for ``instance`` (``entry_row``)."""
    # local: models need the app registry, not loaded when this module is (see entry_row)
    from django.contrib.contenttypes.models import ContentType

    from ohsteward.core.models import AuditLog

    values = dict(
        zip(ENTRY_FIELDS, entry_row(instance, action, changes, user=user, source=source), strict=True)
    )
    del values["timestamp"]  # auto_now_add, on save
    # the related objects themselves (cached on the entry, as before), not only their ids
    user = user if user is not None else current_actor()[0]
    values["user"] = user if values.pop("user_id") else None
    values["content_type"] = ContentType.objects.get_for_id(values.pop("content_type_id"))
    entry = AuditLog(**values)
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
