"""Set-based recompute of employers' risk assessments (issue 13, performance: every employer
< 60 s on PostgreSQL; one employer after a new measurement < 100 ms).

Everything is read in a fixed number of set queries — the employers, their latest valid
declarations and the declared factors, the register's post exposures, the factor catalogue and its
G1 rows, monitoring's stored compliance, the latest reviewed self-inspections and each employer's
latest assessment — then ``rules.assess`` (pure) computes each employer and the new rows are
written with ``bulk_create`` (and their audit rows likewise).

History semantics: a recompute adds a row for an employer **only when its result changed** since
its latest assessment (levels, status, class, score, verified parts, factors or rule version) or
it has none; an unchanged employer keeps its latest row (the date of that row is when the result
was last established). An explicit "评估" by a user (``actions.risk_assess``) always adds a row.

The same code serves one employer (``recompute(enterprise_ids=[pk])``): supervision registers
``triggers.measurement`` / ``triggers.measurements`` / ``triggers.exam_saved`` with ``monitoring.effects`` in ``SupervisionConfig.ready()`` —
monitoring never imports supervision.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from ohsteward.core import audit
from ohsteward.core.bulk import insert_rows
from ohsteward.core.models import AuditLog
from ohsteward.declarations.models import Declaration, DeclarationHazard
from ohsteward.hazards.models import ExposureLimit, HazardFactor
from ohsteward.registry.models import Enterprise, PostExposure
from ohsteward.supervision import rules, sources
from ohsteward.supervision.choices import HeadcountBasis
from ohsteward.supervision.models import RiskAssessment, SelfInspection

BATCH = 5000


@dataclass
class Stats:
    employers: int = 0
    written: int = 0
    unchanged: int = 0
    raised: list[int] | None = None  # employers whose class moved to a higher risk
    inputs: Inputs | None = None  # what was read, for the warnings of the same employers


class _Catalogue:
    """The factor catalogue once: 严重 reasons per factor and a lookup of declared names."""

    def __init__(self, r: rules.RiskRules) -> None:
        factors = list(HazardFactor.objects.only("pk", "code", "name", "category", "cas", "aliases"))
        g1_rows = ExposureLimit.objects.filter(notes__contains="G1").values_list("hazard_factor_id", "cas")
        g1_ids, g1_cas = set(), set()
        for fid, cas in g1_rows:
            if fid:
                g1_ids.add(fid)
            if cas:
                g1_cas.add(cas)
        self.by_pk: dict[int, HazardFactor] = {}
        self.by_text: dict[str, HazardFactor] = {}
        self.reasons: dict[int, tuple[str, ...]] = {}
        for f in sorted(factors, key=lambda f: f.code):
            self.by_pk[f.pk] = f
            g1 = f.pk in g1_ids or bool(f.cas and f.cas in g1_cas)
            self.reasons[f.pk] = tuple(rules.serious_reasons(r, code=f.code, category=f.category, g1=g1))
            for text in (f.code, f.name, *[a.strip() for a in (f.aliases or "").split("、") if a.strip()]):
                self.by_text.setdefault(text, f)

    def find(self, pk: int | None, name: str) -> HazardFactor | None:
        return self.by_pk.get(pk) if pk else self.by_text.get((name or "").strip())


_CATALOGUE: dict[str, tuple[float, _Catalogue]] = {}
CATALOGUE_SECONDS = 300  # the factor catalogue changes on an import; an incremental run may reuse it


def catalogue_for(r: rules.RiskRules, *, fresh: bool = False) -> _Catalogue:
    """The catalogue for the rules version, reused for ``CATALOGUE_SECONDS`` by incremental runs
    (a full recompute always reads it afresh)."""
    held = _CATALOGUE.get(r.version)
    if fresh or held is None or time.monotonic() - held[0] > CATALOGUE_SECONDS:
        held = (time.monotonic(), _Catalogue(r))
        _CATALOGUE[r.version] = held
    return held[1]


def latest_declarations(ids: Collection[int] | None, on: dt.date) -> dict[int, tuple[int, str, dt.date]]:
    qs = Declaration.objects.valid().filter(declared_on__lte=on)
    if ids is not None:
        qs = qs.filter(enterprise_id__in=list(ids))
    found: dict[int, tuple[int, str, dt.date]] = {}
    rows = qs.order_by("enterprise_id", "-declared_on", "-pk").values_list(
        "enterprise_id", "pk", "receipt_no", "declared_on"
    )
    for eid, pk, receipt, declared_on in sources.rows_of(rows, ids):
        found.setdefault(eid, (pk, receipt, declared_on))
    return found


def declared(declaration_ids: set[int], ids: Collection[int] | None, on: dt.date):
    qs = DeclarationHazard.objects.filter(declaration__status="valid", declaration__declared_on__lte=on)
    if ids is not None:
        qs = qs.filter(declaration__enterprise_id__in=list(ids))
    out: dict[int, list[tuple[int | None, str, int]]] = defaultdict(list)
    rows = (
        qs.values("declaration_id", "hazard_factor_id", "hazard_name")
        .annotate(n=Sum("exposed_count"))
        .order_by("declaration_id", "hazard_name")
    )
    for row in sources.rows_of(rows, ids):
        if row["declaration_id"] in declaration_ids:
            out[row["declaration_id"]].append((row["hazard_factor_id"], row["hazard_name"], row["n"] or 0))
    return out


def _posts(ids: Collection[int] | None):
    qs = PostExposure.objects.all()
    if ids is not None:
        qs = qs.filter(post__workplace__enterprise_id__in=list(ids))
    out: dict[int, list[tuple[int | None, str, int]]] = defaultdict(list)
    rows = (
        qs.values("post__workplace__enterprise_id", "hazard_factor_id", "hazard_factor__name")
        .annotate(n=Sum("exposed_count"))
        .order_by("post__workplace__enterprise_id", "hazard_factor__name")
    )
    for row in sources.rows_of(rows, ids):
        out[row["post__workplace__enterprise_id"]].append(
            (row["hazard_factor_id"], row["hazard_factor__name"], row["n"] or 0)
        )
    return out


def _inspections(ids: Collection[int] | None, on: dt.date) -> dict[int, SelfInspection]:
    qs = SelfInspection.objects.reviewed().filter(filled_on__lte=on).select_related("checklist")
    if ids is not None:
        qs = qs.filter(enterprise_id__in=list(ids))
    found: dict[int, SelfInspection] = {}
    for s in sources.rows_of(qs.order_by("enterprise_id", "-filled_on", "-pk"), ids):
        found.setdefault(s.enterprise_id, s)
    return found


def _latest_assessments(ids: Collection[int] | None) -> dict[int, dict[str, Any]]:
    qs = RiskAssessment.objects.all()
    if ids is not None:
        qs = qs.filter(enterprise_id__in=list(ids))
    found: dict[int, dict[str, Any]] = {}
    rows = qs.order_by("enterprise_id", "-assessed_on", "-pk").values(
        "enterprise_id", "rules_version", "hazard_level", "management_status", "comprehensive_class",
        "management_score", "verified", "factors",
    )  # fmt: skip
    for row in sources.rows_of(rows, ids):
        found.setdefault(row["enterprise_id"], row)
    return found


def _signature(row: dict[str, Any]) -> tuple:
    score = row["management_score"]
    return (
        row["rules_version"],
        row["hazard_level"],
        row["management_status"],
        row["comprehensive_class"],
        None if score is None else Decimal(str(score)).quantize(Decimal("0.1")),
        json.dumps(row["verified"], sort_keys=True, ensure_ascii=False),
        json.dumps(row["factors"], sort_keys=True, ensure_ascii=False),
    )


CLASS_RANK = {"甲": 0, "乙": 1, "丙": 2}  # 2022 scheme: 甲 lowest risk, 丙 highest


def moved_higher(old: str, new: str) -> bool:
    """A class that moved to a higher risk (甲 → 乙 → 丙 in the 2022 scheme)."""
    return bool(old and new) and CLASS_RANK.get(new, -1) > CLASS_RANK.get(old, 99)


class Inputs:
    """What both the recompute and the early warnings read for the same employers on the same
    date — the latest valid declarations with their factors and the measurements (compliance and
    the pairs measured at all) — each read once when first asked for. ``actions.risk_refresh``
    hands one to both, so the incremental path after a new measurement reads them once."""

    def __init__(self, ids: Collection[int] | None, on: dt.date) -> None:
        self.ids, self.on = ids, on
        self._declarations: dict[int, tuple[int, str, dt.date]] | None = None
        self._declared: dict[int, list[tuple[int | None, str, int]]] | None = None
        self._measurements: tuple[dict[tuple[int, int], sources.Compliance], set[tuple[int, int]]] | None = (
            None
        )
        self.uscc: dict[int, str] | None = None  # set by ``recompute``, which reads the employers

    def declarations(self) -> dict[int, tuple[int, str, dt.date]]:
        if self._declarations is None:
            self._declarations = latest_declarations(self.ids, self.on)
        return self._declarations

    def declared(self) -> dict[int, list[tuple[int | None, str, int]]]:
        if self._declared is None:
            latest = {d[0] for d in self.declarations().values()}
            self._declared = declared(latest, self.ids, self.on)
        return self._declared

    def compliance(self) -> dict[tuple[int, int], sources.Compliance]:
        return self._facts()[0]

    def measured(self) -> set[tuple[int, int]]:
        return self._facts()[1]

    def _facts(self):
        if self._measurements is None:
            self._measurements = sources.measurement_facts(self.ids, self.on)
        return self._measurements


def recompute(
    *,
    user: Any = None,
    on: dt.date,
    enterprise_ids: Collection[int] | None = None,
    employers=None,
    progress: Callable[[int, int], None] | None = None,
    inputs: Inputs | None = None,
) -> Stats:
    """Recompute the given employers (``enterprise_ids``, or the queryset ``employers``, or all)
    and write a new assessment where the result changed. Returns counts. ``inputs``: the reads
    shared with the warnings of the same employers (``Inputs(enterprise_ids, on)``)."""
    r = rules.rules_on(on)
    if employers is None:
        employers = Enterprise.objects.all()
    if enterprise_ids is not None:
        employers = employers.filter(pk__in=list(enterprise_ids))
    ents = {e.pk: e for e in employers.only("pk", "name", "uscc", "region_id", "zone_id").order_by("pk")}
    ids: Collection[int] | None = ents.keys() if enterprise_ids is not None or len(ents) < 1000 else None
    if inputs is None or inputs.on != on:
        inputs = Inputs(ids, on)
    inputs.uscc = {pk: e.uscc for pk, e in ents.items()}
    catalogue = catalogue_for(r, fresh=enterprise_ids is None)
    declarations = inputs.declarations()
    by_declaration = inputs.declared()
    posts = _posts(ids)
    compliance = inputs.compliance()
    inspections = _inspections(ids, on)
    latest = _latest_assessments(ids)
    declaration_url = reverse("declarations:declaration_detail", args=[0])[:-2]  # ".../0/" → prefix

    stats = Stats(employers=len(ents), raised=[], inputs=inputs)
    pending: list[RiskAssessment] = []
    for n, (eid, enterprise) in enumerate(ents.items(), start=1):
        decl = declarations.get(eid)
        notes: list[str] = []
        if decl is not None:
            rows, basis = by_declaration.get(decl[0], []), HeadcountBasis.DECLARATION
            notes.append(f"危害因素和接触人数取自最近一次有效申报（{decl[1]}，{decl[2]}）")
            decl_record = (f"申报 {decl[1]}", f"{declaration_url}{decl[0]}/")
        else:
            rows, basis = posts.get(eid, []), HeadcountBasis.POSTS
            notes.append("无有效申报：危害因素和接触人数取自名录中的岗位危害因素")
            decl_record = None
        factors = []
        for pk, name, count in rows:
            hf = catalogue.find(pk, name)
            found = compliance.get((eid, hf.pk)) if hf else None
            records = [decl_record] if decl_record else []
            if found is not None:
                records.append((found.record_label, found.record_url))
            factors.append(
                rules.FactorInput(
                    name=name,
                    exposed=count,
                    compliant=found.compliant if found else None,
                    reasons=catalogue.reasons.get(hf.pk, ()) if hf else (),
                    records=tuple(records),
                )
            )
        if any(f.compliant is None for f in factors):
            notes.append("接触水平：部分危害因素无检测结果（无数据），按配置的默认值判定并标注未检测")
        inspection = inspections.get(eid)
        score = float(inspection.score) if inspection and inspection.score is not None else None
        result = rules.assess(
            factors, on=on, management_score=score,
            veto_failed=inspection.veto_failed if inspection else (), rules=r,
        )  # fmt: skip
        explanation = [*notes, *result.explanation]
        verified = dict(result.verified)
        if inspection is not None:
            explanation.append(
                f"管理状况依据 {inspection.filled_on} 的职业卫生管理自查（{inspection.checklist}）"
            )
            if not inspection.checklist.verified:
                verified["management_status"] = False
                verified["comprehensive_class"] = False
        new = {
            "rules_version": result.version,
            "hazard_level": result.hazard.level,
            "management_status": result.management_status or "",
            "comprehensive_class": result.comprehensive_class or "",
            "management_score": None if score is None else Decimal(str(score)),
            "verified": verified,
            "factors": json.loads(json.dumps(result.factors_data(), ensure_ascii=False)),
        }
        old = latest.get(eid)
        if old is not None and _signature(old) == _signature(new):
            stats.unchanged += 1
        else:
            if old is not None and moved_higher(old["comprehensive_class"], new["comprehensive_class"]):
                stats.raised.append(eid)  # type: ignore[union-attr]
            pending.append(
                RiskAssessment(
                    enterprise=enterprise,
                    assessed_on=on,
                    scheme=result.scheme,
                    basis=basis,
                    explanation=explanation,
                    declaration_id=decl[0] if decl else None,
                    self_inspection=inspection,
                    reassess_due=result.reassess_due,
                    created_by=user if getattr(user, "pk", None) else None,
                    **new,
                )  # fmt: skip
            )
        if len(pending) >= BATCH:
            stats.written += _write(pending, user)
            pending = []
        if progress is not None and (n % 1000 == 0 or n == len(ents)):
            progress(n, len(ents))
    stats.written += _write(pending, user)
    return stats


def _reserve_ids(model, n: int) -> list[int]:
    """``n`` primary keys from the table's sequence (PostgreSQL), so rows can be COPYed with their
    keys and their audit rows point at them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
        )
        return [r[0] for r in cursor.fetchall()]


