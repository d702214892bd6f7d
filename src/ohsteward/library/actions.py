"""Writes of the library: city users add and correct entries (and attach the full text)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ohsteward.library import rules
from ohsteward.library.models import Regulation, RegulationFile

NOT_CITY = "只有市级用户可以维护法律法规标准库"
FIELDS = (
    "number", "title", "kind", "issuer", "issued_on", "effective_on", "status", "repealed_on",
    "unverified", "url", "interpretation", "aliases", "superseded_by",
)  # fmt: skip


def _require_editor(user) -> None:
    # the permission matrix gives change_regulation to city users only
    if user is not None and not user.has_perm("library.change_regulation"):
        raise PermissionDenied(NOT_CITY)


def _store_file(entry: Regulation, upload: Any) -> None:
    error = rules.file_error(upload.name, upload.size)
    if error:
        raise ValidationError({"file": error})
    entry.file_name, entry.file_type, entry.file_size = upload.name, upload.content_type or "", upload.size
    entry.save(update_fields=["file_name", "file_type", "file_size", "updated_at"])
    RegulationFile.objects.update_or_create(regulation=entry, defaults={"data": upload.read()})


def _apply(entry: Regulation, data: Mapping[str, Any]) -> None:
    for key in FIELDS:
        if key in data:
            value = data[key]
            if value is None and key not in ("issued_on", "effective_on", "repealed_on", "superseded_by"):
                value = ""
            setattr(entry, key, value)
    error = rules.status_error(entry.status, entry.repealed_on, entry.effective_on)
    if error:
        raise ValidationError({"repealed_on": error})
    entry.full_clean()


@transaction.atomic
def regulation_create(*, user, data: Mapping[str, Any], file: Any = None) -> Regulation:
    _require_editor(user)
    entry = Regulation()
    _apply(entry, data)
    entry.save()
    if file is not None:
        _store_file(entry, file)
    return entry


@transaction.atomic
def regulation_update(
    *, user, regulation: Regulation, data: Mapping[str, Any], file: Any = None
) -> Regulation:
    _require_editor(user)
    _apply(regulation, data)
    regulation.save()
    if file is not None:
        _store_file(regulation, file)
    return regulation
