"""Quarterly and yearly reports of the indicators: every indicator for the city and each district,
with targets and 达标/未达标, as an .xlsx (city summary first, one sheet per indicator group) and
as the bulletin .docx (通报: overall, ranking of districts, best and worst per indicator, each
district's shortfalls): the docxtpl template ``templates_docx/bulletin.docx`` in the GB/T 9704
style of ``core.documents``, or the city's own (setting ``OHSTEWARD_BULLETIN_TEMPLATE``). The
figures are the published ones when the period is published (a report of a past period does not
change), else live ones, and the report says which."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ohsteward.core import documents as docs
from ohsteward.core.spreadsheets import safe_cell
from ohsteward.indicators import areas, rules, snapshots
from ohsteward.indicators.exports import met_label
from ohsteward.indicators.figures import Figure
from ohsteward.indicators.models import IndicatorSnapshot
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import Period

DEFAULT_BULLETIN_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "bulletin.docx"
DEFAULT_ISSUER = "重庆市卫生健康委员会"
RECIPIENTS = "各区县（自治县）卫生健康委，两江新区、西部科学城重庆高新区、万盛经开区卫生健康局"


@dataclass
class ReportData:
    period: Period
    city: list[Figure]
    districts: list[tuple[str, str, list[Figure]]]  # (code, name, figures)
    snapshot: IndicatorSnapshot | None
    generated_at: dt.datetime

    @property
    def basis(self) -> str:
        if self.snapshot is not None:
            return f"已发布数据（{timezone.localtime(self.snapshot.published_at):%Y-%m-%d %H:%M} 发布）"
        return f"实时数据（{timezone.localtime(self.generated_at):%Y-%m-%d %H:%M} 计算，未发布）"


def report_data(user, period: Period, progress: Callable[[int, int], None] | None = None) -> ReportData:
    """The city's and every district's figures (published when the period is, else live)."""
    districts = areas.child_areas(user, Area("city"), "district")
    names = areas.names(districts)
    city = snapshots.table(user, Area("city"), period)
    rows = []
    for i, d in enumerate(districts, start=1):
        rows.append((d.code or "", names.get(d.code, d.code or ""), snapshots.table(user, d, period).figures))
        if progress:
            progress(i, len(districts))
    return ReportData(period, city.figures, rows, city.snapshot, timezone.now())


def _value(f: Figure):
    if f.no_data or f.value is None:
        return f.display
    return float(f.value)


def _target(f: Figure):
    return None if f.target is None else float(f.target)


def report_xlsx(data: ReportData) -> bytes:
    """全市汇总 first, then one sheet per indicator group (district × indicator rows)."""
    # local: xlsxwriter is loaded on first use, as core.spreadsheets does: only report files need it
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    title = wb.add_format({"bold": True, "font_size": 14})
    red = wb.add_format({"font_color": "#B00020"})

    def sheet(name: str, columns: list[str], rows: list[list], met_col: int | None) -> None:
        ws = wb.add_worksheet(name[:31])
        ws.write_string(0, 0, f"重庆市职业健康工作指标 {data.period.label}（{data.basis}）", title)
        for c, h in enumerate(columns):
            ws.write_string(2, c, h, head)
            ws.set_column(c, c, 40 if c == 0 or h == "指标" else 14)
        ws.freeze_panes(3, 0)
        for r, row in enumerate(rows, start=3):
            for c, v in enumerate(row):
                v = safe_cell(v)
                fmt = red if met_col is not None and c == met_col and v == "未达标" else None
                if isinstance(v, int | float):
                    ws.write_number(r, c, v, fmt)
                else:
                    ws.write_string(r, c, "" if v is None else str(v), fmt)
        if rows:
            ws.autofilter(2, 0, 2 + len(rows), len(columns) - 1)

    summary = []
    for i, f in enumerate(data.city):
        per = [d[2][i] for d in data.districts if i < len(d[2])]
        summary.append(
            [
                f.indicator.name,
                f.indicator.get_unit_display(),
                f.numerator,
                f.denominator,
                _value(f),
                _target(f),
                met_label(f),
                sum(1 for x in per if x.met is True),
                sum(1 for x in per if x.met is False),
                sum(1 for x in per if x.met is None),
            ]
        )
    sheet(
        "全市汇总",
        [
            "指标",
            "单位",
            "分子",
            "分母",
            "全市指标值",
            "目标",
            "达标情况",
            "达标区县数",
            "未达标区县数",
            "无目标或无数据区县数",
        ],
        summary,
        6,
    )
    groups: dict[str, list[int]] = {}
    for i, f in enumerate(data.city):
        groups.setdefault(f.indicator.group or "其他", []).append(i)
    for group, indexes in groups.items():
        rows = [
            [name, figs[i].indicator.name, figs[i].numerator, figs[i].denominator, _value(figs[i]),
             _target(figs[i]), met_label(figs[i])]
            for i in indexes
            for _code, name, figs in data.districts
            if i < len(figs)
        ]  # fmt: skip
        sheet(group, ["区县", "指标", "分子", "分母", "指标值", "目标", "达标情况"], rows, 6)
    wb.close()
    return buf.getvalue()


def _ranked(data: ReportData, i: int) -> list[tuple[str, Figure]]:
    """Districts with a value on indicator ``i``, best first."""
    rows = [
        (name, figs[i]) for _c, name, figs in data.districts if i < len(figs) and figs[i].value is not None
    ]
    higher = data.city[i].indicator.direction != "lower"
    return sorted(rows, key=lambda r: r[1].value, reverse=higher)  # type: ignore[arg-type, return-value]


def district_standing(data: ReportData) -> list[dict]:
    """The districts in the bulletin's 区县排名 (``rules.standing_key``)."""
    unknown = {name: sum(1 for f in figs if f.met is None) for _c, name, figs in data.districts}
    rows = sorted(
        (
            (name, sum(1 for f in figs if f.met is True), sum(1 for f in figs if f.met is False))
            for _c, name, figs in data.districts
        ),
        key=lambda r: rules.standing_key(*r),
    )
    return [
        {"rank": n, "district": name, "met": ok, "missed": bad, "no_target": unknown[name]}
        for n, (name, ok, bad) in enumerate(rows, start=1)
    ]


