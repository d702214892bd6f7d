"""The measurement import's bulk path: look-ups for a whole file in a few set queries, the
judgement in Python, and the writes as set operations (issue 11 "Performance").

``actions.measurement_record`` stays the path of one measurement (form, API). An import of a lab
file goes through here instead: ``Lookup`` resolves employers, institutions, reports, workplaces,
posts, factors, their limit rows and the stored measurements once per file (caches keyed by
credit code, report number and name); ``importers`` checks every post × factor in the same order
and with the same Chinese messages as the row-by-row action; ``Plan`` collects what would change;
``write`` creates reports, workplaces and posts with ``bulk_create``, the measurements with
``core.bulk.insert_rows`` (PostgreSQL COPY), updates changed ones with ``bulk_update``, closes the
open rectification tasks a compliant re-test answers, writes the audit trail (one entry per new
report, workplace and post, one per report for its measurements, one per closed task) and calls the
``effects`` once per employer × factor.

The judgement is reached through ``judge_into`` only, so that it can be repointed in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.base import ModelState
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core import audit, bulk
from ohsteward.core.models import AuditLog
from ohsteward.hazards.lookup import FactorMatch, UnknownFactor, catalogue_factor
from ohsteward.hazards.models import ExposureLimitEdition, HazardFactor
from ohsteward.institutions.models import Institution
from ohsteward.monitoring import actions, effects
from ohsteward.monitoring.calculator import service
from ohsteward.monitoring.choices import TaskStatus
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.registry.models import Enterprise, Post, Workplace, sync_district_copies

JUDGED_FIELDS = ("c_twa", "c_ste", "c_me", "peak_ratio", "l_ex_8h", "l_ex_w", "value", "unit", "ratio",
                 "exposure_level", "compliant", "limits", "verified", "explanation")  # fmt: skip
STORED_FIELDS = (*JUDGED_FIELDS, "limit_id", "grade_level", "grade_label", "grade_standard",
                 "grade_verified", "judged_at")  # fmt: skip
UPDATE_FIELDS = ("kind", "measured_on", "inputs", "enterprise_id", "district", *STORED_FIELDS, "mixture", "over_limit",
                 "updated_at")  # fmt: skip


def judgement(
    match: FactorMatch,
    inputs: dict,
    on: dt.date,
    region_code: str | None,
    editions: list[ExposureLimitEdition] | None = None,
    memo: dict | None = None,
) -> dict:
    """The stored judgement fields (``actions.judgement_values``) of ``inputs`` for the factor's
    prefetched limit rows (``match``) and editions on ``on``: the one judgement
    (``calculator.service.assess_factor`` → ``assess.assess``) as ``actions.measurement_judge``,
    without its per-row queries. ``MonitoringRuleError`` on bad inputs."""
    result = service.assess_factor(match, inputs, on=on, region=region_code, editions=editions, memo=memo)
    return actions.judgement_values(result)


def judge_into(
    measurement: Measurement,
    match: FactorMatch,
    region_code: str | None,
    editions: list[ExposureLimitEdition] | None = None,
    memo: dict | None = None,
) -> None:
    """Set the stored judgement of ``measurement`` from its inputs (``judgement``): the single call
    of the judgement in the bulk path in this process (``MonitoringRuleError`` on bad inputs);
    ``importers`` may have computed the same ``judgement`` in a worker process instead."""
    values = judgement(match, measurement.inputs, measurement.measured_on, region_code, editions, memo)
    actions.judgement_set(measurement, values)


_BLANK: dict | None = None


def blank_measurement(pk: int | None = None, created_at: dt.datetime | None = None) -> Measurement:
    """A new unsaved ``Measurement`` with the field defaults — what ``Measurement()`` gives, copied
    from one instance built once (Django's ``Model.__init__`` over some 40 fields was ~10 % of the
    import's checks in the profile: docs/performance.md, branch mon11c). The mutable defaults are
    fresh per instance."""
    global _BLANK
    if _BLANK is None:
        _BLANK = dict(Measurement().__dict__)
        del _BLANK["_state"]
    m = Measurement.__new__(Measurement)
    m.__dict__.update(_BLANK)
    m._state = ModelState()
    m.inputs, m.limits, m.explanation, m.mixture = {}, [], [], {}
    m.pk, m.created_at = pk, created_at
    return m


@dataclass
class FileKeys:
    """The natural keys one file names (from each post × factor's first row)."""

    usccs: set[str] = field(default_factory=set)
    institutions: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    factors: set[str] = field(default_factory=set)


class Lookup:
    """Everything a file's checks read, fetched in a few set queries (not per row)."""

    def __init__(self, user, keys: FileKeys):
        self.user = user
        self.in_scope: dict[str, Enterprise] = {}
        self.known_usccs: set[str] = set()
        self.institutions: dict[str, Institution] = {}
        self.own_institution: Institution | None = None
        # reports by (institution id, number): stored ones, and the file's new ones once confirmed
        self.reports: dict[tuple[int, str], DetectionReport] = {}
        self.reports_in_scope: set[int] = set()
        self.factors: dict[str, HazardFactor | str] = {}  # text -> factor, or the error message
        self.matches: dict[int, FactorMatch] = {}  # factor id -> the factor with its limit rows
        self.editions: list[ExposureLimitEdition] = list(ExposureLimitEdition.objects.order_by("pk"))
        self.memo: dict = {}  # judge_into's rows in force per factor × date, hot-region per region
        self.workplaces: dict[tuple[int, str], int] = {}  # (enterprise id, name) -> id
        self.posts: dict[tuple[int, str, str], int] = {}  # (enterprise id, workplace, post) -> id
        # stored measurements by (institution id, number, enterprise id, workplace, post, factor id)
        # stored measurements: (pk, inputs, measured_on, created_at) — compared, not instantiated
        self.measurements: dict[tuple, tuple] = {}
        self.today = timezone.localdate()
        self._load(keys)

    def _load(self, keys: FileKeys) -> None:
        user, usccs = self.user, sorted(keys.usccs)
        employers = Enterprise.objects.for_user(user) if user is not None else Enterprise.objects.all()
        for start in range(0, len(usccs), 5000):
            for e in employers.filter(uscc__in=usccs[start : start + 5000]).order_by("pk"):
                self.in_scope[e.uscc] = e
        missing = [u for u in usccs if u not in self.in_scope]
        self.known_usccs = set(self.in_scope) | {
            u for (u,) in bulk.by_values(Enterprise, "uscc", missing, ["uscc"])
        }
        codes = sorted(keys.institutions)
        if codes:
            institutions = (
                Institution.objects.for_user(user) if user is not None else Institution.objects.all()
            )
            self.institutions = {i.uscc: i for i in institutions.filter(uscc__in=codes).order_by("pk")}
        own = access.own_institution_id(user) if user is not None else None
        if own is not None:
            self.own_institution = Institution.objects.get(pk=own)
        reports = DetectionReport.objects.filter(number__in=sorted(keys.numbers)).select_related("enterprise")
        for r in reports.order_by("pk"):
            self.reports[(r.institution_id, r.number)] = r
        if user is not None and self.reports:
            ids = [r.pk for r in self.reports.values()]
            self.reports_in_scope = set(
                DetectionReport.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True)
            )
        self._load_factors(sorted(keys.factors))
        ids = [e.pk for e in self.in_scope.values()]
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for pk, ent, name in Workplace.objects.filter(enterprise_id__in=chunk).values_list(
                "pk", "enterprise_id", "name"
            ):
                self.workplaces[(ent, name)] = pk
            posts = Post.objects.filter(workplace__enterprise_id__in=chunk)
            for pk, ent, wp, name in posts.values_list(
                "pk", "workplace__enterprise_id", "workplace__name", "name"
            ):
                self.posts[(ent, wp, name)] = pk
        report_ids = {r.pk: r for r in self.reports.values()}
        if report_ids:
            stored = Measurement.objects.filter(report_id__in=list(report_ids)).order_by("pk").values_list(
                "report_id", "post__workplace__name", "post__name", "factor_id", "pk", "inputs", "measured_on",
                "created_at",
            )  # fmt: skip
            for report_id, wp, post, factor_id, *rest in stored:
                r = report_ids[report_id]
                self.measurements[(r.institution_id, r.number, r.enterprise_id, wp, post, factor_id)] = tuple(
                    rest
                )

    def _load_factors(self, texts: list[str]) -> None:
        wanted = [t.strip() for t in texts if t.strip()]
        exact = HazardFactor.objects.filter(Q(name__in=wanted) | Q(code__in=wanted) | Q(cas__in=wanted))
        by_text: dict[str, HazardFactor] = {}
        for f in exact.order_by("code"):  # the first by code, as ``resolve_factor`` takes it
            for t in (f.name, f.code, f.cas):
                if t and t in wanted:
                    by_text.setdefault(t, f)
        for text in texts:
            if text.strip() in by_text:
                self.factors[text] = by_text[text.strip()]
                continue
            try:  # aliases and the nearest names: once per distinct unknown text
                self.factors[text] = catalogue_factor(text)
            except UnknownFactor as e:
                self.factors[text] = str(e)
        for f in {f.pk: f for f in self.factors.values() if isinstance(f, HazardFactor)}.values():
            self.matches[f.pk] = service.factor_match(f)


@dataclass
class Stored:
    """What the comparison needs of a stored measurement."""

    pk: int
    inputs: dict
    measured_on: dt.date
    created_at: dt.datetime


@dataclass
class Planned:
    """One post × factor the file creates or changes."""

    measurement: Measurement
    report_key: tuple[int, str]
    post_key: tuple[int, str, str]
    new: bool


@dataclass
class Plan:
    new_reports: dict[tuple[int, str], DetectionReport] = field(default_factory=dict)
    measurements: dict[tuple, Planned] = field(default_factory=dict)


AUDIT_FIELDS = ["timestamp", "user_id", "user_repr", "action", "content_type_id", "object_id", "object_repr",
                "changes", "district_code", "zone_code", "enterprise_id", "source"]  # fmt: skip


def _audit_rows(entries: Iterable[AuditLog], now: dt.datetime) -> None:
    """The entries in one COPY (``core.bulk``), as the register's import writes its own."""
    rows = []
    for e in entries:
        e.timestamp = now
        rows.append([getattr(e, f) for f in AUDIT_FIELDS])
    bulk.insert_rows(AuditLog, AUDIT_FIELDS, rows)


def write(plan: Plan, lookup: Lookup, *, progress: Callable[..., None] | None = None) -> dict[str, int]:
    """Write a checked plan (inside the caller's transaction). Returns counts."""
    progress = progress or (lambda *a, **k: None)
    now = timezone.now()
    user = lookup.user
    entries: list[AuditLog] = []
    # reports
    new_reports = list(plan.new_reports.values())
    for r in new_reports:
        r.created_at = r.updated_at = now
    DetectionReport.objects.bulk_create(new_reports, batch_size=1000)
    if new_reports and new_reports[0].pk is None:  # a backend that returns no ids
        ids = {(i, n): pk for pk, i, n in DetectionReport.objects.filter(
            number__in=[r.number for r in new_reports]).values_list("pk", "institution_id", "number")}  # fmt: skip
        for r in new_reports:
            r.pk = ids[(r.institution_id, r.number)]
    for r in new_reports:
        entries.append(
            audit.record(
                r, "create", audit.diff(None, audit.snapshot(r)), user=user, save=False, source="import"
            )
        )
    # workplaces and posts created on the fly
    enterprises = {e.pk: e for e in lookup.in_scope.values()}
    wanted_posts = {p.post_key for p in plan.measurements.values() if p.post_key not in lookup.posts}
    new_workplaces = {}
    for ent, wp, _name in sorted(wanted_posts):
        if (ent, wp) not in lookup.workplaces and (ent, wp) not in new_workplaces:
            new_workplaces[(ent, wp)] = Workplace(enterprise=enterprises[ent], name=wp[:100],
                                                  created_at=now, updated_at=now)  # fmt: skip
    Workplace.objects.bulk_create(list(new_workplaces.values()), batch_size=2000)
    workplace_objs: dict[int, Workplace] = {}
    for key, w in new_workplaces.items():
        lookup.workplaces[key] = w.pk
        workplace_objs[w.pk] = w
        entries.append(
            audit.record(w, "create", {"name": [None, w.name]}, user=user, save=False, source="import")
        )
    new_posts = {}
    for ent, wp, name in sorted(wanted_posts):
        wp_id = lookup.workplaces[(ent, wp)]
        workplace = workplace_objs.get(wp_id) or Workplace(pk=wp_id, enterprise=enterprises[ent], name=wp)
        new_posts[(ent, wp, name)] = Post(
            workplace=workplace, name=name[:100], created_at=now, updated_at=now
        )
    Post.objects.bulk_create(list(new_posts.values()), batch_size=2000)
    for key, p in new_posts.items():
        lookup.posts[key] = p.pk
        entries.append(
            audit.record(p, "create", {"name": [None, p.name]}, user=user, save=False, source="import")
        )
    progress(70, "写入检测结果")
    # measurements
    created: list[Measurement] = []
    updated: list[Measurement] = []
    per_report: dict[int, dict[str, int]] = {}
    for planned in plan.measurements.values():
        m = planned.measurement
        report = lookup.reports[planned.report_key]
        m.report = report  # the effects read the report's number and date
        m.post_id = lookup.posts[planned.post_key]
        m.district = enterprises[m.enterprise_id].region_id  # Scope.enterprise_district (no save() here)
        m.updated_at = now
        counts = per_report.setdefault(report.pk, {"created": 0, "updated": 0})
        if planned.new:
            m.created_at = now
            created.append(m)
            counts["created"] += 1
        else:
            updated.append(m)
            counts["updated"] += 1
    # the mixture groups over the file's posts × dates, set in memory before the writes below
    # (and ``over_limit``); stored partners whose group verdict changed are written here
    partners = actions.mixtures_changed(
        [(m.post_id, m.measured_on) for m in [*created, *updated]], pending=[*created, *updated]
    )
    fields = [f.attname for f in Measurement._meta.concrete_fields if not f.primary_key]
    bulk.insert_rows(Measurement, fields, [[getattr(m, f) for f in fields] for m in created])
    Measurement.objects.bulk_update(updated, list(UPDATE_FIELDS), batch_size=1000)
    progress(85, "整改复测与审计")
    reports_by_pk = {r.pk: r for r in lookup.reports.values()}
    for pk, counts in per_report.items():
        changes = {f"measurements_{k}": [None, v] for k, v in counts.items() if v}
        entries.append(
            audit.record(reports_by_pk[pk], "update", changes, user=user, save=False, source="import")
        )
    actions.reopen_failed_retests([m for m in [*updated, *partners] if m.over_limit])
    closed = _close_by_retest(
        [*(p.measurement for p in plan.measurements.values()), *partners], entries, user
    )
    _audit_rows(entries, now)
    _districts_exact({m.enterprise_id for m in [*created, *updated]})
    effects.measurements_recorded([p.measurement for p in plan.measurements.values()])
    return {"created": len(created), "updated": len(updated), "tasks_closed": closed}


def _districts_exact(enterprise_ids: set[int]) -> None:
    """The district copies were taken from the employers read when the file was checked; an
    officer may have moved one to another district since (its ``save`` synced the copies that
    were committed then, not this import's). Lock the employers — a district change now waits
    for this transaction — and make the copies equal to their districts (writes only the rows
    that differ, usually none)."""
    ids = sorted(enterprise_ids)
    for start in range(0, len(ids), 5000):
        list(
            Enterprise.objects.select_for_update().filter(pk__in=ids[start : start + 5000]).values_list("pk")
        )
    sync_district_copies(ids)


def _close_by_retest(measurements: list[Measurement], entries: list[AuditLog], user) -> int:
    """``actions.close_by_retest`` for a whole file: one query for the open tasks of the file's
    posts × factors, the latest passing later result (符合 alone and in its groups: ``over_limit``
    False) closes each, one ``bulk_update``. ``measurements``: the file's, and the stored partners
    whose group verdict the file changed."""
    compliant = [m for m in measurements if m.compliant and not m.over_limit]
    if not compliant:
        return 0
    post_ids = sorted({m.post_id for m in compliant})
    tasks = []
    for start in range(0, len(post_ids), 5000):
        tasks += list(RectificationTask.objects.filter(
            post_id__in=post_ids[start : start + 5000], status=TaskStatus.OPEN
        ).select_related("measurement", "enterprise").order_by("pk"))  # fmt: skip
    if not tasks:
        return 0
    by_post_factor: dict[tuple[int, int], list[Measurement]] = {}
    for m in compliant:
        by_post_factor.setdefault((m.post_id, m.factor_id), []).append(m)
    missing_pk = [m for ms in by_post_factor.values() for m in ms if m.pk is None]
    if missing_pk:  # rows written by COPY: their ids by natural key
        ids = dict(
            ((r, p, f), pk)
            for pk, r, p, f in Measurement.objects.filter(
                post_id__in=sorted({m.post_id for m in missing_pk}),
                report_id__in=sorted({m.report_id for m in missing_pk}),
            ).values_list("pk", "report_id", "post_id", "factor_id")
        )
        for m in missing_pk:
            m.pk = ids[(m.report_id, m.post_id, m.factor_id)]
    closing = []
    for task in tasks:
        later = [m for m in by_post_factor.get((task.post_id, task.factor_id), [])
                 if m.measured_on > task.measurement.measured_on]  # fmt: skip
        if not later:
            continue
        retest = max(later, key=lambda m: (m.measured_on, m.pk))
        old = audit.snapshot(task)
        task.status, task.closed_by_id, task.closed_on = TaskStatus.CLOSED, retest.pk, retest.measured_on
        task.updated_at = timezone.now()
        closing.append(task)
        entries.append(
            audit.record(
                task, "update", audit.diff(old, audit.snapshot(task)), user=user, save=False, source="import"
            )
        )
    RectificationTask.objects.bulk_update(closing, ["status", "closed_by_id", "closed_on", "updated_at"])
    return len(closing)


def report_candidate(
    *, user, kind: str, number: str, institution: Institution, enterprise: Enterprise,
    sampling_start: dt.date, issued_on: dt.date | None,
) -> DetectionReport:  # fmt: skip
    """A new report header checked as ``actions.report_save`` checks it, not saved (the lookup
    already answered the scope and the number's uniqueness)."""
    today = timezone.localdate()
    for key, label, value in (
        ("sampling_start", "采样开始日期", sampling_start),
        ("issued_on", "报告日期", issued_on),
    ):
        if value is not None and value > today:
            raise ValidationError({key: f"{label}不能晚于今天"})
    report = DetectionReport(kind=kind, number=number, institution=institution, enterprise=enterprise,
                             sampling_start=sampling_start, issued_on=issued_on,
                             recorded_by=user if getattr(user, "pk", None) else None)  # fmt: skip
    report.full_clean(exclude=["institution", "enterprise", "recorded_by"], validate_unique=False,
                      validate_constraints=False)  # fmt: skip
    return report
