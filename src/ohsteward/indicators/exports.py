"""The .xlsx of every indicator table (same rows as the page)."""

from __future__ import annotations

from collections.abc import Iterable

from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.indicators.figures import Figure

TABLE_COLUMNS = [
    ("indicator", "指标"),
    ("region", "区域"),
    ("period", "期间"),
    ("numerator", "分子"),
    ("denominator", "分母"),
    ("value", "指标值"),
    ("target", "目标"),
    ("met", "达标"),
    ("source", "依据"),
]


def met_label(f: Figure) -> str:
    if f.no_data:
        return f"无数据（{f.no_data}）"
    return {True: "达标", False: "未达标"}.get(f.met, "—")


def figures_xlsx(figures: Iterable[Figure], region_names: dict, sheet: str) -> bytes:
    rows = (
        [
            f.indicator.name,
            region_names.get(f.area.code, f.area.code),
            f.period.label,
            f.numerator,
            f.denominator,
            f.display,
            float(f.target) if f.target is not None else None,
            met_label(f),
            f"{f.indicator.source_document} {f.indicator.source_clause}".strip(),
        ]
        for f in figures
    )
    return write_xlsx(TABLE_COLUMNS, rows, sheet=sheet)
