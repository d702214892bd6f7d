"""Periodic detection due dates (pure; RULES.md §6, issue 11 item 5).

《工作场所职业卫生管理规定》(国家卫生健康委令第5号) 第20条: an employer with 职业病危害严重 (the
industry's class in 建设项目职业病危害风险分类管理目录 2021版) has its workplace hazards detected at
least once a year (and a 现状评价 at least every three years); any other employer at least once
every three years [S] (RULES.md §6). The table is versioned data: an employer whose industry is not
in the catalogue is, in our reading, handled as 一般 until an institution's assessment says
otherwise — that row is flagged 未核对.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

UNVERIFIED = "未核对"


@dataclass(frozen=True)
class Interval:
    risk_class: str  # registry.choices.RiskClass value
    years: int
    verified: bool
    source: str


@dataclass(frozen=True)
class IntervalTable:
    version: str
    effective_from: dt.date
    rows: tuple[Interval, ...]

    def for_class(self, risk_class: str) -> Interval:
        for row in self.rows:
            if row.risk_class == risk_class:
                return row
        return next(r for r in self.rows if r.risk_class == "unlisted")


INTERVALS_V1 = IntervalTable(
    version="v1（卫健委令第5号 第20条）",
    effective_from=dt.date(2021, 2, 1),
    rows=(
        Interval("serious", 1, True, "国家卫生健康委令第5号 第20条：严重 → 每年至少一次定期检测（RULES.md §6 [S]）"),
        Interval("general", 3, True, "国家卫生健康委令第5号 第20条：一般 → 每三年至少一次定期检测（RULES.md §6 [S]）"),
        Interval(
            "unlisted", 3, False,
            "行业未列入分类目录：应由技术服务机构评估确定，暂按一般（每三年）管理（我方解读，未核对）",
        ),
    ),
)  # fmt: skip
INTERVALS = (INTERVALS_V1,)


def interval_for(risk_class: str, on: dt.date) -> Interval:
    """The interval row for an employer's industry class in force on ``on``."""
    table = max(
        (t for t in INTERVALS if t.effective_from <= on), key=lambda t: t.effective_from, default=INTERVALS[0]
    )
    return table.for_class(risk_class or "unlisted")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Due:
    last_on: dt.date | None
    next_due: dt.date | None  # None: never detected — due now
    interval: Interval

    def overdue(self, today: dt.date) -> bool:
        return self.next_due is None or self.next_due < today

    @property
    def label(self) -> str:
        years = "每年" if self.interval.years == 1 else f"每{self.interval.years}年"
        return years + ("" if self.interval.verified else f"（{UNVERIFIED}）")


def next_due(last_on: dt.date | None, risk_class: str, today: dt.date) -> Due:
    """The next 定期检测 due date from the last one (sampling date); none yet → due (overdue) now."""
    interval = interval_for(risk_class, last_on or today)
    if last_on is None:
        return Due(None, None, interval)
    return Due(last_on, add_years(last_on, interval.years), interval)


def done_in_year(last_on: dt.date | None, risk_class: str, year: int) -> bool:
    """定期检测率 (001 附件3 一): detected in ``year``, or the last detection not yet due by its end."""
    if last_on is None:
        return False
    if last_on.year == year:
        return True
    due = next_due(last_on, risk_class, dt.date(year, 12, 31)).next_due
    return last_on.year < year and due is not None and due > dt.date(year, 12, 31)
