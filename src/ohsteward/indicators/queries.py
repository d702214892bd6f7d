"""The named queries behind every indicator (the only place an indicator's records are chosen).

Each query is ``fn(user, area, period, options) -> QuerySet``: the records of one kind, already
scoped with ``for_user(user)``, inside ``area`` (the city, a district or a town) for ``period``.
An indicator's numerator and denominator are two of these keys; its figure is ``.count()`` of
the queryset and the drill-down lists the same queryset, so the two agree by construction.
A numerator query is always its denominator query narrowed further (a subset).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from ohsteward.declarations import rules as declaration_rules
from ohsteward.declarations.choices import EntryStatus
from ohsteward.declarations.models import (
    HazardListEntry,
    declared_expression,
    last_cancel_subquery,
    last_declared_subquery,
)
from ohsteward.indicators.rules import Period
from ohsteward.institutions import rules as institution_rules
from ohsteward.institutions.choices import InspectionStatus, InstitutionKind, RectificationStatus
from ohsteward.institutions.models import Institution, QcInspection, ReportCard, TechnicalGuidance
from ohsteward.institutions.models import Rectification as QcRectification
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord
from ohsteward.monitoring import queries as monitoring_queries
from ohsteward.monitoring.choices import ReportKind
from ohsteward.monitoring.models import DetectionReport, Measurement
from ohsteward.registry.choices import RiskClass
from ohsteward.registry.models import Enterprise, PostExposure, Region
from ohsteward.stewardship.assistance.models import AssistanceEntry
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam
from ohsteward.stewardship.training import queries as training_queries
from ohsteward.stewardship.training.models import AwarenessResponse
from ohsteward.supervision.choices import CaseStatus, SiteInspectionStatus
from ohsteward.supervision.models import ConstructionProject, EnforcementCase, Inspection
from ohsteward.surveillance import rehab
from ohsteward.surveillance.choices import ExamKind
from ohsteward.surveillance.dose import queries as dose_queries
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.exams.choices import PatientStatus, StationKind
from ohsteward.surveillance.exams.models import Exam, PneumoconiosisPatient, RehabStation
from ohsteward.surveillance.models import Worker, WorkerPost


@dataclass(frozen=True)
class Area:
    """Where an indicator is computed: the city (``code`` None), a district or a town."""

    level: str  # "city" | "district" | "town" | "team" (a steward team's clients; code = its id)
    code: str | None = None

    @property
    def param(self) -> str:
        """The area as a query string of the pages ("region=500112", "team=7"; the city "")."""
        if self.level == "team":
            return f"team={self.code}"
        return f"region={self.code}" if self.code else ""


def team_clients(team_id: int, period: Period) -> QuerySet:
    """The employers (an ``enterprise_id`` subquery) a steward team served on at least one day of
    the period under a signed agreement (``ServiceAgreement.objects.served_between``)."""
    return (
        ServiceAgreement.objects.filter(team_id=team_id)
        .served_between(period.start, period.end)
        .values("enterprise_id")
    )


def _in_area(
    qs: QuerySet,
    area: Area,
    *,
    district: str,
    town: str | None,
    enterprise: str | None = None,
    period: Period | None = None,
) -> QuerySet:
    """``qs`` inside the area: by the ``district`` / ``town`` field path, and for a steward team
    (level ``team``, code = the team's id) by the ``enterprise`` path among the team's clients of
    the period. A record without such a field cannot be placed there: none."""
    if area.level == "district":
        return qs.filter(**{district: area.code})
    if area.level == "town":
        # a record without a town field (e.g. a team) cannot be placed in a town: none
        return qs.filter(**{town: area.code}) if town else qs.none()
    if area.level == "team":
        if enterprise is None or period is None:
            return qs.none()
        return qs.filter(**{f"{enterprise}__in": team_clients(int(area.code or 0), period)})
    return qs


Query = Callable[[Any, Area, Period, dict], QuerySet]


@dataclass(frozen=True)
class QueryDef:
    key: str
    label: str  # what one record is, in Chinese ("用人单位", "检测结果")
    fn: Query
    employers: bool = True  # records of employers: they can be placed in a steward team's area
    # a numerator that is another query's records narrowed by one condition: ``narrows`` names
    # that query, ``narrow(period, options)`` is the condition (``fn`` is that query's records
    # filtered by it). Both parts are then counted in one pass (``counts_of``), and the records
    # of the denominator not in the numerator are the denominator excluding the condition.
    narrows: str = ""
    narrow: Callable[[Period, dict], Q] | None = None
    one_pass_grouped: bool = True  # also count both parts in one pass for every district at once


QUERIES: dict[str, QueryDef] = {}


def query(
    key: str,
    label: str,
    *,
    employers: bool = True,
    narrows: str = "",
    narrow: Callable[[Period, dict], Q] | None = None,
    one_pass_grouped: bool = True,
) -> Callable[[Query], Query]:
    def register(fn: Query) -> Query:
        QUERIES[key] = QueryDef(key, label, fn, employers, narrows, narrow, one_pass_grouped)
        return fn

    return register


def narrowing(numerator: str, denominator: str | None) -> Callable[[Period, dict], Q] | None:
    """The condition that makes ``numerator``'s records out of ``denominator``'s, if it is one."""
    query_def = QUERIES.get(numerator)
    if query_def is None or not denominator or query_def.narrows != denominator:
        return None
    return query_def.narrow


def counts_of(
    numerator: str, denominator: str, user, area: Area, period: Period, options: dict | None = None
) -> tuple[int, int]:
    """(numerator, denominator) counts of a narrowing numerator in one query: the denominator's
    records counted, and counted again where the condition holds — the same numbers as counting
    ``records`` of each (a test compares them for every such indicator)."""
    narrow = narrowing(numerator, denominator)
    assert narrow is not None, (numerator, denominator)
    options = options or {}
    got = (
        QUERIES[denominator]
        .fn(user, area, period, options)
        .order_by()
        .aggregate(d=Count("pk"), n=Count("pk", filter=narrow(period, options)))
    )
    return got["n"], got["d"]


def records(key: str, user, area: Area, period: Period, options: dict | None = None) -> QuerySet:
    """The records of query ``key``; ordered by primary key so pages are stable."""
    return QUERIES[key].fn(user, area, period, options or {}).order_by("pk")


# Where each kind of record lies in a district: the ``district`` path its queries pass to
# ``_in_area``. ``district_counts`` groups a query's city-wide records by it, so that a district's
# grouped count is the count of the same records ``_in_area`` keeps for that district (a test
# compares the two for every query, ``tests/test_grouped.py``).
DISTRICT_PATHS: dict[type, str] = {
    Enterprise: "region_id",
    Institution: "region_id",
    StewardTeam: "district_id",
    QcRectification: "inspection__institution__region_id",
    Region: "parent_id",
    Measurement: "district",  # the row's copy of its employer's district (Scope.enterprise_district)
    Worker: "district",  # likewise
}
ENTERPRISE_DISTRICT = "enterprise__region_id"  # every other kind: the employer's district


def district_path(model: type) -> str:
    return DISTRICT_PATHS.get(model, ENTERPRISE_DISTRICT)


def district_counts(
    key: str, user, period: Period, options: dict | None = None, *, total: str | None = None
) -> dict[str, tuple[int, int]]:
    """Query ``key`` over the city, counted per district in one ``GROUP BY`` query: district code →
    (number of records, the sum of field ``total`` over them or 0). A district without records is
    absent. For the city user the same counts as ``records(key, …, Area("district", code), …)``
    gives district by district (records without a district are left out)."""
    qs = QUERIES[key].fn(user, Area("city"), period, options or {})
    path = district_path(qs.model)
    aggregates: dict[str, Any] = {"n": Count("pk")}
    if total:
        aggregates["total"] = Sum(total)
    rows = qs.order_by().values(path).annotate(**aggregates)
    return {r[path]: (r["n"], r.get("total") or 0) for r in rows if r[path] is not None}


def district_counts_of(
    numerator: str, denominator: str, user, period: Period, options: dict | None = None
) -> dict[str, tuple[int, int]]:
    """``counts_of`` for every district at once: district code → (numerator, denominator), from
    one ``GROUP BY`` of the denominator's city-wide records (a district without records absent)."""
    narrow = narrowing(numerator, denominator)
    assert narrow is not None, (numerator, denominator)
    options = options or {}
    qs = QUERIES[denominator].fn(user, Area("city"), period, options)
    path = district_path(qs.model)
    rows = qs.order_by().values(path).annotate(d=Count("pk"), n=Count("pk", filter=narrow(period, options)))
    return {r[path]: (r["n"], r["d"]) for r in rows if r[path] is not None}


def team_counts(
    key: str,
    user,
    period: Period,
    team_ids: list[int],
    options: dict | None = None,
    *,
    total: str | None = None,
) -> dict[int, tuple[int, int]]:
    """Query ``key`` counted for each steward team of ``team_ids`` at once: team id → (number
    of records, the sum of ``total`` over them or 0), the records being those of the employers
    the team served in the period (``team_clients``), as ``records(key, …, Area("team", id), …)``
    gives team by team (a test compares the two for every query). Two queries: the teams'
    clients, and the records of all those clients counted per employer; an employer served by
    two teams counts for both."""
    qs = QUERIES[key].fn(user, Area("city"), period, options or {})
    path = "pk" if qs.model is Enterprise else "enterprise_id"
    served = (
        ServiceAgreement.objects.filter(team_id__in=team_ids)
        .served_between(period.start, period.end)
        .order_by()
    )
    clients: dict[int, set[int]] = {}
    for team_id, enterprise_id in served.values_list("team_id", "enterprise_id").distinct():
        clients.setdefault(team_id, set()).add(enterprise_id)
    if not clients:
        return {}
    aggregates: dict[str, Any] = {"n": Count("pk")}
    if total:
        aggregates["total"] = Sum(total)
    among = qs.filter(**{f"{path}__in": served.values("enterprise_id")}).order_by()
    per_employer = {r[path]: (r["n"], r.get("total") or 0) for r in among.values(path).annotate(**aggregates)}
    out = {}
    for team_id, ids in clients.items():
        n = t = 0
        for enterprise_id in ids:
            got = per_employer.get(enterprise_id)
            if got:
                n, t = n + got[0], t + got[1]
        if n:  # as ``district_counts``: an area without records is absent
            out[team_id] = (n, t)
    return out


def source_missing(indicator, user, area: Area, period: Period) -> bool:
    """Whether the indicator's source list is absent for the area and period: its option
    ``requires`` names a query whose records must exist (an imported list of another department,
    e.g. the 工伤保险参保名单). Without them the figure is 无数据 (or the monthly dispatch's entered
    figure), never a rate computed over nothing."""
    options = indicator.options or {}
    required = options.get("requires")
    if not required or required not in QUERIES:
        return False
    return not records(required, user, area, period, options).exists()


# --- declarations: 职业病危害项目申报率 ------------------------------------------------------


@query("declaration_due", "名单条目")
def declaration_due(user, area, period, options):
    """Entries of the year's 职业病危害用人单位名单 that must declare. Default: pending or confirmed
    with hazards (``may_have_hazards``, what the quarterly dispatch counts); option
    ``{"denominator": "confirmed"}``: only those the district confirmed as having hazards. Option
    ``employers`` (001 附件2): ``"industrial_serious"`` only employers of a 严重 industry in the
    industrial sections (GB/T 4754 B 采矿业, C 制造业, D 电力热力燃气及水), ``"serious_10"`` only
    employers of a 严重 industry with at least 10 employees."""
    qs = HazardListEntry.objects.for_user(user).filter(hazard_list__year=period.year)
    qs = _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )
    qs = qs.with_declaration(until=period.end)
    employers = options.get("employers")
    if employers in ("industrial_serious", "serious_10"):
        qs = qs.filter(enterprise__industry_risk=RiskClass.SERIOUS)
    if employers == "industrial_serious":
        qs = qs.filter(enterprise__industry__section__in=sorted(declaration_rules.INDUSTRIAL_SECTIONS))
    elif employers == "serious_10":
        qs = qs.filter(enterprise__employees__gte=declaration_rules.SEVERE_MIN_EMPLOYEES)
    if options.get("denominator") == "confirmed":
        return qs.filter(status=EntryStatus.HAZARDS)
    return qs.may_have_hazards()


