"""The report-card demo: on-time, late and missing cards, the grades recomputed with the reporting
factor, and all three colours kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.demo import cards
from ohsteward.demo import institutions as demo
from ohsteward.demo.synth import synth_enterprises
from ohsteward.institutions import actions
from ohsteward.institutions.models import Engagement, InstitutionGrade, ReportCard

pytestmark = pytest.mark.django_db


def test_populate_files_cards_on_time_and_late_and_leaves_some_missing(monkeypatch):
    synth_enterprises(200, 3)
    today = dt.date(2026, 11, 24)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    demo.populate(year=2026, today=today, seed=3)
    # what monitoring and the exams demo would have recorded: a few activities per client
    for n, engagement in enumerate(Engagement.objects.order_by("pk")[:60]):
        actions.card_expect(
            kind="service_info", activity_app="monitoring.detectionreport", activity_id=n + 1,
            institution_id=engagement.institution_id, enterprise_id=engagement.enterprise_id,
            performed_on=dt.date(2026, 1 + n % 9, 10),
        )  # fmt: skip
    counts = cards.populate(year=2026, today=today, seed=3)
    assert counts["on_time"] and counts["late"] and counts["missing"]
    statuses = {c.status for c in ReportCard.objects.all()}
    assert statuses == {"on_time", "late", "missing"}
    factors = [f for g in InstitutionGrade.objects.all() for f in g.factors if f["name"] == "reporting_rate"]
    assert any(f.get("value") is not None for f in factors)
    assert set(InstitutionGrade.objects.values_list("colour", flat=True)) == {"red", "yellow", "green"}
