"""The fact HAS_OCCUPATIONAL_DISEASE_CASE (core.facts) as surveillance provides it: suspected or
confirmed cases found in the CASE_YEARS years ending with the asked year; excluded ones not."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.core import facts
from ohsteward.institutions.models import Institution
from ohsteward.registry.tests.factories import make_uscc
from ohsteward.surveillance.exams.facts import CASE_YEARS
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, ExamBatch, ExamResult
from ohsteward.surveillance.tests.exam_helpers import factor, make_worker

pytestmark = pytest.mark.django_db


def _case(employer, found_on: dt.date, outcome: str = "pending") -> DiseaseCase:
    clinic = Institution.objects.get_or_create(
        uscc=make_uscc("500112", serial=77712001), defaults={"name": "病例体检中心", "kinds": ["exam"]}
    )[0]
    worker = make_worker(employer)
    batch = ExamBatch.objects.create(enterprise=employer, institution=clinic, source="api")
    exam = Exam.objects.create(batch=batch, worker=worker, date=found_on, kind="periodic", institution=clinic)
    result = ExamResult.objects.create(exam=exam, factor=factor("噪声"), conclusion="c")
    return DiseaseCase.objects.create(
        worker=worker, result=result, factor=result.factor, found_on=found_on, outcome=outcome
    )


def test_suspected_and_confirmed_cases_in_the_window_flag_the_employer(cast, enterprises):
    yubei, yubei2, wanzhou = enterprises["yubei"], enterprises["yubei2"], enterprises["wanzhou"]
    _case(yubei, dt.date(2025, 6, 1))  # suspected (待诊断), this year
    _case(yubei2, dt.date(2025 - CASE_YEARS, 12, 31), outcome="confirmed")  # just outside the window
    _case(wanzhou, dt.date(2024, 3, 1), outcome="excluded")  # 排除职业病: not a case
    ids = {yubei.pk, yubei2.pk, wanzhou.pk}
    assert facts.ask(facts.HAS_OCCUPATIONAL_DISEASE_CASE, ids, 2025) == {yubei.pk}
    # a year later the confirmed case of yubei2 is inside the window; 2024 does not see 2025's case
    assert facts.ask(facts.HAS_OCCUPATIONAL_DISEASE_CASE, ids, 2025 + 1) == {yubei.pk}
    assert facts.ask(facts.HAS_OCCUPATIONAL_DISEASE_CASE, ids, 2025 - CASE_YEARS + 2) == {yubei2.pk}
    assert facts.ask(facts.HAS_OCCUPATIONAL_DISEASE_CASE, ids, 2024) == {yubei2.pk}