def district_shortfalls(data: ReportData) -> list[dict]:
    """Each district's indicators below target (未达标), in library order; districts without any
    are left out."""
    out = []
    for _c, name, figs in data.districts:
        lines = [
            {"code": f.indicator.code, "indicator": f.indicator.name, "value": f.display,
             "target": f.target_display}
            for f in figs
            if f.met is False
        ]  # fmt: skip
        if lines:
            out.append({"district": name, "lines": lines})
    return out


def bulletin_date(data: ReportData) -> dt.date:
    """成文日期: the publication day for a published period (the bulletin of a published period
    reads the same whenever it is generated again), else today."""
    if data.snapshot is not None:
        return timezone.localtime(data.snapshot.published_at).date()
    return timezone.localdate()


def bulletin_context(data: ReportData, *, issuer: str = DEFAULT_ISSUER, doc_number: str = "") -> dict:
    """What the bulletin template is filled with (``templates_docx.build_bulletin_template.PLACEHOLDERS``)."""
    best_worst = []
    for i, f in enumerate(data.city):
        if f.no_data:
            continue
        ranked = _ranked(data, i)
        if not ranked:
            continue
        best_worst.append(
            {
                "indicator": f.indicator.name,
                "best": "、".join(f"{n}（{x.display}）" for n, x in ranked[:3]),
                "worst": "、".join(f"{n}（{x.display}）" for n, x in ranked[-3:][::-1])
                if len(ranked) > 3
                else "—",
            }
        )
    return {
        "title": f"关于{data.period.label}职业健康工作指标情况的通报",
        "doc_number": doc_number,
        "recipients": RECIPIENTS,
        "period": data.period.label,
        "basis": data.basis,
        "indicator_count": len(data.city),
        "met_count": sum(1 for f in data.city if f.met is True),
        "missed_count": sum(1 for f in data.city if f.met is False),
        "no_data_count": sum(1 for f in data.city if f.no_data),
        "city_rows": [
            {"name": f.indicator.name, "value": f.display, "target": f.target_display, "met": met_label(f)}
            for f in data.city
        ],
        "ranking": district_standing(data),
        "best_worst": best_worst,
        "shortfalls": district_shortfalls(data),
        "no_data": [{"indicator": f.indicator.name, "reason": f.no_data} for f in data.city if f.no_data],
        "issuer": issuer,
        "date_cn": docs.chinese_date(bulletin_date(data)),
    }


def bulletin_template() -> bytes:
    """The city's template when ``OHSTEWARD_BULLETIN_TEMPLATE`` names one, else the shipped
    ``templates_docx/bulletin.docx``."""
    path = getattr(settings, "OHSTEWARD_BULLETIN_TEMPLATE", "") or DEFAULT_BULLETIN_TEMPLATE
    return Path(path).read_bytes()


def report_docx(data: ReportData, *, issuer: str = DEFAULT_ISSUER, doc_number: str = "") -> bytes:
    """The bulletin (通报): the docxtpl template filled with ``bulletin_context`` — overall,
    districts ranked by indicators met, best and worst per indicator, each district's shortfalls,
    indicators without data, 落款 and date."""
    return docs.render_docx_template(
        bulletin_template(), bulletin_context(data, issuer=issuer, doc_number=doc_number)
    )
