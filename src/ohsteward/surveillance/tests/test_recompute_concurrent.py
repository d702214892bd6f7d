"""The nightly recompute of every worker on PostgreSQL writes the changed plans on a second
connection while it computes (``recompute._ConcurrentWriter``): the plans are the per-worker
rule's (GBZ 188, RULES.md §2.3), and a run that fails half-way writes none of them."""

from __future__ import annotations

import pytest
from django.db import connection

from ohsteward.surveillance import actions, recompute, schedule
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.exam_helpers import TODAY, set_today
from ohsteward.surveillance.tests.test_recompute_set import FIELDS, mixed  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.django_db(transaction=True),  # outside any transaction, as the nightly job runs
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the second connection is PostgreSQL's path"
    ),
]


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


@pytest.fixture
def writers(monkeypatch):
    """The concurrent writers a run made (to prove the path was taken)."""
    made: list[recompute._ConcurrentWriter] = []
    original = recompute._ConcurrentWriter.__init__

    def init(self, chunk_size):
        original(self, chunk_size)
        made.append(self)

    monkeypatch.setattr(recompute._ConcurrentWriter, "__init__", init)
    return made


def _blank(cast):
    Worker.objects.filter(pk__in=cast).update(
        last_exam_on=None, next_exam_due=None, next_exam_kind="", schedule_note=""
    )


def test_the_concurrent_nightly_run_writes_the_per_worker_rules_plans(mixed, writers):  # noqa: F811
    cast = mixed
    expected = []
    for worker in Worker.objects.filter(pk__in=cast).order_by("pk"):
        actions.worker_recompute_due(worker=worker, save=False)
        expected.append(tuple(getattr(worker, f) for f in FIELDS))
    _blank(cast)
    assert actions.workers_recompute_due(batch_size=3) == len(cast)  # several chunks on the second connection
    assert len(writers) == 1 and not writers[0]._thread.is_alive()
    got = list(Worker.objects.filter(pk__in=cast).order_by("pk").values_list(*FIELDS))
    assert got == expected


def test_a_recompute_inside_a_transaction_keeps_one_connection(mixed, writers):  # noqa: F811
    """An import recomputes inside its own transaction and must see its uncommitted exams."""
    from django.db import transaction

    _blank(mixed)
    with transaction.atomic():
        actions.workers_recompute_due(batch_size=3)
    assert writers == []
    assert Worker.objects.filter(pk__in=mixed, next_exam_due__isnull=False).exists()


def test_a_concurrent_run_that_fails_half_way_writes_no_plan(mixed, writers, monkeypatch):  # noqa: F811
    cast = mixed
    _blank(cast)
    calls = []
    rule = schedule.worker_due

    def failing(**kwargs):
        calls.append(1)
        if len(calls) > 8:  # after two chunks of three went to the second connection
            raise RuntimeError("stop")
        return rule(**kwargs)

    monkeypatch.setattr(schedule, "worker_due", failing)
    with pytest.raises(RuntimeError, match="stop"):
        actions.workers_recompute_due(batch_size=3)
    assert len(writers) == 1 and not writers[0]._thread.is_alive()
    assert not Worker.objects.filter(pk__in=cast, next_exam_kind__gt="").exists()
