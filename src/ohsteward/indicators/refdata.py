"""Loading the indicator library (``data/indicators.json``): the seeds' indicators and targets.

Loading is idempotent and never overwrites what the city has edited: an indicator already present
keeps its fields and targets; only missing indicators (with their default targets) are added. One
exception: an indicator still without a data source (无数据) whose row in the file now names its
queries gets them (a new app has given it records), with the file's definition; one the file now
marks as entered in the monthly dispatch (option ``entered``) gets that option.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from ohsteward.core.audit import audit_context
from ohsteward.indicators.models import Indicator, Target
from ohsteward.registry.models import Region

DATA = Path(__file__).parent / "data" / "indicators.json"


def library_rows() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def load_library() -> int:
    """Add the indicators of the data file that are missing; returns how many were added."""
    added = 0
    regions = set(Region.objects.values_list("code", flat=True))
    for row in library_rows():
        existing = Indicator.objects.filter(code=row["code"]).first()
        if existing is not None:
            if not existing.numerator and row.get("numerator"):
                existing.numerator = row["numerator"]
                existing.denominator = row.get("denominator", "")
                existing.definition = row["definition"]
                existing.no_data_reason = row.get("no_data_reason", "")
                # the file's options (e.g. ``requires`` a list), under what the city set
                existing.options = {**row.get("options", {}), **(existing.options or {})}
                existing.save()
            elif not existing.numerator and row.get("options", {}).get("entered") and not existing.options:
                existing.options = row["options"]  # now entered in the monthly dispatch
                existing.definition = row["definition"]
                existing.save()
            continue
        targets = row.get("targets", [])
        fields = {k: v for k, v in row.items() if k != "targets"}
        indicator = Indicator.objects.create(**fields)
        for t in targets:
            region = t.get("region")
            if region and region not in regions:
                continue  # a fresh database without the region list: the override is added later
            Target.objects.create(
                indicator=indicator,
                level=t["level"],
                region_id=region,
                period_kind=t.get("period_kind", ""),
                year=t.get("year"),
                value=Decimal(t["value"]),
                source=t.get("source", ""),
            )
        added += 1
    return added


def load_on_migrate(using: str = "default", **kwargs) -> None:
    with audit_context(None, "refdata"):
        load_library()
