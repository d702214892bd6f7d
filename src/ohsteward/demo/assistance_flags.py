"""Demo SME-assistance priority flags (001 附件3 二(一)1): after the exams and supervision demos, make
sure at least one assisted employer shows 带病例 (a suspected case from an exam) and one shows
在案整改 (an enforcement case opened, not closed). Both are read live through ``core.facts`` by
the assistance pages and API; this module only writes the records behind them, through the
surveillance and supervision actions."""

from __future__ import annotations

import datetime as dt

from ohsteward.core import facts
from ohsteward.demo.exams import exam_institution, exposed_factors
from ohsteward.stewardship.assistance import actions as assistance_actions
from ohsteward.stewardship.assistance import rules as assistance_rules
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistancePlan
from ohsteward.supervision import actions as supervision_actions
from ohsteward.surveillance.exams import actions as exam_actions
from ohsteward.surveillance.models import Worker


def _assisted(year: int) -> list[int]:
    return list(
        AssistanceEntry.objects.filter(plan__year=year)
        .order_by("plan__district_id", "enterprise_id")
        .values_list("enterprise_id", flat=True)
    )


def _worker_at_assisted(year: int, today: dt.date) -> Worker | None:
    """A current worker of an assisted employer; failing that, one of an employer that may join a
    plan of the year (size class, district), which is then enrolled."""
    current = Worker.objects.filter(leave_date__isnull=True, hire_date__lte=today - dt.timedelta(days=30))
    worker = current.filter(enterprise_id__in=_assisted(year)).order_by("enterprise_id", "pk").first()
    if worker is not None:
        return worker
    for plan in AssistancePlan.objects.filter(year=year).order_by("district_id", "pk"):
        local = current.filter(enterprise__region_id=plan.district_id).select_related("enterprise")
        for candidate in local.order_by("enterprise_id", "pk"):
            e = candidate.enterprise
            error = assistance_rules.enrol_error(
                size_class=e.size_class, employer_district=e.region_id, plan_district=plan.district_id
            )
            if error is None:
                assistance_actions.entry_add(user=None, plan=plan, enterprise=candidate.enterprise)
                return candidate
    return None


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    made = {"case_flag": 0, "rectification_flag": 0}
    if not _assisted(year):
        return made
    held = facts.ask(facts.HAS_OCCUPATIONAL_DISEASE_CASE, _assisted(year), year)
    if held is not None and not held:
        worker = _worker_at_assisted(year, today)
        institution = exam_institution(worker.enterprise, today) if worker is not None else None
        if worker is not None and institution is not None:
            exam_actions.exam_record(
                user=None, worker=worker, date=today - dt.timedelta(days=12), kind="periodic",
                institution=institution, source="api",
                results=[{"factor": exposed_factors(worker)[0], "conclusion": "c", "items": "胸片可见小阴影，疑似尘肺"}],
            )  # fmt: skip
            made["case_flag"] = 1
    ids = _assisted(year)
    cases = facts.ask(facts.HAS_OCCUPATIONAL_DISEASE_CASE, ids, year) or set()
    held = facts.ask(facts.UNDER_ENFORCEMENT_OR_RECTIFICATION, ids, year)
    if held is not None and not held:
        # not the employer with the case: each flag visible on its own
        employer_id = next((i for i in ids if i not in cases), ids[0])
        entry = AssistanceEntry.objects.select_related("enterprise").filter(enterprise_id=employer_id).first()
        supervision_actions.case_open(
            user=None, enterprise=entry.enterprise, opened_on=today - dt.timedelta(days=15), today=today,
            violations="专项整治中发现：未按规定组织接害劳动者在岗期间职业健康检查",
            provisions="《中华人民共和国职业病防治法》第三十五条、第七十一条",
            case_no=f"渝卫职罚〔{year}〕专{employer_id % 100:02d}号",
        )  # fmt: skip
        made["rectification_flag"] = 1
    return made
