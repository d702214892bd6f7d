"""Reads of the declarations app other apps may use: the open work of a user (home page)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse

from ohsteward.accounts import access
from ohsteward.core.work import DUE, OPEN, OVERDUE, WorkItem
from ohsteward.declarations.actions import declaration_todo
from ohsteward.declarations.choices import EntryStatus
from ohsteward.declarations.models import HazardList, HazardListEntry
from ohsteward.registry.models import Enterprise


def _current_list(today: dt.date) -> HazardList | None:
    return HazardList.objects.filter(year__lte=today.year).order_by("-year").first()


def open_work(user, today: dt.date) -> list[WorkItem]:
    """The user's open declaration work, each item linking to a page the user may open."""
    own = access.own_enterprise_id(user)
    if own:
        return _manager_work(user, own, today)
    items: list[WorkItem] = []
    hazard_list = _current_list(today)
    if hazard_list is None or not user.has_perm("declarations.view_hazardlistentry"):
        return items
    entries = HazardListEntry.objects.for_user(user).filter(hazard_list=hazard_list)
    pushed = entries.filter(pushed_on__isnull=False)
    c = pushed.aggregate(
        pending=Count("pk", filter=Q(status=EntryStatus.PENDING)),
        overdue=Count("pk", filter=Q(status=EntryStatus.PENDING, due_on__lt=today)),
        next_due=Min("due_on", filter=Q(status=EntryStatus.PENDING, due_on__gte=today)),
        oldest_due=Min("due_on", filter=Q(status=EntryStatus.PENDING, due_on__lt=today)),
        report_overdue=Count(
            "pk", filter=Q(source="district", reported_on__isnull=True, report_due_on__lt=today)
        ),
    )
    confirm = reverse("declarations:confirm")
    if user.has_perm("declarations.change_hazardlistentry"):
        if c["overdue"]:
            items.append(
                WorkItem(
                    f"{c['overdue']} 家已超过一个月核实期限",
                    f"{confirm}?show=overdue",
                    c["overdue"],
                    c["oldest_due"],
                    OVERDUE,
                    "逐家确认是否存在职业病危害",
                )
            )
        if c["pending"] - c["overdue"] > 0:
            n = c["pending"] - c["overdue"]
            items.append(
                WorkItem(f"{n} 家等待核实", confirm, n, c["next_due"], DUE, "逐家确认是否存在职业病危害")
            )
        if c["report_overdue"]:
            items.append(
                WorkItem(
                    f"{c['report_overdue']} 家自行发现的单位逾期未报告市疾控",
                    reverse("declarations:entry_add"),
                    c["report_overdue"],
                    None,
                    OVERDUE,
                    "在名单条目中点“已报告”",
                )
            )
    undeclared = entries.with_declaration().undeclared().count()
    if undeclared:
        if user.has_perm("declarations.add_guidancevisit") or user.has_perm("declarations.add_notice"):
            hint = (
                "入户指导、发放告知单"
                if user.has_perm("declarations.add_notice")
                else "入户指导并记录指导情况"
            )
            items.append(
                WorkItem(
                    f"{undeclared} 家应报未报",
                    reverse("declarations:undeclared"),
                    undeclared,
                    None,
                    OPEN,
                    hint,
                )
            )
    return items


def _manager_work(user, enterprise_id: int, today: dt.date) -> list[WorkItem]:
    enterprise = Enterprise.objects.for_user(user).filter(pk=enterprise_id).first()
    if enterprise is None or not user.has_perm("declarations.add_declaration"):
        return []
    declare = reverse("declarations:declare")
    return [
        WorkItem(t["message"], declare, None, t["due_on"], OVERDUE if t["overdue"] else DUE, "网上申报")
        for t in declaration_todo(enterprise=enterprise, today=today)
    ]
