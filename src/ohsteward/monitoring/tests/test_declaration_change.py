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


# --- exposed headcount beyond the tolerance (declarations.rules.HEADCOUNT_TOLERANCE_V1, 未核对) ----


@pytest.mark.parametrize(
    ("detected", "declared", "differs"),
    [
        (12, 10, False),  # |2| ≤ max(2, 20 % × 10 = 2)
        (13, 10, True),  # |3| > 2
        (7, 10, True),  # |−3| > 2
        (58, 50, False),  # |8| ≤ max(2, 10)
        (61, 50, True),  # |11| > 10
        (0, 2, False),  # |−2| ≤ 2
        (0, 3, True),
    ],
)
def test_headcount_tolerance_table(detected, declared, differs):
    from ohsteward.declarations import rules  # local: a pure rule among the monitoring-side tests

    assert rules.headcount_differs(detected, declared) is differs
    assert rules.HEADCOUNT_TOLERANCE_V1.verified is False
    assert rules.HEADCOUNT_TOLERANCE_V1.text() == "±2人或±20%取大者（headcount-tolerance-v1，未核对）"


def test_a_headcount_beyond_the_tolerance_raises_a_change_declaration(lab, cast):
    user, institution, employer = lab
    _declare(employer)  # 噪声, 10 exposed
    report = make_report(user, employer, institution)
    record(user, report, "噪声", {"l_ex_8h": 80, "exposed_workers": 6}, post="冲压工")
    # the report's 噪声 posts all give a headcount (6): |6 − 10| = 4 > 2 → due; taken back for the test
    assert ChangeTrigger.objects.filter(enterprise=employer).count() == 1
    ChangeTrigger.objects.filter(enterprise=employer).delete()
    record(user, report, "噪声", {"l_ex_8h": 80, "exposed_workers": 5}, post="装配工")  # 6 + 5 = 11: within
    assert not ChangeTrigger.objects.filter(enterprise=employer).exists()
    record(user, report, "噪声", {"l_ex_8h": 80, "exposed_workers": 9}, post="装配工")  # 6 + 9 = 15 > 12
    trigger = ChangeTrigger.objects.get(enterprise=employer)
    assert trigger.kind == "detection_result"
    assert "接触人数为15人" in trigger.description and "为10人" in trigger.description
    assert "未核对" in trigger.description
    assert trigger.due_on == trigger.occurred_on + dt.timedelta(days=15)
    record(user, report, "噪声", {"l_ex_8h": 81, "exposed_workers": 9}, post="装配工")
    assert ChangeTrigger.objects.filter(enterprise=employer).count() == 1  # one open per factor
    assert ChangeTrigger.objects.for_user(cast["manager"]).filter(pk=trigger.pk).exists()


def test_a_post_without_a_headcount_leaves_the_report_uncompared(lab):
    user, institution, employer = lab
    _declare(employer)
    report = make_report(user, employer, institution)
    record(user, report, "噪声", {"l_ex_8h": 80, "exposed_workers": 30}, post="冲压工")
    ChangeTrigger.objects.filter(enterprise=employer).delete()
    record(user, report, "噪声", {"l_ex_8h": 80}, post="装配工")  # the sum would be partial
    assert not ChangeTrigger.objects.filter(enterprise=employer).exists()


def test_a_bad_headcount_is_refused():
    from ohsteward.monitoring import assess  # local: the input check is monitoring's

    with pytest.raises(assess.InputError, match="接触人数: 须为不小于0的整数"):
        assess.normalize_inputs({"exposed_workers": 2.5})
    assert assess.normalize_inputs({"exposed_workers": "12"}) == {"exposed_workers": 12}


def test_an_imported_headcount_column_raises_the_change_declaration(lab):
    # local: the import's helpers live with the bulk import tests
    from ohsteward.monitoring.importers import MeasurementImporter
    from ohsteward.monitoring.tests.test_bulk_import import WIDE, book

    _user, institution, employer = lab
    _declare(employer)
    row = ["HC-1", "定期检测", employer.uscc, "2026-03-10", "冲压车间", "冲压工", "噪声", None, None, None, 80,
           institution.uscc, None, None, None, None, None, None, 25]  # fmt: skip
    done = MeasurementImporter().run(
        user=None, filename="f.xlsx", content=book([row], head=[*WIDE, "接触人数"]), dry_run=False
    )
    assert done.applied and not done.errors
    (trigger,) = ChangeTrigger.objects.filter(enterprise=employer)
    assert "接触人数为25人" in trigger.description
