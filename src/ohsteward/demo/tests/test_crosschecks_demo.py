"""The cross-check demo: findings in every status (待核实 / 属实 / 不属实) about institutions, the
confirmed one lowering that institution's 交叉核查 grade factor; run again, it adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.demo import crosschecks
from ohsteward.demo import institutions as demo_institutions
from ohsteward.demo.synth import synth_enterprises
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions import actions
from ohsteward.institutions.models import InstitutionGrade
from ohsteward.supervision.models import CrossCheckFinding

pytestmark = pytest.mark.django_db


def test_populate_stores_findings_in_every_status_and_the_grade_reads_them(monkeypatch):
    synth_enterprises(60, 3)
    today = dt.date(2026, 11, 24)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    HazardFactor.objects.get_or_create(code="3001", defaults={"name": "噪声", "category": "physical"})
    demo_institutions.populate(year=2026, today=today, seed=3)
    counts = crosschecks.populate(year=2026, today=today, seed=3)
    assert counts["planted"] == 3 and counts["decided"] >= 2
    about = CrossCheckFinding.objects.filter(year=2026, kind="out_of_scope")
    assert set(about.values_list("status", flat=True)) == {"pending", "confirmed", "rejected"}
    confirmed = about.get(status="confirmed")
    assert "物理因素不在资质范围内" in confirmed.summary and confirmed.note.startswith("演示")
    actions.grades_compute(user=None, year=2026)
    # the three exam institutions have QC, proficiency and evaluation data in the demo: graded
    grade = InstitutionGrade.objects.get(institution=confirmed.institution, year=2026)
    factor = next(f for f in grade.factors if f["name"] == "crosscheck")
    assert factor["value"] == 80.0 and "属实 1 项" in factor["detail"]
    assert crosschecks.populate(year=2026, today=today, seed=3) == {}
