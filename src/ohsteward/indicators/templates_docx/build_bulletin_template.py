"""Build the default 指标通报 template ``bulletin.docx`` (docxtpl placeholders) from source.

    python -m ohsteward.indicators.templates_docx.build_bulletin_template

The committed ``bulletin.docx`` is the output of this script; a test rebuilds it and compares the
text and placeholders. Layout per GB/T 9704-2012 (``ohsteward.core.documents``): A4, 天头 37 mm,
订口 28 mm; 标题 方正小标宋简体 二号 (fallback 宋体), 文号 under it, 主送 flush left, body 仿宋_GB2312
三号 (fallback 仿宋) with two-character first-line indents, 一级标题 黑体, tables 四号, 落款 and the
date in Chinese right-aligned. The city may replace it with its own .docx using the same
placeholders (``PLACEHOLDERS``): setting ``OHSTEWARD_BULLETIN_TEMPLATE`` (docs/configuration.md).
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from ohsteward.core import documents as docs

OUTPUT = Path(__file__).with_name("bulletin.docx")

# What a template may use (context of ``reports.bulletin_context``).
PLACEHOLDERS = {
    "title": "标题，如 关于2025年职业健康工作指标情况的通报",
    "doc_number": "文号，如 渝卫职健通〔2026〕号（未编号时为空行）",
    "recipients": "主送机关",
    "period": "期间，如 2025年第3季度",
    "basis": "数据口径（已发布数据/实时数据及时间）",
    "indicator_count": "纳入通报的指标数",
    "met_count": "全市达标指标数",
    "missed_count": "全市未达标指标数",
    "no_data_count": "全市无数据指标数",
    "city_rows": "全市指标表：每行 name、value、target、met",
    "ranking": "区县排名：每行 rank、district、met、missed、no_target",
    "best_worst": "各项指标较好/较差的区县：每项 indicator、best、worst",
    "shortfalls": "各区县未达标指标：每项 district、lines（每条 indicator、value、target）",
    "no_data": "暂无数据的指标：每项 indicator、reason",
    "issuer": "发文机关署名",
    "date_cn": "成文日期（中文，如 二〇二六年十二月一日）",
}


_para = docs.paragraph


def _table(doc, header: list[str], cells: list[str], widths_mm: list[int], loop: str) -> None:
    """A header row, then one docxtpl row loop (``{%tr for … %}`` … ``{%tr endfor %}``)."""
    table = doc.add_table(rows=4, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        for cell in column.cells:
            cell.width = Mm(width)
    rows = [
        (header, docs.HEITI_FONT),
        ([f"{{%tr for row in {loop} %}}"] + [""] * (len(header) - 1), docs.BODY_FONT),
        (cells, docs.BODY_FONT),
        (["{%tr endfor %}"] + [""] * (len(header) - 1), docs.BODY_FONT),
    ]
    for row, (values, font) in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if text:
                docs.set_fonts(p.add_run(text), east_asia=font, size="四号")


def build() -> bytes:
    doc = docs.gbt9704_document()
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None and not first.text:
        first._p.getparent().remove(first._p)
    # 标题: 方正小标宋简体 二号, centred (GB/T 9704 7.3.1); 文号 under it, centred
    _para(doc, "{{ title }}", font=docs.TITLE_FONT, size="二号", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{{ doc_number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc)
    # 主送机关: flush left, ending with a full-width colon (GB/T 9704 7.3.2)
    _para(doc, "{{ recipients }}：")
    _para(
        doc,
        "现将{{ period }}全市职业健康工作指标完成情况通报如下。本通报数据为{{ basis }}，"
        "由平台按各业务记录计算，每项数字均可查看其背后的记录。",
        indent=True,
    )
    _para(doc, "一、总体情况", font=docs.HEITI_FONT, indent=True)
    _para(
        doc,
        "纳入通报的指标共{{ indicator_count }}项，全市层面达到目标{{ met_count }}项，"
        "未达到目标{{ missed_count }}项，暂无数据{{ no_data_count }}项。",
        indent=True,
    )
    _table(doc, ["指标", "全市", "目标", "达标情况"],
           ["{{ row.name }}", "{{ row.value }}", "{{ row.target }}", "{{ row.met }}"],
           [70, 30, 26, 30], "city_rows")  # fmt: skip
    _para(doc, "二、区县排名", font=docs.HEITI_FONT, indent=True)
    _para(doc, "按达标指标项数由多到少排列（相同时未达标项少者在前）。", indent=True)
    _table(doc, ["名次", "区县", "达标项数", "未达标项数", "无目标或无数据项数"],
           ["{{ row.rank }}", "{{ row.district }}", "{{ row.met }}", "{{ row.missed }}", "{{ row.no_target }}"],
           [18, 48, 28, 28, 34], "ranking")  # fmt: skip
    _para(doc, "三、各项指标完成较好和较差的区县", font=docs.HEITI_FONT, indent=True)
    _para(doc, "{%p for item in best_worst %}")
    _para(doc, "{{ item.indicator }}：较好的有{{ item.best }}；较差的有{{ item.worst }}。", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "四、各区县未达标指标", font=docs.HEITI_FONT, indent=True)
    _para(doc, "{%p for d in shortfalls %}")
    _para(
        doc,
        "{{ d.district }}：{% for i in d.lines %}{{ i.indicator }}{{ i.value }}（目标{{ i.target }}）"
        "{% if not loop.last %}；{% endif %}{% endfor %}。",
        indent=True,
    )
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if not shortfalls %}")
    _para(doc, "各区县均无未达标指标。", indent=True)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if no_data %}")
    _para(doc, "五、暂无数据的指标", font=docs.HEITI_FONT, indent=True)
    _para(doc, "{%p for item in no_data %}")
    _para(doc, "{{ item.indicator }}：{{ item.reason }}。", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "请各区县对照未达标指标，查找原因，落实整改，并在下一期调度中报告进展。", indent=True)
    _para(doc)
    _para(doc)
    # 落款: 发文机关署名 and 成文日期 right-aligned, leaving two and four characters (GB/T 9704 7.3.5)
    _para(doc, "{{ issuer }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2)
    _para(doc, "{{ date_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    return docs.to_bytes(doc)


def main() -> None:
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