def _declared(period: Period, options: dict) -> Q:
    return Q(declared=True)  # the annotation of ``declaration_due`` (``with_declaration``)


@query("declaration_done", "名单条目", narrows="declaration_due", narrow=_declared)
def declaration_done(user, area, period, options):
    """Of ``declaration_due``: a valid declaration dated by the period's end, not cancelled."""
    return declaration_due(user, area, period, options).filter(_declared(period, options))


# --- declarations: 附件2 任务8 区县一个月内核实 ----------------------------------------------------


@query("confirmation_due", "名单条目")
def confirmation_due(user, area, period, options):
    """Entries of the year's list pushed (下发) to the district by the period's end whose one-month
    confirmation deadline (``due_on``, ``declarations.rules.one_month_after`` the push or hand-over)
    fell by the period's end, or that the district confirmed by then: the entries that owe a
    confirmation in the period (001 附件2 任务8 "各区县应在1个月内将核实情况反馈市疾控中心").
    Entries whose month still runs and are unconfirmed are not yet due. Option
    ``{"denominator": "pushed"}``: every entry pushed by the period's end."""
    qs = HazardListEntry.objects.for_user(user).filter(
        hazard_list__year=period.year, pushed_on__isnull=False, pushed_on__lte=period.end
    )
    qs = _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )
    if options.get("denominator") == "pushed":
        return qs
    return qs.filter(Q(due_on__lte=period.end) | Q(confirmed_on__lte=period.end))


