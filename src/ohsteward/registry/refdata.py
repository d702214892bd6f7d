"""Load the reference data shipped in ``ohsteward/refdata/data`` (sources in its SOURCES.md).

Idempotent: rows are created when missing and left alone when present, so corrections made by
admins in the admin site survive a reload (``--refresh`` overwrites them from the files). Runs
after every ``migrate`` (and after a test flush) and as ``ohsteward refdata``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from django.db import transaction

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
SRC_HAZARD = "中国疾控中心 职业病及健康危害因素监测信息系统数据交换文档规范(试行1.0, 2020) 附录2-3"
HAZARD_CATEGORY = {"1": "dust", "2": "chemical", "3": "physical", "4": "biological", "5": "radiation",
                   "6": "special", "9": "other"}


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
        for row in _rows(ZONE_TOWNS_FILE):
            mapping.setdefault(row["zone_code"], set()).add(row["town_code"])
        _ZONE_TOWNS = {zone: frozenset(towns) for zone, towns in mapping.items()}
    return _ZONE_TOWNS


_ZONE_TOWNS: dict[str, frozenset[str]] | None = None


def zone_towns_unverified() -> bool:
    """Whether any row of the zone → towns file is still marked 未核对 (shown on the forms)."""
    return any(row["status"] != "已核对" for row in _rows(ZONE_TOWNS_FILE))


def zone_of_town(town_code: str | None) -> str | None:
    """The functional zone whose towns include ``town_code`` (None outside every zone)."""
    return next((zone for zone, towns in zone_towns().items() if town_code in towns), None) if town_code else None


def _rows(name: str) -> Iterator[dict[str, str]]:
    with resources.files("ohsteward.refdata").joinpath("data", name).open(encoding="utf-8-sig") as fh:
        yield from csv.DictReader(fh)


def _json(name: str) -> Any:
    with resources.files("ohsteward.refdata").joinpath("data", name).open(encoding="utf-8") as fh:
        return json.load(fh)


def _upsert(model, key: str, rows: list[dict[str, Any]], refresh: bool) -> int:
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


def load_regions(refresh: bool = False) -> int:
    from ohsteward.registry.models import Region

    rows = [{"code": CITY_CODE, "name": "重庆市", "level": "city", "parent_id": None, "source": SRC_REGIONS}]
    rows += [{"code": r["code"], "name": r["name"].strip(), "level": "district", "parent_id": CITY_CODE,
              "source": SRC_REGIONS} for r in _rows("cq_admin_districts_gbt2260_nbs2023.csv")]
    rows += [{"code": code, "name": name, "level": "zone", "parent_id": CITY_CODE, "source": "ohsteward 功能区"}
             for code, name in ZONES]
    n = _upsert(Region, "code", rows, refresh)
    towns = [{"code": r["code"], "name": r["name"].strip(), "level": "town", "parent_id": r["areaCode"],
              "source": SRC_REGIONS} for r in _rows("cq_admin_townships_nbs2023.csv")]
    return n + _upsert(Region, "code", towns, refresh)


def risk_entries() -> list[rules.RiskEntry]:
    return [
        rules.RiskEntry(code=r["code_digits"], risk_class="serious" if r["risk_class"] == "严重" else "general",
                        condition=r["condition"].strip(), footnote=r["footnote_star"] == "1")
        for r in _rows("risk_catalog_2021.csv")
    ]


def load_industries(refresh: bool = False) -> int:
    from ohsteward.registry.models import Industry, RiskCatalogueEntry

    entries = risk_entries()
    section_of: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    for r in _rows("gbt4754_2017_industry.csv"):
        level, c1, c2, c3, c4 = r["level"], r["class1"], r["class2"], r["class3"], r["class4"]
        name, remark = r["name"].strip(), r["remark"].strip()
        if level == "3" and c3 == "374" and name == "飞机制造":  # known source defect (SOURCES.md)
            level, c4 = "4", "3741"
        if level == "1":
            rows[c1] = {"code": c1, "name": name, "level": "section", "section": c1, "parent_id": None, "remark": remark}
            continue
        section_of[c2] = c1
        if level == "2":
            rows[c2] = {"code": c2, "name": name, "level": "division", "section": c1, "parent_id": c1, "remark": remark}
        elif level == "3":
            rows[c3] = {"code": c3, "name": name, "level": "group", "section": c1, "parent_id": c2, "remark": remark}
        else:
            if c3 not in rows:  # a 中类 that is not subdivided has no row of its own
                rows[c3] = {"code": c3, "name": name, "level": "group", "section": c1, "parent_id": c2, "remark": ""}
            rows[c4] = {"code": c4, "name": name, "level": "class", "section": c1, "parent_id": c3, "remark": remark}
    # 3741 may have been seen before its group 374 existed
    rows.setdefault("374", {"code": "374", "name": "航空、航天器及设备制造", "level": "group", "section": "C",
                            "parent_id": "37", "remark": ""})
    for row in rows.values():
        if row["level"] in {"group", "class"}:
            row["risk_class"], row["risk_note"] = rules.industry_risk(row["code"], entries)
        else:
            row["risk_class"], row["risk_note"] = "unlisted", ""
    ordered = sorted(rows.values(), key=lambda r: ({"section": 0, "division": 1, "group": 2, "class": 3}[r["level"]]))
    n = _upsert(Industry, "code", ordered, refresh)

    have = set(RiskCatalogueEntry.objects.filter(edition="2021").values_list("code", "condition"))
    new = []
    for r in _rows("risk_catalog_2021.csv"):
        key = (r["gbt4754_code"], r["condition"].strip())
        if key in have:
            continue
        new.append(RiskCatalogueEntry(
            edition="2021", effective_from=dt.date(2021, 3, 12), code=r["gbt4754_code"],
            code_digits=r["code_digits"], industry_name=r["industry_name"],
            risk_class="serious" if r["risk_class"] == "严重" else "general",
            condition=r["condition"].strip(), footnote=r["footnote_star"] == "1",
            source=f"{SRC_RISK} line {r['source_line']}",
        ))
    RiskCatalogueEntry.objects.bulk_create(new)
    return n + len(new)


def load_hazards(refresh: bool = False) -> int:
    from ohsteward.hazards.models import HazardFactor

    rows = []
    for r in _rows("cn_cdc_hazard_factor_codes_2020.csv"):
        code = r["值"].strip()
        if len(code) <= 1:
            continue  # category rows
        rows.append({"code": code, "name": r["值含义"].strip(), "category": HAZARD_CATEGORY[code[0]],
                     "remark": r["备注"].strip(), "catalogue": "CDC职业病危害因素代码(2020)"})
    return _upsert(HazardFactor, "code", rows, refresh)


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value not in {"", None} else None
    except (InvalidOperation, TypeError):
        return None


def load_limits() -> int:
    from ohsteward.hazards.models import ExposureLimit, HazardFactor

    if ExposureLimit.objects.exists():
        return 0
    factors = {f.name: f for f in HazardFactor.objects.all()}

    def factor_for(name: str):
        if name in factors:
            return factors[name]
        for fname, f in factors.items():
            if fname.startswith(name) or name.startswith(fname):
                return f
        return None

    effective = {"GBZ 2.1-2019": dt.date(2020, 4, 1), "GBZ 2.1-2019 第1号修改单": dt.date(2022, 11, 1),
                 "GBZ 2.1-2019 第2号修改单": dt.date(2025, 5, 1)}
    new = []
    for r in _rows("gbz2_1_2019_core_oels.csv"):
        for column, limit_type in (("mac", "MAC"), ("pc_twa", "PC-TWA"), ("pc_stel", "PC-STEL")):
            if not r[column]:
                continue
            new.append(ExposureLimit(
                hazard_factor=factor_for(r["name_cn"]), agent_name=r["name_cn"], category=r["category"],
                cas=r["cas"], limit_type=limit_type, value=_decimal(r[column]), unit=r["unit"],
                condition=r["condition"], notes=r["notes"], critical_effect=r["critical_effect"],
                standard="GBZ 2.1", standard_version=r["standard_version"],
                effective_from=effective.get(r["standard_version"], dt.date(2020, 4, 1)),
                source=r["source"][:400], verified=False,
            ))
    data = _json("gbz2_2_2007_physical_limits.json")
    source = "GBZ 2.2-2007, third-party transcription (CovD831/ohs-report knowledge/data/gbz22_physical.json @f2c8ec9d), verified=0"
    for r in data["rules"]:
        value = _decimal(str(r.get("value", "")))
        new.append(ExposureLimit(
            hazard_factor=factor_for(r["factor_name"]), agent_name=r["factor_name"], category="physical",
            limit_type=r.get("oel_type", "")[:40], value=value,
            value_text="" if value is not None else str(r.get("value", ""))[:100], unit=r.get("unit", "")[:30],
            condition=(r.get("conditions") or "")[:200], notes=(r.get("note") or "")[:200],
            standard="GBZ 2.2", standard_version="GBZ 2.2-2007", effective_from=dt.date(2007, 11, 1),
            source=source, verified=False,
        ))
    ExposureLimit.objects.bulk_create(new)
    return len(new)


def load_diseases() -> int:
    from ohsteward.hazards.models import OccupationalDisease

    if OccupationalDisease.objects.exists():
        return 0
    new = []
    class_names: dict[int, str] = {}
    sub_names: dict[str, str] = {}
    seq: dict[tuple[int, str], int] = {}
    for r in _rows("cn_cdc_occupational_disease_codes_2020.csv"):
        code, name = r["值"].strip(), r["值含义"].strip()
        if len(code) <= 2:
            if code in {"11", "12"}:
                sub_names[code] = name
            else:
                class_names[int(code)] = name
            continue
        class_no = int(code[:2]) if len(code) == 5 else int(code[0])
        sub = sub_names.get(code[:2], "") if class_no == 1 else ""
        seq[(class_no, sub)] = seq.get((class_no, sub), 0) + 1
        new.append(OccupationalDisease(
            edition="2013", effective_from=dt.date(2013, 12, 23), effective_to=dt.date(2025, 8, 1),
            class_no=class_no, class_name=class_names.get(class_no, ""), subclass_name=sub,
            seq=seq[(class_no, sub)], code=code, name=name,
        ))
    for r in _rows("occupational_disease_catalog_2024.csv"):
        new.append(OccupationalDisease(
            edition="2024", effective_from=dt.date(2025, 8, 1), class_no=int(r["class_no"]),
            class_name=r["class_name"], subclass_name=r["subclass_name"], seq=int(r["seq"]),
            name=r["name"], restriction=r["restriction"],
        ))
    OccupationalDisease.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def load_all(refresh: bool = False) -> dict[str, int]:
    """Load every reference table; returns the number of rows created per table."""
    return {
        "regions": load_regions(refresh),
        "industries": load_industries(refresh),
        "hazard_factors": load_hazards(refresh),
        "exposure_limits": load_limits(),
        "diseases": load_diseases(),
    }


def is_loaded() -> bool:
    from ohsteward.hazards.models import HazardFactor, OccupationalDisease
    from ohsteward.registry.models import Industry, Region

    return (Region.objects.count() >= 1073 and Industry.objects.count() >= 1800
            and HazardFactor.objects.exists() and OccupationalDisease.objects.exists())


def load_on_migrate(using: str = "default", **kwargs) -> None:
    from ohsteward.core.audit import audit_context

    if is_loaded():
        return
    with audit_context(None, "refdata"):
        load_all()
