"""Who sees which workers (issue 12 item 10): a district its employers, an enterprise its own, an
exam institution its clients' rosters, a steward team its contracted employers, the city all —
through ``for_user``, the detail page, the API list/detail and the API export (generated suite)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.accounts.tests.scope import PERSONAL, ScopeCase, ScopeSuite
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Post, Workplace
from ohsteward.surveillance import actions
from ohsteward.surveillance.models import (
    AcuteExposure,
    DoseRecord,
    IdNumberReveal,
    Person,
    Worker,
    WorkerPost,
)
from ohsteward.surveillance.tests.factories import make_id_number

HIRED = dt.date(2021, 1, 4)


def _worker(world, employer) -> Worker:
    """The ``worker`` cast member's own employment where there is one, else a new worker."""
    return world.own_worker(employer) or _new_worker(world, employer)


def _new_worker(world, employer) -> Worker:
    return actions.worker_create(
        user=None, enterprise=employer, id_number=make_id_number(), name="范围测试工", hire_date=HIRED
    )


def _person(world, employer) -> Person:
    return _new_worker(world, employer).person  # one person per employer (the suite keys rows by pk)


def _worker_post(world, employer) -> WorkerPost:
    workplace = Workplace.objects.create(enterprise=employer, name="范围车间")
    post = Post.objects.create(workplace=workplace, name="范围岗位")
    worker = _worker(world, employer)
    return actions.worker_post_add(user=None, worker=worker, post=post, start_date=worker.hire_date)


def _acute(world, employer) -> AcuteExposure:
    factor = HazardFactor.objects.get(code="2331")
    return actions.acute_exposure_record(
        user=None, worker=_worker(world, employer), hazard_factor=factor, occurred_on=dt.date(2025, 5, 1)
    )


def _dose(world, employer) -> DoseRecord:
    # local: the institutions register is needed by this maker only
    from ohsteward.institutions.models import Institution

    inst = Institution.objects.create(
        uscc=f"12500000MB{Institution.objects.count():07d}X", name=f"范围放射机构{employer.pk}",
        kinds=["radiation_service"],
    )  # fmt: skip
    return DoseRecord.objects.create(
        worker=_worker(world, employer), institution=inst, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31), hp10=0.1, investigation_level=1.25,
    )  # fmt: skip


def _reveal(world, employer) -> IdNumberReveal:
    return IdNumberReveal.objects.create(worker=_worker(world, employer), user=world.users["city"])


class TestSurveillanceScope(ScopeSuite):
    cases = [
        ScopeCase(
            Worker,
            make=_worker,
            page="/surveillance/workers/{obj.pk}/",
            api="/api/v1/workers/",
            export_column="编号",
            visible=PERSONAL,
        ),
        ScopeCase(Person, make=_person),
        ScopeCase(WorkerPost, make=_worker_post, visible=PERSONAL),
        ScopeCase(AcuteExposure, make=_acute, visible=PERSONAL),
        # who looked at the ID number is the employer's and the regulators' trail, not the worker's
        ScopeCase(IdNumberReveal, make=_reveal),
        ScopeCase(
            DoseRecord, make=_dose, api="/api/v1/dose-records/", export_column="编号", visible=PERSONAL
        ),
        # the worker's own downloads of the monitoring file: their employments only, 404 elsewhere
        ScopeCase(
            Worker,
            name="own-record",
            make=_worker,
            page="/surveillance/me/{obj.pk}/record.docx",
            visible=PERSONAL,
            permission="surveillance.view_own_record",
        ),
    ]


@pytest.mark.django_db
def test_a_person_employed_in_two_districts_is_seen_by_both(cast, enterprises):
    number = make_id_number()
    actions.worker_create(
        user=None, enterprise=enterprises["yubei"], id_number=number, name="甲", hire_date=HIRED
    )
    actions.worker_create(
        user=None, enterprise=enterprises["wanzhou"], id_number=number, name="甲", hire_date=HIRED
    )
    assert Person.objects.for_user(cast["yubei"]).count() == 1
    assert Person.objects.for_user(cast["wanzhou"]).count() == 1
    # but each district sees only its own employment
    assert Worker.objects.for_user(cast["yubei"]).get().enterprise == enterprises["yubei"]
