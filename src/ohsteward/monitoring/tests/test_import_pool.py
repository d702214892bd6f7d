"""The measurement import's worker processes (``importers.prepared_groups``): a file checked and
judged with the pure steps in forked workers stores the same rows, judgements and errors as the
same file in one process — also when the guess of a group's date is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from ohsteward.monitoring import bulk, importers
from ohsteward.monitoring.importers import MeasurementImporter
from ohsteward.monitoring.tests.test_bulk_import import BAD, HEAD, book, mixed_rows, stored
from ohsteward.monitoring.tests.test_import import rows

pytestmark = pytest.mark.django_db


def in_one_and_in_workers(user, content, **kwargs):
    """(report, stored rows) for the file in this process, then with two worker processes, each
    from the same starting database."""
    out = []
    for workers in (0, 2):
        with transaction.atomic():
            report = MeasurementImporter().run(
                user=user, filename="f.xlsx", content=content, workers=workers, **kwargs
            )
            out.append((report, stored()))
            transaction.set_rollback(True)
    return out


def same(one, pooled):
    (a, a_rows), (b, b_rows) = one, pooled
    assert b_rows == a_rows
    assert [str(e) for e in b.errors] == [str(e) for e in a.errors]
    assert (b.created, b.updated, b.unchanged, b.applied) == (a.created, a.updated, a.unchanged, a.applied)


def test_workers_store_the_same_judgements_as_one_process(lab, enterprises):
    _user, institution, employer = lab
    content = book(
        mixed_rows([employer.uscc, enterprises["yubei2"].uscc, enterprises["wanzhou"].uscc], institution)
    )
    one, pooled = in_one_and_in_workers(None, content, dry_run=False)
    same(one, pooled)
    assert len(pooled[1]) == 15 and {r["compliant"] for r in pooled[1].values()} >= {True, False}


@pytest.mark.parametrize("dry_run", [True, False])
def test_workers_give_the_same_errors_in_the_same_order(lab, enterprises, dry_run):
    user, _institution, employer = lab
    data = [[employer.uscc if v is None and i == 2 else v for i, v in enumerate(r)] for r in BAD]
    for n, r in enumerate(data):
        r[5] = f"工{n}"
    data += rows(employer.uscc)
    one, pooled = in_one_and_in_workers(user, book(data, HEAD), dry_run=dry_run, all_or_nothing=False)
    same(one, pooled)
    assert len(pooled[0].errors) == len(BAD) and len(pooled[0].created) == 3


def test_a_changed_file_updates_the_same_way_in_workers(lab):
    _user, institution, employer = lab
    first = mixed_rows([employer.uscc], institution)
    MeasurementImporter().run(user=None, filename="f.xlsx", content=book(first), dry_run=False)
    changed = [list(r) for r in first]
    changed[0][7] = 9
    changed[3][10] = 95
    one, pooled = in_one_and_in_workers(None, book(changed), dry_run=False)
    same(one, pooled)
    assert (len(pooled[0].updated), pooled[0].unchanged) == (2, 3)


def test_a_wrong_guess_of_the_date_is_judged_again_in_this_process(lab, enterprises, monkeypatch):
    _user, institution, employer = lab
    content = book(mixed_rows([employer.uscc, enterprises["yubei2"].uscc], institution))
    guess = importers._speculate

    def wrong(groups, lookup):  # every guess a day early: no worker judgement may be used
        return [s and (s[0], s[1] - dt.timedelta(days=1), *s[2:]) for s in guess(groups, lookup)]

    calls = []  # judgements made in this process (a worker's calls stay in the worker)
    judge_into = bulk.judge_into
    monkeypatch.setattr(bulk, "judge_into", lambda *a, **k: calls.append(1) or judge_into(*a, **k))
    one, pooled = in_one_and_in_workers(None, content, dry_run=False)
    same(one, pooled)
    assert len(calls) == 10  # in one process: all 10; with workers and right guesses: none
    monkeypatch.setattr(importers, "_speculate", wrong)
    calls.clear()
    _, wrongly = in_one_and_in_workers(None, content, dry_run=False)
    same(one, wrongly)
    assert len(calls) == 20  # every wrong guess judged again here


def test_a_small_file_is_judged_in_this_process():
    assert importers.pool_workers(importers.POOL_MIN_GROUPS - 1) == 0
