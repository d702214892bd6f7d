"""Facts this app knows for lower apps (core.facts): called from the supervision AppConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Count

from ohsteward.core import facts


def under_enforcement_or_rectification(enterprise_ids: Collection[int], year: int) -> set[int]:
    """001 附件3 二(一)1 专项整治: employers with an enforcement case (立案) opened by the end of
    ``year`` and not closed (结案), or an order to correct (责令限期改正) given by then that no
    re-inspection has found corrected and that no case took over (two queries)."""
    # local: models are importable only once the app registry is ready (this module is imported from ready())
    from ohsteward.supervision.choices import CaseStatus
    from ohsteward.supervision.models import EnforcementCase, Inspection

    ids = list(enterprise_ids)
    end = dt.date(year, 12, 31)
    cases = set(
        EnforcementCase.objects.filter(enterprise_id__in=ids, opened_on__lte=end)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    orders = set(
        Inspection.objects.filter(
            enterprise_id__in=ids,
            reinspection_of__isnull=True,
            order_deadline__isnull=False,
            inspected_on__lte=end,
            cases__isnull=True,
        )
        .exclude(reinspections__corrected=True)
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    return cases | orders


def _finding_counts(institution_ids: Collection[int], year: int, status: str) -> dict[int, int] | None:
    """None until the year's cross-checks have been run (unknown, not zero)."""
    # local: models are importable only once the app registry is ready (this module is imported from ready())
    from ohsteward.supervision.choices import FindingStatus
    from ohsteward.supervision.models import CrossCheckFinding, CrossCheckRun

    if not CrossCheckRun.objects.filter(year=year).exists():
        return None
    rows = CrossCheckFinding.objects.filter(
        institution_id__in=list(institution_ids), year=year, status=status
    )
    if status == FindingStatus.PENDING:
        rows = rows.current()  # a pending item the latest run no longer finds is not held against it
    counted = rows.values("institution_id").annotate(n=Count("pk")).order_by("institution_id")
    return {r["institution_id"]: r["n"] for r in counted}


def confirmed_crosscheck_findings(institution_ids: Collection[int], year: int) -> dict[int, int] | None:
    """Issue 9 item 5: the findings about each institution the QC team confirmed (属实) — also
    those a later run no longer finds: the decision stands (two queries; None before the year's
    first run)."""
    return _finding_counts(institution_ids, year, "confirmed")


def pending_crosscheck_findings(institution_ids: Collection[int], year: int) -> dict[int, int] | None:
    """The findings about each institution still 待核实 and found by the latest run (two queries;
    None before the year's first run)."""
    return _finding_counts(institution_ids, year, "pending")


def provide_all() -> None:
    facts.provide(facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, under_enforcement_or_rectification)
    facts.provide_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, confirmed_crosscheck_findings)
    facts.provide_counts(facts.PENDING_CROSSCHECK_FINDINGS, pending_crosscheck_findings)
