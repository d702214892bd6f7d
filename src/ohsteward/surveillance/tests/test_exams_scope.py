"""Scope of exams, results, batches, tasks and cases on the shared generated suite, and the
field-level rule: the employer sees conclusions, not clinical details."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from ohsteward.accounts.tests.scope import ALL, PERSONAL, VISIBLE, ScopeCase, ScopeSuite
from ohsteward.api.testing import bearer_client
from ohsteward.hazards.models import OccupationalDisease
from ohsteward.institutions.models import Institution
from ohsteward.registry.models import Region
from ohsteward.registry.tests.factories import make_uscc
from ohsteward.surveillance.exams.models import (
    ChronicFollowUp,
    ChronicScreening,
    DiseaseCase,
    Exam,
    ExamBatch,
    ExamResult,
    PneumoconiosisPatient,
    RehabStation,
    SurveillanceTask,
)
from ohsteward.surveillance.tests.exam_helpers import TODAY, factor, make_worker, set_today

_serial = itertools.count(77770001)
_day = itertools.count(0)
_disease = itertools.count(0)
EXAM_DAY = dt.date(2026, 1, 5)


def _worker(world, employer):
    """The ``worker`` cast member's employment where there is one (rows about them, which they
    see), else a new worker."""
    own = world.own_worker(employer) if world is not None else None
    return own or make_worker(employer)


def _institution() -> Institution:
    return Institution.objects.create(
        uscc=make_uscc("500112", serial=next(_serial)), name=f"体检{next(_serial)}", kinds=["exam"]
    )


def _exam(employer, institution=None, world=None) -> Exam:
    institution = institution or _institution()
    worker = _worker(world, employer)
    batch = ExamBatch.objects.create(enterprise=employer, institution=institution, source="api")
    # one worker has several exams in the suite: a different day each (one exam per worker, kind, day)
    day = EXAM_DAY - dt.timedelta(days=next(_day)) if world is not None else EXAM_DAY
    return Exam.objects.create(batch=batch, worker=worker, date=day, kind="periodic", institution=institution)


def _result(employer, conclusion="b", institution=None, world=None) -> ExamResult:
    return ExamResult.objects.create(
        exam=_exam(employer, institution, world), factor=factor("噪声"), conclusion=conclusion, items="高频听阈升高",
        recheck_by=EXAM_DAY + dt.timedelta(days=30),
    )  # fmt: skip


def _task(world, employer) -> SurveillanceTask:
    r = _result(employer, world=world)
    return SurveillanceTask.objects.create(
        kind="recheck", worker=r.exam.worker, result=r, factor=r.factor, due_on=r.recheck_by
    )


def _case(world, employer, referred_to=None) -> DiseaseCase:
    r = _result(employer, "c", world=world)
    return DiseaseCase.objects.create(
        worker=r.exam.worker, result=r, factor=r.factor, found_on=EXAM_DAY, referred_to=referred_to
    )


LAB_SEES_ALL = {**PERSONAL, "lab": ALL}
# stations are reached through their district and town only (no employer, no zone)
STATIONS = {**VISIBLE, "zone": set(), "manager": set(), "lab": set(), "team": set()}


def _town(employer) -> Region:
    if employer.town_id:
        return employer.town
    return (
        Region.objects.filter(parent_id=employer.region_id)
        .exclude(code__in=["500112002", "500112007"])
        .order_by("code")
        .first()
    )


def _patient(world, employer) -> PneumoconiosisPatient:
    return PneumoconiosisPatient.objects.create(
        person=_worker(world, employer).person, enterprise=employer,
        disease=OccupationalDisease.objects.order_by("pk")[next(_disease)],  # one entry per person and disease
        diagnosed_on=EXAM_DAY, district=employer.region, town=_town(employer), source="import",
    )  # fmt: skip


def _station(world, employer) -> RehabStation:
    return RehabStation.objects.create(
        name="康复站", kind="station", district=employer.region, town=_town(employer)
    )


def _screening(world, employer) -> ChronicScreening:
    return ChronicScreening.objects.create(
        worker=_worker(world, employer),
        screened_on=EXAM_DAY,
        source="visit",
        sbp=120,
        dbp=80,
        classification="normal",
    )


def _follow_up(world, employer) -> ChronicFollowUp:
    return ChronicFollowUp.objects.create(
        worker=_worker(world, employer), disease="hypertension", visited_on=EXAM_DAY, sbp=130, dbp=80,
        outcome="satisfactory", next_due=EXAM_DAY + dt.timedelta(days=90),
    )  # fmt: skip


class TestExamScope(ScopeSuite):
    cases = [
        ScopeCase(
            Exam,
            make=lambda world, employer: _exam(employer, world=world),
            page="/surveillance/exams/{obj.pk}/",
            api="/api/v1/exams/",
            export_column="编号",
            visible=PERSONAL,
        ),
        # the exam institution keeps seeing the exams it did, whoever its clients are today
        ScopeCase(
            Exam,
            name="own-institution-exam",
            make=lambda world, employer: _exam(employer, world.institution, world),
            visible=LAB_SEES_ALL,
            api="/api/v1/exams/",
        ),
        ScopeCase(ExamResult, make=lambda world, employer: _result(employer, world=world), visible=PERSONAL),
        ScopeCase(
            ExamBatch,
            make=lambda world, employer: _exam(employer).batch,
            page="/surveillance/exam-batches/{obj.pk}/",
        ),
        ScopeCase(
            SurveillanceTask,
            make=_task,
            page="/surveillance/tasks/{obj.pk}/",
            api="/api/v1/surveillance-tasks/",
            export_column="编号",
            visible=PERSONAL,
        ),
        ScopeCase(
            DiseaseCase,
            make=_case,
            page="/surveillance/cases/{obj.pk}/",
            api="/api/v1/cases/",
            export_column="编号",
            visible=PERSONAL,
        ),
        ScopeCase(
            ChronicScreening,
            make=_screening,
            api="/api/v1/chronic-screenings/",
            export_column="编号",
            visible=PERSONAL,
        ),
        ScopeCase(
            ChronicFollowUp,
            make=_follow_up,
            api="/api/v1/chronic-follow-ups/",
            export_column="编号",
            visible=PERSONAL,
        ),
        ScopeCase(
            PneumoconiosisPatient,
            make=_patient,
            page="/surveillance/pneumoconiosis/{obj.pk}/",
            api="/api/v1/pneumoconiosis-patients/",
            export_column="编号",
            visible=PERSONAL,
        ),
        ScopeCase(RehabStation, make=_station, visible=STATIONS),
        # a diagnosis institution sees the cases referred to it
        ScopeCase(
            DiseaseCase,
            name="referred-case",
            make=lambda world, employer: _case(world, employer, world.institution),
            visible=LAB_SEES_ALL,
            api="/api/v1/cases/",
        ),
    ]


@pytest.mark.django_db
def test_the_employer_sees_conclusions_but_not_clinical_details(cast, enterprises, clinic, monkeypatch):
    set_today(monkeypatch, TODAY)
    r = _result(enterprises["yubei"], institution=clinic)
    manager = bearer_client(cast["manager"]).get(f"/api/v1/exams/{r.exam_id}/").json()
    assert manager["results"][0]["conclusion"] == "b" and manager["results"][0]["items"] is None
    staff = bearer_client(cast["institution"]).get(f"/api/v1/exams/{r.exam_id}/").json()
    assert staff["results"][0]["items"] == "高频听阈升高"
    assert manager["id_number_masked"].count("*") == 8


@pytest.mark.django_db
def test_regulators_see_the_batch_summary_and_cases_not_individual_exams(cast, enterprises, clinic, client):
    r = _result(enterprises["yubei"], "c", institution=clinic)
    DiseaseCase.objects.create(worker=r.exam.worker, result=r, factor=r.factor, found_on=EXAM_DAY)
    client.force_login(cast["yubei"])
    assert client.get(f"/surveillance/exams/{r.exam_id}/").status_code == 403
    assert client.get(f"/surveillance/exam-batches/{r.exam.batch_id}/").status_code == 200
    assert client.get("/surveillance/cases/").status_code == 200
    page = client.get(f"/surveillance/exam-batches/{r.exam.batch_id}/").content.decode()
    assert "疑似职业病" in page and "高频听阈升高" not in page
