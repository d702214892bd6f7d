"""The schedule reads monitoring's measurements (RULES.md §2.3): the latest L_EX,8h and 作业分级 per
post × factor; a new measurement recomputes the due dates of the workers on that post."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.monitoring.tests.factories import make_report, record
from ohsteward.surveillance import actions, inputs
from ohsteward.surveillance.exams import actions as exam_actions
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.exam_helpers import TODAY, factor, make_post, make_worker, place, set_today

pytestmark = pytest.mark.django_db

D = dt.date
LAST_EXAM = D(2025, 6, 1)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


@pytest.fixture
def noisy(enterprises, clinic):
    """A worker on 一车间/操作工 (noise) at the 渝北 employer with a periodic exam on record."""
    post = make_post(enterprises["yubei"], "操作工", "噪声")
    worker = make_worker(enterprises["yubei"])
    place(worker, post)
    exam_actions.exam_record(
        user=None,
        worker=worker,
        date=LAST_EXAM,
        kind="periodic",
        institution=clinic,
        results=[{"factor": factor("噪声"), "conclusion": "a"}],
    )
    return worker, post, clinic


def _measure(enterprise, level, number="JC-1", on=None):
    on = on or D(2026, 3, 10)
    # monitoring's system write (user None): the report's institution is any institution
    from ohsteward.institutions.models import Institution  # local: only this helper needs it

    report = make_report(None, enterprise, Institution.objects.order_by("pk").first(), number=number, on=on)
    return record(None, report, "噪声", {"l_ex_8h": level}, post="操作工", workplace="一车间", on=on)


def test_an_unmeasured_noise_post_takes_the_yearly_band(noisy):
    worker, _post, _clinic = noisy
    worker.refresh_from_db()
    assert worker.next_exam_due == D(2026, 6, 1)
    assert "无噪声检测结果" in worker.schedule_note


def test_a_post_measured_at_82_dba_gives_the_two_year_interval(noisy, enterprises):
    worker, _post, _clinic = noisy
    _measure(enterprises["yubei"], 82)
    worker.refresh_from_db()  # recomputed by the monitoring effect, nothing else called
    assert worker.next_exam_due == D(2027, 6, 1)
    assert "82 dB(A)" in worker.schedule_note


def test_a_post_measured_at_88_dba_gives_the_yearly_interval(noisy, enterprises):
    worker, _post, _clinic = noisy
    _measure(enterprises["yubei"], 82, number="JC-1", on=D(2026, 1, 10))
    _measure(enterprises["yubei"], 88, number="JC-2", on=D(2026, 3, 10))
    worker.refresh_from_db()
    assert worker.next_exam_due == D(2026, 6, 1)
    assert "88 dB(A)" in worker.schedule_note


def test_the_latest_measurement_wins_by_its_date_not_its_entry_order(noisy, enterprises):
    worker, post, _clinic = noisy
    _measure(enterprises["yubei"], 82, number="JC-2", on=D(2026, 3, 10))
    _measure(enterprises["yubei"], 88, number="JC-1", on=D(2026, 1, 10))  # older, entered later
    assert inputs.measured_exposures_for([(post.pk, "3008")])[(post.pk, "3008")].l_ex_8h == 82
    worker.refresh_from_db()
    assert worker.next_exam_due == D(2027, 6, 1)


def test_a_dust_grade_from_monitoring_reaches_the_schedule(enterprises, clinic):
    post = make_post(enterprises["yubei"], "投料工", "煤尘（游离 SiO2 含量＜10%）")
    worker = make_worker(enterprises["yubei"])
    place(worker, post)
    code = factor("煤尘（游离 SiO2 含量＜10%）").code
    from ohsteward.monitoring.models import Measurement  # local: a stored grade, set directly

    assert inputs.measured_exposures_for([(post.pk, code)]) == {}
    m = _measure(enterprises["yubei"], 82)
    Measurement.objects.filter(pk=m.pk).update(
        post=post, factor=factor("煤尘（游离 SiO2 含量＜10%）"), grade_level="I"
    )
    assert inputs.measured_exposures_for([(post.pk, code)]) == {(post.pk, code): inputs.Measured(82.0, "I")}
    actions.worker_recompute_due(
        worker=Worker.objects.get(pk=worker.pk), exams=[actions.ExamRecord(LAST_EXAM, "periodic")]
    )
    worker.refresh_from_db()
    assert worker.next_exam_due == D(2028, 6, 1)  # 煤尘 Ⅰ级: every 3 years