def _values(obj, fields) -> tuple:
    return tuple(getattr(obj, f.attname) for f in fields)


def _write(rows: list[RiskAssessment], user: Any) -> int:
    """Insert the new assessments and their audit rows: COPY on PostgreSQL (``core.bulk``),
    ``bulk_create`` elsewhere (SQLite returns the keys); nothing to write, no query."""
    if not rows:
        return 0
    with transaction.atomic():
        return _insert(rows, user)


def _insert(rows: list[RiskAssessment], user: Any) -> int:
    now = timezone.now()
    for a in rows:
        a.created_at = a.updated_at = now
    if connection.vendor == "postgresql":
        for a, pk in zip(rows, _reserve_ids(RiskAssessment, len(rows)), strict=True):
            a.pk = pk
        fields = RiskAssessment._meta.concrete_fields
        insert_rows(RiskAssessment, [f.attname for f in fields], [_values(a, fields) for a in rows])
    else:
        rows = RiskAssessment.objects.bulk_create(rows, batch_size=2000)
    logs = [audit.record(a, "create", {"summary": [None, "重新评估"]}, user=user, save=False) for a in rows]
    if logs and logs[0].object_id != "None":
        for entry in logs:
            entry.timestamp = now
        log_fields = [f for f in AuditLog._meta.concrete_fields if f.attname != "id"]
        insert_rows(AuditLog, [f.attname for f in log_fields], [_values(e, log_fields) for e in logs])
    return len(rows)


def latest_class_rise(enterprise_ids: Collection[int] | None) -> dict[int, tuple[str, str, int]]:
    """Employers whose latest assessment's class is higher risk than the previous one:
    employer → (previous class, latest class, latest assessment pk). Two rows per employer read."""
    qs = RiskAssessment.objects.exclude(comprehensive_class="")
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    out: dict[int, tuple[str, str, int]] = {}
    seen: dict[int, tuple[str, int]] = {}
    done: set[int] = set()
    rows = qs.order_by("enterprise_id", "-assessed_on", "-pk").values_list(
        "enterprise_id", "pk", "comprehensive_class"
    )
    for eid, pk, klass in sources.rows_of(rows, enterprise_ids):
        if eid in done:
            continue
        if eid not in seen:
            seen[eid] = (klass, pk)
            continue
        done.add(eid)
        new, new_pk = seen[eid]
        if moved_higher(klass, new):
            out[eid] = (klass, new, new_pk)
    return out