@query("confirmation_timely", "名单条目")
def confirmation_timely(user, area, period, options):
    """Of ``confirmation_due``: confirmed (no longer 待核实) on or before the deadline and by the
    period's end. A confirmation undone (撤销核实) counts again only when made again in time."""
    return (
        confirmation_due(user, area, period, options)
        .exclude(status=EntryStatus.PENDING)
        .filter(confirmed_on__isnull=False, confirmed_on__lte=period.end)
        .filter(confirmed_on__lte=F("due_on"))
    )


# --- monitoring: 定期检测率, 监测合格率 ---------------------------------------------------------


def _enterprises(user, area: Area, period: Period) -> QuerySet:
    qs = Enterprise.objects.for_user(user)
    return _in_area(qs, area, district="region_id", town="town_id", enterprise="pk", period=period)


def _with_hazards(user, area: Area, period: Period) -> QuerySet:
    """``monitoring.queries.with_hazards`` among the user's employers of the area: the exposures
    and reports are looked up among the area's employers only (``among``), which for a district
    is ~3x faster than the city-wide form filtered afterwards (docs/performance.md, ``ind``)."""
    employers = _enterprises(user, area, period)
    if area.level == "city":  # the whole city: hashing every exposure once is the cheaper plan
        return monitoring_queries.with_hazards().filter(pk__in=employers.values("pk"))
    return monitoring_queries.with_hazards(among=employers)


