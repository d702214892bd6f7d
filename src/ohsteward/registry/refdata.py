"""Load the register's reference data (regions, industries, the risk catalogue) shipped in ``ohsteward/refdata/data`` (sources in its SOURCES.md).

Idempotent: rows are created when missing and left alone when present, so corrections made by
admins in the admin site survive a reload (``--refresh`` overwrites them from the files). Runs
after every ``migrate`` (and after a test flush) and as ``ohsteward refdata``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ohsteward.core import refdata as files
from ohsteward.core.audit import audit_context
from ohsteward.registry import rules

CITY_CODE = "500000"
# Functional zones are not GB/T 2260 units (SOURCES.md); these codes are ohsteward's own.
ZONES = [
    ("Z5001", "两江新区"),
    ("Z5002", "西部科学城重庆高新区"),
    ("Z5003", "万盛经开区"),
]
SRC_REGIONS = "国家统计局 2023年统计用区划代码 (modood/Administrative-divisions-of-China @57a0aa9c)"
SRC_INDUSTRY = "GB/T 4754-2017 (zmshe/capital src/utils/category.js @0b8f1ae4)"
SRC_RISK = "国卫办职健发〔2021〕5号 附件 (CovD831/ohs-report risk_catalog.txt @afd54b50)"
# Which towns/streets each functional zone administers (issue 6 item 4). Versioned data, not code:
# a later version (v2 …) replaces the file name here. v1 is ohsteward's best mapping from the
# NBS 2023 township list and is marked 未核对 (unverified) row by row until the zones' official
# lists are checked; see SOURCES.md and docs/configuration.md.
ZONE_TOWNS_FILE = "cq_functional_zone_towns_v1.csv"


def zone_towns() -> dict[str, frozenset[str]]:
    """Zone code → the town codes it contains (cached; the file ships with the package)."""
    global _ZONE_TOWNS
    if _ZONE_TOWNS is None:
        mapping: dict[str, set[str]] = {}
        for row in files.rows(ZONE_TOWNS_FILE):
            mapping.setdefault(row["zone_code"], set()).add(row["town_code"])
        _ZONE_TOWNS = {zone: frozenset(towns) for zone, towns in mapping.items()}
    return _ZONE_TOWNS


_ZONE_TOWNS: dict[str, frozenset[str]] | None = None


def zone_towns_unverified() -> bool:
    """Whether any row of the zone → towns file is still marked 未核对 (shown on the forms)."""
    return any(row["status"] != "已核对" for row in files.rows(ZONE_TOWNS_FILE))


def zone_of_town(town_code: str | None) -> str | None:
    """The functional zone whose towns include ``town_code`` (None outside every zone)."""
    return (
        next((zone for zone, towns in zone_towns().items() if town_code in towns), None)
        if town_code
        else None
    )


def load_regions(refresh: bool = False) -> int:
    # local: registry.models imports this module at load (models <-> refdata); demo.synth and benchmarks import its pure zone helpers before Django is set up
    from ohsteward.registry.models import Region

    rows = [{"code": CITY_CODE, "name": "重庆市", "level": "city", "parent_id": None, "source": SRC_REGIONS}]
    rows += [
        {
            "code": r["code"],
            "name": r["name"].strip(),
            "level": "district",
            "parent_id": CITY_CODE,
            "source": SRC_REGIONS,
        }
        for r in files.rows("cq_admin_districts_gbt2260_nbs2023.csv")
    ]
    rows += [
        {"code": code, "name": name, "level": "zone", "parent_id": CITY_CODE, "source": "ohsteward 功能区"}
        for code, name in ZONES
    ]
    n = files.upsert(Region, "code", rows, refresh)
    towns = [
        {
            "code": r["code"],
            "name": r["name"].strip(),
            "level": "town",
            "parent_id": r["areaCode"],
            "source": SRC_REGIONS,
        }
        for r in files.rows("cq_admin_townships_nbs2023.csv")
    ]
    return n + files.upsert(Region, "code", towns, refresh)


def risk_entries() -> list[rules.RiskEntry]:
    return [
        rules.RiskEntry(
            code=r["code_digits"],
            risk_class="serious" if r["risk_class"] == "严重" else "general",
            condition=r["condition"].strip(),
            footnote=r["footnote_star"] == "1",
        )
        for r in files.rows("risk_catalog_2021.csv")
    ]


def load_industries(refresh: bool = False) -> int:
    # local: registry.models imports this module at load (models <-> refdata); demo.synth and benchmarks import its pure zone helpers before Django is set up
    from ohsteward.registry.models import Industry, RiskCatalogueEntry

    entries = risk_entries()
    section_of: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    for r in files.rows("gbt4754_2017_industry.csv"):
        level, c1, c2, c3, c4 = r["level"], r["class1"], r["class2"], r["class3"], r["class4"]
        name, remark = r["name"].strip(), r["remark"].strip()
        if level == "3" and c3 == "374" and name == "飞机制造":  # known source defect (SOURCES.md)
            level, c4 = "4", "3741"
        if level == "1":
            rows[c1] = {
                "code": c1,
                "name": name,
                "level": "section",
                "section": c1,
                "parent_id": None,
                "remark": remark,
            }
            continue
        section_of[c2] = c1
        if level == "2":
            rows[c2] = {
                "code": c2,
                "name": name,
                "level": "division",
                "section": c1,
                "parent_id": c1,
                "remark": remark,
            }
        elif level == "3":
            rows[c3] = {
                "code": c3,
                "name": name,
                "level": "group",
                "section": c1,
                "parent_id": c2,
                "remark": remark,
            }
        else:
            if c3 not in rows:  # a 中类 that is not subdivided has no row of its own
                rows[c3] = {
                    "code": c3,
                    "name": name,
                    "level": "group",
                    "section": c1,
                    "parent_id": c2,
                    "remark": "",
                }
            rows[c4] = {
                "code": c4,
                "name": name,
                "level": "class",
                "section": c1,
                "parent_id": c3,
                "remark": remark,
            }
    # 3741 may have been seen before its group 374 existed
    rows.setdefault(
        "374",
        {
            "code": "374",
            "name": "航空、航天器及设备制造",
            "level": "group",
            "section": "C",
            "parent_id": "37",
            "remark": "",
        },
    )
    class_names = {r["code"]: r["name"] for r in rows.values() if r["level"] == "class"}
    for row in rows.values():
        if row["level"] in {"group", "class"}:
            row["risk_class"], row["risk_note"] = rules.industry_risk(row["code"], entries, class_names)
        else:
            row["risk_class"], row["risk_note"] = "unlisted", ""
    ordered = sorted(
        rows.values(), key=lambda r: {"section": 0, "division": 1, "group": 2, "class": 3}[r["level"]]
    )
    n = files.upsert(Industry, "code", ordered, refresh)

    have = set(RiskCatalogueEntry.objects.filter(edition="2021").values_list("code", "condition"))
    new = []
    for r in files.rows("risk_catalog_2021.csv"):
        key = (r["gbt4754_code"], r["condition"].strip())
        if key in have:
            continue
        new.append(
            RiskCatalogueEntry(
                edition="2021",
                effective_from=dt.date(2021, 3, 12),
                code=r["gbt4754_code"],
                code_digits=r["code_digits"],
                industry_name=r["industry_name"],
                risk_class="serious" if r["risk_class"] == "严重" else "general",
                condition=r["condition"].strip(),
                footnote=r["footnote_star"] == "1",
                source=f"{SRC_RISK} line {r['source_line']}",
            )
        )
    RiskCatalogueEntry.objects.bulk_create(new)
    return n + len(new)


@transaction.atomic
def load_all(refresh: bool = False) -> dict[str, int]:
    """Load the register's reference tables; returns the number of rows created per table."""
    return {
        "regions": load_regions(refresh),
        "industries": load_industries(refresh),
    }


def is_loaded() -> bool:
    # local: registry.models imports this module at load (models <-> refdata); demo.synth and benchmarks import its pure zone helpers before Django is set up
    from ohsteward.registry.models import Industry, Region

    return Region.objects.count() >= 1073 and Industry.objects.count() >= 1800


def load_on_migrate(using: str = "default", **kwargs) -> None:
    if is_loaded():
        return
    with audit_context(None, "refdata"):
        load_all()
