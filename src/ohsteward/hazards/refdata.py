"""Load the hazard reference data (CDC hazard factor codes, GBZ 2.1/2.2 limits, occupational
disease catalogues) shipped in ``ohsteward/refdata/data``. Runs after every ``migrate`` and as
``ohsteward refdata``; see ``registry.refdata`` for regions and industries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from ohsteward.core import refdata as files
from ohsteward.core.audit import audit_context
from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition, HazardFactor, OccupationalDisease

SRC_HAZARD = "中国疾控中心 职业病及健康危害因素监测信息系统数据交换文档规范(试行1.0, 2020) 附录2-3"
HAZARD_CATEGORY = {
    "1": "dust",
    "2": "chemical",
    "3": "physical",
    "4": "biological",
    "5": "radiation",
    "6": "special",
    "9": "other",
}


def load_hazards(refresh: bool = False) -> int:
    rows = []
    for r in files.rows("cn_cdc_hazard_factor_codes_2020.csv"):
        code = r["值"].strip()
        if len(code) <= 1:
            continue  # category rows
        rows.append(
            {
                "code": code,
                "name": r["值含义"].strip(),
                "category": HAZARD_CATEGORY[code[0]],
                "remark": r["备注"].strip(),
                "catalogue": "CDC职业病危害因素代码(2020)",
            }
        )
    return files.upsert(HazardFactor, "code", rows, refresh)


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value not in {"", None} else None
    except (InvalidOperation, TypeError):
        return None


# GBZ 2.1 limit files: the table as currently amended, and the values as issued that a 修改单 later
# replaced (苯 6/10 before 2022-11-01), so that a measurement is judged by the values of its date.
GBZ21_FILES = ("gbz2_1_2019_core_oels.csv", "gbz2_1_2019_unamended_oels.csv")
GBZ21_COLUMNS = (("mac", "MAC"), ("pc_twa", "PC-TWA"), ("pc_stel", "PC-STEL"))
GBZ21_EFFECTIVE = {
    "GBZ 2.1-2019": dt.date(2020, 4, 1),
    "GBZ 2.1-2019 第1号修改单": dt.date(2022, 11, 1),
    "GBZ 2.1-2019 第2号修改单": dt.date(2025, 5, 1),
}


def gbz21_row(r: dict[str, str], factor: HazardFactor | None, column: str, limit_type: str) -> ExposureLimit:
    """One ``ExposureLimit`` (unsaved, no edition yet) from a row of a shipped GBZ 2.1 file."""
    return ExposureLimit(
        hazard_factor=factor,
        agent_name=r["name_cn"],
        agent_name_en=r["name_en"][:200],
        category=r["category"],
        cas=r["cas"],
        limit_type=limit_type,
        value=_decimal(r[column]),
        unit=r["unit"],
        condition=r["condition"],
        notes=r["notes"],
        critical_effect=r["critical_effect"],
        standard="GBZ 2.1",
        standard_version=r["standard_version"],
        effective_from=GBZ21_EFFECTIVE.get(r["standard_version"], dt.date(2020, 4, 1)),
        source=r["source"][:400],
        verified=False,
    )


def load_limits() -> int:
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

    new = [
        gbz21_row(r, factor_for(r["name_cn"]), column, limit_type)
        for name in GBZ21_FILES
        for r in files.rows(name)
        for column, limit_type in GBZ21_COLUMNS
        if r[column]
    ]
    data = files.json_file("gbz2_2_2007_physical_limits.json")
    source = "GBZ 2.2-2007, third-party transcription (CovD831/ohs-report knowledge/data/gbz22_physical.json @f2c8ec9d), verified=0"
    for r in data["rules"]:
        value = _decimal(str(r.get("value", "")))
        new.append(
            ExposureLimit(
                hazard_factor=factor_for(r["factor_name"]),
                agent_name=r["factor_name"],
                category="physical",
                limit_type=r.get("oel_type", "")[:40],
                value=value,
                value_text="" if value is not None else str(r.get("value", ""))[:100],
                unit=r.get("unit", "")[:30],
                condition=(r.get("conditions") or "")[:200],
                notes=(r.get("note") or "")[:200],
                standard="GBZ 2.2",
                standard_version="GBZ 2.2-2007",
                effective_from=dt.date(2007, 11, 1),
                source=source,
                verified=False,
            )
        )
    editions = first_editions(new)
    for row in new:
        row.edition = editions[row.standard_version]
    ExposureLimit.objects.bulk_create(new)
    return len(new)


def first_editions(rows: list[ExposureLimit]) -> dict[str, ExposureLimitEdition]:
    """The editions the shipped rows belong to (one per ``standard_version``): created when missing,
    dated by their earliest row, 修改单 as amendments, unverified (the shipped rows are
    third-party transcriptions). Also used by the data migration for existing installations."""
    out: dict[str, ExposureLimitEdition] = {}
    for row in sorted(rows, key=lambda r: r.effective_from):
        if row.standard_version in out:
            continue
        out[row.standard_version], _ = ExposureLimitEdition.objects.get_or_create(
            version=row.standard_version,
            defaults={
                "standard": row.standard,
                "kind": "amendment" if "修改单" in row.standard_version else "base",
                "effective_from": row.effective_from,
                "source": "随系统提供的第三方转录（部分），未核对官方文本",
                "verified": False,
            },
        )
    return out


def load_diseases() -> int:
    if OccupationalDisease.objects.exists():
        return 0
    new = []
    class_names: dict[int, str] = {}
    sub_names: dict[str, str] = {}
    seq: dict[tuple[int, str], int] = {}
    for r in files.rows("cn_cdc_occupational_disease_codes_2020.csv"):
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
        new.append(
            OccupationalDisease(
                edition="2013",
                effective_from=dt.date(2013, 12, 23),
                effective_to=dt.date(2025, 8, 1),
                class_no=class_no,
                class_name=class_names.get(class_no, ""),
                subclass_name=sub,
                seq=seq[(class_no, sub)],
                code=code,
                name=name,
            )
        )
    for r in files.rows("occupational_disease_catalog_2024.csv"):
        new.append(
            OccupationalDisease(
                edition="2024",
                effective_from=dt.date(2025, 8, 1),
                class_no=int(r["class_no"]),
                class_name=r["class_name"],
                subclass_name=r["subclass_name"],
                seq=int(r["seq"]),
                name=r["name"],
                restriction=r["restriction"],
            )
        )
    OccupationalDisease.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def load_all(refresh: bool = False) -> dict[str, int]:
    """Load every hazard reference table; returns the number of rows created per table."""
    return {
        "hazard_factors": load_hazards(refresh),
        "exposure_limits": load_limits(),
        "diseases": load_diseases(),
    }


def is_loaded() -> bool:
    return HazardFactor.objects.exists() and OccupationalDisease.objects.exists()


def load_on_migrate(using: str = "default", **kwargs) -> None:
    if is_loaded():
        return
    with audit_context(None, "refdata"):
        load_all()
