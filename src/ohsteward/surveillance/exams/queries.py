"""Reads of exam follow-up: open work for the home page (employer, district, exam institution)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse

from ohsteward.core.work import DUE, OPEN, OVERDUE, WorkItem
from ohsteward.surveillance import rehab
from ohsteward.surveillance.exams.choices import TaskKind, TaskStatus
from ohsteward.surveillance.exams.models import (
    ChronicFollowUp,
    DiseaseCase,
    PneumoconiosisPatient,
    RehabStation,
    SurveillanceTask,
)


def open_work(user, today: dt.date) -> list[WorkItem]:
    """Overdue tasks (rechecks, reassignments), workers still exposed after a reassignment
    deadline, cases with a §13 time limit passed, and open cases awaiting diagnosis."""
    items: list[WorkItem] = []
    if user.has_perm("surveillance.view_surveillancetask"):
        tasks = SurveillanceTask.objects.for_user(user)
        url = reverse("surveillance:task_list")
        exposed = tasks.still_exposed(today).filter(closed_on__isnull=True).count()
        if exposed:
            items.append(
                WorkItem(
                    f"{exposed} 名职业禁忌证劳动者超过调岗期限仍在接触禁忌因素",
                    f"{url}?kind=reassignment&still_exposed=yes",
                    exposed,
                    None,
                    OVERDUE,
                    "请尽快调离原岗位并登记新岗位（职业病防治法 第35条）",
                )
            )
        for kind, label, hint in (
            (TaskKind.RECHECK, "复查", "安排劳动者按体检报告要求复查"),
            (TaskKind.REASSIGNMENT, "调岗", "为职业禁忌证劳动者登记调换后的岗位"),
        ):
            late = tasks.filter(kind=kind).with_status(TaskStatus.OVERDUE, today)
            n = late.count()
            if n:
                first = late.order_by("due_on").values_list("due_on", flat=True).first()
                items.append(
                    WorkItem(
                        f"{n} 项{label}任务已逾期",
                        f"{url}?kind={kind}&status=overdue",
                        n,
                        first,
                        OVERDUE,
                        hint,
                    )
                )
            soon = tasks.filter(
                kind=kind,
                closed_on__isnull=True,
                due_on__gte=today,
                due_on__lte=today + dt.timedelta(days=14),
            )
            m = soon.count()
            if m:
                items.append(
                    WorkItem(
                        f"{m} 项{label}任务两周内到期", f"{url}?kind={kind}&status=open", m, None, DUE, hint
                    )
                )
    if user.has_perm("surveillance.view_diseasecase"):
        cases = DiseaseCase.objects.for_user(user)
        url = reverse("surveillance:case_list")
        late = cases.overdue(today).count()
        if late:
            items.append(
                WorkItem(
                    f"{late} 个职业病诊断个案超过法定时限",
                    f"{url}?overdue=yes",
                    late,
                    None,
                    OVERDUE,
                    "诊断证明书15日内送达、15日内网络直报（职业病诊断与鉴定管理办法）",
                )
            )
        waiting = cases.filter(status="referred").count()
        if waiting:
            items.append(
                WorkItem(
                    f"{waiting} 名疑似职业病劳动者待诊断",
                    f"{url}?status=referred",
                    waiting,
                    None,
                    OPEN,
                    "告知劳动者并转诊至职业病诊断机构",
                )
            )
    if user.has_perm("surveillance.add_chronicfollowup"):
        late = ChronicFollowUp.objects.for_user(user).overdue(today).count()
        if late:
            items.append(
                WorkItem(
                    f"{late} 名慢病患者随访已逾期",
                    f"{reverse('surveillance:chronicfollowup_list')}?overdue=yes",
                    late,
                    None,
                    OVERDUE,
                    "每年不少于4次面对面随访（国家基本公共卫生服务规范）",
                )
            )
    return items


def towns_with_patients(user) -> list[dict]:
    """Per town of residence: living pneumoconiosis patients, 康复站 and 康复点 there, and whether the
    town needs a station (``rehab.towns_needing_station``) — two grouped queries."""
    patients = (
        PneumoconiosisPatient.objects.for_user(user)
        .filter(status="alive", town__isnull=False)
        .values("town_id", "town__name", "district__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "town_id")
    )
    stations = dict(
        RehabStation.objects.for_user(user)
        .filter(kind="station")
        .values("town_id")
        .annotate(n=Count("pk"))
        .order_by("town_id")
        .values_list("town_id", "n")
    )
    counts = {row["town_id"]: row["n"] for row in patients}
    needing = {t.town for t in rehab.towns_needing_station(counts, stations)}
    return [
        {
            "town": row["town__name"],
            "district": row["district__name"],
            "patients": row["n"],
            "stations": stations.get(row["town_id"], 0),
            "needs_station": row["town_id"] in needing,
        }
        for row in patients
    ]


def districts_with_patients(user) -> list[dict]:
    """Per district of residence: living pneumoconiosis patients and 康复站 there (for the map
    beside the town table) — two grouped queries, most patients first."""
    patients = (
        PneumoconiosisPatient.objects.for_user(user)
        .filter(status="alive")
        .values("district_id", "district__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "district_id")
    )
    stations = dict(
        RehabStation.objects.for_user(user)
        .filter(kind="station")
        .values("district_id")
        .annotate(n=Count("pk"))
        .order_by("district_id")
        .values_list("district_id", "n")
    )
    return [
        {
            "code": row["district_id"],
            "name": row["district__name"],
            "patients": row["n"],
            "stations": stations.get(row["district_id"], 0),
        }
        for row in patients
    ]
