"""Read-side figures of the steward service (no writes): delivery against the calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet

from ohsteward.stewardship.choices import ServiceContent, VisitStatus


@dataclass(frozen=True)
class DeliveryRow:
    team_id: int
    team: str
    content: str
    planned: int  # calendar entries due up to ``on`` (done or not)
    done: int
    overdue: int
    rating: float | None

    @property
    def content_label(self) -> str:
        return str(ServiceContent(self.content).label)

    @property
    def rate(self) -> str:
        return f"{self.done / self.planned:.0%}" if self.planned else "—"


def delivery(visits: QuerySet, on: dt.date) -> list[DeliveryRow]:
    """Per team and content: visits due by ``on`` (planned), done, overdue and the mean rating.
    ``visits`` is already scoped (``ServiceVisit.objects.for_user(user)``); one query."""
    due = Q(planned_on__lte=on) | Q(status=VisitStatus.DONE)
    rows = (
        visits.filter(due)
        .values("agreement__team_id", "agreement__team__name", "content")
        .annotate(
            planned=Count("pk"),
            done=Count("pk", filter=Q(status=VisitStatus.DONE)),
            overdue=Count("pk", filter=Q(status=VisitStatus.PLANNED, planned_on__lt=on)),
            rating=Avg("rating"),
        )
        .order_by("agreement__team__name", "content")
    )
    return [
        DeliveryRow(
            r["agreement__team_id"],
            r["agreement__team__name"],
            r["content"],
            r["planned"],
            r["done"],
            r["overdue"],
            r["rating"],
        )
        for r in rows
    ]
