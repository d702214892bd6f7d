"""The enterprise portrait (职业健康画像, issue 13 item 4): the latest risk assessment and the core
indicators of one employer, each read from the app that records it, with a traffic light, a radar
score, plain-words advice and links. An indicator no app records yet is "无数据" (grey, left off
the radar), never a made-up value.

Lights (our reading; no source gives cut-offs for the portrait): green = nothing to do, amber =
attention (due soon, a rate below 100 % but ≥ 80 %, no steward agreement), red = a legal duty
overdue or a hazard not controlled. Radar scores: green 100, amber 60, red 20.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from ohsteward.declarations.models import ChangeTrigger, Declaration
from ohsteward.interdept import rules as interdept_rules
from ohsteward.interdept.models import InsuranceRecord
from ohsteward.monitoring import periodic
from ohsteward.monitoring.models import RectificationTask
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.choices import VisitStatus
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit
from ohsteward.stewardship.training import queries as training_queries
from ohsteward.stewardship.training.models import AwarenessResponse
from ohsteward.supervision import rules, sources
from ohsteward.supervision.models import EarlyWarning, RiskAssessment
from ohsteward.surveillance.exams.choices import DiagnosisOutcome, TaskKind
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, SurveillanceTask

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
LIGHT_LABELS = {GREEN: "良好", AMBER: "关注", RED: "需整改", NONE: "无数据"}
SCORES = {GREEN: 100, AMBER: 60, RED: 20}
NO_DATA = "无数据"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    value: str
    light: str
    advice: str = ""
    url: str = ""

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def score(self) -> int | None:
        return SCORES.get(self.light)

    def as_dict(self) -> dict:
        return {
            "key": self.key, "label": self.label, "value": self.value, "light": self.light,
            "light_label": self.light_label, "score": self.score, "advice": self.advice, "url": self.url,
        }  # fmt: skip


@dataclass
class Portrait:
    enterprise: Enterprise
    on: dt.date
    assessment: RiskAssessment | None
    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[EarlyWarning] = field(default_factory=list)

    @property
    def advice(self) -> list[str]:
        """What to fix first: red before amber, in the order of the indicators."""
        ranked = [i for i in self.indicators if i.light == RED] + [
            i for i in self.indicators if i.light == AMBER
        ]
        return [i.advice for i in ranked if i.advice]

    @property
    def radar(self) -> dict:
        """ECharts option of the radar (indicators with data only)."""
        shown = [i for i in self.indicators if i.score is not None]
        return {
            "radar": {"indicator": [{"name": i.label, "max": 100} for i in shown], "radius": "62%"},
            "series": [{"type": "radar", "data": [{"value": [i.score for i in shown], "name": "得分"}],
                        "areaStyle": {"opacity": 0.25}}],
            "tooltip": {},
        }  # fmt: skip


def _declaration(e: Enterprise, on: dt.date) -> Indicator:
    d = Declaration.objects.valid().filter(enterprise=e).order_by("-declared_on", "-pk").first()
    # one query for both counts: ``overdue(on)`` is ``open()`` past ``due_on``
    counts = (
        ChangeTrigger.objects.filter(enterprise=e)
        .open()
        .aggregate(pending=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=on)))
    )
    overdue, pending = counts["overdue"], counts["pending"]
    if d is None:
        return Indicator("declaration", "危害项目申报", "未申报", RED, "尽快在线申报职业病危害项目（48号令）")
    url = reverse("declarations:declaration_detail", args=[d.pk])
    if overdue:
        return Indicator("declaration", "危害项目申报", f"已申报（{d.declared_on}），{overdue} 项变更申报逾期", RED,
                         "补报逾期的变更申报", url)  # fmt: skip
    if pending:
        return Indicator("declaration", "危害项目申报", f"已申报（{d.declared_on}），{pending} 项变更待申报", AMBER,
                         "在期限内完成变更申报", url)  # fmt: skip
    return Indicator("declaration", "危害项目申报", f"已申报且为最新（{d.declared_on}）", GREEN, url=url)


def _detection(e: Enterprise, on: dt.date) -> Indicator:
    last = sources.latest_periodic_map([e.pk]).get(e.pk)
    due = periodic.next_due(last.on if last else None, e.industry_risk, on)
    url = last.url if last else ""
    if due.overdue(on):
        what = f"上次 {last.on}，应于 {due.next_due} 前完成" if last else "从未开展定期检测"
        return Indicator("detection", "定期检测", what, RED, "委托有资质的机构开展定期检测", url)
    return Indicator(
        "detection",
        "定期检测",
        f"按时（上次 {last.on if last else '—'}，下次 {due.next_due} 前，{due.label}）",
        GREEN,
        url=url,
    )


def _over_limit(e: Enterprise, on: dt.date) -> Indicator:
    judged = sources.compliance_map([e.pk], on)
    if not judged:
        return Indicator("over_limit", "超标岗位", NO_DATA + "（无检测结果）", NONE)
    bad = [c for c in judged.values() if not c.compliant]
    if bad:
        return Indicator("over_limit", "超标岗位", f"{len(bad)} 项危害因素超标", RED,
                         "对超标岗位采取工程控制和个体防护并复测", bad[0].record_url)  # fmt: skip
    return Indicator("over_limit", "超标岗位", "无超标", GREEN)


def _exams(e: Enterprise, on: dt.date) -> Indicator:
    exams = sources.exam_map([e.pk], on).get(e.pk)
    if exams is None:
        return Indicator("exams", "职业健康检查", NO_DATA + "（无在册接害劳动者）", NONE)
    url = sources.workers_url(e.uscc, "overdue")
    done = exams.under_surveillance - exams.overdue
    value = f"应检 {exams.under_surveillance} 人，按期 {done} 人，逾期 {exams.overdue} 人"
    if exams.overdue:
        return Indicator("exams", "职业健康检查", value, RED, f"安排 {exams.overdue} 名逾期劳动者体检", url)
    return Indicator("exams", "职业健康检查", value, GREEN, url=sources.workers_url(e.uscc))


def _training(e: Enterprise, on: dt.date) -> Indicator:
    t = training_queries.employer_training(e.pk, on)
    if t.rate is None:
        return Indicator("training", "培训率", NO_DATA, NONE)
    light = GREEN if t.rate >= 100 else AMBER if t.rate >= 80 else RED
    return Indicator("training", "培训率", f"{t.rate:g}%（{t.trained}/{len(t.required)}）", light,
                     "" if light == GREEN else "组织未按要求培训的人员参加职业卫生培训")  # fmt: skip


def _awareness(e: Enterprise) -> Indicator:
    r = AwarenessResponse.objects.filter(enterprise=e).aggregate(
        n=Count("pk"), aware=Count("pk", filter=Q(aware=True))
    )
    if not r["n"]:
        return Indicator("awareness", "知晓率", NO_DATA, NONE)
    rate = round(100 * r["aware"] / r["n"], 1)
    light = GREEN if rate >= 90 else AMBER if rate >= 80 else RED
    return Indicator("awareness", "知晓率", f"{rate:g}%（{r['aware']}/{r['n']}）", light,
                     "" if light == GREEN else "加强职业病防治知识宣传，组织劳动者参加知晓率答卷")  # fmt: skip


def _insurance(e: Enterprise, on: dt.date) -> Indicator:
    """工伤保险 from the employer's latest record of the human-resources department's list
    (interdept) up to ``on``: insured vs the list's 应参保 count (else the register's employees) and
    the exposed workers (``interdept.rules.insurance_light``)."""
    r = InsuranceRecord.objects.filter(enterprise=e, as_of__lte=on).order_by("-as_of", "-pk").first()
    if r is None:
        return Indicator("insurance", "工伤保险", NO_DATA + "（未导入人社部门参保名单）", NONE)
    light = interdept_rules.insurance_light(
        insured=r.insured, employees=r.employees if r.employees is not None else e.employees,
        exposed=e.exposed_workers, as_of=r.as_of, on=on,
    )  # fmt: skip
    url = f"{reverse('interdept:insurance_list')}?enterprise={e.uscc or ''}"
    return Indicator("insurance", "工伤保险", light.text, light.light, light.advice, url)


def _steward(e: Enterprise, on: dt.date) -> Indicator:
    a = ServiceAgreement.objects.in_force(on).filter(enterprise=e).order_by("-start_date", "-pk").first()
    if a is None:
        return Indicator("steward", "健康管家协议与服务", "无生效协议", AMBER, "可与健康管家团队签订服务协议")
    # one query for both counts: ``open()`` is status 已计划
    visits = ServiceVisit.objects.filter(agreement=a).aggregate(
        late=Count("pk", filter=Q(status=VisitStatus.PLANNED, planned_on__lt=on)),
        done=Count("pk", filter=Q(status="done")),
    )
    late, done = visits["late"], visits["done"]
    value = f"协议至 {a.end_date or '长期'}，已服务 {done} 次" + (f"，{late} 次逾期未服务" if late else "")
    return Indicator("steward", "健康管家协议与服务", value, AMBER if late else GREEN,
                     "请健康管家团队完成逾期的服务" if late else "", a.get_absolute_url())  # fmt: skip


def _rectifications(e: Enterprise, on: dt.date) -> Indicator:
    counts = (
        RectificationTask.objects.filter(enterprise=e)
        .open()
        .aggregate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=on)))
    )
    n, late = counts["n"], counts["late"]
    if late:
        return Indicator(
            "rectifications", "整改任务", f"{n} 项未完成，{late} 项逾期", RED, "完成逾期的整改任务并复测"
        )
    if n:
        return Indicator("rectifications", "整改任务", f"{n} 项在整改期限内", AMBER, "在期限内完成整改")
    return Indicator("rectifications", "整改任务", "无未完成整改", GREEN)


def _cases_and_reassignments(e: Enterprise, on: dt.date) -> list[Indicator]:
    """疑似职业病未处置 and 职业禁忌证未调岗 from surveillance's cases and reassignment tasks; an
    employer with no exam on record is 无数据 for both (not "none open")."""
    if not Exam.objects.filter(worker__enterprise=e).exists():
        return [
            Indicator("suspected", "疑似职业病未处置", NO_DATA + "（无体检记录）", NONE),
            Indicator("contraindication", "职业禁忌证未调岗", NO_DATA + "（无体检记录）", NONE),
        ]
    r = rules.warning_rules_for(on)
    cases = DiseaseCase.objects.open().filter(worker__enterprise=e, outcome=DiagnosisOutcome.PENDING)
    counts = cases.aggregate(
        n=Count("pk"),
        late=Count(
            "pk",
            filter=Q(referred_on__isnull=True, found_on__lt=on - dt.timedelta(days=r.referral_days.value)),
        ),
    )
    n, late = counts["n"], counts["late"]
    url = f"{reverse('surveillance:case_list')}?enterprise={e.uscc}"
    if late:
        suspected = Indicator("suspected", "疑似职业病未处置", f"{n} 例待诊断，{late} 例超期未转诊", RED,
                              "尽快安排疑似职业病劳动者到职业病诊断机构诊断", url)  # fmt: skip
    elif n:
        suspected = Indicator("suspected", "疑似职业病未处置", f"{n} 例待诊断", AMBER, "跟进诊断结果", url)
    else:
        suspected = Indicator("suspected", "疑似职业病未处置", "无待处置病例", GREEN)
    tasks = SurveillanceTask.objects.filter(
        worker__enterprise=e, kind=TaskKind.REASSIGNMENT, closed_on__isnull=True
    )
    m = tasks.count()
    stuck = tasks.still_exposed(on).count()
    task_url = f"{reverse('surveillance:task_list')}?enterprise={e.uscc}"
    if stuck:
        reassign = Indicator("contraindication", "职业禁忌证未调岗", f"{m} 人待调岗，{stuck} 人逾期仍在原岗", RED,
                             "将职业禁忌证劳动者调离或暂停原接害岗位", task_url)  # fmt: skip
    elif m:
        reassign = Indicator("contraindication", "职业禁忌证未调岗", f"{m} 人在调岗期限内", AMBER,
                             "在期限内完成调岗", task_url)  # fmt: skip
    else:
        reassign = Indicator("contraindication", "职业禁忌证未调岗", "无待调岗劳动者", GREEN)
    return [suspected, reassign]


def build(enterprise: Enterprise, on: dt.date) -> Portrait:
    """The portrait of ``enterprise`` on ``on`` (the caller has checked scope)."""
    assessment = RiskAssessment.objects.filter(enterprise=enterprise).order_by("-assessed_on", "-pk").first()
    indicators = [
        _declaration(enterprise, on),
        _detection(enterprise, on),
        _over_limit(enterprise, on),
        _exams(enterprise, on),
        *_cases_and_reassignments(enterprise, on),
        _training(enterprise, on),
        _awareness(enterprise),
        _insurance(enterprise, on),
        _steward(enterprise, on),
        _rectifications(enterprise, on),
    ]
    warnings = list(EarlyWarning.objects.open().filter(enterprise=enterprise).order_by("-opened_on", "-pk"))
    return Portrait(enterprise, on, assessment, indicators, warnings)


def as_data(p: Portrait) -> dict:
    """The portrait for the API (``portraits/{uscc}/``)."""
    a = p.assessment
    return {
        "uscc": p.enterprise.uscc,
        "name": p.enterprise.name,
        "on": p.on.isoformat(),
        "assessment": None if a is None else {
            "id": a.pk, "assessed_on": a.assessed_on.isoformat(), "hazard_level": a.hazard_level,
            "management_status": a.management_status or None, "comprehensive_class": a.comprehensive_class or None,
            "scheme": a.scheme, "verified": a.verified,
        },
        "indicators": [i.as_dict() for i in p.indicators],
        "advice": p.advice,
        "warnings": [{"id": w.pk, "kind": w.kind, "message": w.message, "actor": w.actor} for w in p.warnings],
    }  # fmt: skip
