"""The exam-result import's bulk path (issue 12 "Performance"), on the shape of ``monitoring.bulk``.

``actions.exam_record`` stays the path of one exam (form, API create, demo) and the reference the
import is tested against (``ExamImporter.run_row_by_row``). A file goes through here instead:

- ``Lookup`` resolves what the rows name in a few set queries per 5,000 rows: the workers by the
  keyed hash of their ID number (among those the uploader may see), the factors and institutions
  by text (once per distinct text), the exams already on record for the file's workers and dates,
  the factors already recorded in them, and the open recheck tasks of the file's workers;
- the importer checks every row with the same functions and in the same order as the row-by-row
  path (``importers.check_row``, then ``plan_row``: the checks of ``exam_record``), so the errors
  are the same Chinese row/column messages;
- ``Plan`` collects, in file order, the new exams and results, the work each conclusion opens
  (``actions.work_for``) and the recheck tasks a later result closes (``actions.recheck_close``);
- ``write`` inserts the file's batches (with the 个案卡 each owes) and them with ``core.bulk.insert_objects`` (PostgreSQL COPY with ids taken from
  the sequences), updates the closed stored tasks with ``bulk_update``, writes one audit entry per
  object as the signals would have (same actor and source, same changes), and then calls the
  effects that ``post_save`` would have caused: the schedule recompute of the file's workers and
  the batches' 表5-1 (``importers.finish``), and supervision's re-assessment of the employers
  (``effects.exams_recorded``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone

from ohsteward.core import audit
from ohsteward.core import bulk as core_bulk
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Institution
from ohsteward.registry.models import Enterprise
from ohsteward.surveillance import conclusions, crypto
from ohsteward.surveillance.exams import actions, cards, effects
from ohsteward.surveillance.exams.choices import BatchSource, TaskKind
from ohsteward.surveillance.exams.lookups import find_factor, find_institution
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, ExamBatch, ExamResult, SurveillanceTask
from ohsteward.surveillance.models import Worker

CHUNK = 5000
# what the import reads of a worker and its person (``check_row``, ``plan_row``, ``created_label``,
# ``str()`` and ``audit_scope`` of the new rows); a field left out would cost a query per worker,
# which ``test_exams_bulk_import.test_queries_do_not_grow_with_the_rows`` would catch
WORKER_FIELDS = ("name", "hire_date", "leave_date", "enterprise", "person", "person__name",
                 "person__id_number_hmac", "person__id_number_masked", "person__birth_date", "person__sex")  # fmt: skip
EXAM_KEY = tuple[int, str, dt.date]  # (worker id, kind, date)


def _roster_order(workers: list[Worker]) -> list[Worker]:
    """``importers.WORKER_ORDER`` (leave date, latest hire, pk) as the database sorts it: an open
    employment (no leave date) sorts last on PostgreSQL and first on SQLite."""
    nulls_last = connection.features.nulls_order_largest

    def key(w: Worker) -> tuple:
        missing = w.leave_date is None
        return (
            missing if nulls_last else not missing,
            w.leave_date or dt.date.min,
            -w.hire_date.toordinal(),
            w.pk,
        )

    return sorted(workers, key=key)


class Lookup:
    """Everything the checks of a file read, fetched in set queries (not per row)."""

    def __init__(self, user, numbers: Iterable[str]):
        self.user = user
        self.today = timezone.localdate()
        self.workers: dict[str, list[Worker]] = {}  # keyed hash -> the employments, in roster order
        self.factors: dict[str, HazardFactor | None] = {}
        self.institutions: dict[str, Institution | None] = {}
        self._institution_checks: dict[int, PermissionDenied | ValidationError | None] = {}
        self._own: Institution | None = None
        self.exams: dict[EXAM_KEY, Exam] = {}  # stored, then the file's new ones
        self.factors_of: dict[EXAM_KEY, set[int]] = {}  # the factors recorded in each exam
        self.open_rechecks: dict[tuple[int, int], list[SurveillanceTask]] = {}  # (worker, factor)
        self.exam_dates: dict[int, dt.date] = {}  # stored task id -> the date of its exam
        self._hashes = {n: crypto.lookup_hash(n) for n in numbers}  # ID number -> keyed hash
        self._load_workers(sorted(set(self._hashes.values())))

    def hash_of(self, number: str) -> str:
        """The keyed hash of an ID number (computed once per distinct number of the file)."""
        found = self._hashes.get(number)
        return found if found is not None else crypto.lookup_hash(number)

    def _load_workers(self, hashes: list[str]) -> None:
        scoped = Worker.objects.for_user(self.user) if self.user is not None else Worker.objects.all()
        found: dict[str, list[Worker]] = {}
        for rhs in core_bulk.in_chunks(hashes, "text"):
            # no ORDER BY (the model's default sorted ~18,000 wide rows on disk): ``_roster_order``;
            # only the fields the checks, the plan and the audit read (the cipher, the timestamps
            # and the stored plan were a third of building ~190,000 instances per 100,000 rows)
            qs = scoped.filter(person__id_number_hmac__in=rhs).select_related("person").only(*WORKER_FIELDS)
            for w in qs.order_by():
                found.setdefault(w.person.id_number_hmac, []).append(w)
        # one Enterprise instance per employer, shared by its workers (not one per worker row)
        employers: dict[int, Enterprise] = {}
        for rhs in core_bulk.in_chunks(sorted({w.enterprise_id for ws in found.values() for w in ws})):
            employers.update((e.pk, e) for e in Enterprise.objects.filter(pk__in=rhs))
        for ws in found.values():
            for w in ws:
                w.enterprise = employers[w.enterprise_id]
        self.workers = {h: _roster_order(ws) for h, ws in found.items()}

    def load_history(self, workers: dict[int, Worker], dates: set[dt.date]) -> None:
        """The exams on record of the file's workers on the file's dates, their factors, and the
        workers' open recheck tasks (the ones a result of the file may close)."""
        ids, days = sorted(workers), sorted(dates)
        by_pk: dict[int, EXAM_KEY] = {}
        for chunk in core_bulk.in_chunks(ids):
            rows = (
                Exam.objects.filter(worker_id__in=chunk, date__in=days)
                .order_by()
                .values_list("pk", "worker_id", "kind", "date", "institution_id", "batch_id")
            )
            for pk, worker_id, kind, day, institution_id, batch_id in rows:
                key = (worker_id, kind, day)
                self.exams[key] = Exam(pk=pk, worker=workers[worker_id], kind=kind, date=day,
                                       institution_id=institution_id, batch_id=batch_id)  # fmt: skip
                self.factors_of[key] = set()
                by_pk[pk] = key
        for chunk in core_bulk.in_chunks(sorted(by_pk)):
            for exam_id, factor_id in (
                ExamResult.objects.filter(exam_id__in=chunk).order_by().values_list("exam_id", "factor_id")
            ):
                self.factors_of[by_pk[exam_id]].add(factor_id)
        for chunk in core_bulk.in_chunks(ids):
            tasks = (
                SurveillanceTask.objects.filter(
                    kind=TaskKind.RECHECK, worker_id__in=chunk, closed_on__isnull=True
                )
                .annotate(exam_date=F("result__exam__date"))
                .order_by("closed_on", "due_on", "pk")
            )
            for task in tasks:
                task.worker = workers[task.worker_id]
                self.exam_dates[task.pk] = task.exam_date
                self.open_rechecks.setdefault((task.worker_id, task.factor_id), []).append(task)

    # the resolvers ``importers.check_row`` is given: each distinct text asked once
    def factor(self, text: str) -> HazardFactor | None:
        if text not in self.factors:
            self.factors[text] = find_factor(text)
        return self.factors[text]

    def institution(self, text: str) -> Institution | None:
        if text not in self.institutions:
            self.institutions[text] = find_institution(text)
        return self.institutions[text]

    def own_institution(self, pk: int) -> Institution:
        if self._own is None or self._own.pk != pk:
            self._own = Institution.objects.get(pk=pk)
        return self._own

    def check_institution(self, user, institution: Institution) -> None:
        """``actions.check_institution`` once per institution (it depends on the user only)."""
        if institution.pk not in self._institution_checks:
            try:
                actions.check_institution(user, institution)
                self._institution_checks[institution.pk] = None
            except (PermissionDenied, ValidationError) as error:  # kept to re-raise for each row
                self._institution_checks[institution.pk] = error
        error = self._institution_checks[institution.pk]
        if error is not None:
            raise error.with_traceback(None)


