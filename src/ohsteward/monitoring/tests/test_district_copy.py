"""Measurements and rectification tasks carry a copy of their employer's district
(``Scope(enterprise_district="district")``): a district officer's scope reads it without joining
the employers. The register keeps it exact wherever an employer's district changes or its records
move: the form/API update, a confirmed change request (both ``Enterprise.save``), the import's bulk
update, and a merge."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ohsteward.accounts.testing import WANZHOU, YUBEI
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Institution
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.registry.actions import enterprise_merge, enterprise_update
from ohsteward.registry.importers import enterprise_import
from ohsteward.registry.models import Enterprise, Post, Workplace, district_copies, sync_district_copies
from ohsteward.registry.tests.test_importers import TODAY, good_rows, xlsx

ON = dt.date(2026, 3, 10)
_SERIAL = itertools.count(1)


def _institution() -> Institution:
    return Institution.objects.get_or_create(
        uscc="91500000MA5U0CPY9X", defaults={"name": "重庆副本检测有限公司"}
    )[0]


def _task(employer) -> RectificationTask:
    """An over-limit measurement of ``employer`` and its open task, both saved by ``save()``."""
    n = next(_SERIAL)
    workplace, _ = Workplace.objects.get_or_create(enterprise=employer, name="一车间")
    post = Post.objects.create(workplace=workplace, name=f"岗位{n}")
    report = DetectionReport.objects.create(
        kind="periodic", number=f"DC-{n}", institution=_institution(), enterprise=employer, sampling_start=ON
    )
    m = Measurement.objects.create(
        report=report, enterprise=employer, post=post, factor=HazardFactor.objects.get(name="苯"),
        kind="chemical", measured_on=ON, compliant=False, over_limit=True, inputs={"c_twa": 9.0},
    )  # fmt: skip
    return RectificationTask.objects.create(
        enterprise=employer, post=post, factor=m.factor, measurement=m, finding="超标",
        required_measures=["ppe"], deadline=ON + dt.timedelta(days=30),
    )  # fmt: skip


def _districts(task: RectificationTask) -> tuple[str, str]:
    task.refresh_from_db()
    return Measurement.objects.get(pk=task.measurement_id).district, task.district


def _seen_by(user, task) -> tuple[bool, bool]:
    return (
        Measurement.objects.for_user(user).filter(pk=task.measurement_id).exists(),
        RectificationTask.objects.for_user(user).filter(pk=task.pk).exists(),
    )


def test_the_register_knows_which_models_keep_a_copy():
    assert {(m._meta.label, path, column) for m, path, column in district_copies()} == {
        ("monitoring.Measurement", "enterprise", "district"),
        ("monitoring.RectificationTask", "enterprise", "district"),
        ("surveillance.Worker", "enterprise", "district"),  # branch survfast
    }


@pytest.mark.django_db
def test_a_new_measurement_and_task_copy_their_employers_district(enterprises):
    assert _districts(_task(enterprises["wanzhou"])) == (WANZHOU, WANZHOU)


@pytest.mark.django_db
def test_moving_an_employer_to_another_district_moves_its_records_in_scope(cast, enterprises):
    employer = enterprises["yubei2"]
    task = _task(employer)
    assert _seen_by(cast["yubei"], task) == (True, True)
    enterprise_update(
        user=None, enterprise=employer, data={"region_id": WANZHOU, "town_id": None, "zone_id": None}
    )
    assert _districts(task) == (WANZHOU, WANZHOU)
    assert _seen_by(cast["wanzhou"], task) == (True, True)
    assert _seen_by(cast["yubei"], task) == (False, False)


@pytest.mark.django_db
def test_saving_an_employer_without_a_new_district_reads_and_writes_no_copy(enterprises):
    employer = Enterprise.objects.get(pk=enterprises["wanzhou"].pk)
    _task(employer)
    employer.address = "万州区某路2号"
    with CaptureQueriesContext(connection) as ctx:
        employer.save()
    assert ctx.captured_queries
    assert not [q for q in ctx.captured_queries if "monitoring_" in q["sql"]]


@pytest.mark.django_db
def test_the_register_import_moving_an_employer_moves_its_copies(enterprises):
    rows = good_rows()[1:2]  # 渝北, no town
    enterprise_import(user=None, filename="a.xlsx", content=xlsx(rows), today=TODAY, dry_run=False)
    task = _task(Enterprise.objects.get(uscc=rows[0][0]))
    assert _districts(task) == (YUBEI, YUBEI)
    rows[0][2] = "万州"
    report = enterprise_import(user=None, filename="b.xlsx", content=xlsx(rows), today=TODAY, dry_run=False)
    assert len(report.updated) == 1
    assert _districts(task) == (WANZHOU, WANZHOU)


@pytest.mark.django_db
def test_a_merge_gives_the_moved_records_the_kept_employers_district(enterprises):
    task = _task(enterprises["yubei2"])
    enterprise_merge(user=None, keep=enterprises["wanzhou"], merge=enterprises["yubei2"])
    assert _districts(task) == (WANZHOU, WANZHOU)


@pytest.mark.django_db
def test_sync_repairs_a_stale_copy_and_reports_what_it_changed(enterprises):
    task = _task(enterprises["wanzhou"])
    RectificationTask.objects.filter(pk=task.pk).update(district=YUBEI)
    assert sync_district_copies([enterprises["wanzhou"].pk]) == 1
    assert _districts(task) == (WANZHOU, WANZHOU)
    assert sync_district_copies([enterprises["wanzhou"].pk]) == 0


@pytest.mark.django_db
def test_an_employer_saved_from_an_instance_not_loaded_from_the_database_still_moves_its_copies(enterprises):
    employer = enterprises["yubei2"]
    task = _task(employer)
    copy = Enterprise.objects.get(pk=employer.pk)
    copy.__dict__.pop("_loaded_region_id")  # as if built with its pk rather than read
    copy.region_id, copy.town_id, copy.zone_id = WANZHOU, None, None
    copy.save()
    assert _districts(task) == (WANZHOU, WANZHOU)
