"""The demo hook produces the state the demo promises, deterministically."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.declarations.models import Declaration, GuidanceVisit, HazardListEntry, Notice, SpotCheckItem
from ohsteward.demo import declarations as demo
from ohsteward.demo.synth import synth_enterprises, synth_workplaces

pytestmark = pytest.mark.django_db


def test_populate(db):
    synth_enterprises(300, 3)
    synth_workplaces(3, limit=20)
    today = dt.date(2026, 11, 24)
    counts = demo.populate(year=2026, today=today, seed=3)
    assert counts["entries"] > 20
    assert HazardListEntry.objects.confirmation_overdue(today).exists()
    assert HazardListEntry.objects.exclude(status="pending").exists()
    assert (
        Declaration.objects.filter(channel="online").exists()
        and Declaration.objects.filter(channel="imported").exists()
    )
    assert GuidanceVisit.objects.exists() and Notice.objects.exists() and SpotCheckItem.objects.exists()
    assert HazardListEntry.objects.report_overdue(today).count() == 1
