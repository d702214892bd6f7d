"""The institutions demo: every kind, out-of-province ones, a QC round with findings and
rectifications, proficiency rounds, and all three colours — deterministically."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.demo import institutions as demo
from ohsteward.demo.synth import synth_enterprises
from ohsteward.institutions.choices import InstitutionKind
from ohsteward.institutions.models import (
    Engagement,
    Institution,
    InstitutionGrade,
    PerformanceEvaluation,
    ProficiencyResult,
    QcInspection,
    Rectification,
    Referral,
)
from ohsteward.institutions.queries import guidance_counts

pytestmark = pytest.mark.django_db


def test_populate_gives_every_kind_and_all_three_colours():
    synth_enterprises(200, 3)
    today = dt.date(2026, 11, 24)
    counts = demo.populate(year=2026, today=today, seed=3)
    assert counts["institutions"] == len(demo.INSTITUTIONS)
    kinds = {k for i in Institution.objects.all() for k in i.kinds}
    assert kinds == {k for k, _ in InstitutionKind.choices}
    assert Institution.objects.out_of_province().exclude(qc_number="").count() == 2
    assert (
        QcInspection.objects.filter(result="fail").exists()
        and QcInspection.objects.filter(status="planned").exists()
    )
    assert (
        Rectification.objects.filter(status="open").exists()
        and Rectification.objects.filter(status="closed").exists()
    )
    assert ProficiencyResult.objects.filter(outcome="").exists()
    assert set(InstitutionGrade.objects.values_list("colour", flat=True)) == {"red", "yellow", "green"}
    assert Engagement.objects.exists()
    assert PerformanceEvaluation.objects.count() == counts["evaluations"] > 0
    assert set(Referral.objects.values_list("status", flat=True)) == {
        "handed_over",
        "investigating",
        "closed",
    }
    assert {c["status"] for c in guidance_counts(None, 2026) if c["status"] != "no_duty"} == {"met", "short"}
    performance = [
        f["value"]
        for g in InstitutionGrade.objects.all()
        for f in g.factors
        if f["name"] == "performance_score"
    ]
    assert any(v is not None for v in performance)  # the evaluation feeds the grade
    assert demo.populate(year=2026, today=today, seed=3) == {}  # once
