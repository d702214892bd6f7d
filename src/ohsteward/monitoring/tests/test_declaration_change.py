"""Issue 11 item 6: a detection result showing a factor the last declaration does not list makes a
变更申报 due within 15 days (48号令 第8条(四)), visible to the manager and the district."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.declarations import actions as declaration_actions
from ohsteward.declarations.models import ChangeTrigger
from ohsteward.monitoring.tests.factories import make_report, record

pytestmark = pytest.mark.django_db


def _declare(employer, hazard="噪声"):
    return declaration_actions.declaration_import(
        user=None, enterprise=employer, receipt_no="SB-MON-1", kind="initial", declared_on=dt.date(2025, 6, 1),
        employees=50, exposed_total=10, hazards=[(None, hazard, 10)], principal="", hygiene_manager="",
    )  # fmt: skip


def test_an_undeclared_factor_raises_a_change_declaration_due_in_15_days(lab, cast):
    user, institution, employer = lab
    _declare(employer)
    report = make_report(user, employer, institution)
    record(user, report, "噪声", {"l_ex_8h": 80})
    assert not ChangeTrigger.objects.filter(enterprise=employer).exists()
    record(user, report, "苯", {"c_twa": 1.0}, post="喷漆工")
    trigger = ChangeTrigger.objects.get(enterprise=employer)
    assert trigger.kind == "detection_result" and "苯" in trigger.description
    assert trigger.due_on == trigger.occurred_on + dt.timedelta(days=15)
    record(user, report, "苯", {"c_twa": 1.5}, post="调漆工")
    assert ChangeTrigger.objects.filter(enterprise=employer).count() == 1  # one per factor
    assert ChangeTrigger.objects.for_user(cast["manager"]).filter(pk=trigger.pk).exists()
    assert ChangeTrigger.objects.for_user(cast["yubei"]).filter(pk=trigger.pk).exists()


def test_an_employer_that_never_declared_gets_no_change_trigger(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    record(user, report, "苯", {"c_twa": 1.0})
    assert not ChangeTrigger.objects.filter(enterprise=employer).exists()


def test_an_imported_file_raises_one_change_declaration_per_undeclared_factor(lab, enterprises):
    # local: the import's helpers live with the bulk import tests
    from ohsteward.monitoring.importers import MeasurementImporter
    from ohsteward.monitoring.tests.test_bulk_import import book, mixed_rows

    _user, institution, employer = lab
    _declare(employer)
    content = book(mixed_rows([employer.uscc, enterprises["yubei2"].uscc], institution))
    done = MeasurementImporter().run(user=None, filename="f.xlsx", content=content, dry_run=False)
    assert done.applied
    triggers = ChangeTrigger.objects.filter(enterprise=employer)
    # 苯, 甲苯, 矽尘 and 高温 are not in the declaration (噪声 is); yubei2 never declared
    assert sorted(t.description.split("“")[1].split("”")[0] for t in triggers) == [
        "甲苯",
        "矽尘",
        "苯",
        "高温",
    ]
    assert all("B-0" in t.description for t in triggers)
    assert not ChangeTrigger.objects.filter(enterprise=enterprises["yubei2"]).exists()
    MeasurementImporter().run(user=None, filename="f.xlsx", content=content, dry_run=False)
    assert ChangeTrigger.objects.filter(enterprise=employer).count() == 4
