"""The demo rosters have what issue 12 asks to see: due and overdue workers, never examined,
a dispatched worker, an exit exam and an emergency exam due, one person at two employers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ohsteward.demo import surveillance
from ohsteward.surveillance.models import Person, Worker
from ohsteward.surveillance.tests.factories import make_post


@pytest.mark.django_db
def test_populate_makes_due_overdue_never_exit_and_emergency_workers(enterprises):
    for e in enterprises.values():
        make_post(e, "3008", "1038")
    today = timezone.localdate()
    counts = surveillance.populate(year=today.year, today=today, seed=1)
    assert counts["employers"] == 3 and counts["workers"] == Worker.objects.count()
    workers = Worker.objects.all()
    assert workers.overdue(today).exists()
    assert workers.due_within(today, 30).exists()
    assert workers.never_examined().filter(next_exam_due__isnull=False).exists()
    assert workers.filter(next_exam_due__gt=today, last_exam_on__isnull=False).exists()  # on time
    kinds = set(workers.values_list("next_exam_kind", flat=True))
    assert {"pre", "periodic", "exit", "emergency"} <= kinds
    assert workers.filter(employment_type="dispatch").exists()
    assert Person.objects.count() == Worker.objects.count() - 1  # one person moved employer
    assert surveillance.populate(year=today.year, today=today, seed=1) == {}  # once only
