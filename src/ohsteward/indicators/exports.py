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


def team_ranking_xlsx(ranked: list, period) -> bytes:
    """The team ranking (``teams.team_ranking``) as .xlsx: rank, team, district, counts, then one
    column per indicator ("50.0%（未达标）")."""
    indicators = [f.indicator for f in ranked[0].figures] if ranked else []
    columns = [
        ("rank", "名次"),
        ("team", "管家服务团队"),
        ("district", "服务区县"),
        ("met", "达标项数"),
        ("missed", "未达标项数"),
        ("unknown", "无目标或无数据项数"),
        *((i.code, i.name) for i in indicators),
    ]
    rows = (
        [
            r.rank,
            r.team.name,
            r.team.district.name,
            r.met,
            r.missed,
            r.unknown,
            *(
                f.display if f.no_data or f.met is None else f"{f.display}（{met_label(f)}）"
                for f in r.figures
            ),
        ]
        for r in ranked
    )
    return write_xlsx(columns, rows, sheet=f"管家团队排名{period.code}"[:31])
