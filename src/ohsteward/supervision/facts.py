"""Facts this app knows for lower apps (core.facts): called from the supervision AppConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

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


def provide_all() -> None:
    facts.provide(facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, under_enforcement_or_rectification)
