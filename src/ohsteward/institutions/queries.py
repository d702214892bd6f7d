"""Reads of the institutions app as a viewer sees them (every count starts from ``for_user``): the
yearly figures of quality compliance — QC coverage, rectification rate, proficiency participation
(001 目标(三), 附件1 第8、12条), a constant number of queries whatever the number of institutions —
and the open work of a user (home page)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Min, Q
from django.urls import reverse

from ohsteward.accounts import access
from ohsteward.core.work import DUE, INFO, OPEN, OVERDUE, WorkItem
from ohsteward.institutions import rules
from ohsteward.institutions.choices import InspectionStatus, RectificationStatus, ReferralDirection
from ohsteward.institutions.models import (
    Engagement,
    Institution,
    ProficiencyResult,
    QcInspection,
    Qualification,
    Rectification,
    Referral,
    ReportCard,
    TechnicalGuidance,
)


@dataclass(frozen=True)
class Figure:
    label: str
    numerator: int
    denominator: int
    target: float | None = None  # percent

    @property
    def rate(self) -> float | None:
        return rules.rate(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        if self.target is None or self.rate is None:
            return None
        return self.rate >= self.target


def qc_coverage(user, year: int, *, out_of_province: bool = False) -> Figure:
    """Institutions with a recorded QC inspection in ``year`` / institutions (质控覆盖率, target
    100 % a year in Chongqing; out-of-province institutions: ≥ 50 % sampled, 001 附件1 第12条)."""
    institutions = Institution.objects.for_user(user)
    if out_of_province:
        institutions = institutions.out_of_province()
    inspected = (
        QcInspection.objects.for_user(user)
        .filter(year=year, status=InspectionStatus.RECORDED, institution__in=institutions.values("pk"))
        .values("institution_id")
        .distinct()
        .count()
    )
    if out_of_province:
        return Figure("外省来渝机构质控抽查比例", inspected, institutions.count(), 50.0)
    return Figure("质控覆盖率", inspected, institutions.count(), 100.0)


def rectification_rate(user, year: int) -> Figure:
    """Rectification demands on ``year``'s inspections that were accepted / all of them (质控问题整改率, 100 %)."""
    demands = Rectification.objects.for_user(user).filter(inspection__year=year)
    closed = demands.filter(status=RectificationStatus.CLOSED).count()
    return Figure("质控问题整改率", closed, demands.count(), 100.0)


def proficiency_participation(user, year: int) -> Figure:
    """Places on ``year``'s round lists with a recorded result / places ("应参加尽参加", 第8条)."""
    places = ProficiencyResult.objects.for_user(user).filter(round__year=year)
    done = places.exclude(outcome="").count()
    return Figure("能力验证参加率", done, places.count(), 100.0)


def year_figures(user, year: int) -> list[Figure]:
    return [
        qc_coverage(user, year),
        qc_coverage(user, year, out_of_province=True),
        rectification_rate(user, year),
        proficiency_participation(user, year),
    ]


# --------------------------------------------------------------------------------------------
# Open work (home page, core/work.py)
# --------------------------------------------------------------------------------------------


