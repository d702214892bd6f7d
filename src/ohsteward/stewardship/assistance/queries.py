"""Reads of SME assistance: a plan's progress and its four rates, over the entries a viewer sees."""

from __future__ import annotations

from dataclasses import dataclass

from ohsteward.core import facts
from ohsteward.stewardship.assistance import rules
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistancePlan


@dataclass(frozen=True)
class PlanProgress:
    target: int
    enrolled: int
    items_done: int
    items_total: int
    enterprises_complete: int
    rates: list[rules.Rate]
    short_of_declared: list[AssistanceEntry]

    @property
    def shortfall(self) -> int:
        return max(0, self.target - self.enrolled)

    @property
    def enrolled_percent(self) -> int:
        return rules.progress_percent(self.enrolled, self.target)

    @property
    def items_percent(self) -> int:
        return rules.progress_percent(self.items_done, self.items_total)


def plan_progress(plan: AssistancePlan, user) -> PlanProgress:
    """Target vs enrolled vs items done (done or 不适用), the four rates and the employers
    without a valid declaration — in four queries, whatever the plan's size."""
    entries = list(
        AssistanceEntry.objects.for_user(user)
        .filter(plan=plan)
        .with_facts()
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    six = len(rules.ITEMS)
    declared = sum(1 for e in entries if e.declared)
    return PlanProgress(
        target=plan.target,
        enrolled=len(entries),
        items_done=sum(e.items_closed for e in entries),
        items_total=six * len(entries),
        enterprises_complete=sum(1 for e in entries if e.items_closed == six),
        rates=rules.rates(
            enrolled=len(entries),
            declared=declared,
            done=fact_counts([e.enterprise_id for e in entries], plan.year),
        ),
        short_of_declared=[e for e in entries if not e.declared],
    )


def entry_rates(entry: AssistanceEntry) -> list[rules.Rate]:
    """The four rates for one employer (1 of 1 or 0 of 1 where data exist)."""
    declared = getattr(entry, "declared", None)
    if declared is None:
        declared = AssistanceEntry.objects.with_facts().get(pk=entry.pk).declared
    done = fact_counts([entry.enterprise_id], entry.plan.year)
    return rules.rates(enrolled=1, declared=1 if declared else 0, done=done)


# The rates that a higher app knows (core.facts): rate code → fact. Stewardship sits below
# monitoring and surveillance and may not import them; they provide the fact in their ready().
RATE_FACTS = {"exams": facts.EXAMS_DONE}


def fact_counts(enterprise_ids: list[int], year: int) -> dict[str, int | None]:
    """Per rate code, how many of ``enterprise_ids`` meet it in ``year``; None where no installed
    app provides the fact (one bounded query per provided fact)."""
    out: dict[str, int | None] = {}
    for code, fact in RATE_FACTS.items():
        holding = facts.ask(fact, enterprise_ids, year)
        out[code] = None if holding is None else len(holding)
    return out
