"""Helpers of the exam tests: an exam institution serving the 渝北 employers (the cast's
``institution`` user works for it), a diagnosis institution, workers on exposed posts, a clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.accounts.access import forget_jurisdiction
from ohsteward.accounts.actions import role_assign
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Engagement, Institution
from ohsteward.registry.models import Post, PostExposure, Workplace
from ohsteward.registry.tests.factories import make_uscc
from ohsteward.surveillance.actions import person_for_id_number
from ohsteward.surveillance.models import Worker, WorkerPost
from ohsteward.surveillance.tests.factories import make_id_number

TODAY = dt.date(2026, 5, 11)


def set_today(monkeypatch, day: dt.date) -> None:
    """The clock of the actions, pages and API (``timezone.localdate``)."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


def factor(name: str) -> HazardFactor:
    return HazardFactor.objects.filter(name=name).order_by("code").first()


def make_worker(
    enterprise, *, name: str = "张三", birth=dt.date(1985, 6, 15), hired=dt.date(2020, 3, 1), number=None
):
    number = number or make_id_number(birth)
    person = person_for_id_number(id_number=number, name=name, on=TODAY)
    worker = Worker.objects.create(person=person, enterprise=enterprise, name=name, hire_date=hired)
    worker.id_number = number  # the clear number, for the test only
    return worker


def make_post(enterprise, name: str, *factors: str) -> Post:
    workplace, _ = Workplace.objects.get_or_create(enterprise=enterprise, name="一车间")
    post = Post.objects.create(workplace=workplace, name=name)
    for f in factors:
        PostExposure.objects.create(post=post, hazard_factor=factor(f), exposed_count=3)
    return post


def place(worker, post, start=dt.date(2020, 3, 1)) -> WorkerPost:
    return WorkerPost.objects.create(worker=worker, post=post, start_date=start)


def exam_institution(name: str = "重庆渝北测试职业健康检查中心", serial: int = 88880001) -> Institution:
    return Institution.objects.create(uscc=make_uscc("500112", serial=serial), name=name, kinds=["exam"])


@pytest.fixture
def clinic(cast, enterprises):
    """An exam institution with engagements in force with both 渝北 employers; the cast's
    ``institution`` user works for it."""
    inst = exam_institution()
    for key in ("yubei", "yubei2"):
        Engagement.objects.create(
            institution=inst, enterprise=enterprises[key], start_date=dt.date(2020, 1, 1)
        )
    user = cast["institution"]
    role_assign(user=user, role="institution_staff", institution=inst)
    forget_jurisdiction(user)
    return inst


@pytest.fixture
def diagnosis_centre():
    return Institution.objects.create(
        uscc=make_uscc("500112", serial=88880002), name="重庆测试职业病诊断中心", kinds=["diagnosis"]
    )
