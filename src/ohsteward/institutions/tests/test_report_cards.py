"""Report cards (issue 9 item 3): the deadline table, filing with the clock controlled, the
reporting rate and timeliness, the institution's own list of what it owes, the grading factor, and
the API's filters and bad input. Cards are created here through ``actions.card_expect``, the seam
monitoring and surveillance call (their own tests prove that recording an activity calls it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ohsteward.institutions import actions, queries, rules
from ohsteward.institutions.models import ReportCard

pytestmark = pytest.mark.django_db

PERFORMED = dt.date(2026, 3, 2)
CARD_RULES = rules.load_card_rules()


def set_today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


def expect(institution, enterprise, activity_id=1, kind="service_info", on=PERFORMED) -> ReportCard:
    return actions.card_expect(
        kind=kind,
        activity_app="monitoring.detectionreport",
        activity_id=activity_id,
        institution_id=institution.pk,
        enterprise_id=enterprise.pk,
        performed_on=on,
        label=f"检测报告 JC-{activity_id}",
    )


def file(user, card, on):
    return actions.card_file(
        user=user,
        institution=card.institution,
        kind=card.kind,
        activity_app=card.activity_app,
        activity_id=card.activity_id,
        reported_on=on,
    )


# ---- rules as tables ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, performed, due",
    [
        ("service_info", dt.date(2026, 3, 2), dt.date(2026, 4, 1)),
        ("exam_case", dt.date(2026, 12, 15), dt.date(2027, 1, 14)),
        ("diagnosis_case", dt.date(2026, 2, 1), dt.date(2026, 3, 3)),
    ],
)
def test_the_deadline_is_the_rule_tables_days_after_the_activity(kind, performed, due):
    assert rules.card_due(kind, performed, CARD_RULES) == due


def test_the_deadline_table_is_flagged_unverified_with_its_source():
    assert CARD_RULES.verified is False
    assert "[?]" in CARD_RULES.source
    assert set(CARD_RULES.kinds) == {"service_info", "exam_case", "diagnosis_case"}


@pytest.mark.parametrize(
    "reported, status",
    [
        (None, "missing"),
        (dt.date(2026, 3, 31), "on_time"),
        (dt.date(2026, 4, 1), "on_time"),
        (dt.date(2026, 4, 2), "late"),
    ],
)
def test_status_is_on_time_up_to_the_deadline_late_after_missing_until_filed(reported, status):
    assert rules.card_status(dt.date(2026, 4, 1), reported) == status


@pytest.mark.parametrize(
    "reported, field",
    [
        (None, "reported_on"),
        (dt.date(2026, 3, 1), "reported_on"),
        (dt.date(2026, 6, 2), "reported_on"),
        (dt.date(2026, 3, 2), None),
    ],
)
def test_a_filing_date_before_the_activity_or_after_today_is_refused(reported, field):
    errors = rules.card_filing_errors(PERFORMED, reported, dt.date(2026, 6, 1))
    assert (field in errors) if field else errors == {}


@pytest.mark.parametrize(
    "counts, rate, timely",
    [
        (rules.CardCounts(0, 0, 0), None, None),
        (rules.CardCounts(4, 3, 3), 75.0, 100.0),
        (rules.CardCounts(3, 3, 1), 100.0, 33.3),
    ],
)
def test_the_reporting_and_timeliness_factors(counts, rate, timely):
    assert rules.reporting_factor(counts).value == rate
    assert rules.timeliness_factor(counts).value == timely


# ---- workflow with the clock controlled -----------------------------------------------------


def test_an_expected_card_is_missing_until_filed_then_on_time(
    monkeypatch, cast, enterprises, two_institutions
):
    a = two_institutions["a"]
    card = expect(a, enterprises["yubei"])
    assert card.status == "missing" and card.due_on == dt.date(2026, 4, 1)
    set_today(monkeypatch, dt.date(2026, 3, 20))
    filed = file(cast["institution"], card, dt.date(2026, 3, 20))
    assert filed.status == "on_time" and filed.reported_by == cast["institution"]


def test_a_card_filed_after_the_deadline_is_late(monkeypatch, cast, enterprises, two_institutions):
    card = expect(two_institutions["a"], enterprises["yubei"])
    set_today(monkeypatch, dt.date(2026, 5, 1))
    assert file(cast["institution"], card, dt.date(2026, 4, 20)).status == "late"


def test_a_card_for_an_activity_the_institution_did_not_perform_is_refused(
    monkeypatch, cast, enterprises, two_institutions
):
    a, b = two_institutions["a"], two_institutions["b"]
    card = expect(b, enterprises["wanzhou"], activity_id=7)
    set_today(monkeypatch, dt.date(2026, 3, 20))
    with pytest.raises(ValidationError) as err:
        actions.card_file(
            user=cast["cdc"], institution=a, kind="service_info",
            activity_app="monitoring.detectionreport", activity_id=7, reported_on=dt.date(2026, 3, 20),
        )  # fmt: skip
    assert actions.NOT_PERFORMED in str(err.value)
    card.refresh_from_db()
    assert card.reported_on is None


def test_institution_staff_cannot_file_another_institutions_card(
    monkeypatch, cast, enterprises, two_institutions
):
    card = expect(two_institutions["b"], enterprises["wanzhou"])
    set_today(monkeypatch, dt.date(2026, 3, 20))
    with pytest.raises(PermissionDenied):
        file(cast["institution"], card, dt.date(2026, 3, 20))


def test_a_card_cannot_be_filed_twice(monkeypatch, cast, enterprises, two_institutions):
    card = expect(two_institutions["a"], enterprises["yubei"])
    set_today(monkeypatch, dt.date(2026, 3, 20))
    file(cast["institution"], card, dt.date(2026, 3, 10))
    with pytest.raises(ValidationError, match="已于 2026-03-10 报送"):
        file(cast["institution"], card, dt.date(2026, 3, 20))


def test_re_recording_an_activity_moves_an_unfiled_cards_deadline_not_a_filed_one(
    monkeypatch, cast, enterprises, two_institutions
):
    a, e = two_institutions["a"], enterprises["yubei"]
    card = expect(a, e, on=PERFORMED)
    moved = expect(a, e, on=dt.date(2026, 3, 12))
    assert moved.pk == card.pk and moved.due_on == dt.date(2026, 4, 11)
    set_today(monkeypatch, dt.date(2026, 3, 20))
    file(cast["institution"], moved, dt.date(2026, 3, 20))
    kept = expect(a, e, on=dt.date(2026, 5, 1))
    assert kept.due_on == dt.date(2026, 4, 11)


def test_the_rate_counts_filed_and_overdue_cards_not_those_still_within_the_deadline(
    monkeypatch, cast, enterprises, two_institutions
):
    a, e = two_institutions["a"], enterprises["yubei"]
    on_time, late, _overdue, _open = (
        expect(a, e, 1, on=dt.date(2026, 1, 5)),
        expect(a, e, 2, on=dt.date(2026, 1, 5)),
        expect(a, e, 3, on=dt.date(2026, 1, 5)),
        expect(a, e, 4, on=dt.date(2026, 5, 20)),
    )
    set_today(monkeypatch, dt.date(2026, 6, 1))
    file(cast["cdc"], on_time, dt.date(2026, 1, 20))
    file(cast["cdc"], late, dt.date(2026, 3, 1))
    counts = actions.card_counts(2026, today=dt.date(2026, 6, 1))[a.pk]
    assert counts == rules.CardCounts(performed=3, reported=2, on_time=1)
    (row,) = queries.card_rates(cast["cdc"], 2026, dt.date(2026, 6, 1))
    assert (row.rate, row.timeliness, row.missing, row.late) == (66.7, 50.0, 1, 1)


def test_the_institution_sees_what_it_still_owes_in_its_open_work(
    monkeypatch, cast, enterprises, two_institutions
):
    a, e = two_institutions["a"], enterprises["yubei"]
    expect(a, e, 1, on=dt.date(2026, 1, 5))
    expect(a, e, 2, on=dt.date(2026, 5, 20))
    expect(two_institutions["b"], enterprises["wanzhou"], 3, on=dt.date(2026, 1, 5))
    labels = [w.label for w in queries.open_work(cast["institution"], dt.date(2026, 6, 1))]
    assert "1 张信息报告卡已过报送期限未报送" in labels
    assert "1 张信息报告卡待报送" in labels
    city = [w.label for w in queries.open_work(cast["cdc"], dt.date(2026, 6, 1))]
    assert "各机构共 2 张信息报告卡逾期未报送" in city


def test_the_grading_reads_the_reporting_rate_and_timeliness(
    monkeypatch, cast, enterprises, two_institutions
):
    a, e = two_institutions["a"], enterprises["yubei"]
    card = expect(a, e, 1, on=dt.date(2026, 1, 5))
    expect(a, e, 2, on=dt.date(2026, 1, 5))
    set_today(monkeypatch, dt.date(2026, 6, 1))
    file(cast["cdc"], card, dt.date(2026, 1, 10))
    inputs, _, _ = actions.grade_inputs(a, 2026, rules.load_grading_rules())
    assert inputs["reporting_rate"].value == 50.0
    assert inputs["timeliness"].value == 100.0


# ---- pages and API ----------------------------------------------------------------------------


def test_the_api_filters_by_institution_status_and_year(
    monkeypatch, client, cast, enterprises, two_institutions
):
    a, b = two_institutions["a"], two_institutions["b"]
    filed = expect(a, enterprises["yubei"], 1)
    expect(a, enterprises["yubei"], 2)
    expect(b, enterprises["wanzhou"], 3, on=dt.date(2025, 3, 1))
    set_today(monkeypatch, dt.date(2026, 5, 1))
    file(cast["cdc"], filed, dt.date(2026, 4, 20))
    client.force_login(cast["cdc"])

    def ids(query):
        return sorted(
            r["activity_id"] for r in client.get(f"/api/v1/report-cards/?{query}").json()["results"]
        )

    assert ids("status=late") == [1]
    assert ids("status=missing") == [2, 3]
    assert ids("year=2025") == [3]
    assert ids(f"institution={a.uscc}&status=missing") == [2]
    row = client.get("/api/v1/report-cards/?status=late").json()["results"][0]
    assert row["status"] == "late" and row["institution"] == a.uscc


def test_the_api_refuses_a_card_for_an_activity_not_performed_in_chinese(
    monkeypatch, client, cast, enterprises, two_institutions
):
    expect(two_institutions["b"], enterprises["wanzhou"], 9)
    set_today(monkeypatch, dt.date(2026, 3, 20))
    client.force_login(cast["institution"])
    response = client.post(
        "/api/v1/report-cards/file/",
        {"institution": two_institutions["a"].uscc, "kind": "service_info",
         "activity_app": "monitoring.detectionreport", "activity_id": 9, "reported_on": "2026-03-20"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert actions.NOT_PERFORMED in response.content.decode()
    assert not ReportCard.objects.filter(reported_on__isnull=False).exists()


def test_the_institution_files_its_card_on_the_page(monkeypatch, client, cast, enterprises, two_institutions):
    card = expect(two_institutions["a"], enterprises["yubei"])
    set_today(monkeypatch, dt.date(2026, 3, 20))
    client.force_login(cast["institution"])
    page = client.get(reverse("institutions:reportcard_detail", args=[card.pk]))
    assert "报送" in page.content.decode() and "未核对" in page.content.decode()
    response = client.post(
        reverse("institutions:reportcard_file", args=[card.pk]), {"reported_on": "2026-03-19"}
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.reported_on == dt.date(2026, 3, 19)


def test_the_rates_page_and_its_export(monkeypatch, client, cast, enterprises, two_institutions):
    expect(two_institutions["a"], enterprises["yubei"], 1, on=dt.date(2026, 1, 5))
    set_today(monkeypatch, dt.date(2026, 6, 1))
    client.force_login(cast["cdc"])
    page = client.get(reverse("institutions:reportcard_rates") + "?year=2026").content.decode()
    assert two_institutions["a"].name in page and "0.0%" in page
    export = client.get(reverse("institutions:reportcard_rates_export") + "?year=2026")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