@dataclass
class Plan:
    """What the file's accepted rows record, in file order."""

    batch_keys: dict[tuple[int, int], tuple[Any, Institution]] = field(
        default_factory=dict
    )  # reached, in order
    batches: list[ExamBatch] = field(default_factory=list)
    accepted_keys: set[tuple[int, int]] = field(default_factory=set)  # (employer, institution)
    exams: list[Exam] = field(default_factory=list)
    results: list[ExamResult] = field(default_factory=list)
    cases: list[DiseaseCase] = field(default_factory=list)
    tasks: list[SurveillanceTask] = field(default_factory=list)
    closed: dict[int, SurveillanceTask] = field(default_factory=dict)  # stored tasks closed, by pk
    closed_old: dict[int, dict[str, Any]] = field(default_factory=dict)  # their snapshots before
    opened_as: dict[int, str] = field(default_factory=dict)  # id(new task closed in the file) -> note
    workers: set[int] = field(default_factory=set)

    def reach(self, worker: Worker, institution: Institution) -> None:
        """A row passed its own checks: its employer × institution batch takes its place in the
        order of the file (the row-by-row path makes the batch at this point)."""
        self.batch_keys.setdefault((worker.enterprise_id, institution.pk), (worker.enterprise, institution))


def clean_text_fields(obj: Exam | ExamResult, names: tuple[str, ...]) -> None:
    """What ``full_clean`` of a row's new exam or result still has to check after the row's checks
    (``check_row``, ``plan_row``): the free-text fields, as ``Model.clean_fields`` checks them (same
    messages). The other fields are proved already: the dates parsed, the kind and the conclusion
    taken from their choices, factor, institution, worker and batch resolved; neither model has
    a ``clean()``. (``full_clean`` of every row was ~5 % of the import.)"""
    errors: dict[str, list[ValidationError]] = {}
    for name in names:
        f = obj._meta.get_field(name)
        value = getattr(obj, f.attname)
        if f.blank and value in f.empty_values:
            continue
        try:
            setattr(obj, f.attname, f.clean(value, obj))
        except ValidationError as error:
            errors[f.name] = error.error_list
    if errors:
        raise ValidationError(errors)


