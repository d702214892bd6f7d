"""The set-based recompute of every worker's exam schedule (the nightly job, ``ohsteward
recompute_exam_due``; issue 12 Performance: "Recomputing every worker's next due date: < 60 s
for the city", 1,500,000 workers).

The rule is ``schedule.worker_due`` (GBZ 188, RULES.md §2.3; 49号令 第14、15条) — this module only
feeds it in bulk, and gives exactly what ``actions.worker_recompute_due`` gives one worker at a time
(``tests/test_recompute_set.py`` compares the two):

- the reference data are read once per run: each post's factors (``registry.PostExposure``), the
  latest measurement of each post × factor (``inputs.measured_exposures_for``) and the acute
  exposures; each post's ``Exposure`` tuple is built once, not once per worker;
- workers, their posts and their exams are three streams ordered by worker id (server-side
  cursors on PostgreSQL), merged in one pass: no per-batch queries, no id lists sent back;
- only workers whose plan changed are written: on PostgreSQL the rows are ``COPY``'d into a
  temporary table and applied by one ``UPDATE … FROM``; elsewhere (SQLite, the demo) by
  ``bulk_update`` after the reads;
- the nightly run of every worker on PostgreSQL, called outside any transaction, writes on a
  second connection while this one computes (``_ConcurrentWriter``): when most plans change (a
  first run, a new edition of the standard) PostgreSQL rewrites rows and indexes on one core while
  Python runs the rule on the other, instead of one after the other. The second connection writes
  in one transaction committed after the last plan, so the run still writes every plan or none;
  a recompute inside a transaction (an import, which must see its own uncommitted exams) keeps
  the single-connection writer.

The whole run is one transaction: the nightly job writes every plan or none.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from ohsteward.registry.models import PostExposure
from ohsteward.surveillance import inputs, schedule
from ohsteward.surveillance.models import AcuteExposure, Worker, WorkerPost
from ohsteward.surveillance.schedule import Due, ExamRecord, Exposure

DUE_FIELDS = ("last_exam_on", "next_exam_due", "next_exam_kind", "schedule_note")
DueFields = tuple[dt.date | None, dt.date | None, str, str]


def due_fields(due: Due | None, exams: list[ExamRecord]) -> DueFields:
    """(last_exam_on, next_exam_due, next_exam_kind, schedule_note) for a computed ``due``."""
    flag = "" if due is None or due.verified else "（未核对）"
    return (
        max((e.date for e in exams), default=None),
        due.due_on if due else None,
        due.kind if due else "",
        (f"{due.note}{flag}" if due else "")[:300],
    )


def post_factors(posts: Any = None) -> dict[int, list[tuple[str, str]]]:
    """``{post id: [(factor code, factor name), …]}`` (``posts``: a queryset of post ids; default: every post)."""
    qs = PostExposure.objects.all() if posts is None else PostExposure.objects.filter(post__in=posts)
    by_post: dict[int, list[tuple[str, str]]] = {}
    for post_id, code, name in qs.order_by("post_id", "hazard_factor__code", "pk").values_list(
        "post_id", "hazard_factor__code", "hazard_factor__name"
    ):
        by_post.setdefault(post_id, []).append((code, name))
    return by_post


def post_exposures(by_post: dict[int, list[tuple[str, str]]]) -> dict[int, tuple[Exposure, ...]]:
    """Each post's factors as ``Exposure`` with what monitoring measured (the latest measurement
    of the post × factor; none → the stricter band, RULES.md §2.3)."""
    pairs = sorted((post_id, code) for post_id, factors in by_post.items() for code, _name in factors)
    measured = inputs.measured_exposures_for(pairs)
    out: dict[int, tuple[Exposure, ...]] = {}
    for post_id, factors in by_post.items():
        made = []
        for code, name in factors:
            m = measured.get((post_id, code))
            made.append(Exposure(code, name, m.l_ex_8h if m else None, m.grade if m else None))
        out[post_id] = tuple(made)
    return out


def exposures_of(
    held: list[tuple[int, dt.date, dt.date | None]],
    leave_on: dt.date | None,
    on: dt.date,
    exposures: dict[int, tuple[Exposure, ...]],
    cache: dict[tuple[int, ...], list[Exposure]] | None = None,
) -> tuple[list[Exposure], dt.date | None]:
    """The factors of the posts held on ``on`` (or on the leaving day) — ``held``: the worker's
    ``(post id, start, end)`` by start date — and since when an exposed post has been held. A
    factor at two posts counts once, as measured at the post taken first. ``cache``: the factor
    list per combination of posts, shared by the workers holding the same posts (the same list
    objects, so the interval cache of ``schedule`` finds them by identity)."""
    d = min(on, leave_on) if leave_on else on
    active = tuple(
        post_id
        for post_id, start, end in held
        if start <= d and (end is None or end >= d) and post_id in exposures
    )
    if not active:
        return [], None
    since = min(
        start
        for post_id, start, end in held
        if start <= d and (end is None or end >= d) and post_id in exposures
    )
    found = cache.get(active) if cache is not None else None
    if found is None:
        seen: dict[str, Exposure] = {}
        for post_id in active:
            for e in exposures[post_id]:
                seen.setdefault(e.code, e)
        found = list(seen.values())
        if cache is not None:
            cache[active] = found
    return found, since


def _stream(qs: QuerySet, chunk_size: int) -> Iterator[Any]:
    # server-side cursor on PostgreSQL; elsewhere read first (SQLite must not read a table while
    # the same connection updates it, and the rows are few there)
    if connection.vendor == "postgresql":
        return qs.iterator(chunk_size=chunk_size)
    return iter(list(qs))


def _grouped(rows: Iterator[tuple]) -> Iterator[tuple[int, list[tuple]]]:
    """``(worker id, [rest of row, …])`` from rows ordered by worker id (the first column)."""
    current: int | None = None
    group: list[tuple] = []
    for row in rows:
        if row[0] != current:
            if current is not None:
                yield current, group
            current, group = row[0], []
        group.append(row[1:])
    if current is not None:
        yield current, group


class _Writer:
    """Changed plans, written at the end: COPY into a temporary table then one UPDATE (PostgreSQL)."""

    def __init__(self, chunk_size: int) -> None:
        self.rows: list[tuple] = []
        self.chunk_size = chunk_size
        self.copied = 0
        self.pg = connection.vendor == "postgresql"
        if self.pg:
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMPORARY TABLE surveillance_due_new (id bigint PRIMARY KEY, l date, d date, "
                    "k varchar(10), n varchar(300)) ON COMMIT DROP"
                )

    def add(self, pk: int, fields: DueFields) -> None:
        self.rows.append((pk, *fields))
        if self.pg and len(self.rows) >= self.chunk_size:
            self._copy()

    def _copy(self) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's cursor: COPY is not in the DB-API
            with raw.copy("COPY surveillance_due_new (id, l, d, k, n) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.copied += len(self.rows)
        self.rows = []

    @property
    def written(self) -> int:
        return self.copied if self.pg else len(self.rows)

    def finish(self) -> None:
        if not self.pg:
            workers = [Worker(pk=r[0], **dict(zip(DUE_FIELDS, r[1:], strict=True))) for r in self.rows]
            Worker.objects.bulk_update(workers, list(DUE_FIELDS), batch_size=500)
            return
        if self.rows:
            self._copy()
        table = connection.ops.quote_name(Worker._meta.db_table)
        with connection.cursor() as cursor:
            if self.copied:
                cursor.execute(
                    f"UPDATE {table} AS w SET last_exam_on = v.l, next_exam_due = v.d, next_exam_kind = v.k, "
                    "schedule_note = v.n FROM surveillance_due_new AS v WHERE w.id = v.id"
                )
            # dropped now, not at commit: an outer transaction (an import) may recompute again
            cursor.execute("DROP TABLE surveillance_due_new")


class _ConcurrentWriter:
    """Changed plans applied chunk by chunk on a second connection (a thread of its own) while the
    calling thread goes on computing; that connection's one transaction is committed by ``finish``
    after the last chunk, and rolled back by ``abort`` (or if a chunk fails), so the run writes
    every plan or none. Each chunk: ``COPY`` into a temporary table, ``UPDATE … FROM`` it."""

    _END = object()

    def __init__(self, chunk_size: int) -> None:
        self.rows: list[tuple] = []
        self.chunk_size = chunk_size
        self.error: BaseException | None = None
        self.written = 0
        self._abort = False
        self._chunks: queue.Queue = queue.Queue(maxsize=2)  # at most two chunks waiting: bounded memory
        self._thread = threading.Thread(target=self._apply, name="recompute-writer", daemon=True)
        self._thread.start()

    def add(self, pk: int, fields: DueFields) -> None:
        self.rows.append((pk, *fields))
        if len(self.rows) >= self.chunk_size:
            self._send()

    def _send(self) -> None:
        if self.error is not None:
            raise self.error
        self._chunks.put(self.rows)
        self.rows = []

    def _apply(self) -> None:
        table = connection.ops.quote_name(Worker._meta.db_table)  # this thread's own connection
        ended = False
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMPORARY TABLE surveillance_due_chunk (id bigint, l date, d date, "
                    "k varchar(10), n varchar(300)) ON COMMIT DROP"
                )
                while True:
                    rows = self._chunks.get()
                    ended = rows is self._END
                    if self._abort:
                        raise RuntimeError("recompute aborted")  # rolls the transaction back
                    if ended:
                        break  # commits
                    with cursor.cursor.copy(
                        "COPY surveillance_due_chunk (id, l, d, k, n) FROM STDIN"
                    ) as copy:
                        for row in rows:
                            copy.write_row(row)
                    cursor.execute("ANALYZE surveillance_due_chunk")  # a join by the primary key, not a scan
                    cursor.execute(
                        f"UPDATE {table} AS w SET last_exam_on = v.l, next_exam_due = v.d, "
                        "next_exam_kind = v.k, schedule_note = v.n FROM surveillance_due_chunk AS v WHERE w.id = v.id"
                    )
                    cursor.execute("TRUNCATE surveillance_due_chunk")
                    self.written += len(rows)
        except BaseException as error:  # kept for the calling thread; the rest of the queue drained
            self.error = error
            while not ended:
                ended = self._chunks.get() is self._END
        finally:
            connection.close()

    def finish(self) -> None:
        if self.rows:
            self._send()
        self._chunks.put(self._END)
        self._thread.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        self._abort = True
        self._chunks.put(self._END)
        self._thread.join()


def recompute(*, queryset: QuerySet | None = None, on: dt.date, chunk_size: int = 20000) -> int:
    """Recompute the plan of every worker in ``queryset`` (default: all) as of ``on``; returns how
    many workers were read. See the module docstring."""
    concurrent = queryset is None and connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        done, written = _recompute(queryset, on, chunk_size, concurrent=concurrent)
    if queryset is None and connection.vendor == "postgresql" and written * 10 > done:
        # most plans changed (a first run, a new edition of the standard): fresh statistics, or
        # the due/overdue lists plan from the old dates; and, outside a transaction, a VACUUM
        # (~4 s at 1.5 M workers), or a district's overdue count reads every row from the heap
        # (230 ms instead of 57 ms) until autovacuum gets round to the table
        table = connection.ops.quote_name(Worker._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {table}" if concurrent else f"ANALYZE {table}")
    return done


def _recompute(
    queryset: QuerySet | None, on: dt.date, chunk_size: int, *, concurrent: bool = False
) -> tuple[int, int]:
    """(workers read, plans written)."""
    # local: the exams app's model; surveillance.models must not import it at load
    from ohsteward.surveillance.exams.models import Exam

    workers = (queryset if queryset is not None else Worker.objects.all()).order_by("pk")
    if queryset is None:
        held_posts, exams, acute_rows = (
            WorkerPost.objects.all(),
            Exam.objects.all(),
            AcuteExposure.objects.all(),
        )
        by_post = post_factors()
    else:
        ids = workers.values_list("pk", flat=True)
        held_posts = WorkerPost.objects.filter(worker__in=ids)
        exams = Exam.objects.filter(worker__in=ids)
        acute_rows = AcuteExposure.objects.filter(worker__in=ids)
        by_post = post_factors(held_posts.values("post"))
    exposures = post_exposures(by_post)
    acute: dict[int, list[dt.date]] = {}
    for worker_id, day in acute_rows.values_list("worker_id", "occurred_on"):
        acute.setdefault(worker_id, []).append(day)
    posts = _grouped(
        _stream(
            held_posts.order_by("worker_id", "start_date", "pk").values_list(
                "worker_id", "post_id", "start_date", "end_date"
            ),
            chunk_size,
        )
    )
    history = _grouped(
        _stream(
            exams.order_by("worker_id", "date", "pk").values_list("worker_id", "date", "kind"), chunk_size
        )
    )
    writer: _Writer | _ConcurrentWriter = _ConcurrentWriter(chunk_size) if concurrent else _Writer(chunk_size)
    try:
        done = _merge(workers, posts, history, exposures, acute, on, writer, chunk_size)
    except BaseException:
        if isinstance(writer, _ConcurrentWriter):
            writer.abort()
        raise
    writer.finish()
    return done, writer.written


def _merge(workers, posts, history, exposures, acute, on, writer, chunk_size) -> int:
    """The one pass over the three streams: each worker's plan computed, the changed ones written."""
    combinations: dict[tuple[int, ...], list[Exposure]] = {}
    next_posts = next(posts, None)
    next_exams = next(history, None)
    done = 0
    for pk, leave_on, *current in _stream(workers.values_list("pk", "leave_date", *DUE_FIELDS), chunk_size):
        while next_posts is not None and next_posts[0] < pk:  # posts of workers outside the queryset
            next_posts = next(posts, None)
        held: list[tuple] = []
        if next_posts is not None and next_posts[0] == pk:
            held = next_posts[1]
            next_posts = next(posts, None)
        while next_exams is not None and next_exams[0] < pk:
            next_exams = next(history, None)
        records: list[ExamRecord] = []
        if next_exams is not None and next_exams[0] == pk:
            records = list(map(ExamRecord._make, next_exams[1]))
            next_exams = next(history, None)
        found, since = exposures_of(held, leave_on, on, exposures, combinations)
        due = schedule.worker_due(
            exposures=found,
            exposed_since=since,
            exams=records,
            acute_exposures=acute.get(pk, []),
            leave_on=leave_on,
        )
        fields = due_fields(due, records)
        if fields != tuple(current):  # a nightly run writes only the workers whose plan changed
            writer.add(pk, fields)
        done += 1
    return done
