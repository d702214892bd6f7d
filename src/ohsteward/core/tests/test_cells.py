import datetime as dt
from decimal import Decimal

import pytest

from ohsteward.core.cells import CellError, cell_text, parse_amount, parse_count, parse_date

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" 渝北区 ", "渝北区"),
        (500112.0, "500112"),
        (None, ""),
        (dt.date(2026, 1, 2), "2026-01-02"),
        ("'=1+1", "=1+1"),
    ],
)
def test_cell_text(value, expected):
    assert cell_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2024/3/5", dt.date(2024, 3, 5)),
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("20240305", dt.date(2024, 3, 5)),
        (45356, dt.date(2024, 3, 5)),
        (dt.datetime(2024, 3, 5, 8), dt.date(2024, 3, 5)),
        ("", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "日期不存在“2024-02-30”"),
        ("下周", "无法识别的日期“下周”，请写成 2024-03-05"),
        ("2027-01-01", "日期不能晚于今天"),
    ],
)
def test_parse_date_errors(value, message):
    with pytest.raises(CellError, match=message):
        parse_date(value, today=TODAY)


def test_parse_date_without_today_allows_future():
    assert parse_date("2030-01-01") == dt.date(2030, 1, 1)


@pytest.mark.parametrize(("value", "expected"), [("12人", 12), (12.0, 12), ("1,200", 1200), ("", None)])
def test_parse_count(value, expected):
    assert parse_count(value) == expected


@pytest.mark.parametrize(
    ("value", "message"), [("-1", "不能为负数"), ("1.5", "应为整数"), ("20000000", "数值过大")]
)
def test_parse_count_errors(value, message):
    with pytest.raises(CellError, match=message):
        parse_count(value)


def test_parse_amount():
    assert parse_amount("1,234.5万元") == Decimal("1234.50")
    with pytest.raises(CellError, match="应为数字（万元），实际为“abc”"):
        parse_amount("abc")
