"""Table tests of the five conclusions (GBZ 188-2014 §4.8.3, RULES.md §2.2) and the 表5-1 counts."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.surveillance import conclusions as c

D = dt.date


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("a", "a"),
        ("B", "b"),
        (" c ", "c"),
        ("职业禁忌证", "d"),
        ("其他疾病或异常", "e"),
        ("b 复查", "b"),
        ("c.疑似职业病", "c"),
        ("f", None),
        ("复检", None),
        ("", None),
        (None, None),
        ("b 疑似职业病", None),  # letter and label disagree
    ],
)
def test_parse_accepts_the_letter_or_the_label_and_nothing_else(typed, code):
    assert c.parse(typed) == code
    assert (c.code_error(typed) is None) == (code is not None)


@pytest.mark.parametrize(
    ("code", "effect"),
    [("a", "none"), ("b", "recheck"), ("c", "diagnosis"), ("d", "reassignment"), ("e", "note")],
)
def test_each_conclusion_turns_into_its_work(code, effect):
    assert c.effect(code) == effect


def test_the_labels_are_those_of_gbz_188_2014():
    assert [c.label(x) for x in c.CODES] == [
        "目前未见异常",
        "复查",
        "疑似职业病",
        "职业禁忌证",
        "其他疾病或异常",
    ]


@pytest.mark.parametrize(
    ("on", "standard", "verified"),
    [
        (D(2025, 1, 1), "GBZ 188-2014", True),
        (D(2026, 7, 31), "GBZ 188-2014", True),
        (D(2026, 8, 1), "GBZ 188-2025", False),
    ],
)
def test_the_conclusion_set_is_chosen_by_exam_date(on, standard, verified):
    s = c.conclusion_set(on)
    assert (s.standard, s.verified) == (standard, verified)


EXAM = D(2026, 3, 2)


@pytest.mark.parametrize(
    ("code", "items", "recheck_items", "recheck_by", "fields"),
    [
        ("a", "", "", None, set()),
        ("b", "", "纯音测听", D(2026, 4, 2), set()),
        ("b", "血常规白细胞偏低", "", D(2026, 4, 2), set()),  # the abnormal item is what to recheck
        ("b", "", "", D(2026, 4, 2), {"recheck_items"}),
        ("b", "", "纯音测听", None, {"recheck_by"}),
        ("b", "", "纯音测听", EXAM, {"recheck_by"}),  # not after the exam
        ("a", "", "", D(2026, 4, 2), {"recheck_by"}),  # a date on a conclusion with no task
        ("d", "", "", None, {"items"}),
        ("d", "高血压Ⅲ级", "", None, set()),
        ("c", "", "", None, {"items"}),
        ("e", "", "", None, set()),
    ],
)
def test_result_errors_name_the_missing_field(code, items, recheck_items, recheck_by, fields):
    errors = c.result_errors(
        code=code, items=items, recheck_items=recheck_items, recheck_by=recheck_by, exam_date=EXAM
    )
    assert set(errors) == fields


def test_summary_counts_persons_once_per_column():
    batch = {
        1: ["a", "a"],  # 未见异常
        2: ["a", "b"],  # 复查 only
        3: ["c", "d"],  # 疑似 and 禁忌证
        4: ["e"],
        5: [],  # due but not examined
    }
    assert c.summary(6, batch) == {
        "expected": 6,
        "examined": 4,
        "normal": 1,
        "recheck": 1,
        "suspected": 1,
        "contraindication": 1,
        "other": 1,
    }
