"""Load the seeded library (``refdata/data/regulations_library.json``): entries are created when
their number is missing and never overwritten, so city users' edits stay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ohsteward.core import refdata as files
from ohsteward.core.audit import audit_context
from ohsteward.library.models import Regulation

SEED_FILE = "regulations_library.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def seed_rows() -> list[dict[str, Any]]:
    return [
        {
            "number": r["number"],
            "title": r["title"],
            "kind": r["kind"],
            "issuer": r.get("issuer", ""),
            "issued_on": _date(r.get("issued_on")),
            "effective_on": _date(r.get("effective_on")),
            "status": r.get("status", "current"),
            "repealed_on": _date(r.get("repealed_on")),
            "unverified": bool(r.get("unverified", False)),
            "url": r.get("url", ""),
            "interpretation": r.get("interpretation", ""),
            "aliases": "\n".join(r.get("aliases", [])),
        }
        for r in files.json_file(SEED_FILE)
    ]


@transaction.atomic
def load_library() -> int:
    """Create the seeded entries that are missing; returns how many were created."""
    existing = set(Regulation.objects.values_list("number", flat=True))
    new = [Regulation(**r) for r in seed_rows() if r["number"] not in existing]
    Regulation.objects.bulk_create(new)  # like the other reference data: seeded, not edited
    return len(new)


def load_on_migrate(using: str = "default", **kwargs) -> None:
    if Regulation.objects.using(using).exists():
        return
    with audit_context(None, "refdata"):
        load_library()
