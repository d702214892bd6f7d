"""Stored cross-check findings (issue 9 item 6): ``refresh`` re-runs the checks of
``crosschecks.py`` for a year over every row (the system's run, not one user's view) and upserts
``CrossCheckFinding`` by (kind, year, key), so the QC team's decisions survive a re-run:

- an item found for the first time is stored 待核实;
- an item found again keeps its status; while 待核实 its evidence (summary, records, subject) is
  refreshed, once decided the evidence it was decided on is kept;
- a stored item the run no longer finds is marked ``gone_at`` (never deleted) and unmarked when
  found again.

Rows are saved one by one and only when something changed, so every change is in the audit trail
and a re-run over unchanged data writes nothing. Also the fact institutions' grading asks for
(``core.facts``): per institution, its findings of a year (属实; or 待核实).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from ohsteward.supervision import crosschecks
from ohsteward.supervision.choices import FindingStatus
from ohsteward.supervision.models import CrossCheckFinding, CrossCheckRun


def _records(item: crosschecks.Item) -> list[list[str]]:
    return [[label, url] for label, url in item.records]


@transaction.atomic
def refresh(year: int, *, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Run every check for ``year`` (all rows) and bring the stored findings in line. Returns
    counts: ``new``, ``updated`` (evidence of a pending finding), ``gone``, ``back`` (found again
    after being marked gone), ``found`` (items the run flagged)."""
    now = timezone.now()
    thresholds = crosschecks.load_thresholds()
    found: dict[tuple[str, str], crosschecks.Item] = {}
    kinds = list(crosschecks.CHECKS)
    for done, kind in enumerate(kinds):
        for item in crosschecks.CHECKS[kind](None, year, thresholds):
            found[(item.kind, item.key)] = item
        if progress is not None:
            progress(done + 1, len(kinds) + 1)
    stored = {
        (f.kind, f.key): f
        for f in CrossCheckFinding.objects.filter(year=year).select_related("enterprise", "institution")
    }
    counts = {"new": 0, "updated": 0, "gone": 0, "back": 0, "found": len(found)}
    for k, item in sorted(found.items()):
        finding = stored.get(k)
        if finding is None:
            finding = CrossCheckFinding(kind=item.kind, year=year, key=item.key, found_at=now)
            counts["new"] += 1
        changed = finding.pk is None
        if finding.gone_at is not None:
            finding.gone_at = None
            counts["back"] += 1
            changed = True
        if finding.status == FindingStatus.PENDING:  # decided: keep the evidence decided on
            summary, records = item.summary[:500], _records(item)
            subject = (getattr(item.enterprise, "pk", None), getattr(item.institution, "pk", None))
            held = (finding.summary, finding.records, finding.enterprise_id, finding.institution_id)
            if held != (summary, records, *subject):
                finding.summary, finding.records = summary, records
                finding.enterprise, finding.institution = item.enterprise, item.institution
                if finding.pk is not None:
                    counts["updated"] += 1
                changed = True
        if changed:
            finding.full_clean(validate_unique=False)
            finding.save()
    for k, finding in stored.items():
        if k not in found and finding.gone_at is None:
            finding.gone_at = now
            finding.save(update_fields=["gone_at", "updated_at"])
            counts["gone"] += 1
    CrossCheckRun.objects.update_or_create(year=year, defaults={"ran_at": now, "counts": counts})
    if progress is not None:
        progress(len(kinds) + 1, len(kinds) + 1)
    return counts