def plan_row(
    *,
    worker: Worker,
    date: dt.date,
    kind: str,
    institution: Institution,
    report_number: str,
    result: dict[str, Any],
    lookup: Lookup,
    plan: Plan,
) -> None:
    """The checks of ``actions.exam_record`` for one row, in its order and with its messages,
    over the look-ups and what the file's earlier rows planned; then the row's writes planned."""
    error = actions.exam_date_error(date=date, birth_date=worker.person.birth_date, today=lookup.today)
    if error:
        raise ValidationError({"date": error})
    key = (worker.pk, kind, date)
    exam = lookup.exams.get(key)
    if exam is not None and exam.institution_id != institution.pk:
        raise ValidationError({"date": actions.OTHER_INSTITUTION})
    new = exam is None
    if exam is None:
        exam = Exam(worker=worker, date=date, kind=kind, institution=institution, report_number=report_number)
        clean_text_fields(exam, ("report_number",))
    factor = result.get("factor")
    if not isinstance(factor, HazardFactor):
        raise ValidationError({"factor": "未知的危害因素"})
    seen = lookup.factors_of.get(key, set())
    if factor.pk in seen:
        raise ValidationError({"factor": actions.duplicate_factor_error(factor.name)})
    errors = actions._result_errors(result, date)
    if errors:
        raise ValidationError(errors)
    row_result = ExamResult(
        exam=exam,
        factor=factor,
        conclusion=conclusions.parse(result["conclusion"]) or "",  # checked by _result_errors
        items=(result.get("items") or "").strip(),
        recheck_items=(result.get("recheck_items") or "").strip(),
        recheck_by=result.get("recheck_by"),
    )
    clean_text_fields(row_result, ("items", "recheck_items"))
    # the row is accepted: what it records
    plan.accepted_keys.add((worker.enterprise_id, institution.pk))
    if new:
        plan.exams.append(exam)
        lookup.exams[key] = exam
        lookup.factors_of[key] = seen
    seen.add(factor.pk)
    plan.results.append(row_result)
    for task in lookup.open_rechecks.get((worker.pk, factor.pk), []):
        if task.closed_on is not None or _exam_date(task, lookup) >= date:
            continue
        if task.pk is not None and task.pk not in plan.closed:
            plan.closed[task.pk] = task
            plan.closed_old[task.pk] = audit.snapshot(task)
        elif task.pk is None:
            plan.opened_as.setdefault(id(task), task.note)
        actions.recheck_close(task, row_result)
    case, tasks = actions.work_for(row_result, lookup.today)
    if case is not None:
        plan.cases.append(case)
    for task in tasks:
        plan.tasks.append(task)
        if task.kind == TaskKind.RECHECK:
            lookup.open_rechecks.setdefault((worker.pk, factor.pk), []).append(task)
    plan.workers.add(worker.pk)


def _exam_date(task: SurveillanceTask, lookup: Lookup) -> dt.date:
    return lookup.exam_dates[task.pk] if task.pk is not None else task.result.exam.date