def open_work(user, today: dt.date) -> list[WorkItem]:
    """The city's (city admin, city CDC) and an institution's own open QC work: overdue
    rectifications, qualifications ending within 90 days, QC inspections planned but not recorded.
    Districts and others get only the ledger's items (``ledger_work``). Each count starts from
    ``for_user``: an institution sees only its own records. Four queries."""
    items: list[WorkItem] = ledger_work(user, today) + card_work(user, today)
    own = access.own_institution_id(user)
    citywide = access.sees_everything(user)
    if not (own or citywide):
        return items
    if user.has_perm("institutions.view_rectification"):
        late = (
            Rectification.objects.for_user(user)
            .open()
            .filter(deadline__lt=today)
            .aggregate(n=Count("pk"), oldest=Min("deadline"))
        )
        if late["n"]:
            url = f"{reverse('institutions:rectification_list')}?overdue=true"
            if own:
                label, hint = f"{late['n']} 项质控整改已超过期限", "尽快完成整改，报市疾控中心验收"
            else:
                label, hint = f"{late['n']} 项质控整改逾期未验收", "督促机构整改，完成验收或重新下达期限"
            items.append(WorkItem(label, url, late["n"], late["oldest"], OVERDUE, hint))
    if user.has_perm("institutions.view_qualification"):
        start, end = rules.expiry_window(today)
        soon = (
            Qualification.objects.for_user(user)
            .filter(valid_until__gte=start, valid_until__lte=end)
            .aggregate(
                n=Count("pk"), first=Min("valid_until"), institutions=Count("institution", distinct=True)
            )
        )
        if soon["n"]:
            url = f"{reverse('institutions:institution_list')}?expiring=true"
            days = rules.QUALIFICATION_WARNING_DAYS
            if own:
                label, hint = f"{soon['n']} 项资质（备案）{days}天内到期", "及时办理延续或重新备案"
            else:
                label = f"{soon['institutions']} 家机构的 {soon['n']} 项资质（备案）{days}天内到期"
                hint = "提醒机构办理延续，到期未延续的不得继续执业"
            items.append(WorkItem(label, url, soon["n"], soon["first"], DUE, hint))
    if user.has_perm("institutions.view_qcinspection"):
        planned = (
            QcInspection.objects.for_user(user)
            .filter(status=InspectionStatus.PLANNED, year__lte=today.year)
            .aggregate(
                late=Count("pk", filter=Q(year__lt=today.year)),
                this_year=Count("pk", filter=Q(year=today.year)),
            )
        )
        url = f"{reverse('institutions:qcinspection_list')}?status={InspectionStatus.PLANNED}"
        records = user.has_perm("institutions.change_qcinspection") and citywide
        if planned["late"]:
            label = f"{planned['late']} 项往年质控检查计划未录入结果"
            hint = "录入检查结果，或说明未开展的原因" if records else "联系市疾控中心确认质控检查安排"
            items.append(WorkItem(label, url, planned["late"], None, OVERDUE, hint))
        if planned["this_year"]:
            n = planned["this_year"]
            if records:
                label, hint, urgency = f"本年度 {n} 项质控检查已计划、未录入结果", "开展检查并录入结果", OPEN
            else:
                label, hint, urgency = "本年度质控检查已列入计划、尚未开展", "准备质控检查所需的资料", INFO
            items.append(
                WorkItem(label, f"{url}&year={today.year}", n, dt.date(today.year, 12, 31), urgency, hint)
            )
    return items


# --------------------------------------------------------------------------------------------
# Out-of-province institutions: the yearly ≥ 50 % QC sample and its results (001 附件1 第12条)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutOfProvinceRow:
    institution: Institution
    clients: int  # Chongqing employers with an engagement overlapping the year
    inspection: QcInspection | None
    open_rectifications: int


