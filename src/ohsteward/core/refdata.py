"""Readers for the reference data shipped in ``ohsteward/refdata/data`` (sources in its SOURCES.md),
shared by the apps that own reference tables (registry: regions, industries; hazards: factors,
limits, diseases). Loading is idempotent: rows are created when missing and left alone when
present (``refresh`` overwrites them from the files)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any


def rows(name: str) -> Iterator[dict[str, str]]:
    with resources.files("ohsteward.refdata").joinpath("data", name).open(encoding="utf-8-sig") as fh:
        yield from csv.DictReader(fh)


def json_file(name: str) -> Any:
    with resources.files("ohsteward.refdata").joinpath("data", name).open(encoding="utf-8") as fh:
        return json.load(fh)


def upsert(model, key: str, rows: list[dict[str, Any]], refresh: bool) -> int:
    existing = set(model.objects.values_list(key, flat=True))
    new = [model(**r) for r in rows if r[key] not in existing]
    model.objects.bulk_create(new, batch_size=1000)
    if refresh:
        fields = [f for f in rows[0] if f != key] if rows else []
        old = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": existing})}
        changed = []
        for r in rows:
            obj = old.get(r[key])
            if obj is not None:
                for f in fields:
                    setattr(obj, f, r[f])
                changed.append(obj)
        if changed and fields:
            model.objects.bulk_update(changed, fields, batch_size=500)
    return len(new)
