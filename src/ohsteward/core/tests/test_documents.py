"""Official-document helpers (GB/T 9704): Chinese dates, page setup, fonts."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.core import documents


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 1), "二〇二六年十二月一日"),
        (dt.date(2026, 1, 10), "二〇二六年一月十日"),
        (dt.date(2030, 10, 31), "二〇三〇年十月三十一日"),
        (dt.date(2025, 2, 20), "二〇二五年二月二十日"),
        (dt.date(2024, 11, 15), "二〇二四年十一月十五日"),
    ],
)
def test_chinese_date_writes_the_year_digit_by_digit_and_month_and_day_as_numbers(day, expected):
    assert documents.chinese_date(day) == expected


def test_gbt9704_document_is_a4_with_the_standard_margins_and_body_font():
    from docx.oxml.ns import qn

    doc = documents.gbt9704_document()
    s = doc.sections[0]
    assert [round(x.mm) for x in (s.page_width, s.page_height, s.top_margin, s.left_margin)] == [
        210,
        297,
        37,
        28,
    ]
    # 版心 156 × 225 mm
    assert round((s.page_width - s.left_margin - s.right_margin) / 36000) == 156
    assert round((s.page_height - s.top_margin - s.bottom_margin) / 36000) == 225
    normal = doc.styles["Normal"]
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size.pt == 16
    assert not [st for st in doc.styles if st.name.startswith("Heading")]