@query("detection_due", "用人单位")
def detection_due(user, area, period, options):
    """Operating employers with hazards (a post exposure, exposed workers or any detection report:
    ``monitoring.queries.with_hazards``), with the last 定期检测 sampled by the period's end."""
    last = Subquery(
        DetectionReport.objects.filter(
            enterprise_id=OuterRef("pk"), kind=ReportKind.PERIODIC, sampling_start__lte=period.end
        )
        .order_by("-sampling_start")
        .values("sampling_start")[:1]
    )
    return _with_hazards(user, area, period).annotate(last_periodic_on=last)


def _detected_in_time(period: Period, options: dict) -> Q:
    # = .exclude(overdue_q(period.end)) over the annotation, as EXISTS (monitoring_queries.in_time_q)
    return monitoring_queries.in_time_q(period.end)


@query("detection_done", "用人单位", narrows="detection_due", narrow=_detected_in_time)
def detection_done(user, area, period, options):
    """Of ``detection_due``: not overdue on the period's last day (last 定期检测 within the interval
    of its class: 严重 1 year, otherwise 3 — ``monitoring.periodic``)."""
    return detection_due(user, area, period, options).filter(_detected_in_time(period, options))


@query("measurements_judged", "检测结果")
def measurements_judged(user, area, period, options):
    """Measurements (post × factor) dated in the period with a judgement against the limit."""
    qs = Measurement.objects.for_user(user).filter(
        measured_on__gte=period.start, measured_on__lte=period.end, compliant__isnull=False
    )
    return _in_area(
        qs,
        area,
        district="district",  # the row's copy of its employer's district (Scope.enterprise_district)
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("measurements_compliant", "检测结果")
def measurements_compliant(user, area, period, options):
    """Of ``measurements_judged``: compliant with the limit (符合限值), alone and in every
    additive-effect group judged with it (``Measurement.passing``)."""
    return measurements_judged(user, area, period, options).passing()


# --- surveillance: 在岗期间职业健康检查率 -----------------------------------------------------


@query("exam_due", "劳动者")
def exam_due(user, area, period, options):
    """Workers employed on the period's last day, on a post that has a hazard exposure in the
    register then (在岗, 接触职业病危害)."""
    on = period.end
    exposed_post = (
        WorkerPost.objects.filter(worker_id=OuterRef("pk"), start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(Exists(PostExposure.objects.filter(post_id=OuterRef("post_id"))))
    )
    qs = Worker.objects.for_user(user).employed_on(on).filter(Exists(exposed_post))
    return _in_area(
        qs,
        area,
        district="district",  # the worker's copy of its employer's district
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


def _examined(period: Period, options: dict) -> Q:
    """A 在岗期间 exam in the twelve months up to the period's end (of a worker, ``OuterRef``)."""
    since = dt.date(period.end.year - 1, period.end.month, period.end.day) + dt.timedelta(days=1)
    exams = Exam.objects.filter(
        worker_id=OuterRef("pk"), kind=ExamKind.PERIODIC, date__gte=since, date__lte=period.end
    )
    return Q(Exists(exams))


# city-wide, counting the two parts apart is faster: as separate queries the database hashes
# the period's exams once (a semi-join); inside one count's FILTER it probes them per worker
# (1.5 M probes: 5.3 s against 1.8–2.2 s for the two queries, docs/performance.md ``ind``)
@query("exam_done", "劳动者", narrows="exam_due", narrow=_examined, one_pass_grouped=False)
def exam_done(user, area, period, options):
    """Of ``exam_due``: a 在岗期间 exam in the twelve months up to the period's end."""
    return exam_due(user, area, period, options).filter(_examined(period, options))


# --- institutions: 质控覆盖率, CDC 技术指导 ----------------------------------------------------


@query("qc_institutions", "技术服务机构", employers=False)
def qc_institutions(user, area, period, options):
    """In-province technical service institutions in the area (the city CDC's QC covers them)."""
    qs = Institution.objects.for_user(user).filter(province=institution_rules.HOME_PROVINCE)
    return _in_area(qs, area, district="region_id", town=None)


@query("qc_inspected", "技术服务机构", employers=False)
def qc_inspected(user, area, period, options):
    """Of ``qc_institutions``: a recorded QC inspection of the period's year."""
    done = QcInspection.objects.filter(
        institution_id=OuterRef("pk"), year=period.year, status=InspectionStatus.RECORDED
    )
    return qc_institutions(user, area, period, options).filter(Exists(done))


@query("guided_enterprises", "用人单位")
def guided_enterprises(user, area, period, options):
    """Employers given CDC technical guidance (技术指导) dated in the period."""
    guided = TechnicalGuidance.objects.filter(
        enterprise_id=OuterRef("pk"), visited_on__gte=period.start, visited_on__lte=period.end
    )
    return _enterprises(user, area, period).filter(Exists(guided))


# --- institutions: 002 万州区十四五规划 capacity items (9)–(11), done / not done -------------------


def _home_institutions(user, area: Area, kind: str) -> QuerySet:
    qs = Institution.objects.for_user(user).filter(province=institution_rules.HOME_PROVINCE).of_kind(kind)
    return _in_area(qs, area, district="region_id", town=None)


@query("public_diagnosis_institutions", "技术服务机构", employers=False)
def public_diagnosis_institutions(user, area, period, options):
    """Institutions of the area registered as 职业病诊断机构 and marked 公立医疗卫生机构."""
    return _home_institutions(user, area, InstitutionKind.DIAGNOSIS).filter(public=True)


@query("public_exam_institutions", "技术服务机构", employers=False)
def public_exam_institutions(user, area, period, options):
    """Institutions of the area registered as 职业健康检查机构 and marked 公立医疗卫生机构."""
    return _home_institutions(user, area, InstitutionKind.EXAM).filter(public=True)


@query("grade_a_primary_exam_institutions", "技术服务机构", employers=False)
def grade_a_primary_exam_institutions(user, area, period, options):
    """Institutions of the area registered as 职业健康检查机构 and marked 甲级基层医疗卫生机构."""
    return _home_institutions(user, area, InstitutionKind.EXAM).filter(primary_grade_a=True)


# --- stewardship: teams, signed enterprises -------------------------------------------------


@query("steward_teams", "管家服务团队", employers=False)
def steward_teams(user, area, period, options):
    """Steward teams of the area (by the team's district; a town has no teams of its own)."""
    return _in_area(StewardTeam.objects.for_user(user), area, district="district_id", town=None)


@query("signed_enterprises", "用人单位")
def signed_enterprises(user, area, period, options):
    """Employers with a signed, not terminated steward agreement in force on the period's end."""
    signed = ServiceAgreement.objects.filter(enterprise_id=OuterRef("pk")).in_force(period.end)
    return _enterprises(user, area, period).filter(Exists(signed))


@query("served_enterprises", "用人单位")
def served_enterprises(user, area, period, options):
    """Employers a steward team served on at least one day of the period under a signed agreement
    (``ServiceAgreement.objects.served_between``; terminated ones until their termination)."""
    served = ServiceAgreement.objects.filter(enterprise_id=OuterRef("pk")).served_between(
        period.start, period.end
    )
    return _enterprises(user, area, period).filter(Exists(served))


# --- supervision: "三同时", 违法案件查处率 ----------------------------------------------------


@query("projects_completed", "建设项目")
def projects_completed(user, area, period, options):
    """Construction projects whose planned completion or 竣工验收 falls in the period."""
    in_period = Q(acceptance_on__gte=period.start, acceptance_on__lte=period.end) | Q(
        acceptance_on__isnull=True, planned_completion__gte=period.start, planned_completion__lte=period.end
    )
    qs = ConstructionProject.objects.for_user(user).filter(in_period)
    return _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("projects_three_simultaneous", "建设项目")
def projects_three_simultaneous(user, area, period, options):
    """Of ``projects_completed``: every stage that applies done (预评价, 设计 for 严重 only,
    控制效果评价, 竣工验收 — ``supervision.rules.stages_for``)."""
    done = Q(pre_assessment_on__isnull=False, control_effect_on__isnull=False, acceptance_on__isnull=False)
    done &= Q(serious=False) | Q(design_on__isnull=False)
    return projects_completed(user, area, period, options).filter(done)


@query("cases_opened", "监督执法案件")
def cases_opened(user, area, period, options):
    """Enforcement cases opened (立案) in the period."""
    qs = EnforcementCase.objects.for_user(user).filter(opened_on__gte=period.start, opened_on__lte=period.end)
    return _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("cases_handled", "监督执法案件")
def cases_handled(user, area, period, options):
    """Of ``cases_opened``: a decision made (已作出决定) or closed (已结案)."""
    return cases_opened(user, area, period, options).filter(
        status__in=[CaseStatus.DECIDED, CaseStatus.CLOSED]
    )


# --- institutions: 质控问题整改率 -------------------------------------------------------------


@query("qc_rectifications_issued", "质控整改", employers=False)
def qc_rectifications_issued(user, area, period, options):
    """QC rectification demands (质控整改) issued in the period to institutions of the area."""
    qs = QcRectification.objects.for_user(user).filter(issued_on__gte=period.start, issued_on__lte=period.end)
    return _in_area(qs, area, district="inspection__institution__region_id", town=None)


@query("qc_rectifications_closed", "质控整改", employers=False)
def qc_rectifications_closed(user, area, period, options):
    """Of ``qc_rectifications_issued``: accepted (已验收) by the period's end."""
    return qc_rectifications_issued(user, area, period, options).filter(
        status=RectificationStatus.CLOSED, closed_on__lte=period.end
    )


# --- surveillance: 尘肺病康复站覆盖 ------------------------------------------------------------


@query("rehab_towns", "乡镇街道", employers=False)
def rehab_towns(user, area, period, options):
    """Towns with at least ``min_patients`` (default ``surveillance.rehab.RULES_V1``: 100, 未核对)
    living pneumoconiosis patients resident there, diagnosed by the period's end."""
    minimum = int(options.get("min_patients") or rehab.RULES_V1.station_min_patients)
    patients = (
        PneumoconiosisPatient.objects.for_user(user)
        .filter(status=PatientStatus.ALIVE, diagnosed_on__lte=period.end, town__isnull=False)
        .values("town_id")
        .order_by()
        .annotate(n=Count("pk"))
        .filter(n__gte=minimum)
        .values("town_id")
    )
    return _in_area(Region.objects.filter(code__in=patients), area, district="parent_id", town="code")


@query("rehab_towns_covered", "乡镇街道", employers=False)
def rehab_towns_covered(user, area, period, options):
    """Of ``rehab_towns``: a 康复站 located in the town."""
    station = RehabStation.objects.filter(town_id=OuterRef("code"), kind=StationKind.STATION)
    return rehab_towns(user, area, period, options).filter(Exists(station))


# --- stewardship training: 知晓率 -----------------------------------------------------------


@query("awareness_answered", "知晓率问卷")
def awareness_answered(user, area, period, options):
    """Workers' answers to a 知晓率 questionnaire (one answer per phone and questionnaire) in the period."""
    qs = AwarenessResponse.objects.for_user(user).filter(
        answered_at__date__gte=period.start, answered_at__date__lte=period.end
    )
    return _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("awareness_aware", "知晓率问卷")
def awareness_aware(user, area, period, options):
    """Of ``awareness_answered``: scored as 知晓 (the questionnaire's pass mark)."""
    return awareness_answered(user, area, period, options).filter(aware=True)


# --- institutions: 信息报告卡上报率, 检查/诊断个案报告率 --------------------------------------------


@query("report_cards_due", "信息报告卡")
def report_cards_due(user, area, period, options):
    """Report cards owed for activities (检测、检查、诊断) performed in the period, by the
    employer's district; option ``card_kinds`` narrows to some kinds (``CardKind`` values)."""
    qs = ReportCard.objects.for_user(user).filter(
        performed_on__gte=period.start, performed_on__lte=period.end
    )
    kinds = options.get("card_kinds")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("report_cards_filed", "信息报告卡")
def report_cards_filed(user, area, period, options):
    """Of ``report_cards_due``: filed (报送) by the period's end, on time or late."""
    return report_cards_due(user, area, period, options).filter(reported_on__lte=period.end)


# --- supervision: 监管覆盖率 ------------------------------------------------------------------


@query("supervision_due", "用人单位")
def supervision_due(user, area, period, options):
    """Operating employers with hazards (as ``detection_due``) in the area."""
    return _with_hazards(user, area, period)


@query("supervision_covered", "用人单位")
def supervision_covered(user, area, period, options):
    """Of ``supervision_due``: a supervision inspection done (已检查) dated in the period."""
    done = Inspection.objects.filter(
        enterprise_id=OuterRef("pk"),
        status=SiteInspectionStatus.DONE,
        inspected_on__gte=period.start,
        inspected_on__lte=period.end,
    )
    return supervision_due(user, area, period, options).filter(Exists(done))


# --- stewardship assistance: 附件3 帮扶企业数 and its four rates ----------------------------------


@query("assisted_enterprises", "帮扶企业")
def assisted_enterprises(user, area, period, options):
    """Employers on the period's year's SME assistance plan (帮扶计划名单)."""
    qs = AssistanceEntry.objects.for_user(user).filter(plan__year=period.year)
    return _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("assisted_declared", "帮扶企业")
def assisted_declared(user, area, period, options):
    """Of ``assisted_enterprises``: a valid declaration dated by the period's end and not cancelled
    by then (the declarations app's ``declared_expression``, as ``declaration_done``)."""
    qs = assisted_enterprises(user, area, period, options).annotate(
        last_declared_on=last_declared_subquery("enterprise_id", period.end),
        last_cancel_on=last_cancel_subquery("enterprise_id", period.end),
    )
    return qs.annotate(declared_by_end=declared_expression()).filter(declared_by_end=True)


@query("assisted_detected", "帮扶企业")
def assisted_detected(user, area, period, options):
    """Of ``assisted_enterprises``: not overdue for 定期检测 at the period's end (``detection_done``)."""
    done = detection_done(user, Area("city"), period, options).values("pk")
    return assisted_enterprises(user, area, period, options).filter(enterprise_id__in=done)


@query("assisted_examined", "帮扶企业")
def assisted_examined(user, area, period, options):
    """Of ``assisted_enterprises``: an occupational health exam of a worker dated in the period
    (职业健康检查开展, as ``surveillance.exams.facts.exams_done``)."""
    exams = Exam.objects.filter(
        worker__enterprise_id=OuterRef("enterprise_id"), date__gte=period.start, date__lte=period.end
    )
    return assisted_enterprises(user, area, period, options).filter(Exists(exams))


@query("assisted_trained", "帮扶企业")
def assisted_trained(user, area, period, options):
    """Of ``assisted_enterprises``: everybody on the employer's training list meets the hours the
    rules require at the period's end (``stewardship.training.queries.training_done``; an
    employer with nobody listed is not trained)."""
    entries = assisted_enterprises(user, area, period, options)
    ids = list(entries.values_list("enterprise_id", flat=True))
    today = min(timezone.localdate(), period.end)
    short = training_queries.training_done(ids, today.year, today) if ids else {}
    return entries.filter(enterprise_id__in=[i for i, why in short.items() if why is None])


# --- surveillance dose: 非医疗放射工作人员个人剂量监测率 --------------------------------------------


@query("radiation_workers", "劳动者")
def radiation_workers(user, area, period, options):
    """Workers employed on the period's last day on a post with a 放射性因素 factor
    (``surveillance.dose.queries.radiation_workers``) who are non-medical (``dose_queries.non_medical``:
    by default not at a medical employer, GB/T 4754 门类 Q 卫生和社会工作; the reading is the
    setting ``OHSTEWARD_DOSE_MEDICAL_BASIS``, ``surveillance/dose/rules.py``)."""
    qs = dose_queries.radiation_workers(Worker.objects.for_user(user), period.end)
    qs = dose_queries.non_medical(qs)
    return _in_area(
        qs,
        area,
        district="district",  # the worker's copy of its employer's district
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("radiation_workers_monitored", "劳动者")
def radiation_workers_monitored(user, area, period, options):
    """Of ``radiation_workers``: a dose record whose monitoring period overlaps the period."""
    dose = DoseRecord.objects.filter(
        worker_id=OuterRef("pk"), period_start__lte=period.end, period_end__gte=period.start
    )
    return radiation_workers(user, area, period, options).filter(Exists(dose))


# --- interdept: 工伤保险参保率, 工伤保险参保人数, 健康企业 -----------------------------------------


def _latest_insurance(period: Period, options: dict) -> QuerySet:
    """Each employer's latest 工伤保险 record dated by the period's end and within ``window_days``
    (default 365) before it: an older list does not say who is insured now."""
    end = period.end
    since = end - dt.timedelta(days=int(options.get("window_days") or 365))
    newer = InsuranceRecord.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), as_of__gt=OuterRef("as_of"), as_of__lte=end
    )
    return InsuranceRecord.objects.filter(as_of__gt=since, as_of__lte=end).filter(~Exists(newer))


@query("insurance_records", "参保记录")
def insurance_records(user, area, period, options):
    """The employers' latest 工伤保险参保 records of the area (one per employer, imported from the
    human-resources department's list; ``_latest_insurance``). 参保人数 is the sum of their
    ``insured`` (option ``{"sum": "insured"}``)."""
    qs = _latest_insurance(period, options).for_user(user)
    return _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("insurance_due", "用人单位")
def insurance_due(user, area, period, options):
    """Employers that should be insured, in the districts whose list has been imported for the
    period: by default operating employers with hazards (as ``detection_due``; 000 sets the rate
    for the employers the steward service covers, all of which have hazards); option
    ``{"denominator": "all"}``: every operating employer of the area."""
    if options.get("denominator") == "all":
        qs = _enterprises(user, area, period).operating()
    else:
        qs = _with_hazards(user, area, period)
    # a district has a list for the period when any of its records lies in the window (then its
    # employers' latest records do too); no need for the latest-per-employer join here
    since = period.end - dt.timedelta(days=int(options.get("window_days") or 365))
    listed = (
        InsuranceRecord.objects.for_user(user)
        .filter(as_of__gt=since, as_of__lte=period.end)
        .values("enterprise__region_id")
    )
    return qs.filter(region_id__in=listed)


def _insured(period: Period, options: dict) -> Q:
    """The employer's (``OuterRef``) latest record shows insured workers; option ``{"insured":
    "exposed"}``: at least as many as the register's exposed workers."""
    latest = _latest_insurance(period, options).filter(enterprise_id=OuterRef("pk"), insured__gt=0)
    if options.get("insured") == "exposed":
        latest = latest.filter(Q(insured__gte=OuterRef("exposed_workers")))
    return Q(Exists(latest))


@query("insurance_insured", "用人单位", narrows="insurance_due", narrow=_insured)
def insurance_insured(user, area, period, options):
    """Of ``insurance_due``: the latest record shows insured workers (参保人数 > 0); option
    ``{"insured": "exposed"}``: at least as many insured as the register's exposed workers."""
    return insurance_due(user, area, period, options).filter(_insured(period, options))


@query("healthy_enterprise_lists", "健康企业命名")
def healthy_enterprise_lists(user, area, period, options):
    """健康企业 namings of the area up to the period's year (whether a list has been imported)."""
    qs = HealthyEnterprise.objects.for_user(user).filter(year__lte=period.year)
    return _in_area(
        qs,
        area,
        district="enterprise__region_id",
        town="enterprise__town_id",
        enterprise="enterprise_id",
        period=period,
    )


@query("healthy_enterprises", "用人单位")
def healthy_enterprises(user, area, period, options):
    """Employers of the area named 健康企业 (any level) in the period's year — what "建成健康企业"
    counts in a year's plan; option ``{"cumulative": true}``: named in that year or before."""
    named = HealthyEnterprise.objects.filter(enterprise_id=OuterRef("pk"))
    named = (
        named.filter(year__lte=period.year) if options.get("cumulative") else named.filter(year=period.year)
    )
    return _enterprises(user, area, period).filter(Exists(named))