def out_of_province_report(user, year: int) -> tuple[list[OutOfProvinceRow], list[Figure]]:
    """Every out-of-province institution the user sees, whether it is in the year's QC sample, the
    inspection's result, open rectification demands and how many Chongqing employers it served;
    the figures (sampled share ≥ 50 %, inspected share, pass rate). Four queries."""
    institutions = list(Institution.objects.for_user(user).out_of_province().order_by("name"))
    ids = [i.pk for i in institutions]
    inspections: dict[int, QcInspection] = {}
    for inspection in (
        QcInspection.objects.for_user(user)
        .filter(year=year, institution_id__in=ids)
        .order_by("-status", "pk")
    ):
        # a recorded inspection wins over a planned one ("recorded" > "planned")
        inspections.setdefault(inspection.institution_id, inspection)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    clients = dict(
        Engagement.objects.for_user(user)
        .filter(institution_id__in=ids, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values("institution_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("institution_id", "n")
    )
    open_demands = dict(
        Rectification.objects.for_user(user)
        .open()
        .filter(inspection__year=year, inspection__institution_id__in=ids)
        .values("inspection__institution_id")
        .annotate(n=Count("pk"))
        .values_list("inspection__institution_id", "n")
    )
    rows = [
        OutOfProvinceRow(i, clients.get(i.pk, 0), inspections.get(i.pk), open_demands.get(i.pk, 0))
        for i in institutions
    ]
    recorded = [r for r in rows if r.inspection and r.inspection.status == InspectionStatus.RECORDED]
    passed = sum(1 for r in recorded if r.inspection and r.inspection.result == "pass")
    figures = [
        Figure("纳入抽查比例", len(inspections), len(rows), 100 * rules.OUT_OF_PROVINCE_MIN_FRACTION),
        Figure("已完成抽查比例", len(recorded), len(rows), 100 * rules.OUT_OF_PROVINCE_MIN_FRACTION),
        Figure("抽查合格率", passed, len(recorded)),
    ]
    return rows, figures


# --------------------------------------------------------------------------------------------
# The QC ↔ enforcement ledger at the monthly dispatch (001 附件1 第13条)
# --------------------------------------------------------------------------------------------


def ledger_month(user, year: int, month: int) -> list[tuple[str, str, rules.MonthSummary]]:
    """The month's ledger summary per district (the city's own as "市级") and direction, plus a
    total row: ``[(district name, direction label, summary)]``. One query."""
    _first, last = rules.month_bounds(year, month)
    rows = (
        Referral.objects.for_user(user)
        .filter(handed_on__lte=last)
        .values_list("district__name", "direction", "status", "handed_on", "closed_on")
        .order_by("district_id", "direction", "pk")
    )
    groups: dict[tuple[str, str], list[rules.ReferralRow]] = {}
    every: list[rules.ReferralRow] = []
    for district, direction, status, handed_on, closed_on in rows:
        row = rules.ReferralRow(direction, status, handed_on, closed_on)
        groups.setdefault((district or "市级", direction), []).append(row)
        every.append(row)
    labels = dict(ReferralDirection.choices)
    result = [
        (district, str(labels.get(direction, direction)), rules.month_summary(group, year, month))
        for (district, direction), group in groups.items()
    ]
    result.append(("合计", "", rules.month_summary(every, year, month)))
    return result


def ledger_work(user, today: dt.date) -> list[WorkItem]:
    """The ledger's open work for whoever handles referrals (the city, a district's supervision):
    referrals waiting to be received, and referrals open more than ``rules.OPEN_LONG_DAYS`` days
    (the dispatch meeting asks about them). One query."""
    if not user.has_perm("institutions.change_referral"):
        return []
    long_ago = today - dt.timedelta(days=rules.OPEN_LONG_DAYS)
    counts = (
        Referral.objects.for_user(user)
        .open()
        .aggregate(
            waiting=Count("pk", filter=Q(status="handed_over")),
            first_waiting=Min("handed_on", filter=Q(status="handed_over")),
            long=Count("pk", filter=Q(handed_on__lt=long_ago)),
            oldest=Min("handed_on", filter=Q(handed_on__lt=long_ago)),
        )
    )
    url = reverse("institutions:referral_list")
    items = []
    if counts["long"]:
        items.append(
            WorkItem(
                f"{counts['long']} 条质控监督移交超过{rules.OPEN_LONG_DAYS}天未办结",
                f"{url}?open=true",
                counts["long"],
                counts["oldest"] + dt.timedelta(days=rules.OPEN_LONG_DAYS),
                OVERDUE,
                "督办查处进度，月调度会将通报",
            )
        )
    if counts["waiting"]:
        items.append(
            WorkItem(
                f"{counts['waiting']} 条质控监督移交待接收",
                f"{url}?status=handed_over",
                counts["waiting"],
                counts["first_waiting"],
                OPEN,
                "确认接收并登记承办人，或说明理由退回",
            )
        )
    return items


# --------------------------------------------------------------------------------------------
# Technical guidance against the yearly target (001 附件1 目标(四))
# --------------------------------------------------------------------------------------------


def guidance_counts(user, year: int) -> list[dict[str, Any]]:
    """Per guiding institution the user sees, the year's visits and distinct employers against
    the target (``rules.guidance_status``): every institution with the guidance duty, and any
    other that recorded guidance. Counts are of the visits the user sees."""
    target = rules.load_guidance_target()
    visits = TechnicalGuidance.objects.all() if user is None else TechnicalGuidance.objects.for_user(user)
    rows = visits.in_year(year).values_list("institution_id", "enterprise_id")
    per: dict[int, set[int]] = defaultdict(set)
    count: dict[int, int] = defaultdict(int)
    for institution_id, enterprise_id in rows:
        per[institution_id].add(enterprise_id)
        count[institution_id] += 1
    institutions = Institution.objects.all() if user is None else Institution.objects.for_user(user)
    wanted = institutions.filter(guidance_duty=True) | institutions.filter(pk__in=list(per))
    result = []
    for institution in wanted.select_related("region").order_by("region_id", "name"):
        employers = len(per.get(institution.pk, ()))
        result.append(
            {
                "institution": institution,
                "visits": count.get(institution.pk, 0),
                "employers": employers,
                "target": target.min_employers,
                "status": rules.guidance_status(employers, target, year)
                if institution.guidance_duty
                else "no_duty",
            }
        )
    return result


# --------------------------------------------------------------------------------------------
# Report cards: reporting rate and timeliness (issue 9 item 3)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRateRow:
    institution: Institution
    counts: rules.CardCounts
    missing: int  # unfiled, deadline passed
    late: int

    @property
    def rate(self) -> float | None:
        return rules.rate(self.counts.reported, self.counts.performed)

    @property
    def timeliness(self) -> float | None:
        return rules.rate(self.counts.on_time, self.counts.reported)


def card_rates(user, year: int, today: dt.date) -> list[CardRateRow]:
    """Per institution the user sees, its cards for activities performed in ``year``: 上报率
    (reported / performed, where performed counts cards filed or past their deadline) and 及时率
    (on time / reported). Two queries."""
    cards = ReportCard.objects.for_user(user).filter(performed_on__year=year)
    rows = (
        cards.values("institution_id")
        .annotate(
            performed=Count("pk", filter=Q(reported_on__isnull=False) | Q(due_on__lt=today)),
            reported=Count("pk", filter=Q(reported_on__isnull=False)),
            on_time=Count("pk", filter=Q(reported_on__lte=F("due_on"))),
            missing=Count("pk", filter=Q(reported_on__isnull=True, due_on__lt=today)),
            late=Count("pk", filter=Q(reported_on__gt=F("due_on"))),
        )
        .order_by("institution_id")
    )
    by_id = {r["institution_id"]: r for r in rows}
    institutions = Institution.objects.filter(pk__in=by_id).order_by("name")
    return [
        CardRateRow(
            i,
            rules.CardCounts(by_id[i.pk]["performed"], by_id[i.pk]["reported"], by_id[i.pk]["on_time"]),
            by_id[i.pk]["missing"],
            by_id[i.pk]["late"],
        )
        for i in institutions
    ]


def card_work(user, today: dt.date) -> list[WorkItem]:
    """What an institution still owes (its own cards not filed: past the deadline, and due within
    the deadline) — and for the city, the cards overdue across all institutions. One query."""
    own = access.own_institution_id(user)
    if not (own or access.sees_everything(user)) or not user.has_perm("institutions.view_reportcard"):
        return []
    owed = ReportCard.objects.for_user(user).filter(reported_on__isnull=True)
    if own:
        owed = owed.filter(institution_id=own)
    counts = owed.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        oldest=Min("due_on", filter=Q(due_on__lt=today)),
        open=Count("pk", filter=Q(due_on__gte=today)),
        next_due=Min("due_on", filter=Q(due_on__gte=today)),
    )
    url = reverse("institutions:reportcard_list")
    items: list[WorkItem] = []
    if counts["overdue"]:
        n = counts["overdue"]
        if own:
            label, hint = f"{n} 张信息报告卡已过报送期限未报送", "尽快报送；逾期报送计入及时率"
        else:
            label, hint = f"各机构共 {n} 张信息报告卡逾期未报送", "督促机构报送，影响上报率和三色评定"
        items.append(WorkItem(label, f"{url}?overdue=true", n, counts["oldest"], OVERDUE, hint))
    if own and counts["open"]:
        n = counts["open"]
        items.append(
            WorkItem(
                f"{n} 张信息报告卡待报送",
                f"{url}?status=missing&overdue=false",
                n,
                counts["next_due"],
                DUE,
                "在报送期限前报送",
            )
        )
    return items
