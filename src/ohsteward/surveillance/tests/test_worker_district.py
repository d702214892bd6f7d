"""Workers carry a copy of their employer's district (``Scope(enterprise_district="district")``,
branch survfast): a district officer's overdue list and its count read it without joining the
employers, and the register keeps it exact when an employer moves to another district."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ohsteward.accounts.testing import WANZHOU, YUBEI
from ohsteward.registry.actions import enterprise_merge, enterprise_update
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.exam_helpers import make_worker

pytestmark = pytest.mark.django_db


def test_a_new_worker_copies_its_employers_district(enterprises):
    worker = make_worker(enterprises["wanzhou"], name="万州工")
    worker.refresh_from_db()
    assert worker.district == WANZHOU


def test_moving_an_employer_to_another_district_moves_its_workers_in_scope(cast, enterprises):
    employer = enterprises["yubei2"]
    worker = make_worker(employer, name="迁移工")
    assert Worker.objects.for_user(cast["yubei"]).filter(pk=worker.pk).exists()
    enterprise_update(
        user=None, enterprise=employer, data={"region_id": WANZHOU, "town_id": None, "zone_id": None}
    )
    worker.refresh_from_db()
    assert worker.district == WANZHOU
    assert Worker.objects.for_user(cast["wanzhou"]).filter(pk=worker.pk).exists()
    assert not Worker.objects.for_user(cast["yubei"]).filter(pk=worker.pk).exists()


def test_a_merge_gives_the_moved_workers_the_kept_employers_district(enterprises):
    worker = make_worker(enterprises["yubei2"], name="合并工")
    assert Worker.objects.get(pk=worker.pk).district == YUBEI
    enterprise_merge(user=None, keep=enterprises["wanzhou"], merge=enterprises["yubei2"])
    assert Worker.objects.get(pk=worker.pk).district == WANZHOU


def test_a_districts_overdue_list_reads_the_copy_not_the_employers(cast, enterprises):
    overdue = make_worker(enterprises["yubei"], name="逾期工")
    Worker.objects.filter(pk=overdue.pk).update(next_exam_due=dt.date(2026, 1, 1))
    make_worker(enterprises["wanzhou"], name="万州逾期工")
    Worker.objects.filter(name="万州逾期工").update(next_exam_due=dt.date(2026, 1, 1))
    qs = Worker.objects.for_user(cast["yubei"]).overdue(dt.date(2026, 6, 1))
    with CaptureQueriesContext(connection) as ctx:
        assert list(qs.values_list("pk", flat=True)) == [overdue.pk]
    assert "registry_enterprise" not in ctx.captured_queries[0]["sql"]
