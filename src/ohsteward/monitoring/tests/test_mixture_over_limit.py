"""A failing mixture (Σ Cᵢ/OELᵢ > 1, GBZ 2.1-2019 联合作用; RULES.md §3.1) is an over-limit finding:
every member is on the over-limit list (超标岗位), may get a rectification task (once per post ×
factor), counts in the facts monitoring provides (core.facts) and in supervision's warnings, and a
later re-test that passes alone and together closes the task — on the row-by-row action and the
bulk import alike. The group configuration is chosen by the measurement date (v1, v2)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from ohsteward.core import facts
from ohsteward.monitoring import actions
from ohsteward.monitoring import assess as a
from ohsteward.monitoring.choices import TaskStatus
from ohsteward.monitoring.importers import MeasurementImporter
from ohsteward.monitoring.models import Measurement, RectificationTask
from ohsteward.monitoring.tests.factories import make_report, record
from ohsteward.monitoring.tests.test_bulk_import import book, both
from ohsteward.supervision import warnings

pytestmark = pytest.mark.django_db


def v2_start() -> dt.date:
    raw = json.loads((a.MIXTURE_DIR / "mixture_groups_v2.json").read_text(encoding="utf-8"))
    return dt.date.fromisoformat(raw["effective_from"])


def failing_pair(user, report, **kw):
    """苯 C_TWA 2 (2/3 alone 符合) + 甲苯 30 (30/50 alone 符合): Σ = 1.27 > 1 on one post and date."""
    return record(user, report, "苯", {"c_twa": 2}, **kw), record(user, report, "甲苯", {"c_twa": 30}, **kw)


def fresh(*ms):
    return [Measurement.objects.get(pk=m.pk) for m in ms]


# --- the pure rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compliant", "mixture", "over"),
    [
        (False, {}, True),  # 不符合 alone
        (True, {}, False),
        (None, {}, False),  # 无接触限值，未判定 is not over the limit
        (True, {"compliant": False}, True),  # 符合 alone, the group 不符合
        (True, {"compliant": True}, False),
        (True, {"compliant": True, "also": [{"compliant": False}]}, True),  # a second group fails
    ],
)
def test_over_limit_is_the_own_verdict_or_a_failing_group(compliant, mixture, over):
    assert a.is_over_limit(compliant, mixture) is over


# --- list, task, facts, warnings ----------------------------------------------------------------


def test_a_failing_mixture_puts_both_members_on_the_over_limit_list(lab, client):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene, toluene = fresh(*failing_pair(user, report))
    assert (benzene.compliant, toluene.compliant) == (True, True)
    assert benzene.over_limit and toluene.over_limit
    assert benzene.over_limit_reason.startswith("联合作用超标（苯、甲苯、二甲苯")
    client.force_login(user)
    page = client.get(reverse("monitoring:over_limit_list")).content.decode()
    assert (
        f"/monitoring/measurements/{benzene.pk}/" in page
        and f"/monitoring/measurements/{toluene.pk}/" in page
    )
    assert "联合作用超标" in page
    body = client.get(f"/api/v1/measurements/{benzene.pk}/").json()
    assert body["over_limit"] is True and body["compliant"] is True
    detail = client.get(benzene.get_absolute_url()).content.decode()
    assert 'id="mixture-over"' in detail and 'id="open-task"' in detail


def test_a_passing_mixture_keeps_its_members_off_the_list_and_refuses_a_task(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene = record(user, report, "苯", {"c_twa": 2})
    record(user, report, "甲苯", {"c_twa": 10})  # 2/3 + 10/50 = 0.867 ≤ 1
    (benzene,) = fresh(benzene)
    assert benzene.mixture["compliant"] is True and not benzene.over_limit
    assert not Measurement.objects.over_limit().exists()
    with pytest.raises(ValidationError, match="单项或联合作用"):
        actions.rectification_open(user=user, measurement=benzene, required_measures=["ppe"])


def test_a_failing_mixture_opens_a_task_once_with_the_working_as_finding(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene, _toluene = fresh(*failing_pair(user, report))
    task = actions.rectification_open(user=user, measurement=benzene, required_measures=["engineering"])
    assert "联合作用" in task.finding and "= 1.27 > 1" in task.finding
    with pytest.raises(ValidationError, match="已有未关闭的整改任务"):
        actions.rectification_open(user=user, measurement=benzene, required_measures=["ppe"])
    assert RectificationTask.objects.count() == 1


def test_the_facts_and_the_supervision_warning_count_a_failing_mixture(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene, toluene = fresh(*failing_pair(user, report))
    year = benzene.measured_on.year
    assert facts.ask(facts.HAS_OVER_LIMIT_POST, [employer.pk], year) == {employer.pk}
    assert facts.ask(facts.OVER_LIMIT_FIXED, [employer.pk], year) == set()
    today = benzene.measured_on + dt.timedelta(days=5)
    found = {f.key for f in warnings.compute([employer.pk], today) if f.kind == "over_limit"}
    assert found == {str(benzene.factor_id), str(toluene.factor_id)}  # no open task yet
    actions.rectification_open(user=user, measurement=benzene, required_measures=["ppe"])
    found = {f.key for f in warnings.compute([employer.pk], today) if f.kind == "over_limit"}
    assert found == {str(toluene.factor_id)}


def test_a_retest_that_passes_together_closes_the_tasks_and_fixes_the_fact(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene, toluene = fresh(*failing_pair(user, report))
    # one task for the group, opened on 苯; 甲苯 (符合 alone) gets none of its own (branch monfast)
    task = actions.rectification_open(user=user, measurement=benzene, required_measures=["ppe"])
    with pytest.raises(ValidationError, match="同一联合作用组"):
        actions.rectification_open(user=user, measurement=toluene, required_measures=["ppe"])
    later = make_report(user, employer, institution, number="RT-9", on=dt.date(2026, 5, 6))
    retest_b = record(user, later, "苯", {"c_twa": 1})  # alone it passes and closes the group's task …
    assert RectificationTask.objects.get(pk=task.pk).status == TaskStatus.CLOSED
    record(user, later, "甲苯", {"c_twa": 40})  # … until 1/3 + 40/50 = 1.13 > 1 opens it again
    assert RectificationTask.objects.get(pk=task.pk).status == TaskStatus.OPEN
    record(user, later, "甲苯", {"c_twa": 10})  # 1/3 + 10/50 = 0.53: both pass together
    task.refresh_from_db()
    assert (task.status, task.closed_by_id) == (TaskStatus.CLOSED, retest_b.pk)
    assert RectificationTask.objects.count() == 1
    assert facts.ask(facts.OVER_LIMIT_FIXED, [employer.pk], 2026) == {employer.pk}


# --- the bulk path gives the same ------------------------------------------------------------------


def tasks_state():
    return sorted(
        (t.post.name, t.factor.name, t.status, t.closed_on)
        for t in RectificationTask.objects.select_related("post", "factor")
    )


def test_the_bulk_path_and_the_row_by_row_action_agree_on_a_failing_mixture_and_its_retest(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    benzene, _toluene = fresh(*failing_pair(user, report, workplace="喷漆车间", post="喷漆工"))
    actions.rectification_open(user=user, measurement=benzene, required_measures=["ppe"])  # the group's task
    tail = [institution.uscc, None, None, None, None, None, None]
    on = dt.date(2026, 5, 6).isoformat()

    def rows(number, toluene_value):
        base = [number, "定期检测", employer.uscc, on]
        return [
            [*base, "喷漆车间", "喷漆工", "苯", 1, 480, None, None, *tail],
            [*base, "喷漆车间", "喷漆工", "甲苯", toluene_value, 480, None, None, *tail],
            [*base, "喷漆车间", "调漆工", "苯", 2, 480, None, None, *tail],  # a new failing pair
            [*base, "喷漆车间", "调漆工", "甲苯", 30, 480, None, None, *tail],
        ]

    for number, toluene_value, closed in (("MX-F", 40, False), ("MX-P", 10, True)):
        (slow, slow_rows), (fast, fast_rows) = both(user, book(rows(number, toluene_value)), dry_run=False)
        assert not slow.errors and not fast.errors
        assert slow_rows == fast_rows  # judgement, mixture and over_limit of every row
        # the tasks after each path (each from the same starting database)
        with transaction.atomic():
            MeasurementImporter().run_row_by_row(user=user, filename="f.xlsx", content=book(rows(number, toluene_value)),
                                                 dry_run=False)  # fmt: skip
            slow_tasks = tasks_state()
            transaction.set_rollback(True)
        with transaction.atomic():
            MeasurementImporter().run(user=user, filename="f.xlsx", content=book(rows(number, toluene_value)),
                                      dry_run=False)  # fmt: skip
            fast_tasks = tasks_state()
            over = {(m.post.name, m.factor.name) for m in Measurement.objects.over_limit().select_related("post", "factor")
                    if m.measured_on == dt.date(2026, 5, 6)}  # fmt: skip
            transaction.set_rollback(True)
        assert slow_tasks == fast_tasks
        assert all((status == TaskStatus.CLOSED) is closed for _p, _f, status, _on in fast_tasks)
        assert ("调漆工", "苯") in over and ("调漆工", "甲苯") in over
        assert (("喷漆工", "苯") in over) is (not closed)


# --- the group configuration by the measurement date ------------------------------------------------


def test_the_group_edition_is_chosen_by_the_measurement_date():
    start = v2_start()
    before = a.mixture_groups(on=start - dt.timedelta(days=1))
    after = a.mixture_groups(on=start)
    assert {g.version for g in before} == {"mixture-groups-v1"} and len(before) == 1
    assert {g.version for g in after} == {"mixture-groups-v2"} and not any(g.verified for g in after)
    assert a.mixture_groups(on=dt.date(2019, 1, 1)) == before  # before every edition: the first
    keys = {g.key for g in after}
    assert {"benzene-toluene-xylene", "haematological", "liver-kidney"} <= keys
    blood = next(g for g in after if g.key == "haematological")
    assert blood.includes("2013", "苯") and blood.includes("2237", "铅及其无机化合物（按Pb 计）")
    assert not blood.includes("2145", "甲苯")


def test_every_v2_group_names_its_evidence():
    raw = json.loads((a.MIXTURE_DIR / "mixture_groups_v2.json").read_text(encoding="utf-8"))
    assert raw["verified"] is False and "缺来源" in raw["basis"]
    assert all(g.get("evidence") for g in raw["groups"])


def test_benzene_and_lead_combine_only_from_the_v2_date_in_two_groups(lab):
    user, institution, employer = lab
    start = v2_start()
    inputs_lead = {"c_twa": 0.015, "condition": "铅烟"}  # 0.015/0.03 = 0.5; 苯 2/3 = 0.667; Σ = 1.17
    old = make_report(user, employer, institution, number="PB-1", on=start - dt.timedelta(days=3))
    b_old = record(user, old, "苯", {"c_twa": 2})
    record(user, old, "铅及其无机化合物（按Pb 计）", inputs_lead)
    new = make_report(user, employer, institution, number="PB-2", on=start)
    b_new = record(user, new, "苯", {"c_twa": 2})
    record(user, new, "铅及其无机化合物（按Pb 计）", inputs_lead)
    b_old, b_new = fresh(b_old, b_new)
    assert b_old.mixture == {} and not b_old.over_limit  # v1 has no lead group
    groups = {b_new.mixture["key"], *(x["key"] for x in b_new.mixture["also"])}
    assert groups == {"haematological", "nervous-system"}
    assert b_new.mixture["version"] == "mixture-groups-v2" and b_new.mixture["ratio"] == pytest.approx(1.167)
    assert b_new.over_limit and b_new.compliant is True
