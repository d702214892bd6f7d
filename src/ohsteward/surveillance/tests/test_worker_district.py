"""Workers carry a copy of their employer's district (``Scope(enterprise_district="district")``):
a district officer's scope and the indicators' district counts read it without joining the
employers. The register keeps it exact when the employer moves district or is merged."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.accounts.testing import WANZHOU, YUBEI
from ohsteward.registry.actions import enterprise_merge, enterprise_update
from ohsteward.surveillance import actions
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def _worker(enterprise) -> Worker:
    return actions.worker_create(
        user=None,
        enterprise=enterprise,
        id_number=make_id_number(),
        name="李四",
        hire_date=dt.date(2021, 5, 1),
    )


def _district(worker) -> str:
    return Worker.objects.values_list("district", flat=True).get(pk=worker.pk)


def test_a_new_worker_copies_its_employers_district(enterprises):
    assert _district(_worker(enterprises["wanzhou"])) == WANZHOU
    assert _district(_worker(enterprises["yubei"])) == YUBEI


def test_moving_the_employer_moves_its_workers_into_the_new_districts_scope(cast, enterprises):
    employer = enterprises["yubei2"]
    worker = _worker(employer)
    assert Worker.objects.for_user(cast["yubei"]).filter(pk=worker.pk).exists()
    enterprise_update(
        user=None, enterprise=employer, data={"region_id": WANZHOU, "town_id": None, "zone_id": None}
    )
    assert _district(worker) == WANZHOU
    assert Worker.objects.for_user(cast["wanzhou"]).filter(pk=worker.pk).exists()
    assert not Worker.objects.for_user(cast["yubei"]).filter(pk=worker.pk).exists()


def test_a_merge_gives_the_moved_workers_the_kept_employers_district(enterprises):
    worker = _worker(enterprises["yubei2"])
    enterprise_merge(user=None, keep=enterprises["wanzhou"], merge=enterprises["yubei2"])
    assert _district(worker) == WANZHOU
    assert Worker.objects.get(pk=worker.pk).enterprise_id == enterprises["wanzhou"].pk
