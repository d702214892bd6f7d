"""The demo has each conclusion type, an open and a closed case, a reassignment done and one
overdue with the worker still exposed, rechecks open and closed, chronic screenings and
follow-ups — and the rosters' exams as Exam rows, so recomputing keeps every worker's state."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ohsteward.demo import exams, surveillance
from ohsteward.institutions.models import Institution
from ohsteward.surveillance.actions import workers_recompute_due
from ohsteward.surveillance.exams.models import (
    ChronicScreening,
    DiseaseCase,
    ExamResult,
    PneumoconiosisPatient,
    RehabStation,
    SurveillanceTask,
)
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.factories import make_post


@pytest.mark.django_db
def test_populate_makes_every_conclusion_case_and_task(enterprises):
    for e in enterprises.values():
        make_post(e, "3008", "1038")
        make_post(e, name="仓管员")
    Institution.objects.create(uscc="12500000MB1234567X", name="演示体检中心", kinds=["exam"])
    Institution.objects.create(uscc="12500000MB7654321X", name="演示诊断中心", kinds=["diagnosis"])
    today = timezone.localdate()
    surveillance.populate(year=today.year, today=today, seed=1)
    before = dict(Worker.objects.values_list("pk", "next_exam_due"))
    counts = exams.populate(year=today.year, today=today, seed=1)
    assert counts["exams"] > 7
    assert set(ExamResult.objects.values_list("conclusion", flat=True)) == {"a", "b", "c", "d", "e"}
    tasks = SurveillanceTask.objects.all()
    assert tasks.filter(kind="recheck", closed_on__isnull=True).exists()
    assert tasks.filter(kind="recheck", closed_on__isnull=False).exists()
    assert tasks.filter(kind="reassignment", closed_on__isnull=False).exists()
    assert tasks.still_exposed(today).filter(closed_on__isnull=True).exists()
    assert set(DiseaseCase.objects.values_list("status", flat=True)) == {"closed", "referred"}
    assert ChronicScreening.objects.exists()
    assert (
        PneumoconiosisPatient.objects.filter(follow_ups__isnull=False).exists()
        and RehabStation.objects.exists()
    )
    workers_recompute_due()
    after = dict(Worker.objects.values_list("pk", "next_exam_due"))
    changed = [pk for pk in before if before[pk] != after[pk]]
    # only the workers examined in the demo batch moved (their exam is newer than the roster's)
    examined_now = set(ExamResult.objects.exclude(conclusion="a").values_list("exam__worker_id", flat=True))
    examined_now |= set(SurveillanceTask.objects.values_list("worker_id", flat=True))
    assert set(changed) <= examined_now
    assert exams.populate(year=today.year, today=today, seed=1) == {}
