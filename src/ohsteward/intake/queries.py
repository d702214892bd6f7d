"""Reads of the intake app other apps may use: the open work of a user (home page)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from ohsteward.core.work import TODO, WorkItem
from ohsteward.intake.models import SourceRow


def open_work(user, today: dt.date) -> list[WorkItem]:
    """Rows of source lists waiting for a person to decide which employer they are."""
    if not user.has_perm("intake.change_sourcerow"):
        return []
    n = SourceRow.objects.for_user(user).in_review().count()
    if not n:
        return []
    return [WorkItem(f"{n} 条来源记录等待人工核对", reverse("intake:review_list"), n, None, TODO,
                     "确认是哪家用人单位，或新建、驳回")]
