"""Reads of monitoring: detection due dates, open work for the home pages, and the facts other apps
ask through ``core.facts`` (stewardship's SME-assistance rates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.work import DUE, OPEN, OVERDUE, WorkItem
from ohsteward.monitoring import assess, periodic, stats
from ohsteward.monitoring.choices import ReportKind, TaskStatus
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.registry.choices import RiskClass
from ohsteward.registry.models import Enterprise, PostExposure
from ohsteward.stewardship.followups import Rectification


def last_periodic():
    """The sampling date of an employer's last 定期检测 (a subquery on ``Enterprise``)."""
    return Subquery(
        DetectionReport.objects.filter(enterprise_id=OuterRef("pk"), kind=ReportKind.PERIODIC)
        .order_by("-sampling_start")
        .values("sampling_start")[:1]
    )


def with_hazards(among: QuerySet | None = None):
    """Employers the due list covers: operating employers known to have hazards — a post exposure
    in the register, exposed workers, or any detection report. (The 危害因素企业名单 of the
    declarations app sits above monitoring in the layers and is not read here.)

    ``among``: only the employers of this ``Enterprise`` queryset (e.g. a district's); the same rows as
    ``with_hazards().filter(pk__in=among)``, but the exposures and reports are looked up among
    those employers only (``pk IN`` subqueries the planner hashes per area) instead of over the
    whole city (``tests/test_queries.py`` compares the two forms)."""
    if among is None:
        return (
            Enterprise.objects.operating()
            .annotate(
                _exposed=Exists(PostExposure.objects.filter(post__workplace__enterprise_id=OuterRef("pk"))),
                _reported=Exists(DetectionReport.objects.filter(enterprise_id=OuterRef("pk"))),
            )
            .filter(Q(_exposed=True) | Q(_reported=True) | Q(exposed_workers__gt=0))
        )
    ids = among.order_by().values("pk")
    exposed = PostExposure.objects.filter(post__workplace__enterprise_id__in=ids).values(
        "post__workplace__enterprise_id"
    )
    reported = DetectionReport.objects.filter(enterprise_id__in=ids).values("enterprise_id")
    # ``among`` itself is the outer query (its area filter on the rows, not a ``pk IN`` of it)
    return among.operating().filter(Q(pk__in=exposed) | Q(pk__in=reported) | Q(exposed_workers__gt=0))


def detection_due():
    """``with_hazards()`` annotated with ``last_periodic_on`` (rows of the due list)."""
    return with_hazards().annotate(last_periodic_on=last_periodic())


def _cutoffs(on: dt.date) -> tuple[dt.date, dt.date]:
    """The last sampling dates that are too old on ``on``: (严重 class, every other class), from
    the interval of each class (``periodic.INTERVALS``, 严重 1 year, otherwise 3)."""
    serious = periodic.interval_for(RiskClass.SERIOUS, on).years
    other = periodic.interval_for(RiskClass.GENERAL, on).years
    return periodic.add_years(on, -serious), periodic.add_years(on, -other)


def overdue_q(today: dt.date) -> Q:
    """Overdue on ``today``: never detected, or the last 定期检测 older than the interval of the
    employer's industry class (``_cutoffs``)."""
    serious, other = _cutoffs(today)
    q = Q(last_periodic_on__isnull=True)
    q |= Q(industry_risk=RiskClass.SERIOUS, last_periodic_on__lte=serious)
    q |= ~Q(industry_risk=RiskClass.SERIOUS) & Q(last_periodic_on__lte=other)
    return q


def in_time_q(on: dt.date) -> Q:
    """Not overdue on ``on`` judging by the 定期检测 sampled by ``on``: the negation of
    ``overdue_q(on)`` when ``last_periodic_on`` is the last such sampling date, written as one
    ``EXISTS`` per class (a periodic report sampled after the class's cut-off and by ``on``) so
    that the database probes the employer's reports instead of computing its last report several
    times (``tests/test_queries.py`` compares the two for every class and cut-off)."""
    serious, other = _cutoffs(on)

    def since(cutoff: dt.date) -> Exists:
        return Exists(
            DetectionReport.objects.filter(
                enterprise_id=OuterRef("pk"),
                kind=ReportKind.PERIODIC,
                sampling_start__gt=cutoff,
                sampling_start__lte=on,
            )
        )

    return (Q(industry_risk=RiskClass.SERIOUS) & Q(since(serious))) | (
        ~Q(industry_risk=RiskClass.SERIOUS) & Q(since(other))
    )


