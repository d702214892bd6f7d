"""The batch form of surveillance's monitoring effect (issue 12): a bulk measurement import
recomputes the affected workers' schedules once per file, with a number of queries that does not
grow with its rows, and the same result as the per-measurement callback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ohsteward.monitoring import effects
from ohsteward.monitoring.models import Measurement
from ohsteward.monitoring.tests.factories import make_report, record
from ohsteward.registry.tests.factories import EnterpriseFactory
from ohsteward.surveillance import inputs
from ohsteward.surveillance.exams import actions as exam_actions
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.exam_helpers import TODAY, factor, make_post, make_worker, place, set_today

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def test_surveillance_registers_a_batch_form():
    assert inputs.measurement_recorded in effects._callbacks
    assert effects._batch[inputs.measurement_recorded] is inputs.measurements_recorded


def _employers_measured(n, clinic, monkeypatch, level=82, prefix="A"):
    """``n`` employers, each with two workers on a noise post with a periodic exam, and a noise
    measurement of that post stored without running the effects (they are what the tests call)."""
    from ohsteward.institutions.models import Institution  # local: only this helper needs it

    monkeypatch.setattr(effects, "_callbacks", [])
    lab = Institution.objects.order_by("pk").first()
    measurements, workers = [], []
    for i in range(n):
        employer = EnterpriseFactory()
        post = make_post(employer, "操作工", "噪声")
        for j in range(2):
            w = make_worker(employer, name=f"工{prefix}{i}-{j}", birth=D(1980 + j, 1 + i % 12, 10))
            place(w, post)
            exam_actions.exam_record(
                user=None,
                worker=w,
                date=D(2025, 6, 1),
                kind="periodic",
                institution=clinic,
                results=[{"factor": factor("噪声"), "conclusion": "a"}],
            )
            workers.append(w)
        report = make_report(None, employer, lab, number=f"JC-{prefix}{i}", on=D(2026, 3, 10))
        record(None, report, "噪声", {"l_ex_8h": level}, post="操作工", workplace="一车间", on=D(2026, 3, 10))
        measurements.append(Measurement.objects.filter(enterprise=employer).order_by("-pk").first())
    monkeypatch.undo()
    set_today(monkeypatch, TODAY)
    return measurements, workers


def _queries(measurements, monkeypatch):
    monkeypatch.setattr(effects, "_callbacks", [inputs.measurement_recorded])
    with CaptureQueriesContext(connection) as ctx:
        effects.measurements_recorded(measurements)
    return len(ctx.captured_queries)


def test_the_queries_of_the_batch_do_not_grow_with_the_measurements(clinic, monkeypatch):
    small, small_workers = _employers_measured(2, clinic, monkeypatch)
    large, large_workers = _employers_measured(10, clinic, monkeypatch, prefix="B")
    Worker.objects.filter(pk__in=[w.pk for w in small_workers + large_workers]).update(next_exam_due=None)
    q_small = _queries(small, monkeypatch)
    q_large = _queries(large, monkeypatch)
    assert q_large <= q_small, (q_small, q_large)
    # and every worker of the batch was recomputed: 82 dB(A) → every 2 years
    dues = set(
        Worker.objects.filter(pk__in=[w.pk for w in large_workers]).values_list("next_exam_due", flat=True)
    )
    assert dues == {D(2027, 6, 1)}


def test_the_batch_gives_what_the_per_measurement_callback_gives(clinic, monkeypatch):
    measurements, workers = _employers_measured(3, clinic, monkeypatch, level=88)
    ids = [w.pk for w in workers]
    fields = ("pk", "last_exam_on", "next_exam_due", "next_exam_kind", "schedule_note")
    Worker.objects.filter(pk__in=ids).update(next_exam_due=None, schedule_note="")
    for m in measurements:
        inputs.measurement_recorded(m)
    one_by_one = list(Worker.objects.filter(pk__in=ids).order_by("pk").values_list(*fields))
    Worker.objects.filter(pk__in=ids).update(next_exam_due=None, schedule_note="")
    inputs.measurements_recorded(measurements)
    batched = list(Worker.objects.filter(pk__in=ids).order_by("pk").values_list(*fields))
    assert batched == one_by_one
    assert {r[2] for r in batched} == {D(2026, 6, 1)}
    assert all("88 dB(A)" in r[4] for r in batched)