def write(plan: Plan, lookup: Lookup, *, filename: str) -> dict[str, int]:
    """Write a checked plan (inside the caller's transaction): the file's batches (one per
    employer × institution with an accepted row, as ``actions._batch_for`` makes them, with the
    个案卡 each owes), exams, results, cases, tasks, the closed tasks, the audit trail, and the
    effects above this app. Returns counts."""
    batches = {}
    for key, (enterprise, institution) in plan.batch_keys.items():
        if key not in plan.accepted_keys:
            continue
        batch = actions.batch_build(user=lookup.user, enterprise_id=enterprise.pk, institution=institution,
                                    source=BatchSource.FILE, filename=filename)  # fmt: skip
        batch.enterprise = enterprise
        batch.full_clean(exclude=["enterprise", "institution", "uploaded_by"], validate_unique=False,
                         validate_constraints=False)  # fmt: skip
        batches[key] = batch
    plan.batches = list(batches.values())
    core_bulk.insert_objects(ExamBatch, plan.batches, with_ids=True)
    cards.expect_batch_cards(plan.batches)
    for exam in plan.exams:
        exam.batch = batches[(exam.worker.enterprise_id, exam.institution_id)]
    core_bulk.insert_objects(Exam, plan.exams, with_ids=True)
    # (re-assigning the related object sets its id and keeps it cached; setting ``exam_id``
    # itself would drop the cache and cost a query per row in the audit below)
    for r in plan.results:
        r.exam = r.exam
    core_bulk.insert_objects(ExamResult, plan.results, with_ids=True)
    for task in plan.tasks:
        task.result = task.result
    for task in [*plan.tasks, *plan.closed.values()]:
        if task.closed_on is not None:
            task.closed_by = task.closed_by
    for case in plan.cases:
        case.result = case.result
    core_bulk.insert_objects(DiseaseCase, plan.cases, with_ids=True)
    core_bulk.insert_objects(SurveillanceTask, plan.tasks, with_ids=True)
    closed = list(plan.closed.values())
    now = timezone.now()
    for task in closed:
        task.updated_at = now
    SurveillanceTask.objects.bulk_update(
        closed, ["closed_on", "closed_by", "note", "updated_at"], batch_size=1000
    )
    _audit(plan)
    # what post_save of each new exam would have caused above this app (supervision), once
    effects.exams_recorded(exam.worker.enterprise_id for exam in plan.exams)
    return {"batches": len(plan.batches), "exams": len(plan.exams), "results": len(plan.results), "tasks": len(plan.tasks),
            "cases": len(plan.cases), "tasks_closed": len(closed)}  # fmt: skip


def _audit(plan: Plan) -> None:
    """One entry per object, as the audit signals write them for the row-by-row path: a create
    per exam, result, case and task, an update per task closed (a task opened and closed in the
    same file has both, its create showing it open). Rows built by ``audit.entry_row`` (the
    builder ``audit.record`` uses) and COPY'd, not AuditLog instances."""
    rows: list[tuple] = []
    row = audit.entry_row
    for obj in [*plan.batches, *plan.exams, *plan.results, *plan.cases]:
        rows.append(row(obj, "create", audit.created_changes(obj)))
    for task in plan.tasks:
        if id(task) in plan.opened_as:
            final = audit.snapshot(task)
            first = {**final, "closed_on": None, "closed_by": None, "note": plan.opened_as[id(task)]}
            rows.append(row(task, "create", audit.diff(None, first)))
            rows.append(row(task, "update", audit.diff(first, final)))
        else:
            rows.append(row(task, "create", audit.created_changes(task)))
    for pk, task in plan.closed.items():
        changes = audit.diff(plan.closed_old[pk], audit.snapshot(task))
        if changes:
            rows.append(row(task, "update", changes))
    audit.insert_entries(rows)


def batches_refresh_expected(batches: list[ExamBatch]) -> None:
    """``actions.batch_refresh_expected`` for a file's batches: 应检 of all in two queries
    (``actions.batches_expected``), one ``bulk_update``, an audit entry per batch that changed."""
    counts = actions.batches_expected(batches)
    now = timezone.now()
    changed, entries = [], []
    for batch in batches:
        if batch.expected == counts[batch.pk]:
            continue
        old = audit.snapshot(batch)
        batch.expected, batch.updated_at = counts[batch.pk], now
        changed.append(batch)
        entries.append(audit.entry_row(batch, "update", audit.diff(old, audit.snapshot(batch))))
    if connection.vendor == "postgresql" and changed:
        # one UPDATE … FROM unnest(…): bulk_update's CASE per row costs ~4 ms a batch to build
        table = connection.ops.quote_name(ExamBatch._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS b SET expected = v.e, updated_at = %s "
                "FROM unnest(%s::bigint[], %s::integer[]) AS v(id, e) WHERE b.id = v.id",
                [now, [b.pk for b in changed], [b.expected for b in changed]],
            )
    else:
        ExamBatch.objects.bulk_update(changed, ["expected", "updated_at"], batch_size=1000)
    audit.insert_entries(entries)
