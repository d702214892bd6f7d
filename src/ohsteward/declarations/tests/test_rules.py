"""Table tests for the pure rules (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ohsteward.declarations import rules

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamp to month end
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 10), 1, D(2027, 1, 10)),  # year change
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 5, 1), 0, D(2026, 5, 1)),
    ],
)
def test_add_months(start, months, expected):
    assert rules.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("due", "done", "today", "expected"),
    [
        (D(2026, 3, 1), None, D(2026, 3, 1), False),  # the due day itself is in time
        (D(2026, 3, 1), None, D(2026, 3, 2), True),
        (D(2026, 3, 1), D(2026, 3, 5), D(2026, 4, 1), False),  # done (late) is no longer overdue
        (None, None, D(2026, 3, 2), False),  # not pushed yet
    ],
)
def test_is_overdue(due, done, today, expected):
    assert rules.is_overdue(due, done, today) is expected


AS_OF = D(2026, 1, 31)


@pytest.mark.parametrize(
    ("reasons", "status", "registration", "suspended_on", "included"),
    [
        ({"industry_serious"}, "active", "registered", None, True),
        (set(), "active", "registered", None, False),  # no hazard evidence
        ({"inspection"}, "active", "candidate", None, True),  # unregistered → must be included
        ({"exam_record"}, "cancelled", "registered", None, False),  # cancelled → excluded
        ({"industry_serious"}, "suspended", "registered", D(2025, 8, 1), True),  # < 6 months
        ({"industry_serious"}, "suspended", "registered", D(2025, 7, 31), False),  # exactly 6 months
        ({"industry_serious"}, "suspended", "registered", D(2025, 1, 1), False),  # ≥ 6 months
        ({"tip_off"}, "suspended", "candidate", D(2025, 12, 1), True),
        ({"industry_general"}, "suspended", "registered", None, True),  # undated: keep for checking
    ],
)
def test_inclusion(reasons, status, registration, suspended_on, included):
    ok, note = rules.inclusion(
        rules.InclusionInput(
            reasons=frozenset(reasons), status=status, registration=registration, suspended_on=suspended_on
        ),
        AS_OF,
    )
    assert ok is included
    # exclusions and special inclusions are explained; an ordinary inclusion carries no note
    ordinary = included and status == "active" and registration == "registered"
    assert (note == "") is ordinary


@pytest.mark.parametrize(
    ("risk", "sources", "declared", "found", "expected"),
    [
        ("serious", [], False, False, ["industry_serious"]),
        ("general", [("exam", "")], False, False, ["industry_general", "exam_record"]),
        (
            "unlisted",
            [("inspection", "tipoff"), ("inspection", "enforcement")],
            False,
            False,
            ["inspection", "tip_off"],
        ),
        (
            "unlisted",
            [("inspection", "park"), ("detection", ""), ("inspection", "有奖举报")],
            True,
            True,
            ["detection_record", "inspection", "tip_off", "declared_hazards", "district_found"],
        ),
        ("unlisted", [("registry", ""), ("declaration", "")], False, False, []),
    ],
)
def test_reasons_from_sources(risk, sources, declared, found, expected):
    assert (
        rules.reasons_from_sources(
            industry_risk=risk, source_kinds=sources, declared_hazards=declared, district_found=found
        )
        == expected
    )


@pytest.mark.parametrize(
    ("trigger", "occurred", "due"),
    [
        ("construction_accepted", D(2026, 5, 10), D(2026, 6, 9)),  # 30 days
        ("process_change", D(2026, 5, 10), D(2026, 5, 25)),  # 15 days
        ("workplace_change", D(2026, 12, 20), D(2027, 1, 4)),
        ("name_change", D(2026, 11, 2), D(2026, 11, 17)),
        ("legal_rep_change", D(2026, 2, 20), D(2026, 3, 7)),
        ("principal_change", D(2026, 2, 20), D(2026, 3, 7)),
        ("detection_result", D(2026, 7, 1), D(2026, 7, 16)),
        ("closure", D(2026, 9, 30), D(2026, 10, 15)),
    ],
)
def test_declaration_due(trigger, occurred, due):
    assert rules.declaration_due(trigger, occurred) == due


def test_due_message_in_plain_words():
    assert rules.due_message("name_change", D(2026, 11, 2), D(2026, 11, 17)) == (
        "您单位于2026-11-02变更了名称，请在2026-11-17前完成变更申报"
    )
    assert rules.due_message("closure", D(2026, 9, 30), D(2026, 10, 15)).endswith("完成注销申报")
    with pytest.raises(ValueError):
        rules.declaration_due("moon_landing", D(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("", 2026, None),
        ("06-30", 2026, D(2026, 6, 30)),
        ("02-29", 2026, D(2026, 2, 28)),
        ("02-29", 2028, D(2028, 2, 29)),
    ],
)
def test_annual_update_due(text, year, expected):
    assert rules.annual_update_due(year, rules.parse_month_day(text)) == expected


@pytest.mark.parametrize(
    ("risk", "section", "employees", "tier"),
    [
        ("serious", "C", 3, 1),  # industrial severe first, whatever the size
        ("serious", "B", None, 1),
        ("serious", "E", 10, 2),  # construction severe, ≥ 10
        ("serious", "E", 9, 3),
        ("serious", "O", None, 3),
        ("general", "C", 500, 4),
        ("unlisted", "", 500, 5),
    ],
)
def test_priority(risk, section, employees, tier):
    assert rules.priority(industry_risk=risk, section=section, employees=employees) == tier


def test_priority_order():
    rows = [
        ("general", "C", 900),
        ("serious", "E", 12),
        ("serious", "C", 5),
        ("serious", "C", 50),
        ("unlisted", "", 1000),
        ("serious", "E", 2),
    ]
    ordered = sorted(
        rows, key=lambda r: rules.priority_sort_key(industry_risk=r[0], section=r[1], employees=r[2])
    )
    assert ordered == [
        ("serious", "C", 50),
        ("serious", "C", 5),
        ("serious", "E", 12),
        ("serious", "E", 2),
        ("general", "C", 900),
        ("unlisted", "", 1000),
    ]


@pytest.mark.parametrize(
    ("n", "fraction", "minimum", "size"),
    [
        (0, 0.1, 5, 0),
        (3, 0.1, 5, 3),
        (100, 0.1, 5, 10),
        (40, 0.1, 5, 5),
        (101, 0.1, 5, 11),
        (10, 1.0, 0, 10),
    ],
)
def test_sample_size(n, fraction, minimum, size):
    assert rules.sample_size(n, fraction=fraction, minimum=minimum) == size


def test_stratified_sample_is_reproducible_and_stratified():
    population = [(i, "500112") for i in range(1, 201)] + [(i, "500101") for i in range(1000, 1030)]
    a = rules.stratified_sample(population, fraction=0.05, minimum=3, seed=2026)
    b = rules.stratified_sample(list(reversed(population)), fraction=0.05, minimum=3, seed=2026)
    assert a == b  # order of rows does not matter
    assert len(a["500112"]) == 10 and len(a["500101"]) == 3
    assert set(a["500112"]) <= set(range(1, 201)) and set(a["500101"]) <= set(range(1000, 1030))
    c = rules.stratified_sample(population, fraction=0.05, minimum=3, seed=2027)
    assert c != a
    # Adding a district does not change the other districts' samples.
    d = rules.stratified_sample(population + [(5000, "500103")], fraction=0.05, minimum=3, seed=2026)
    assert d["500112"] == a["500112"] and d["500103"] == [5000]


def test_rates():
    assert rules.rate(1, 3) == 33.3
    assert rules.rate(0, 0) is None
    items = [
        {"declared": True, "industry_ok": True, "size_ok": True, "hazards_ok": True, "headcount_ok": True},
        {"declared": True, "industry_ok": False, "size_ok": True, "hazards_ok": None, "headcount_ok": True},
        {"declared": False},
        {"declared": None},  # not visited yet: not counted
    ]
    r = rules.check_accuracy(items)
    assert r["declared_rate"] == 66.7
    assert r["industry_ok_rate"] == 50.0
    assert r["hazards_ok_rate"] == 100.0
    assert r["accuracy_rate"] == 50.0
    assert rules.check_accuracy([])["declared_rate"] is None


@pytest.mark.parametrize(
    ("year", "q", "start", "end"),
    [
        (2026, 1, D(2026, 1, 1), D(2026, 3, 31)),
        (2026, 3, D(2026, 7, 1), D(2026, 9, 30)),
        (2026, 4, D(2026, 10, 1), D(2026, 12, 31)),
    ],
)
def test_quarter_range(year, q, start, end):
    assert rules.quarter_range(year, q) == (start, end)


def test_numbers():
    assert rules.receipt_number("500112", 2026, 7) == "渝职申-500112-2026-000007"
    assert rules.notice_number("500112", 2026, 12) == "渝职申告-500112-2026-0012"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("初次申报", "initial"),
        ("首次申报", "initial"),
        ("变更申报", "change"),
        ("年度更新", "annual"),
        ("年度更新申报", "annual"),
        ("注销", "cancel"),
        ("注销申报", "cancel"),
        ("change", "change"),
        ("随便", None),
        ("", None),
        (None, None),
    ],
)
def test_declaration_kind(text, code):
    assert rules.declaration_kind(text) == code


@pytest.mark.parametrize(
    ("employees", "exposed", "required", "expected"),
    [
        (50, 12, True, None),
        (50, 50, True, None),
        (10, 50, True, "接害总人数不能超过从业人员数"),
        (None, 50, True, "填写了接害总人数时，请同时填写从业人员数"),
        (None, 50, False, None),  # an import from the national system without the workforce
        (None, None, True, None),
        (None, 0, True, None),
    ],
)
def test_headcount_error_checks_exposed_workers_against_the_workforce(employees, exposed, required, expected):
    assert rules.headcount_error(employees, exposed, employees_required=required) == expected


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("渝北区", "渝北"),
        ("石柱土家族自治县", "石柱"),
        ("彭水苗族土家族自治县", "彭水"),
        ("酉阳土家族苗族自治县", "酉阳"),
        ("两江新区", "两江"),
        ("城口县", "城口"),
    ],
)
def test_district_short_name_for_doc_numbers(name, short):
    assert rules.district_short_name(name) == short
    assert rules.notice_doc_number(name, 2026, 12) == f"{short}卫健告〔2026〕12号"


def test_notice_deadline_counts_from_the_day_after_delivery():

    assert rules.notice_deadline(None) is None
    assert rules.notice_deadline(dt.date(2026, 3, 20), 15) == dt.date(2026, 4, 4)


@pytest.mark.parametrize(
    ("fraction", "label"), [("0.0500", "5%"), ("0.1250", "12.5%"), ("1", "100%"), ("0", "0%")]
)
def test_share_label_writes_a_fraction_as_a_percentage(fraction, label):

    assert rules.share_label(Decimal(fraction)) == label
