"""Demo classified supervision: reviewed self-inspections and assessments giving every class
(甲/乙/丙), a flagged per-class ratio configuration, a yearly plan drawn for 渝北 and 万州, and a full
inspection → order → re-inspection → case path — all written through the supervision actions; then
the early warnings (预警) of all 8 kinds, stored by ``warnings.refresh`` (``_warnings``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from ohsteward.monitoring.models import Measurement
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship.choices import VisitStatus
from ohsteward.stewardship.models import ServiceAgreement
from ohsteward.supervision import actions, queries, rules, warnings
from ohsteward.supervision.models import Inspection, RiskAssessment
from ohsteward.surveillance import actions as surveillance_actions
from ohsteward.surveillance.models import Worker

DISTRICTS = ("500112", "500101")
RATIOS = {"甲": 0.05, "乙": 0.2, "丙": 0.5}
# score that gives the wanted class at each hazard level (附件3 as configured, 未核对)
SCORES = {
    ("I", "甲"): 95, ("I", "乙"): 60, ("II", "甲"): 95, ("II", "乙"): 80, ("II", "丙"): 60,
    ("III", "乙"): 95, ("III", "丙"): 75,
}  # fmt: skip
TARGETS = ("甲", "乙", "丙")


def _answer_to(inspection, score: float) -> None:
    """Full points everywhere, then take the shortfall off the largest non-veto items."""
    answers = list(inspection.answers.select_related("item").order_by("-item__points"))
    points = {a.item.code: float(a.item.points) for a in answers}
    short = 100 - score
    for a in answers:
        if short <= 0:
            break
        if a.item.veto:
            continue
        take = min(points[a.item.code], short)
        points[a.item.code] -= take
        short -= take
    for a in answers:
        actions.self_inspection_answer(
            user=None, inspection=inspection, code=a.item.code, points=Decimal(str(points[a.item.code]))
        )


def _employers(district: str, n: int) -> list[Enterprise]:
    with_factors = (
        Enterprise.objects.filter(region_id=district)
        .filter(Q(declarations__status="valid") | Q(workplaces__posts__exposures__isnull=False))
        .distinct()
        .order_by("pk")
    )
    found = list(with_factors[:n])
    if len(found) < n:
        found += list(
            Enterprise.objects.filter(region_id=district)
            .exclude(pk__in=[e.pk for e in found])
            .order_by("pk")[: n - len(found)]
        )
    return found


def populate(*, year: int, today: dt.date, seed: int) -> None:
    r = rules.rules_on(today)
    actions.checklist_active()
    for district in DISTRICTS:
        region = Region.objects.get(code=district)
        for i, employer in enumerate(_employers(district, 12)):
            level = rules.hazard_level(r, queries.live_factors(employer, today, r).factors).level
            target = TARGETS[i % 3]
            score = SCORES.get((level, target)) or SCORES.get((level, "乙"), 80)
            inspection = actions.self_inspection_start(
                user=None, enterprise=employer, on=today - dt.timedelta(days=30)
            )
            _answer_to(inspection, score)
            actions.self_inspection_submit(user=None, inspection=inspection, on=today - dt.timedelta(days=25))
            actions.self_inspection_review(
                user=None, inspection=inspection, on=today - dt.timedelta(days=20), note="演示审核"
            )
            actions.risk_assess(user=None, enterprise=employer, on=today)
        for klass, ratio in RATIOS.items():
            actions.frequency_set(
                user=None,
                district=region,
                risk_class=klass,
                ratio=ratio,
                minimum=1,
                note="演示取值：来源未找到，未核对",
            )
        plan = actions.plan_generate(user=None, district=region, year=year, seed=seed)
        planned = Inspection.objects.filter(plan=plan).order_by("pk")
        first = planned.filter(enterprise__risk_assessments__isnull=False).first() or planned.first()
        if first is None:
            continue
        # 三步法: an order that was not complied with, then a case (decided in 渝北, closed in 万州)
        actions.inspection_record(
            user=None, inspection=first, inspected_on=today - dt.timedelta(days=60), today=today,
            findings="未在产生粉尘的作业岗位设置警示标识\n未按规定组织在岗期间职业健康检查",
            opinion="设置警示标识和中文警示说明；组织在岗期间职业健康检查。",
            order_deadline=today - dt.timedelta(days=30),
        )  # fmt: skip
        actions.inspection_reinspect(
            user=None, inspection=first, inspected_on=today - dt.timedelta(days=25), today=today, corrected=False,
            findings="警示标识仍未设置",
        )  # fmt: skip
        case = actions.case_open(
            user=None, enterprise=first.enterprise, inspection=first, opened_on=today - dt.timedelta(days=20),
            today=today, violations="逾期未改正：未设置警示标识、未组织在岗期间职业健康检查",
            provisions="《中华人民共和国职业病防治法》第七十条、第七十一条", case_no=f"渝卫职罚〔{year}〕{district[-2:]}号",
        )  # fmt: skip
        actions.case_decide(
            user=None, case=case, decision="警告，并处罚款人民币三万元", decided_on=today - dt.timedelta(days=10),
            penalty_amount=Decimal("30000"),
        )  # fmt: skip
        if district == "500101":
            actions.case_close(user=None, case=case, closed_on=today - dt.timedelta(days=2))
        _projects(planned.first().enterprise, today)
        second = planned.exclude(pk=first.pk).first()
        if second is not None:  # an order still running (step 2)
            actions.inspection_record(
                user=None, inspection=second, inspected_on=today - dt.timedelta(days=5), today=today,
                findings="职业卫生档案不完整", order_deadline=today + dt.timedelta(days=25),
            )  # fmt: skip
    _warnings(today)


def _warnings(today: dt.date) -> None:
    """The facts behind the warnings the other demo modules do not already give, then one refresh.
    From the other modules: declared but undetected, over the limit without a task, exams overdue,
    a suspected case not referred and an overdue reassignment (demo.exams). Added here: a worker on
    a loud (≥ 85 dB(A)) post with no noise exam, an agreement past its end with planned visits, and
    an earlier 甲 assessment before a 乙/丙 one (the class moved higher)."""
    r = rules.warning_rules_for(today)
    noise = Measurement.objects.filter(factor__name__in=r.noise_factor_names, measured_on__lte=today)
    loud = next(
        (
            m
            for m in noise.order_by("pk")
            if rules.noise_needs_audiometry(rules.noise_level(m.l_ex_8h, m.l_ex_w, m.value), r)
        ),
        None,
    )
    uscc = dict(Enterprise.objects.filter(pk=getattr(loud, "enterprise_id", None)).values_list("pk", "uscc"))
    if loud is not None and not warnings.noise_no_audiometry([loud.enterprise_id], today, uscc, r):
        free = (
            Worker.objects.filter(
                enterprise=loud.enterprise,
                leave_date__isnull=True,
                hire_date__lte=today - dt.timedelta(days=30),
            )
            .filter(surveillance_tasks__isnull=True, disease_cases__isnull=True)
            .exclude(exams__results__factor__name__in=r.noise_factor_names)
            .order_by("pk")
        )
        worker = free.exclude(posts__end_date__isnull=True).first() or free.first()
        if worker is not None:
            surveillance_actions.worker_post_add(
                user=None, worker=worker, post=loud.post, start_date=today - dt.timedelta(days=30)
            )
    agreement = (
        ServiceAgreement.objects.filter(
            visits__status=VisitStatus.PLANNED, start_date__lt=today - dt.timedelta(days=60)
        )
        .order_by("pk")
        .first()
    )
    if agreement is not None:  # an agreement that ran out with visits still planned
        ServiceAgreement.objects.filter(pk=agreement.pk).update(end_date=today - dt.timedelta(days=3))
    latest = RiskAssessment.objects.filter(comprehensive_class__in=("乙", "丙")).order_by("pk").first()
    if latest is not None:  # last year's assessment: 甲, so this year's class moved higher
        earlier = RiskAssessment.objects.get(pk=latest.pk)
        earlier.pk = None
        earlier.assessed_on = latest.assessed_on - dt.timedelta(days=365)
        earlier.comprehensive_class = "甲"
        earlier.save()
    warnings.refresh(None, today)


def _projects(employer: Enterprise, today: dt.date) -> None:
    """One project through all its stages (accepted: a change declaration is due) and one late."""
    done = actions.project_create(
        user=None, enterprise=employer, name="二期厂房扩建项目", kind="expand", serious=True,
        started_on=today - dt.timedelta(days=300), planned_completion=today - dt.timedelta(days=20),
    )  # fmt: skip
    for i, stage in enumerate(("pre_assessment", "design", "control_effect", "acceptance")):
        actions.project_record_stage(
            user=None, project=done, stage=stage, on=today - dt.timedelta(days=400 - i * 120), today=today,
            report_no=f"ZYWS-{today.year}-{i + 1:03d}", institution="重庆某职业卫生技术服务有限公司",
        )  # fmt: skip
    late = actions.project_create(
        user=None, enterprise=employer, name="喷涂线技术改造", kind="tech", serious=True,
        started_on=today - dt.timedelta(days=60), planned_completion=today + dt.timedelta(days=120),
    )  # fmt: skip
    actions.project_record_stage(
        user=None, project=late, stage="pre_assessment", on=today - dt.timedelta(days=90), today=today
    )
