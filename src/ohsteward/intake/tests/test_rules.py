"""Table tests of the pure cell rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ohsteward.intake import rules

TODAY = dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("矽尘(12)、噪声(30)", [("矽尘", 12), ("噪声", 30)]),
        ("矽尘（12）；噪声（30人）", [("矽尘", 12), ("噪声", 30)]),
        ("苯;甲苯", [("苯", None), ("甲苯", None)]),
        ("煤尘（游离 SiO2 含量＜10%）(5)、苯", [("煤尘（游离 SiO2 含量＜10%）", 5), ("苯", None)]),
        ("苯基醚（二苯醚）", [("苯基醚（二苯醚）", None)]),
        ("、噪声、 ", [("噪声", None)]),
        ("", []),
        (None, []),
    ],
)
def test_split_hazards(text, expected):
    assert rules.split_hazards(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
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
    ],
)
def test_parse_date(value, expected):
    assert rules.parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-07-01", "日期不能晚于今天"),
        ("2024-02-30", "日期不存在“2024-02-30”"),
        ("上周", "无法识别的日期“上周”，请写成 2024-03-05"),
        ("1900-01-01", "日期过早“1900-01-01”"),
    ],
)
def test_parse_date_errors(value, message):
    with pytest.raises(rules.CellError) as exc:
        rules.parse_date(value, today=TODAY)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("value", "expected"), [("12", 12), (12.0, 12), ("12人", 12), ("1,200", 1200), ("", None)]
)
def test_parse_count(value, expected):
    assert rules.parse_count(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "不能为负数"), ("1.5", "应为整数，实际为“1.5”"), ("很多", "应为整数，实际为“很多”")],
)
def test_parse_count_errors(value, message):
    with pytest.raises(rules.CellError, match=message):
        rules.parse_count(value)


def test_parse_amount():
    assert rules.parse_amount("1,234.5万元") == Decimal("1234.50")
    with pytest.raises(rules.CellError, match="不能为负数"):
        rules.parse_amount(-1)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("渝北区", ["渝北区", "渝北"]),
        ("重庆市渝北区", ["渝北区", "渝北"]),
        ("忠县", ["忠县", "忠"]),
        ("石柱土家族自治县", ["石柱土家族自治县", "石柱县", "石柱"]),
        ("彭水苗族土家族自治县", ["彭水苗族土家族自治县", "彭水县", "彭水"]),
    ],
)
def test_region_keys(name, keys):
    assert rules.region_keys(name) == keys


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (" 渝北 ", "渝北"),
        (3311.0, "3311"),
        ("'-3", "-3"),
        ("'abc", "'abc"),
        (dt.date(2024, 1, 2), "2024-01-02"),
    ],
)
def test_cell_text(value, expected):
    assert rules.cell_text(value) == expected


def test_industry_digits_and_keys():
    assert rules.industry_digits("C3311") == "3311"
    assert rules.industry_digits(" c 3311") == "3311"
    assert rules.hazard_base_key("煤尘（游离 SiO2 含量＜10%）") == "煤尘"
    assert rules.town_keys("龙溪街道") == ["龙溪街道", "龙溪"]
    assert rules.row_message(12, "体检日期", "日期不能晚于今天") == "第12行 体检日期: 日期不能晚于今天"


# (name as written, (district code, 字号, industry, form, branch)) — worked examples of
# 企业名称登记管理规定 第六条 (行政区划 + 字号 + 行业或者经营特点 + 组织形式).
NAME_PARTS = [
    ("重庆市沙坪坝区华鑫瑞纸制品厂", ("500106", "华鑫瑞", "纸制品", "厂", "")),
    ("重庆市沙坪坝区宏恒祥纸制品厂", ("500106", "宏恒祥", "纸制品", "厂", "")),
    ("重庆沙坪坝华鑫瑞纸制品厂", ("500106", "华鑫瑞", "纸制品", "厂", "")),  # short district
    ("华鑫瑞纸制品厂", ("", "华鑫瑞", "纸制品", "厂", "")),  # 行政区划 left out
    ("重庆长江机械制造有限责任公司", ("", "长江", "机械制造", "有限公司", "")),
    ("重庆宏图伟业环保科技股份有限公司", ("", "宏图伟业", "环保科技", "股份公司", "")),
    ("重庆长江机械制造有限公司江北分公司", ("", "长江", "机械制造", "有限公司", "江北分公司")),
    ("长江机械（重庆）有限公司", ("", "长江", "机械", "有限公司", "")),  # 行政区划 after the 字号
    ("长江机械（渝北）有限公司", ("500112", "长江", "机械", "有限公司", "")),
    ("重庆长江机械（集团）有限公司", ("", "长江", "机械", "(集团)有限公司", "")),
    ("石柱土家族自治县华鑫建材厂", ("500240", "华鑫", "建材", "厂", "")),
    ("石柱县华鑫建材厂", ("500240", "华鑫", "建材", "厂", "")),
    ("秀山土家族苗族自治县华鑫建材厂", ("500241", "华鑫", "建材", "厂", "")),  # the longest district name
    ("忠县鑫源农民专业合作社", ("500233", "鑫源", "", "农民专业合作社", "")),  # no industry word
    ("重庆市渝北区鑫源五金店", ("500112", "鑫源", "五金", "店", "")),
    ("重庆华宇铝型材厂", ("", "华宇铝型材", "", "厂", "")),  # unknown industry word stays in the 字号
    ("重庆长江机戒制造有限公司", ("", "长江机戒", "制造", "有限公司", "")),  # a typo in the industry word
    ("重庆华电科技有限公司", ("", "华电", "科技", "有限公司", "")),
]


@pytest.mark.parametrize(("name", "expected"), NAME_PARTS, ids=[n for n, _ in NAME_PARTS])
def test_name_parts(name, expected):
    parts = rules.name_parts(name)
    assert (parts.district, parts.zihao, parts.industry, parts.form, parts.branch) == expected


def test_name_parts_keeps_a_zihao_of_two_characters():
    """第八条: a 字号 has at least two characters, so industry words are not taken from it."""
    parts = rules.name_parts("重庆机械制造有限公司")
    assert (parts.zihao, parts.industry) == ("机械", "制造")
    assert rules.name_parts("重庆市江北区机电有限公司").zihao == "机电"


def test_name_parts_reads_districts_from_the_region_reference_data():
    assert len({code for code in rules.DISTRICT_NAMES.values()}) == 38
    assert rules.DISTRICT_NAMES["沙坪坝区"] == rules.DISTRICT_NAMES["沙坪坝"] == "500106"
    assert "忠" not in rules.DISTRICT_NAMES  # one character is no district name to look for
