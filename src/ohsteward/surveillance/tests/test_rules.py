"""Table tests of the ID number (GB 11643-1999, RULES.md §11.2) and 接害工龄."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.surveillance import rules

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "female"),  # RULES.md §11.2 worked example
        ("11010519491231002x", dt.date(1949, 12, 31), "female"),  # lower-case x
        ("１１０１０５１９４９１２３１００２Ｘ", dt.date(1949, 12, 31), "female"),  # full-width
        ("500103198506150014", dt.date(1985, 6, 15), "male"),
        ("500103200002290021", dt.date(2000, 2, 29), "female"),  # a leap day exists in 2000
    ],
)
def test_a_valid_id_number_gives_birth_date_and_sex(number, birth, sex):
    parsed, error = rules.id_parse(number, on=TODAY)
    assert error is None
    assert (parsed.birth_date, parsed.sex) == (birth, sex)
    assert len(parsed.number) == 18 and parsed.number.upper() == parsed.number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "身份证号不能为空"),
        ("5001031985061500", "身份证号应为18位，实为16位"),
        ("50010319850615001A", "身份证号前17位应为数字，末位为数字或X"),
        ("990103198506150011", "身份证号前两位不是有效的省级行政区划代码"),
        ("500103198502300014", "身份证号中的出生日期不存在"),  # 30 February
        ("500103190002290015", "身份证号中的出生日期不存在"),  # 1900 was not a leap year
        ("500103202701010011", "身份证号中的出生日期不合理"),  # born after today
        ("500103198506150012", "身份证号校验位错误，应为 4"),
        ("500103201101010018", "未满16周岁，不得招用（禁止使用童工）"),
    ],
)
def test_an_invalid_id_number_is_refused_without_repeating_it(number, message):
    parsed, error = rules.id_parse(number, on=TODAY)
    assert parsed is None
    assert error == message
    if len(number) >= 10:
        assert number[:10] not in error


def test_sixteen_on_the_day_is_old_enough():
    first17 = "50010320101201001"
    number = first17 + rules.id_check_char(first17)
    assert rules.id_parse(number, on=dt.date(2026, 12, 1))[1] is None
    assert rules.id_parse(number, on=dt.date(2026, 11, 30))[1] == "未满16周岁，不得招用（禁止使用童工）"


@pytest.mark.parametrize(
    ("number", "masked"),
    [("500103198506151236", "500103********1236"), ("11010519491231002X", "110105********002X")],
)
def test_the_mask_shows_six_and_four_characters(number, masked):
    assert rules.id_mask(number) == masked


D = dt.date


@pytest.mark.parametrize(
    ("periods", "on", "years"),
    [
        ([], D(2026, 1, 1), 0.0),
        ([(D(2020, 1, 1), None)], D(2021, 1, 1), 1.0),
        ([(D(2020, 1, 1), D(2020, 12, 31)), (D(2022, 1, 1), None)], D(2022, 12, 31), 2.0),
        # two posts with the same factor at the same time count once
        ([(D(2020, 1, 1), D(2021, 12, 31)), (D(2021, 1, 1), D(2021, 12, 31))], D(2025, 1, 1), 2.0),
        # a period starting after the day asked about does not count
        ([(D(2027, 1, 1), None)], D(2026, 1, 1), 0.0),
    ],
)
def test_exposure_years_merge_overlapping_periods(periods, on, years):
    assert rules.exposure_years(periods, on=on) == years
