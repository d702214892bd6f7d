"""The training import templates state the hours of the training rules in force (``rules.hours_note``),
never literals: a new version of the rules changes the note, and so does its 未核对 flag."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from ohsteward.stewardship.training import rules
from ohsteward.stewardship.training.importers import PeopleImporter, RecordImporter


def _notes(content: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["填写说明"]
    return [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]


def test_the_note_reads_the_hours_of_the_version_in_force():
    note = rules.hours_note(timezone.localdate())
    assert note.startswith("学时要求（v1，未核对；")
    assert "主要负责人、职业卫生管理人员初次不少于16学时、每年不少于8学时" in note
    assert "接害劳动者上岗前不少于8学时、每年不少于4学时" in note
    assert "其他人员" not in note  # no requirement of their own


@pytest.fixture
def v2(monkeypatch):
    """A later, verified version with other hours for exposed workers and 1.5 more for managers."""
    today = timezone.localdate()
    v1 = rules.RULES_V1
    exposed = dataclasses.replace(v1.requirements["exposed"], initial=Decimal(12), yearly=Decimal("6.5"))
    managers = dataclasses.replace(v1.requirements["manager"], yearly=Decimal("9.5"))
    version = dataclasses.replace(
        v1, version="v2", valid_from=today - dt.timedelta(days=1), verified=True, note="测试版本",
        requirements={"principal": v1.requirements["principal"], "manager": managers, "exposed": exposed},
    )  # fmt: skip
    monkeypatch.setitem(rules.VERSIONS, "v2", version)
    return version


def test_changing_the_rules_changes_both_templates(v2):
    note = rules.hours_note(timezone.localdate())
    assert note.startswith("学时要求（v2；测试版本）") and "未核对" not in note
    assert "主要负责人初次不少于16学时、每年不少于8学时" in note
    assert "职业卫生管理人员初次不少于16学时、每年不少于9.5学时" in note
    assert "接害劳动者上岗前不少于12学时、每年不少于6.5学时" in note
    for importer in (RecordImporter(), PeopleImporter()):
        notes = _notes(importer.template())
        assert note in notes and not any("每年不少于4学时" in n for n in notes)


def test_an_earlier_day_keeps_the_earlier_version(v2):
    assert "v1，未核对" in rules.hours_note(timezone.localdate() - dt.timedelta(days=30))
