"""Read-side figures of the steward service (no writes): delivery against the calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse

from ohsteward.accounts import access
from ohsteward.core.work import DUE, OPEN, OVERDUE, WorkItem
from ohsteward.stewardship import rules
from ohsteward.stewardship.choices import ServiceContent, VisitStatus
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit
from ohsteward.stewardship.zone import queries as zone_queries


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


def visits_for(user) -> QuerySet:
    """``ServiceVisit.objects.for_user(user)``; for a team member also narrowed to the ids of the
    agreements it sees — the same rows (a visit is seen exactly when its agreement is: both scopes
    go through the agreement's employer and team), written as a literal list so that PostgreSQL
    estimates a team's few dozen agreements instead of half the city's and does not scan every
    planned visit of the city for a team's desk (docs/performance.md, "Steward service"). The
    agreements' employers are listed too (the same rows again: a seen agreement's employer is one
    of them), so that PostgreSQL reaches the joined agreements through their employer index
    instead of filtering all of the city's agreements by the scope's OR in every query of a page
    (docs/performance.md, "City scale re-measured")."""
    visits = ServiceVisit.objects.for_user(user)
    if access.own_team_id(user) is None:
        return visits
    seen = list(ServiceAgreement.objects.for_user(user).values_list("pk", "enterprise_id"))
    return visits.filter(
        agreement_id__in=[pk for pk, _ in seen],
        agreement__enterprise_id__in=sorted({enterprise for _, enterprise in seen}),
    )


def due_counts(visits: QuerySet, today: dt.date) -> dict[str, int]:
    """``{"due": 本月应办, "overdue": 已逾期}`` of ``visits`` in one query."""
    first_next = rules.add_months(today.replace(day=1), 1)
    return visits.filter(status=VisitStatus.PLANNED, planned_on__lt=first_next).aggregate(
        due=Count("pk", filter=Q(planned_on__gte=today)),
        overdue=Count("pk", filter=Q(planned_on__lt=today)),
    )


def open_work(user, today: dt.date) -> list[WorkItem]:
    """The steward service's next steps for the home page: a team's overdue and this month's
    visits (the district sees its teams' too), and the visits an employer should confirm."""
    if not user.has_perm("stewardship.view_servicevisit"):
        return zone_queries.open_work(user, today)
    visits = visits_for(user)
    items = []
    if user.has_perm("stewardship.add_servicevisit"):
        late = visits.overdue(today)
        n = late.count()
        if n:
            oldest = late.order_by("planned_on").values_list("planned_on", flat=True).first()
            items.append(
                WorkItem(
                    f"{n} 次管家服务已超过计划日期",
                    reverse("stewardship:visit_list") + "?due=overdue",
                    n,
                    oldest,
                    OVERDUE,
                    "上门服务后在手机上填写服务记录，或与单位商定新的日期",
                )
            )
        month = visits.due_in_month(today)
        n = month.count()
        if n:
            nearest = month.order_by("planned_on").values_list("planned_on", flat=True).first()
            items.append(
                WorkItem(
                    f"本月还有 {n} 次管家服务要上门",
                    reverse("stewardship:visit_list") + "?due=month",
                    n,
                    nearest,
                    DUE,
                    "按服务日程上门，完成后填写服务记录",
                )
            )
    if access.own_enterprise_id(user) and user.has_perm("stewardship.change_servicevisit"):
        n = visits.filter(status=VisitStatus.DONE, confirmed_at__isnull=True).count()
        if n:
            items.append(
                WorkItem(
                    f"{n} 次管家服务等待您确认",
                    reverse("stewardship:work"),
                    n,
                    None,
                    OPEN,
                    "核对服务团队填写的服务记录，确认并打分（1–5 分）",
                )
            )
    return items + zone_queries.open_work(user, today)
