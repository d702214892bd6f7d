"""Quarterly and yearly reports of the indicators: every indicator for the city and each district,
with targets and 达标/未达标, as an .xlsx (city summary first, one sheet per indicator group) and
as the bulletin .docx (通报: overall, ranking of districts, best and worst per indicator, each
district's shortfalls) in the GB/T 9704 style of ``core.documents``. The figures are the
published ones when the period is published (a report of a past period does not change), else
live ones, and the report says which."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from ohsteward.core import documents as docs
from ohsteward.core.spreadsheets import safe_cell
from ohsteward.indicators import areas, snapshots
from ohsteward.indicators.exports import met_label
from ohsteward.indicators.figures import Figure
from ohsteward.indicators.models import IndicatorSnapshot
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import Period


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


def report_docx(data: ReportData, *, issuer: str = "重庆市卫生健康委员会") -> bytes:
    """The bulletin (通报) in the GB/T 9704 layout: overall, districts ranked by indicators met,
    best and worst per indicator, each district's shortfalls, indicators without data."""
    # local: python-docx is loaded on first use: only document rendering needs it
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docs.gbt9704_document()
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None and not first.text:
        first._p.getparent().remove(first._p)

    def para(text="", *, font=docs.BODY_FONT, size="三号", align=None, indent=True):
        p = doc.add_paragraph()
        if text:
            docs.set_fonts(p.add_run(text), east_asia=font, size=size)
        if align is not None:
            p.alignment = align
        docs.exact_line_spacing(p)
        if indent and align is None:
            docs.first_line_indent_chars(p, 2, size)
        return p

    def table(header: list[str], rows: list[list[str]]) -> None:
        t = doc.add_table(rows=1 + len(rows), cols=len(header))
        t.style = "Table Grid"
        for r, values in enumerate([header, *rows]):
            for c, v in enumerate(values):
                cell = t.rows[r].cells[c]
                cell.text = ""
                docs.set_fonts(
                    cell.paragraphs[0].add_run(str(v)),
                    east_asia=docs.HEITI_FONT if r == 0 else docs.BODY_FONT,
                    size="四号",
                )

    period = data.period
    para(f"关于{period.label}职业健康工作指标情况的通报", font=docs.TITLE_FONT, size="二号",
         align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    para()
    para("各区县（自治县）卫生健康委，两江新区、西部科学城重庆高新区、万盛经开区卫生健康局：", indent=False)
    met = sum(1 for f in data.city if f.met is True)
    missed = [f for f in data.city if f.met is False]
    no_data = [f for f in data.city if f.no_data]
    para(
        f"现将{period.label}全市职业健康工作指标完成情况通报如下。本通报数据为{data.basis}，"
        f"由平台按各业务记录计算，每项数字均可查看其背后的记录。"
    )
    para("一、总体情况", font=docs.HEITI_FONT)
    para(
        f"纳入通报的指标共{len(data.city)}项，全市层面达到目标{met}项，未达到目标{len(missed)}项，"
        f"暂无数据{len(no_data)}项。"
    )
    table(
        ["指标", "全市", "目标", "达标情况"],
        [[f.indicator.name, f.display, "—" if f.target is None else f"{f.target}{'%' if f.indicator.unit == '%' else ''}",
          met_label(f)] for f in data.city],
    )  # fmt: skip
    para("二、区县排名", font=docs.HEITI_FONT)
    standing = sorted(
        (
            (name, sum(1 for f in figs if f.met is True), sum(1 for f in figs if f.met is False))
            for _c, name, figs in data.districts
        ),
        key=lambda r: (-r[1], r[2], r[0]),
    )
    para("按达标指标项数由多到少排列（相同时未达标项少者在前）。")
    table(
        ["名次", "区县", "达标项数", "未达标项数"],
        [[str(n), name, str(ok), str(bad)] for n, (name, ok, bad) in enumerate(standing, start=1)],
    )
    para("三、各项指标完成较好和较差的区县", font=docs.HEITI_FONT)
    for i, f in enumerate(data.city):
        if f.no_data:
            continue
        ranked = _ranked(data, i)
        if not ranked:
            continue
        best = "、".join(f"{n}（{x.display}）" for n, x in ranked[:3])
        worst = "、".join(f"{n}（{x.display}）" for n, x in ranked[-3:][::-1]) if len(ranked) > 3 else "—"
        para(f"{f.indicator.name}：较好的有{best}；较差的有{worst}。")
    para("四、各区县未达标指标", font=docs.HEITI_FONT)
    any_short = False
    for _c, name, figs in data.districts:
        short = [f for f in figs if f.met is False]
        if short:
            any_short = True
            items = "；".join(
                f"{f.indicator.name}{f.display}（目标{f.target}{'%' if f.indicator.unit == '%' else ''}）"
                for f in short
            )
            para(f"{name}：{items}。")
    if not any_short:
        para("各区县均无未达标指标。")
    if no_data:
        para("五、暂无数据的指标", font=docs.HEITI_FONT)
        for f in no_data:
            para(f"{f.indicator.name}：{f.no_data}。")
    para("请各区县对照未达标指标，查找原因，落实整改，并在下一期调度中报告进展。")
    para()
    para(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(docs.chinese_date(timezone.localdate()), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return docs.to_bytes(doc)
