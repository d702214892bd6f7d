"""Reads of SME assistance: a plan's progress and its four rates, over the entries a viewer sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ohsteward.core import facts
from ohsteward.stewardship.assistance import rules
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistancePlan
from ohsteward.stewardship.training import queries as training


@dataclass(frozen=True)
class PlanProgress:
    target: int
    enrolled: int
    items_done: int
    items_total: int
    enterprises_complete: int
    rates: list[rules.Rate]
    short_of_declared: list[AssistanceEntry]
    short_of_training: list[tuple[AssistanceEntry, str]]

    @property
    def shortfall(self) -> int:
        return max(0, self.target - self.enrolled)

    @property
    def enrolled_percent(self) -> int:
        return rules.progress_percent(self.enrolled, self.target)

    @property
    def items_percent(self) -> int:
        return rules.progress_percent(self.items_done, self.items_total)


def plan_progress(plan: AssistancePlan, user, today: dt.date | None = None) -> PlanProgress:
    """Target vs enrolled vs items done (done or 不适用), the four rates, the employers without a
    valid declaration and those whose training in the plan year falls short of the rules — in
    six queries, whatever the plan's size."""
    entries = list(
        AssistanceEntry.objects.for_user(user)
        .filter(plan=plan)
        .with_facts()
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    six = len(rules.ITEMS)
    declared = sum(1 for e in entries if e.declared)
    short = training.training_done(
        [e.enterprise_id for e in entries], plan.year, today or timezone.localdate()
    )
    return PlanProgress(
        target=plan.target,
        enrolled=len(entries),
        items_done=sum(e.items_closed for e in entries),
        items_total=six * len(entries),
        enterprises_complete=sum(1 for e in entries if e.items_closed == six),
        rates=rules.rates(
            enrolled=len(entries),
            declared=declared,
            done={
                **_facts_done([e.enterprise_id for e in entries], plan.year),
                "training": sum(1 for r in short.values() if r is None),
            },
        ),
        short_of_declared=[e for e in entries if not e.declared],
        short_of_training=[(e, reason) for e in entries if (reason := short[e.enterprise_id]) is not None],
    )


def entry_rates(entry: AssistanceEntry, today: dt.date | None = None) -> list[rules.Rate]:
    """The four rates for one employer (1 of 1 or 0 of 1 where data exist)."""
    declared = getattr(entry, "declared", None)
    if declared is None:
        declared = AssistanceEntry.objects.with_facts().get(pk=entry.pk).declared
    short = training.training_done([entry.enterprise_id], entry.plan.year, today or timezone.localdate())
    done = {
        **_facts_done([entry.enterprise_id], entry.plan.year),
        "training": 1 if short[entry.enterprise_id] is None else 0,
    }
    return rules.rates(enrolled=1, declared=1 if declared else 0, done=done)


# The rates that a higher app knows (core.facts): rate code → fact. Stewardship sits below
# monitoring and surveillance in the layers and never imports them.
RATE_FACTS = {"periodic_detection": facts.PERIODIC_DETECTION_DONE, "exams": facts.EXAMS_DONE}


def _facts_done(enterprise_ids: list[int], year: int) -> dict[str, int | None]:
    """Per rate code, how many of the employers the fact holds for; None when no installed app
    provides it (the rate is then "无数据")."""
    out: dict[str, int | None] = {}
    for code, fact in RATE_FACTS.items():
        held = facts.ask(fact, enterprise_ids, year)
        out[code] = None if held is None else len(held)
    return out


def remediation_hint(entry: AssistanceEntry) -> str:
    """What the monitoring results say about item 7 (开展一次超标岗位职业病危害治理, which applies to an
    employer with an over-limit post; 001 附件3 二(二)7), from ``core.facts``; "" without data."""
    ids, year = [entry.enterprise_id], entry.plan.year
    over = facts.ask(facts.HAS_OVER_LIMIT_POST, ids, year)
    if over is None:
        return ""
    if not over:
        return f"检测结果显示{year}年无超标岗位：本项可标为不适用（理由：无超标岗位）"
    if facts.ask(facts.OVER_LIMIT_FIXED, ids, year):
        return f"{year}年的超标岗位均已整改并复测合格"
    return f"{year}年有超标岗位尚未复测合格：整改任务见“超标整改”"


def training_shortfall(entry: AssistanceEntry, today: dt.date | None = None) -> str | None:
    """Why one assisted employer's training falls short in its plan year, or None."""
    return training.training_done([entry.enterprise_id], entry.plan.year, today or timezone.localdate())[
        entry.enterprise_id
    ]


# The flags of 001 附件3 二(一)1 that only higher apps know: (attribute, fact, header).
FLAG_FACTS = (
    ("case_flag", facts.HAS_OCCUPATIONAL_DISEASE_CASE, "带病例"),
    ("rectification_flag", facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, "在案整改"),
)


def with_flags(entries: list[AssistanceEntry]) -> list[AssistanceEntry]:
    """Set ``case_flag`` / ``rectification_flag`` (True, False, or None when no installed app
    provides the fact: "无数据") and ``is_priority`` on each entry, asking each fact once per plan
    year among the entries (001 附件3 二(一)1: 存在职业病病例或专项整治的企业 are priorities, like
    the priority industries and severe hazards stored in ``priority``)."""
    by_year: dict[int, list[AssistanceEntry]] = {}
    for entry in entries:
        by_year.setdefault(entry.plan.year, []).append(entry)
    for year, group in by_year.items():
        ids = {e.enterprise_id for e in group}
        for attr, name, _header in FLAG_FACTS:
            held = facts.ask(name, ids, year)
            for entry in group:
                setattr(entry, attr, None if held is None else entry.enterprise_id in held)
    for entry in entries:
        entry.is_priority = bool(entry.priority) or any(getattr(entry, a) for a, _n, _h in FLAG_FACTS)
    return entries
