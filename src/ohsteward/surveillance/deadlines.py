"""Time limits of occupational disease cases and exam follow-up (RULES.md §13), as versioned data.

Each limit is a row: what it is, how many days, counted from which event, its source and whether
the number was read in a source ([S], ``verified=True``) or recalled ([M]/[?], ``verified=False``,
shown as "未核对"). The rules in force are chosen by the date of the event (RULES.md "How to read").

Days are calendar days counted from the day after the event (so "within 15 日 of issue" on
2026-03-01 ends on 2026-03-16). 《职业病诊断与鉴定管理办法》 says "日" without 工作日; the rule that
a period ending on a public holiday runs to the next working day is not applied (no holiday
calendar is held), which can only make a deadline earlier, never later.

Pure: no Django imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Events a limit can be counted from (the case model holds one date per event).
ISSUED = "certificate_issued_on"  # 职业病诊断证明书 出具日期
DIAGNOSED = "diagnosed_on"  # 作出诊断的日期
RECEIVED = "certificate_received_on"  # 劳动者收到诊断证明书的日期
RECORDED = "recorded_on"  # the day the conclusion was recorded (reassignment)

CERTIFICATE_DELIVERY = "certificate_delivery"
ONLINE_REPORT = "online_report"
APPEAL_WINDOW = "appeal_window"
REASSIGNMENT = "reassignment"


@dataclass(frozen=True)
class Limit:
    code: str
    label: str
    days: int
    counted_from: str
    verified: bool
    source: str
    # A window (the appeal) is a right that ends, not a duty that can be late: it is "closed"
    # when it has run out, never "overdue".
    is_window: bool = False


@dataclass(frozen=True)
class LimitSet:
    version: str
    effective_from: dt.date
    limits: tuple[Limit, ...]

    def get(self, code: str) -> Limit:
        for limit in self.limits:
            if limit.code == code:
                return limit
        raise KeyError(code)


_SOURCE_6 = "《职业病诊断与鉴定管理办法》（国家卫生健康委令第6号，2021）"

LIMITS_V1 = LimitSet(
    version="v1",
    effective_from=dt.date(2021, 1, 10),
    limits=(
        Limit(
            CERTIFICATE_DELIVERY,
            "诊断证明书送达劳动者、用人单位及县级卫生健康部门",
            15,
            ISSUED,
            True,
            f"{_SOURCE_6}：自出具之日起15日内送达（RULES.md §13 [S]）",
        ),
        Limit(
            ONLINE_REPORT,
            "诊断机构网络直报（职业病及健康危害因素监测信息系统）",
            15,
            DIAGNOSED,
            True,
            f"{_SOURCE_6} 第32条：作出诊断之日起15日内（RULES.md §13 [S]）",
        ),
        Limit(
            APPEAL_WINDOW,
            "申请职业病鉴定期限",
            30,
            RECEIVED,
            True,
            f"{_SOURCE_6} 第34条：收到诊断证明书之日起30日内（RULES.md §13 [S]）",
            is_window=True,
        ),
        Limit(
            REASSIGNMENT,
            "职业禁忌证劳动者调离或暂停原接害岗位",
            30,
            RECORDED,
            False,
            "职业病防治法 第35条要求调离或暂停，未规定天数 [?]；30日为本系统默认值（未核对），待卫生健康部门确认",
        ),
    ),
)
VERSIONS: tuple[LimitSet, ...] = (LIMITS_V1,)


def limits_for(on: dt.date) -> LimitSet:
    """The limit set in force on ``on`` (the event date); before the first version, the first."""
    current = VERSIONS[0]
    for version in VERSIONS:
        if version.effective_from <= on:
            current = version
    return current


def due_date(code: str, start: dt.date) -> dt.date:
    """The last day of limit ``code`` counted from ``start``."""
    return start + dt.timedelta(days=limits_for(start).get(code).days)


OPEN = "open"
OVERDUE = "overdue"
CLOSED = "closed"
STATUS_LABELS = {OPEN: "进行中", OVERDUE: "已逾期", CLOSED: "已完成"}


@dataclass(frozen=True)
class Deadline:
    """One tracked limit of one case: due (None until the event it counts from has happened),
    done_on (the day it was met) and the status on ``today``."""

    code: str
    label: str
    start: dt.date | None
    due: dt.date | None
    done_on: dt.date | None
    status: str
    late: bool
    verified: bool
    source: str

    @property
    def status_label(self) -> str:
        if self.status == CLOSED and self.late:
            return "已完成（逾期）"
        return STATUS_LABELS[self.status]


def track(code: str, *, start: dt.date | None, done_on: dt.date | None, today: dt.date) -> Deadline:
    """The state of one limit.

    Not started (no start date) → open with no due date. Done → closed (``late`` when done after
    the due date). Not done: overdue after the due date — except a window (the appeal), which
    simply closes when it runs out.
    """
    limit = limits_for(start or today).get(code)
    due = start + dt.timedelta(days=limit.days) if start else None
    late = bool(done_on and due and done_on > due)
    if done_on is not None:
        status = CLOSED
    elif due is None or today <= due:
        status = OPEN
    else:
        status = CLOSED if limit.is_window else OVERDUE
    return Deadline(code, limit.label, start, due, done_on, status, late, limit.verified, limit.source)


def case_deadlines(
    *,
    diagnosed_on: dt.date | None,
    certificate_issued_on: dt.date | None,
    certificate_delivered_on: dt.date | None,
    reported_on: dt.date | None,
    certificate_received_on: dt.date | None,
    appealed_on: dt.date | None,
    today: dt.date,
) -> list[Deadline]:
    """The three §13 limits of a case, in the order they arise."""
    return [
        track(
            CERTIFICATE_DELIVERY, start=certificate_issued_on, done_on=certificate_delivered_on, today=today
        ),
        track(ONLINE_REPORT, start=diagnosed_on, done_on=reported_on, today=today),
        track(APPEAL_WINDOW, start=certificate_received_on, done_on=appealed_on, today=today),
    ]


def any_overdue(deadlines: list[Deadline]) -> bool:
    return any(d.status == OVERDUE for d in deadlines)
