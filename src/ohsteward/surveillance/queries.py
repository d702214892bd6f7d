"""Read-side of surveillance (no writes): the due lists and the home page's open work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from ohsteward.core.work import DUE, OVERDUE, WorkItem
from ohsteward.surveillance.filtersets import DUE_SOON_DAYS
from ohsteward.surveillance.models import Worker


@dataclass(frozen=True)
class DueRow:
    """Per employer (or district): workers under surveillance, overdue, due within 30 days,
    never examined."""

    key: str
    label: str
    workers: int
    overdue: int
    due_soon: int
    never: int


def due_counts(workers: QuerySet, on: dt.date, *, by: str = "enterprise") -> list[DueRow]:
    """Due, overdue and never-examined workers of a scoped queryset, grouped per employer
    (``by="enterprise"``) or per district (``by="district"``); one query."""
    key, label = (
        ("enterprise__uscc", "enterprise__name")
        if by == "enterprise"
        else ("enterprise__region_id", "enterprise__region__name")
    )
    soon = on + dt.timedelta(days=DUE_SOON_DAYS)
    rows = (
        workers.filter(next_exam_due__isnull=False)
        .values(key, label)
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(next_exam_due__lt=on)),
            soon=Count("pk", filter=Q(next_exam_due__gte=on, next_exam_due__lte=soon)),
            never=Count("pk", filter=Q(last_exam_on__isnull=True)),
        )
        .order_by("-overdue", label)
    )
    return [DueRow(r[key] or "", r[label] or "", r["n"], r["overdue"], r["soon"], r["never"]) for r in rows]


def open_work(user, today: dt.date) -> list[WorkItem]:
    """Overdue exams and exams due within 30 days of the workers the user sees (the employer,
    its steward team and the district): each a link to the filtered worker list."""
    if not user.has_perm("surveillance.view_worker"):
        return []
    workers = Worker.objects.for_user(user).current()
    items = []
    late = workers.overdue(today)
    n = late.count()
    if n:
        oldest = late.order_by("next_exam_due").values_list("next_exam_due", flat=True).first()
        items.append(
            WorkItem(
                f"{n} 名劳动者职业健康检查已逾期",
                reverse("surveillance:worker_list") + "?due=overdue",
                n,
                oldest,
                OVERDUE,
                "导出名单交体检机构安排体检；已体检的请上传结果",
            )
        )
    soon = workers.due_within(today, DUE_SOON_DAYS)
    n = soon.count()
    if n:
        nearest = soon.order_by("next_exam_due").values_list("next_exam_due", flat=True).first()
        items.append(
            WorkItem(
                f"{n} 名劳动者30日内应进行职业健康检查",
                reverse("surveillance:worker_list") + "?due=next_30_days",
                n,
                nearest,
                DUE,
                "导出下月应检名单，预约职业健康检查机构",
            )
        )
    return items
