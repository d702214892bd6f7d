"""Table tests of the pure cell rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ohsteward.intake import rules

TODAY = dt.date(2025, 6, 30)


@pytest.mark.parametrize(("text", "expected"), [
    ("矽尘(12)、噪声(30)", [("矽尘", 12), ("噪声", 30)]),
    ("矽尘（12）；噪声（30人）", [("矽尘", 12), ("噪声", 30)]),
    ("苯;甲苯", [("苯", None), ("甲苯", None)]),
    ("煤尘（游离 SiO2 含量＜10%）(5)、苯", [("煤尘（游离 SiO2 含量＜10%）", 5), ("苯", None)]),
    ("苯基醚（二苯醚）", [("苯基醚（二苯醚）", None)]),
    ("、噪声、 ", [("噪声", None)]),
    ("", []),
    (None, []),
])
def test_split_hazards(text, expected):
    assert rules.split_hazards(text) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-05", dt.date(2024, 3, 5)),
    ("2024/3/5", dt.date(2024, 3, 5)),
    ("2024.03.05", dt.date(2024, 3, 5)),
    ("20240305", dt.date(2024, 3, 5)),
    ("2024年3月5日", dt.date(2024, 3, 5)),
    ("2024-03-05 10:30:00", dt.date(2024, 3, 5)),
    (45356, dt.date(2024, 3, 5)),  # Excel serial number
    (dt.datetime(2024, 3, 5, 8, 0), dt.date(2024, 3, 5)),
    ("", None),
    (None, None),
])
def test_parse_date(value, expected):
    assert rules.parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("2025-07-01", "日期不能晚于今天"),
    ("2024-02-30", "日期不存在“2024-02-30”"),
    ("上周", "无法识别的日期“上周”，请写成 2024-03-05"),
    ("1900-01-01", "日期过早“1900-01-01”"),
])
def test_parse_date_errors(value, message):
    with pytest.raises(rules.CellError) as exc:
        rules.parse_date(value, today=TODAY)
    assert str(exc.value) == message


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (12.0, 12), ("12人", 12), ("1,200", 1200), ("", None)])
def test_parse_count(value, expected):
    assert rules.parse_count(value) == expected


@pytest.mark.parametrize(("value", "message"), [("-1", "不能为负数"), ("1.5", "应为整数，实际为“1.5”"),
                                                ("很多", "应为整数，实际为“很多”")])
def test_parse_count_errors(value, message):
    with pytest.raises(rules.CellError, match=message):
        rules.parse_count(value)


def test_parse_amount():
    assert rules.parse_amount("1,234.5万元") == Decimal("1234.50")
    with pytest.raises(rules.CellError, match="不能为负数"):
        rules.parse_amount(-1)


@pytest.mark.parametrize(("name", "keys"), [
    ("渝北区", ["渝北区", "渝北"]),
    ("重庆市渝北区", ["渝北区", "渝北"]),
    ("忠县", ["忠县", "忠"]),
    ("石柱土家族自治县", ["石柱土家族自治县", "石柱县", "石柱"]),
    ("彭水苗族土家族自治县", ["彭水苗族土家族自治县", "彭水县", "彭水"]),
])
def test_region_keys(name, keys):
    assert rules.region_keys(name) == keys


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), (" 渝北 ", "渝北"), (3311.0, "3311"), ("'-3", "-3"), ("'abc", "'abc"),
    (dt.date(2024, 1, 2), "2024-01-02"),
])
def test_cell_text(value, expected):
    assert rules.cell_text(value) == expected


def test_industry_digits_and_keys():
    assert rules.industry_digits("C3311") == "3311"
    assert rules.industry_digits(" c 3311") == "3311"
    assert rules.hazard_base_key("煤尘（游离 SiO2 含量＜10%）") == "煤尘"
    assert rules.town_keys("龙溪街道") == ["龙溪街道", "龙溪"]
    assert rules.row_message(12, "体检日期", "日期不能晚于今天") == "第12行 体检日期: 日期不能晚于今天"
