"""Build the default 申报告知单 template ``notice.docx`` (docxtpl placeholders) from source.

    python -m ohsteward.declarations.templates_docx.build_notice_template

The committed ``notice.docx`` is the output of this script; a test rebuilds it and compares the
text and placeholders. Layout per GB/T 9704-2012 (``ohsteward.core.documents``): A4, 天头 37 mm,
订口 28 mm, title 方正小标宋简体 二号, body 仿宋_GB2312 三号 with two-character first-line indents,
文号 under the title, the issuer with "（盖章）" and the date in Chinese. A district may replace it
with its own .docx using the same placeholders (see ``PLACEHOLDERS``).
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ohsteward.core import documents as docs

OUTPUT = Path(__file__).with_name("notice.docx")

# What a template may use (context of ``reports.notice_context``).
PLACEHOLDERS = {
    "doc_number": "文号，如 渝北卫健告〔2026〕12号",
    "number": "告知单编号（系统编号）",
    "enterprise_name": "用人单位名称",
    "uscc": "统一社会信用代码",
    "address": "用人单位地址",
    "deadline_days": "申报期限天数（自送达之日起）",
    "legal_basis": "法律依据（逐条）",
    "issuer": "发出单位",
    "date_cn": "成文日期（中文，如 二〇二六年十二月一日）",
}


def _para(
    doc,
    text: str = "",
    *,
    font: str = docs.BODY_FONT,
    size: str = "三号",
    align=None,
    indent: bool = False,
    right_chars: int = 0,
):
    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        docs.set_fonts(run, east_asia=font, size=size)
    if align is not None:
        p.alignment = align
    docs.exact_line_spacing(p)
    if indent:
        docs.first_line_indent_chars(p, 2, size)
    if right_chars:
        p.paragraph_format.right_indent = Pt(docs.SIZE_PT[size] * right_chars)
    return p


def build() -> bytes:
    doc = docs.gbt9704_document()
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None and not body.text:
        body._p.getparent().remove(body._p)
    # 标题: 方正小标宋简体 二号, centred (GB/T 9704 7.3.1); 文号 under it, centred
    _para(doc, "职业病危害项目申报告知单", font=docs.TITLE_FONT, size="二号", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{{ doc_number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc)
    # 主送: flush left; 正文: first-line indent of two characters
    _para(doc, "{{ enterprise_name }}：")
    _para(
        doc,
        "经核查，贵单位（统一社会信用代码：{{ uscc }}；地址：{{ address }}）工作场所可能存在职业病危害因素，"
        "但尚未进行职业病危害项目申报。请贵单位自收到本告知单之日起{{ deadline_days }}日内，"
        "登录职业病危害项目申报系统（或本平台“网上申报”）如实完成职业病危害项目申报。",
        indent=True,
    )
    _para(doc, "依据如下：", indent=True)
    _para(doc, "{%p for item in legal_basis %}")
    _para(doc, "{{ item }}", indent=True)
    _para(doc, "{%p endfor %}")
    _para(
        doc,
        "逾期未申报的，将依照《中华人民共和国职业病防治法》第七十一条的规定依法处理。"
        "如对申报有疑问，可联系所在区县卫生健康委员会或疾病预防控制中心获得免费指导。",
        indent=True,
    )
    _para(doc)
    _para(doc)
    # 发文机关署名 with （盖章）, 成文日期 in Chinese, right-aligned leaving two/four characters
    _para(doc, "{{ issuer }}（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2)
    _para(doc, "{{ date_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    _para(doc)
    _para(doc, "告知单编号：{{ number }}", size="四号")
    # 送达回证: filled in on delivery
    heading = _para(doc, "送达回证", font=docs.HEITI_FONT, size="三号", align=WD_ALIGN_PARAGRAPH.CENTER)
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.page_break_before = True  # the 送达回证 is a sheet of its own, kept on delivery
    table = doc.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, (Mm(42), Mm(114)), strict=True):  # the 156 mm 版心
        column.width = width
        for cell in column.cells:
            cell.width = width
    rows = [
        ("受送达单位", "{{ enterprise_name }}"),
        ("送达方式", "□直接送达　□邮寄送达　□电子送达"),
        ("签收人（签名）", ""),
        ("签收日期", "　　　　年　　月　　日"),
    ]
    for row, (label, value) in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, (label, value), strict=True):
            p = cell.paragraphs[0]
            p.paragraph_format.keep_with_next = True
            run = p.add_run(text)
            docs.set_fonts(run, east_asia=docs.BODY_FONT, size="四号")
    return docs.to_bytes(doc)


def main() -> None:
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
