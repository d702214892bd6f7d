"""Reads of classified supervision: the factor catalogue's 严重 flags, an employer's factors and
headcounts from live data, and open work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.urls import reverse

from ohsteward.core.work import DUE, OPEN, OVERDUE, WorkItem
from ohsteward.declarations.models import Declaration, DeclarationHazard
from ohsteward.hazards import lookup
from ohsteward.hazards.models import ExposureLimit, HazardFactor
from ohsteward.registry.models import PostExposure
from ohsteward.supervision import rules, sources
from ohsteward.supervision.choices import HeadcountBasis, InspectionState
from ohsteward.supervision.models import EnforcementCase, Inspection, SelfInspection


def catalogue_entry(text: str) -> HazardFactor | None:
    """The catalogue factor ``text`` names (``hazards.lookup.resolve_factor``: code, name, CAS,
    alias, or a GBZ 2.1 limit row linked to the catalogue); None when it names none."""
    try:
        return lookup.resolve_factor(text).factor
    except lookup.UnknownFactor:
        return None


def match_reasons(match: lookup.FactorMatch, r: rules.RiskRules) -> list[str]:
    """Why ``match`` is 严重 (附件1 (a)): its catalogue entry's reasons, or — a factor only the limit
    table names — its category and the G1 note of its limit rows."""
    if match.factor is not None:
        return factor_reasons(match.factor, r)
    g1 = any("G1" in (row.notes or "") for row in match.rows)
    return rules.serious_reasons(r, code=match.code, category=match.category, g1=g1)


def factor_reasons(factor: HazardFactor, r: rules.RiskRules) -> list[str]:
    """Why the catalogue makes ``factor`` 严重 (附件1 (a)); G1 from its GBZ 2.1 limit rows."""
    g1 = (
        ExposureLimit.objects.filter(Q(hazard_factor=factor) | (Q(cas=factor.cas) & ~Q(cas="")))
        .filter(notes__contains="G1")
        .exists()
    )
    return rules.serious_reasons(r, code=factor.code, category=factor.category, g1=g1)


@dataclass(frozen=True)
class LiveFactors:
    basis: str
    declaration: Declaration | None
    factors: list[rules.FactorInput]
    notes: list[str]


def live_factors(
    enterprise, on: dt.date, r: rules.RiskRules, reasons_cache: dict[int, tuple[str, ...]] | None = None
) -> LiveFactors:
    """The employer's factors and exposed headcounts: from its latest valid declaration dated on
    or before ``on`` (declarations app, 48号令 第5条: factor and 接触人数 per workplace, summed per
    factor); without one, from the register's PostExposure rows. Compliance per factor comes from
    ``sources.factor_compliance`` (None today: the configured default, flagged 未检测).
    ``reasons_cache`` (factor pk → 严重 reasons) spares a recompute of every employer a query per
    factor."""
    declaration = (
        Declaration.objects.valid()
        .filter(enterprise=enterprise, declared_on__lte=on)
        .order_by("-declared_on", "-pk")
        .first()
    )
    rows: list[tuple[int | None, str, int]] = []
    notes: list[str] = []
    if declaration is not None:
        basis = HeadcountBasis.DECLARATION
        summed = (
            DeclarationHazard.objects.filter(declaration=declaration)
            .values("hazard_factor_id", "hazard_name")
            .annotate(n=Sum("exposed_count"))
            .order_by("hazard_name")
        )
        rows = [(s["hazard_factor_id"], s["hazard_name"], s["n"] or 0) for s in summed]
        notes.append(
            f"危害因素和接触人数取自最近一次有效申报（{declaration.receipt_no}，{declaration.declared_on}）"
        )
    else:
        basis = HeadcountBasis.POSTS
        summed = (
            PostExposure.objects.filter(post__workplace__enterprise=enterprise)
            .values("hazard_factor_id", "hazard_factor__name")
            .annotate(n=Sum("exposed_count"))
            .order_by("hazard_factor__name")
        )
        rows = [(s["hazard_factor_id"], s["hazard_factor__name"], s["n"] or 0) for s in summed]
        notes.append("无有效申报：危害因素和接触人数取自名录中的岗位危害因素")
    catalogue = HazardFactor.objects.in_bulk([pk for pk, _n, _c in rows if pk])
    factors = []
    for pk, name, count in rows:
        hf = catalogue.get(pk) if pk else None
        if hf is None:
            hf = catalogue_entry(name)
        if hf is None:
            reasons: tuple[str, ...] = ()
        elif reasons_cache is not None and hf.pk in reasons_cache:
            reasons = reasons_cache[hf.pk]
        else:
            reasons = tuple(factor_reasons(hf, r))
            if reasons_cache is not None:
                reasons_cache[hf.pk] = reasons
        compliance = sources.factor_compliance(enterprise.pk, hf.pk if hf else None, on)
        records: list[tuple[str, str]] = []
        if declaration is not None:
            records.append(
                (
                    f"申报 {declaration.receipt_no}",
                    reverse("declarations:declaration_detail", args=[declaration.pk]),
                )
            )
        if compliance is not None:
            records.append((compliance.record_label, compliance.record_url))
        factors.append(
            rules.FactorInput(
                name=name,
                exposed=count,
                compliant=compliance.compliant if compliance else None,
                reasons=reasons,
                records=tuple(records),
            )
        )
    if any(f.compliant is None for f in factors):
        notes.append("接触水平：检测结果无数据（监测模块尚未接入），按配置的默认值判定并标注未检测")
    return LiveFactors(basis, declaration, factors, notes)


def latest_reviewed_self_inspection(enterprise, on: dt.date) -> SelfInspection | None:
    return (
        SelfInspection.objects.reviewed()
        .filter(enterprise=enterprise, filled_on__lte=on)
        .order_by("-filled_on", "-pk")
        .first()
    )


def open_work(user, today: dt.date) -> list[WorkItem]:
    """Self-inspections waiting for review; orders past their deadline; open cases."""
    items: list[WorkItem] = []
    if user.has_perm("supervision.change_selfinspection") and user.has_perm(
        "supervision.view_selfinspection"
    ):
        waiting = SelfInspection.objects.for_user(user).filter(state=InspectionState.SUBMITTED)
        if user.has_perm("supervision.add_inspection") or not user.has_perm("supervision.add_selfinspection"):
            n = waiting.count()
            if n:
                items.append(
                    WorkItem(
                        f"{n} 份职业卫生管理自查待审核",
                        reverse("supervision:selfinspection_list") + "?state=submitted",
                        n,
                        None,
                        DUE,
                        "核对各条目的佐证材料，必要时调整得分后审核通过",
                    )
                )
    if user.has_perm("supervision.view_inspection") and user.has_perm("supervision.add_inspection"):
        late = Inspection.objects.for_user(user).filter(
            order_deadline__lt=today, reinspections__isnull=True, cases__isnull=True
        )
        n = late.count()
        if n:
            items.append(
                WorkItem(
                    f"{n} 家单位已过责令改正期限，待复查",
                    reverse("supervision:inspection_list") + "?overdue=1",
                    n,
                    None,
                    OVERDUE,
                    "到场复查：已改正的记录复查合格，未改正的立案查处",
                )
            )
    if user.has_perm("supervision.change_enforcementcase"):
        n = EnforcementCase.objects.for_user(user).exclude(status="closed").count()
        if n:
            items.append(
                WorkItem(
                    f"{n} 件执法案件未结案",
                    reverse("supervision:case_list") + "?status=open",
                    n,
                    None,
                    OPEN,
                    "录入处理决定后结案",
                )
            )
    return items
