"""Official documents (.docx) in the layout of GB/T 9704-2012《党政机关公文格式》: helpers any app uses.

- ``gbt9704_page``: A4 paper, 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm (GB/T 9704 5.2.1–5.2.2),
  so the right margin is 26 mm and the bottom 35 mm.
- Fonts are *named* in the document (``w:rFonts`` ``w:eastAsia``) with a fallback registered in the
  font table (``w:altName``): 方正小标宋简体 → 宋体 (SimSun) for titles, 仿宋_GB2312 → 仿宋 (FangSong)
  for the body; Latin text and digits in Times New Roman. Sizes in 字号: 二号 22 pt, 三号 16 pt.
- ``chinese_date``: 成文日期 in Chinese numerals with 〇 for zero (二〇二六年十二月一日, GB/T 9704 7.3.5.2).
- ``render_docx_template``: fills a docxtpl (Jinja) template; a template is an ordinary .docx a
  district can edit in Word.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# 字号 → points (GB/T 9704 uses 号 sizes; 1 号 = 26 pt … 三号 = 16 pt)
SIZE_PT: Mapping[str, float] = {"一号": 26, "二号": 22, "三号": 16, "四号": 14, "小四": 12, "五号": 10.5}

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEITI_FONT = "黑体"
LATIN_FONT = "Times New Roman"
# The font each named font falls back to where it is not installed (Word reads ``w:altName``).
FALLBACKS: Mapping[str, str] = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    HEITI_FONT: "SimHei",
    "宋体": "SimSun",
    "仿宋": "FangSong",
}

# GB/T 9704-2012 5.2: A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_LEFT_MM = 37, 28
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TEXT_WIDTH_MM  # 26
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TEXT_HEIGHT_MM  # 35
# 22 lines of 28 characters in the 版心 (GB/T 9704 5.2.2): 225 mm / 22 ≈ 28.95 pt per line.
LINE_PITCH_PT = 28.95

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–31 (days, months) in Chinese: 1 一, 10 十, 12 十二, 20 二十, 31 三十一."""
    if not 0 < n < 100:
        raise ValueError("只支持 1–99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    """成文日期: the year digit by digit with 〇, month and day as numbers (二〇二六年十二月一日)."""
    year = "".join(_DIGITS[int(c)] for c in f"{day.year:04d}")
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def gbt9704_page(section) -> None:
    """A4 portrait with the GB/T 9704 margins."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)


def set_fonts(
    target,
    *,
    east_asia: str,
    size: str | float | None = None,
    latin: str = LATIN_FONT,
    bold: bool | None = None,
) -> None:
    """Name the fonts of a run or a style: ``w:eastAsia`` for Chinese, ``w:ascii``/``w:hAnsi`` for Latin."""
    font = target.font
    font.name = latin
    if size is not None:
        font.size = Pt(SIZE_PT[size] if isinstance(size, str) else size)
    if bold is not None:
        font.bold = bold
    rpr = target.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        rfonts.set(qn(attr), value)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme_attr), None)


def register_fallbacks(document, fallbacks: Mapping[str, str] = FALLBACKS) -> None:
    """Declare each named font in the font table with its fallback (``w:altName``) and the GB2312
    character set, so Word substitutes 宋体/仿宋 where 方正小标宋简体/仿宋_GB2312 are missing."""
    # local: python-docx/docxtpl are loaded on first use: only document rendering needs them
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part.part_related_by(RT.FONT_TABLE)
    # local: python-docx/docxtpl are loaded on first use: only document rendering needs them
    from docx.oxml import parse_xml

    root = parse_xml(part.blob)
    present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in fallbacks.items():
        if name in present:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt_el = OxmlElement("w:altName")
        alt_el.set(qn("w:val"), alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if "仿宋" in name or name == "FangSong" else "roman")
        pitch = OxmlElement("w:pitch")
        pitch.set(qn("w:val"), "variable")
        for child in (alt_el, charset, family, pitch):
            font.append(child)
        root.append(font)
    # local: python-docx/docxtpl are loaded on first use: only document rendering needs them
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def first_line_indent_chars(paragraph, chars: int = 2, size: str = "三号") -> None:
    """首行缩进 N 字: ``w:firstLineChars`` (hundredths of a character) plus the equivalent points."""
    paragraph.paragraph_format.first_line_indent = Pt(SIZE_PT[size] * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def exact_line_spacing(paragraph, pt: float = LINE_PITCH_PT) -> None:
    # local: python-docx/docxtpl are loaded on first use: only document rendering needs them
    from docx.enum.text import WD_LINE_SPACING

    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pt)
    fmt.space_before = fmt.space_after = Pt(0)


def paragraph(
    document, text: str = "", *, font: str = BODY_FONT, size: str = "三号", align=None,
    indent: bool = False, right_chars: int = 0,
):  # fmt: skip
    """A GB/T 9704 paragraph: ``text`` in ``font`` at ``size`` (字号), exact line pitch, optional
    alignment, 首行缩进 2 字 and a right indent of ``right_chars`` characters (落款)."""
    p = document.add_paragraph()
    if text:
        set_fonts(p.add_run(text), east_asia=font, size=size)
    if align is not None:
        p.alignment = align
    exact_line_spacing(p)
    if indent:
        first_line_indent_chars(p, 2, size)
    if right_chars:
        p.paragraph_format.right_indent = Pt(SIZE_PT[size] * right_chars)
    return p


def remove_heading_styles(document) -> None:
    """Drop Word's built-in Title/Heading styles (blue, Calibri Light) so nobody picks them."""
    styles = document.styles.element
    for style in list(styles.findall(qn("w:style"))):
        style_id = style.get(qn("w:styleId")) or ""
        if style_id.startswith("Heading") or style_id in {"Title", "Subtitle"} or style_id.startswith("TOC"):
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)


def gbt9704_document():
    """An empty A4 document: GB/T 9704 page, body style 仿宋_GB2312 三号 with exact line pitch,
    no heading styles, fonts with fallbacks registered."""
    # local: python-docx/docxtpl are loaded on first use: only document rendering needs them
    from docx import Document

    document = Document()
    gbt9704_page(document.sections[0])
    normal = document.styles["Normal"]
    set_fonts(normal, east_asia=BODY_FONT, size="三号")
    fmt = normal.paragraph_format
    # local: python-docx/docxtpl are loaded on first use: only document rendering needs them
    from docx.enum.text import WD_LINE_SPACING

    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    remove_heading_styles(document)
    register_fallbacks(document)
    # the document's language: zh-CN for East Asian text (hyphenation, punctuation compression)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    return document


def to_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def template_variables(template: bytes) -> set[str]:
    """The Jinja variables a docxtpl template uses (to check an uploaded template)."""
    # local: python-docx/docxtpl are loaded on first use: only document rendering needs them
    from docxtpl import DocxTemplate

    return set(DocxTemplate(io.BytesIO(template)).get_undeclared_template_variables())


def render_docx_template(template: bytes, context: Mapping[str, Any]) -> bytes:
    """Fill a docxtpl template (``{{ name }}``, ``{%p for … %}``) and return the .docx bytes."""
    # local: python-docx/docxtpl are loaded on first use: only document rendering needs them
    from docxtpl import DocxTemplate

    doc = DocxTemplate(io.BytesIO(template))
    doc.render(dict(context), autoescape=True)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
