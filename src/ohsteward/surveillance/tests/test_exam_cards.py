"""The seam of surveillance/exams/cards.py: every exam batch owes a 职业健康检查个案卡 from its
upload date, every diagnosed case a 职业病诊断个案卡 of the diagnosis institution."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.institutions.models import ReportCard
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, ExamBatch, ExamResult
from ohsteward.surveillance.tests.exam_helpers import factor, make_worker

pytestmark = pytest.mark.django_db


def test_an_exam_batch_creates_its_missing_case_card(clinic, enterprises):
    batch = ExamBatch.objects.create(enterprise=enterprises["yubei"], institution=clinic, source="file")
    card = ReportCard.objects.get(activity_app="surveillance.exambatch", activity_id=batch.pk)
    assert (card.kind, card.institution, card.status) == ("exam_case", clinic, "missing")


def test_a_case_owes_a_diagnosis_card_only_once_diagnosed(clinic, enterprises, diagnosis_centre):
    worker = make_worker(enterprises["yubei"])
    batch = ExamBatch.objects.create(enterprise=enterprises["yubei"], institution=clinic, source="form")
    exam = Exam.objects.create(
        batch=batch, worker=worker, date=dt.date(2026, 3, 1), kind="periodic", institution=clinic
    )
    result = ExamResult.objects.create(exam=exam, factor=factor("噪声"), conclusion="c")
    case = DiseaseCase.objects.create(
        worker=worker,
        result=result,
        factor=factor("噪声"),
        found_on=dt.date(2026, 3, 1),
        referred_to=diagnosis_centre,
    )
    assert not ReportCard.objects.filter(activity_app="surveillance.diseasecase").exists()
    case.diagnosed_on = dt.date(2026, 4, 1)
    case.save()
    card = ReportCard.objects.get(activity_app="surveillance.diseasecase", activity_id=case.pk)
    assert (card.kind, card.institution, card.due_on) == (
        "diagnosis_case",
        diagnosis_centre,
        dt.date(2026, 5, 1),
    )