def due_of(enterprise: Enterprise, today: dt.date) -> periodic.Due:
    last = getattr(enterprise, "last_periodic_on", None)
    return periodic.next_due(last, enterprise.industry_risk, today)


# --- open work on the home pages ------------------------------------------------------------


def open_work(user, today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    if user.has_perm("monitoring.view_rectificationtask"):
        # over-limit measurements, and problems found by steward visits (issue 10 item 3)
        kinds = (
            (
                False,
                "超标整改任务",
                "督促用人单位落实整改措施并复测",
                "记录已采取的工程控制、管理措施或个体防护，整改后复测",
            ),
            (
                True,
                "服务发现问题整改任务",
                "督促用人单位落实整改措施",
                "记录已采取的措施和佐证，管家服务团队核实后关闭",
            ),
        )
        for from_visit, label, overdue_hint, open_hint in kinds:
            tasks = (
                RectificationTask.objects.for_user(user).open().filter(visit_finding__isnull=not from_visit)
            )
            overdue = tasks.filter(deadline__lt=today).count()
            pending = tasks.filter(deadline__gte=today)
            url = reverse("monitoring:task_list")
            if overdue:
                items.append(WorkItem(
                    f"{overdue} 项{label}已逾期", f"{url}?status=overdue", overdue, urgency=OVERDUE,
                    hint=overdue_hint,
                ))  # fmt: skip
            n = pending.count()
            if n:
                nearest = pending.order_by("deadline").values_list("deadline", flat=True).first()
                items.append(WorkItem(
                    f"{n} 项{label}进行中", f"{url}?status=open", n, due_on=nearest, urgency=OPEN,
                    hint=open_hint,
                ))  # fmt: skip
    if user.has_perm("monitoring.view_detectionreport") and user.has_perm("registry.view_enterprise"):
        due = detection_due().for_user(user)
        own = access.own_enterprise_id(user)
        if own is not None:
            employer = due.filter(pk=own).first()
            if employer is not None:
                d = due_of(employer, today)
                if d.next_due is None or d.next_due <= today + dt.timedelta(days=60):
                    label = (
                        "本单位尚无定期检测记录"
                        if d.next_due is None
                        else f"本单位定期检测{'已于' if d.overdue(today) else '将于'} {d.next_due:%Y-%m-%d} 到期"
                    )
                    items.append(WorkItem(
                        label, reverse("monitoring:due_list"), None, due_on=d.next_due,
                        urgency=OVERDUE if d.overdue(today) else DUE,
                        hint=f"委托有资质的技术服务机构开展定期检测（{d.label}）",
                    ))  # fmt: skip
            return items
        overdue = due.filter(overdue_q(today)).count()
        if overdue:
            items.append(WorkItem(
                f"{overdue} 家用人单位定期检测已到期或从未检测", reverse("monitoring:due_list") + "?overdue=true",
                overdue, urgency=DUE, hint="委托有资质的技术服务机构开展定期检测",
            ))  # fmt: skip
    return items


# --- facts for core.facts (MonitoringConfig.ready) --------------------------------------------


def periodic_detection_done(enterprise_ids: Collection[int], year: int) -> set[int]:
    """定期检测率: detected in ``year``, or the last 定期检测 not yet due at the year's end."""
    rows = Enterprise.objects.filter(pk__in=list(enterprise_ids)).values_list("pk", "industry_risk")
    risk = dict(rows)
    last = dict(
        DetectionReport.objects.filter(
            enterprise_id__in=list(enterprise_ids),
            kind=ReportKind.PERIODIC,
            sampling_start__lte=dt.date(year, 12, 31),
        )
        .values("enterprise_id")
        .annotate(last=Max("sampling_start"))
        .values_list("enterprise_id", "last")
    )
    return {pk for pk in risk if periodic.done_in_year(last.get(pk), risk[pk], year)}


def has_over_limit_post(enterprise_ids: Collection[int], year: int) -> set[int]:
    """A result of ``year`` over the limit, alone or in an additive-effect group (``over_limit``)."""
    return set(
        Measurement.objects.filter(
            enterprise_id__in=list(enterprise_ids), over_limit=True, measured_on__year=year
        )
        .values_list("enterprise_id", flat=True)
        .distinct()
    )


def over_limit_fixed(enterprise_ids: Collection[int], year: int) -> set[int]:
    """Every over-limit post × factor of ``year`` (alone or in an additive-effect group) has a later
    passing result — 符合 alone and in its groups — (the re-test)."""
    over = list(
        Measurement.objects.filter(
            enterprise_id__in=list(enterprise_ids), over_limit=True, measured_on__year=year
        ).values_list("enterprise_id", "post_id", "factor_id", "measured_on")
    )
    if not over:
        return set()
    fixed_at: dict[tuple[int, int], dt.date] = dict(
        ((p, f), last)
        for p, f, last in Measurement.objects.filter(enterprise_id__in={e for e, *_ in over})
        .passing()
        .values("post_id", "factor_id")
        .annotate(last=Max("measured_on"))
        .values_list("post_id", "factor_id", "last")
    )
    open_ = {e for e, p, f, on in over if not (fixed_at.get((p, f)) and fixed_at[(p, f)] > on)}
    return {e for e, *_ in over} - open_


def task_counts(user, today: dt.date) -> dict[str, int]:
    """整改中 / 已逾期 / 已关闭 in one query (the scope's join once, not three times)."""
    is_open = Q(status=TaskStatus.OPEN)
    return RectificationTask.objects.for_user(user).aggregate(
        open=Count("pk", filter=is_open & Q(deadline__gte=today)),
        overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        closed=Count("pk", filter=Q(status=TaskStatus.CLOSED)),
    )


# --------------------------------------------------------------------------------------------
# Exposure statistics over stored measurements (issue 11 item 3)
# --------------------------------------------------------------------------------------------

STATISTICS_KINDS = ("chemical", "dust")  # lognormal concentrations; dB and ℃ are not pooled


@dataclass
class ExposureGroup:
    """A similar exposure group: the employer's measurements of one post name × factor (every
    workplace and report the user may see), its statistics and its trend across years."""

    measurements: list[Measurement]
    limit: float | None
    n_results: int = 0
    statistics: stats.GroupStatistics | None = None
    problem: str = ""  # why no statistics (too few results …), in Chinese
    trend: list[stats.YearSummary] = field(default_factory=list)


def _pc_twa(measurements: list[Measurement]) -> float | None:
    """The PC-TWA the latest measurement was judged against (its stored limit snapshot)."""
    for m in reversed(measurements):
        for x in m.limits:
            if x.get("type") == "PC-TWA" and x.get("value") is not None:
                return float(x["value"])
    return None


def exposure_group(user, measurement: Measurement) -> ExposureGroup | None:
    """Same post name × factor within the employer (``stats.group_statistics`` over the stored
    samples, ``<LOD`` as censored; ``stats.yearly_trend`` by measurement year). ``None`` for kinds
    without lognormal concentrations (noise, heat …)."""
    if measurement.kind not in STATISTICS_KINDS:
        return None
    members = list(
        Measurement.objects.for_user(user)
        .filter(
            enterprise_id=measurement.enterprise_id,
            factor_id=measurement.factor_id,
            post__name=measurement.post.name,
        )
        .order_by("measured_on", "pk")
    )
    limit = _pc_twa(members)
    results = [(m.measured_on.year, v) for m in members for v in assess.statistics_values(m.inputs)]
    group = ExposureGroup(members, limit, n_results=len(results))
    values = [v for _year, v in results]
    try:
        group.statistics = stats.group_statistics(values, limit=limit)
    except stats.StatsInputError as e:
        group.problem = str(e)
    try:
        group.trend = stats.yearly_trend(results, limit=limit)
    except stats.StatsInputError as e:
        group.problem = group.problem or str(e)
    return group


def finding_rectifications(user, finding_ids: Collection[int]):
    """``{finding_id: followups.Rectification}`` for the tasks raised from steward visit findings
    that ``user`` may see (issue 10 item 3; registered with stewardship in ``apps.ready``)."""
    today = timezone.localdate()
    tasks = RectificationTask.objects.for_user(user).filter(visit_finding_id__in=list(finding_ids))
    found = {}
    for task in tasks.order_by("pk"):
        if task.status == TaskStatus.CLOSED:
            state, status = f"已整改（{task.closed_on:%Y-%m-%d}）", "closed"
        elif task.deadline < today:
            state, status = "整改已逾期", "overdue"
        else:
            state, status = "整改中", "open"
        found[task.visit_finding_id] = Rectification(
            url=task.get_absolute_url(), state=state, deadline=task.deadline, id=task.pk, status=status
        )
    return found
