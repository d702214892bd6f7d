"""Writes of the institutions app: the register, QC, proficiency tests, grading.

Keyword-only, atomic, ``full_clean()`` before saving. The register, QC, proficiency tests and
grading are the city's work (市卫生健康委, 市疾控中心: 001 附件1 第3、4、10、12条), so every write asks
for a city-wide jurisdiction (``access.require_citywide``) as well as the model permission; the
web pages, the API, the importer and the demo loader all come through here. Audit rows come from
the audit signals (``audited = True``): every write below saves instances one by one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.models import User
from ohsteward.core import audit, bulk, facts
from ohsteward.institutions import rules
from ohsteward.institutions.choices import (
    CardKind,
    InspectionResult,
    InspectionStatus,
    InstitutionKind,
    ProficiencyOutcome,
    RectificationStatus,
    ReferralDirection,
    ReferralStatus,
)
from ohsteward.institutions.models import (
    Institution,
    InstitutionGrade,
    PerformanceEvaluation,
    ProficiencyResult,
    ProficiencyRound,
    QcInspection,
    QcPlan,
    Qualification,
    Rectification,
    Referral,
    ReportCard,
    StaffMember,
    TechnicalGuidance,
)

CITY_ONLY = "机构名录、质控、能力验证和三色评定由市卫生健康委、市疾控中心办理"
NOT_IN_ROUND = "该机构未列入本轮能力验证名单，不能录入结果"
QC_NUMBER_TAKEN = "该质量控制号已被其他机构使用"

INSTITUTION_FIELDS = (
    "uscc",
    "name",
    "kinds",
    "province",
    "region",
    "address",
    "qc_number",
    "qc_issued_on",
    "capability_mode",
    "capability_confirmed_on",
    "capability_basis",
    "guidance_duty",
    "public",
    "primary_grade_a",
)


def _require(user: User | None, perm: str) -> None:
    """The model permission and a city-wide jurisdiction (None = the system: demo, CLI)."""
    if user is None:
        return
    if not access.has_perm(user, perm):
        raise PermissionDenied("您无权执行此操作")
    access.require_citywide(user, CITY_ONLY)


def _set(obj, data: dict[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


# --------------------------------------------------------------------------------------------
# The register
# --------------------------------------------------------------------------------------------


def _check_qc_number(institution: Institution) -> None:
    """A QC number is one institution's: refused with a field error before the database says so."""
    if institution.qc_number:
        taken = Institution.objects.filter(qc_number=institution.qc_number).exclude(pk=institution.pk)
        if taken.exists():
            raise ValidationError({"qc_number": QC_NUMBER_TAKEN})


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "uscc" in data:
        data["uscc"] = (data["uscc"] or "").strip().upper()
    if "qc_number" in data:
        data["qc_number"] = (data["qc_number"] or "").strip()
    if "province" in data:
        data["province"] = (data["province"] or "").strip() or rules.HOME_PROVINCE
    if "kinds" in data:
        order = [k for k, _ in InstitutionKind.choices]
        kinds = list(dict.fromkeys(data["kinds"] or []))
        data["kinds"] = sorted(kinds, key=lambda k: order.index(k) if k in order else len(order))
    return data


@transaction.atomic
def institution_create(*, user: User | None, data: dict[str, Any]) -> Institution:
    """Register an institution (name, credit code, kinds, location or home province, QC number,
    capability confirmation)."""
    _require(user, "institutions.add_institution")
    institution = Institution()
    _set(institution, _normalise(data), INSTITUTION_FIELDS)
    _check_qc_number(institution)
    institution.full_clean()
    institution.save()
    return institution


@transaction.atomic
def institution_update(*, user: User | None, institution: Institution, data: dict[str, Any]) -> Institution:
    """Change an institution's record (the QC number and its date too: issued by the city CDC)."""
    _require(user, "institutions.change_institution")
    access.require_in_scope(user, institution)
    _set(institution, _normalise(data), INSTITUTION_FIELDS)
    _check_qc_number(institution)
    institution.full_clean()
    institution.save()
    return institution


@transaction.atomic
def qualification_add(*, user: User | None, institution: Institution, data: dict[str, Any]) -> Qualification:
    """Record a 资质证书 or 备案 (number, scope, issued, valid until) of an institution."""
    _require(user, "institutions.add_qualification")
    access.require_in_scope(user, institution)
    q = Qualification(institution=institution)
    _set(q, data, ("kind", "number", "scope_text", "issued_on", "valid_until"))
    q.number = (q.number or "").strip()
    q.full_clean()
    q.save()
    return q


@transaction.atomic
def staff_add(*, user: User | None, institution: Institution, data: dict[str, Any]) -> StaffMember:
    """Record a professional of an institution and their certificate's validity."""
    _require(user, "institutions.add_staffmember")
    access.require_in_scope(user, institution)
    s = StaffMember(institution=institution)
    _set(s, data, ("name", "role", "certificate_number", "certificate_issued_on", "certificate_valid_until"))
    s.full_clean()
    s.save()
    return s


# --------------------------------------------------------------------------------------------
# QC
# --------------------------------------------------------------------------------------------


def qc_stratum(institution: Institution) -> str:
    """The stratum an institution is drawn in: out-of-province, else its main kind."""
    return (
        rules.OUT_OF_PROVINCE_STRATUM if institution.out_of_province else (institution.main_kind or "other")
    )


@transaction.atomic
def qcplan_create(*, user: User | None, data: dict[str, Any]) -> QcPlan:
    """A QC plan for a year (fraction, minimum per stratum, seed: a random one when not given)."""
    _require(user, "institutions.add_qcplan")
    plan = QcPlan(created_by=user)
    _set(plan, data, ("year", "name", "fraction", "minimum", "seed"))
    plan.seed = str(plan.seed or "").strip() or secrets.token_hex(4)
    if plan.fraction is not None and not 0 < Decimal(plan.fraction) <= 1:
        raise ValidationError({"fraction": "抽样比例应大于 0 且不超过 1"})
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def qcplan_draw(*, user: User | None, plan: QcPlan) -> list[QcInspection]:
    """Draw the plan's sample (``rules.qc_sample``: stratified, seeded, out-of-province ≥ 50 %,
    last year's red and yellow institutions always in) and plan one inspection per institution.
    A plan is drawn once: the sample is what the seed says, so drawing again would change nothing
    anyone could check."""
    _require(user, "institutions.change_qcplan")
    plan = QcPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.drawn_at is not None:
        raise ValidationError("本计划已抽取，不能重复抽取")
    institutions = list(Institution.objects.all())
    always = InstitutionGrade.objects.filter(year=plan.year - 1, colour__in=["red", "yellow"]).values_list(
        "institution_id", flat=True
    )
    sample = rules.qc_sample(
        [(i.pk, qc_stratum(i)) for i in institutions],
        fraction=float(plan.fraction),
        minimum=plan.minimum,
        seed=plan.seed,
        always=list(always),
    )
    chosen = sorted(pk for ids in sample.values() for pk in ids)
    planned = []
    for pk in chosen:
        inspection = QcInspection(plan=plan, institution_id=pk, year=plan.year)
        inspection.full_clean()
        inspection.save()
        planned.append(inspection)
    plan.drawn_at = timezone.now()
    plan.save(update_fields=["drawn_at", "updated_at"])
    return planned


@transaction.atomic
def qcinspection_add(*, user: User | None, institution: Institution, year: int) -> QcInspection:
    """An inspection outside a plan (an unannounced or follow-up QC visit)."""
    _require(user, "institutions.add_qcinspection")
    access.require_in_scope(user, institution)
    inspection = QcInspection(institution=institution, year=year)
    inspection.full_clean()
    inspection.save()
    return inspection


@transaction.atomic
def qcinspection_record(*, user: User | None, inspection: QcInspection, data: dict[str, Any]) -> QcInspection:
    """Record what the inspection found: date, items, findings, score, 合格/不合格."""
    _require(user, "institutions.change_qcinspection")
    access.require_in_scope(user, inspection)
    _set(inspection, data, ("inspected_on", "items", "findings", "score", "result"))
    inspection.status = InspectionStatus.RECORDED
    inspection.recorded_by = user
    inspection.full_clean()
    inspection.save()
    return inspection


@transaction.atomic
def rectification_issue(
    *, user: User | None, inspection: QcInspection, data: dict[str, Any]
) -> Rectification:
    """Demand rectification of a finding by a deadline (001 附件1 第9条: 限期整改)."""
    _require(user, "institutions.add_rectification")
    access.require_in_scope(user, inspection)
    if inspection.status != InspectionStatus.RECORDED:
        raise ValidationError("请先录入检查结果，再下达整改要求")
    r = Rectification(inspection=inspection)
    _set(r, data, ("demand", "issued_on", "deadline"))
    r.full_clean()
    r.save()
    return r


@transaction.atomic
def rectification_close(
    *, user, rectification: Rectification, closed_on: dt.date, closing_note: str = ""
) -> Rectification:
    """Accept the institution's rectification and close the demand."""
    _require(user, "institutions.change_rectification")
    access.require_in_scope(user, rectification)
    if rectification.status == RectificationStatus.CLOSED:
        raise ValidationError("该整改已验收")
    rectification.status = RectificationStatus.CLOSED
    rectification.closed_on = closed_on
    rectification.closing_note = closing_note
    rectification.full_clean()
    rectification.save()
    return rectification


# --------------------------------------------------------------------------------------------
# Proficiency tests
# --------------------------------------------------------------------------------------------


@transaction.atomic
def proficiencyround_create(*, user: User | None, data: dict[str, Any]) -> ProficiencyRound:
    """A round of 噪声检测与评价能力验证, 实验室检测能力比对 or 采样人员能力考核."""
    _require(user, "institutions.add_proficiencyround")
    r = ProficiencyRound()
    _set(r, data, ("year", "kind", "name", "held_on"))
    r.full_clean()
    r.save()
    return r


@transaction.atomic
def proficiency_enrol(
    *, user, round: ProficiencyRound, institutions: Iterable[Institution]
) -> list[ProficiencyResult]:
    """Put institutions on a round's list ("应参加尽参加"); ones already there are kept as they are."""
    _require(user, "institutions.add_proficiencyresult")
    present = set(round.results.values_list("institution_id", flat=True))
    added = []
    for institution in institutions:
        if institution.pk in present:
            continue
        access.require_in_scope(user, institution)
        entry = ProficiencyResult(round=round, institution=institution)
        entry.full_clean()
        entry.save()
        added.append(entry)
        present.add(institution.pk)
    return added


@transaction.atomic
def proficiency_result_record(
    *,
    user,
    round: ProficiencyRound,
    institution: Institution,
    outcome: str = "",
    z_score: Decimal | float | None = None,
    recorded_on: dt.date | None = None,
) -> ProficiencyResult:
    """Record an institution's result in a round: the outcome, or the z-score it follows from
    (``rules.z_score_outcome``). Refused for an institution not on the round's list."""
    _require(user, "institutions.change_proficiencyresult")
    access.require_in_scope(user, institution)
    entry = ProficiencyResult.objects.select_for_update().filter(round=round, institution=institution).first()
    if entry is None:
        raise ValidationError({"institution": NOT_IN_ROUND})
    if z_score is not None:
        derived = rules.z_score_outcome(float(z_score))
        if outcome and outcome != derived:
            label = ProficiencyOutcome(derived).label
            raise ValidationError({"outcome": f"z 比分数 {z_score} 对应的结果为“{label}”，与所填结果不一致"})
        outcome = derived
    if not outcome:
        raise ValidationError({"outcome": "请填写结果（满意/可疑/不满意）或 z 比分数"})
    entry.outcome = outcome
    entry.z_score = Decimal(str(z_score)) if z_score is not None else None
    entry.recorded_on = recorded_on or timezone.localdate()
    entry.full_clean()
    entry.save()
    return entry


# --------------------------------------------------------------------------------------------
# Red / yellow / green
# --------------------------------------------------------------------------------------------


@dataclass
class YearData:
    """One institution's year as the grading reads it."""

    qc_scores: list[float] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    demands: list[tuple[str, str]] = field(default_factory=list)  # (status, the inspection's result)
    performance: tuple[float, str] | None = None  # (total, checklist version) of the evaluation
    cards: rules.CardCounts = field(default_factory=rules.CardCounts)
    # cross-check findings about the institution (supervision, through core.facts); None: no data
    findings_confirmed: int | None = None
    findings_pending: int | None = None


def _finding_counts(
    year: int, institution_ids: Iterable[int] | None
) -> tuple[dict[int, int] | None, dict[int, int] | None]:
    """The cross-check findings (属实, 待核实) per institution, asked of supervision through
    ``core.facts`` (institutions sit below it); None when no app provides them."""
    if not facts.counted(facts.CONFIRMED_CROSSCHECK_FINDINGS):
        return None, None
    if institution_ids is None:
        ids = list(Institution.objects.values_list("pk", flat=True).order_by("pk"))
    else:
        ids = list(institution_ids)
    confirmed = facts.ask_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, ids, year)
    if confirmed is None:  # the year has not been checked: nothing to ask further
        return None, None
    return confirmed, facts.ask_counts(facts.PENDING_CROSSCHECK_FINDINGS, ids, year)


def year_data(year: int, institution_ids: Iterable[int] | None = None) -> dict[int, YearData]:
    """The year's recorded QC scores, proficiency outcomes, rectification demands and performance
    evaluation totals of every institution (or of ``institution_ids``), in four queries whatever
    their number, plus one for the report cards and, for the cross-check findings (asked of
    supervision through ``core.facts``: institutions may not import it), two before the year was
    checked and five after."""
    confirmed, pending = _finding_counts(year, institution_ids)

    def blank() -> YearData:  # an institution without findings has 0 of them, when counts exist
        return YearData(
            findings_confirmed=None if confirmed is None else 0,
            findings_pending=None if pending is None else 0,
        )

    data: defaultdict[int, YearData] = defaultdict(blank)
    inspections = QcInspection.objects.filter(year=year, status=InspectionStatus.RECORDED)
    results = ProficiencyResult.objects.filter(round__year=year).exclude(outcome="")
    demands = Rectification.objects.filter(inspection__year=year)
    evaluations = PerformanceEvaluation.objects.filter(year=year)
    if institution_ids is not None:
        ids = list(institution_ids)
        evaluations = evaluations.filter(institution_id__in=ids)
        inspections = inspections.filter(institution_id__in=ids)
        results = results.filter(institution_id__in=ids)
        demands = demands.filter(inspection__institution_id__in=ids)
    for pk, score in inspections.values_list("institution_id", "score"):
        if score is not None:
            data[pk].qc_scores.append(float(score))
    for pk, outcome in results.values_list("institution_id", "outcome"):
        data[pk].outcomes.append(outcome)
    for pk, status, result in demands.values_list(
        "inspection__institution_id", "status", "inspection__result"
    ):
        data[pk].demands.append((status, result))
    for pk, total, version in evaluations.values_list("institution_id", "total", "checklist_version"):
        data[pk].performance = (float(total), version)
    for pk, counts in card_counts(year, institution_ids=institution_ids).items():
        data[pk].cards = counts
    for pk, n in (confirmed or {}).items():
        if n:
            data[pk].findings_confirmed = n
    for pk, n in (pending or {}).items():
        if n:
            data[pk].findings_pending = n
    return data


def _performance_input(performance: tuple[float, str] | None) -> rules.FactorInput:
    if performance is None:
        return rules.performance_factor(None, "", False)
    total, version = performance
    return rules.performance_factor(total, version, rules.load_checklist(version).verified)


def grade_inputs_of(data: YearData, rules_: rules.GradingRules) -> tuple[dict, bool, bool]:
    """What the data say about each factor, with the two flags of the colour rules (a 不满意
    result; a failed QC whose rectification is open)."""
    closed = sum(1 for status, _ in data.demands if status == RectificationStatus.CLOSED)
    inputs = {
        "performance_score": _performance_input(data.performance),
        "qc_score": rules.qc_factor(data.qc_scores),
        "proficiency": rules.proficiency_factor(data.outcomes, rules_),
        "rectification": rules.rectification_factor(closed, len(data.demands)),
        "reporting_rate": rules.reporting_factor(data.cards),
        "timeliness": rules.timeliness_factor(data.cards),
        "crosscheck": rules.crosscheck_factor(data.findings_confirmed, data.findings_pending, rules_),
    }
    has_unsatisfactory = ProficiencyOutcome.UNSATISFACTORY in data.outcomes
    failed_unrectified = any(
        status == RectificationStatus.OPEN and result == InspectionResult.FAIL
        for status, result in data.demands
    )
    return inputs, has_unsatisfactory, failed_unrectified


def grade_inputs(institution: Institution, year: int, rules_: rules.GradingRules) -> tuple[dict, bool, bool]:
    """``grade_inputs_of`` for one institution (five queries)."""
    return grade_inputs_of(year_data(year, [institution.pk])[institution.pk], rules_)


@transaction.atomic
def grades_compute(
    *, user: User | None, year: int, version: str = rules.CURRENT_GRADING_VERSION
) -> dict[str, Any]:
    """Compute (or recompute) every institution's colour for ``year``. Institutions without enough
    data get no grade (and lose a stale one); they are counted in ``ungraded``."""
    _require(user, "institutions.add_institutiongrade")
    rules_ = rules.load_grading_rules(version)
    now = timezone.now()
    graded, ungraded = [], []
    data = year_data(year)  # five queries for every institution, not five per institution
    stored = {g.institution_id: g for g in InstitutionGrade.objects.filter(year=year)}
    for institution in Institution.objects.order_by("pk"):
        inputs, unsatisfactory, failed = grade_inputs_of(data[institution.pk], rules_)
        result = rules.grade(inputs, rules_, has_unsatisfactory=unsatisfactory, failed_unrectified=failed)
        existing = stored.get(institution.pk)
        if result.colour is None or result.score is None:
            if existing is not None:
                existing.delete()
            ungraded.append(institution)
            continue
        grade = existing or InstitutionGrade(institution=institution, year=year)
        grade.institution = institution  # audit_scope reads it: no query per stored grade
        grade.colour = result.colour
        grade.score = Decimal(str(result.score))
        grade.factors = [f.as_dict() for f in result.factors]
        grade.notes = result.notes
        grade.rules_version = rules_.version
        grade.computed_at = now
        # The institution is the row just read (no existence query) and the (institution, year)
        # pair is the stored grade or a new one after reading every stored grade of the year; the
        # database constraint still guards it. Saves three queries per institution.
        grade.full_clean(exclude=["institution"], validate_unique=False, validate_constraints=False)
        grade.save()
        graded.append(grade)
    return {"graded": graded, "ungraded": ungraded, "rules": rules_}


# --------------------------------------------------------------------------------------------
# Performance evaluation (绩效评估质量指标评分)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def performance_evaluation_record(
    *,
    user: User | None,
    institution: Institution,
    year: int,
    evaluated_on: dt.date,
    scores: dict[str, tuple[Decimal | float | None, str]],
    note: str = "",
    version: str = rules.CURRENT_CHECKLIST_VERSION,
) -> PerformanceEvaluation:
    """Record (or replace) an institution's evaluation for ``year`` on the checklist of
    ``version``: ``scores`` maps each item code to (points, evidence note). Every item is scored
    within its maximum (``rules.evaluation_errors``); the total is ``rules.evaluation_total``.
    The city CDC evaluates (001 附件1 第4条)."""
    _require(user, "institutions.add_performanceevaluation")
    access.require_in_scope(user, institution)
    checklist = rules.load_checklist(version)
    points = {code: (None if value is None else float(value)) for code, (value, _e) in scores.items()}
    errors = rules.evaluation_errors(points, checklist)
    if errors:
        raise ValidationError({f"score_{code}": message for code, message in errors.items()})
    evaluation = PerformanceEvaluation.objects.select_for_update().filter(
        institution=institution, year=year
    ).first() or PerformanceEvaluation(institution=institution, year=year)
    evaluation.checklist_version = checklist.version
    evaluation.scores = [
        {
            "code": item.code,
            "score": points[item.code],
            "evidence": (scores[item.code][1] or "").strip(),
        }
        for item in checklist.items
    ]
    scored = {code: value for code, value in points.items() if value is not None}  # all, once checked
    evaluation.total = Decimal(str(rules.evaluation_total(scored, checklist)))
    evaluation.evaluated_on = evaluated_on
    evaluation.note = note
    evaluation.evaluated_by = user
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# --------------------------------------------------------------------------------------------
# QC ↔ enforcement ledger (001 附件1 第13条)
# --------------------------------------------------------------------------------------------

QC_REFERRALS_ARE_CITYS = "质控发现的违法违规线索由市疾控中心移交卫生监督执法机构"
REFERRAL_FIELDS = ("direction", "institution", "inspection", "district", "finding", "handed_on", "handed_by")


@transaction.atomic
def referral_create(*, user: User | None, data: dict[str, Any]) -> Referral:
    """Enter a finding in the ledger: QC hands a violation clue to health supervision (the city
    CDC: city-wide users), or a district's supervision reports a quality problem it found (a
    district for its own district, or the city). ``district`` defaults to the institution's."""
    if user is not None and not access.has_perm(user, "institutions.add_referral"):
        raise PermissionDenied("您无权登记移交")
    if data.get("direction") == ReferralDirection.QC_TO_SUPERVISION:
        access.require_citywide(user, QC_REFERRALS_ARE_CITYS)
    referral = Referral(recorded_by=user)
    _set(referral, data, REFERRAL_FIELDS)
    if referral.district_id is None and referral.institution_id is not None:
        referral.district_id = referral.institution.region_id
    referral.status = ReferralStatus.HANDED_OVER
    referral.full_clean()
    referral.save()
    access.require_in_scope(user, referral, "该移交不在您的辖区：请选择本辖区")
    return referral


@transaction.atomic
def referral_advance(
    *,
    user: User | None,
    referral: Referral,
    status: str,
    on: dt.date,
    by: str = "",
    outcome: str = "",
) -> Referral:
    """Move a referral on: 已接收 (with who received it), 查处中, 已办结 or 退回 (with the outcome or
    the reason). Its district (or the city) does this; the order is ``rules.REFERRAL_NEXT``."""
    if user is not None and not access.has_perm(user, "institutions.change_referral"):
        raise PermissionDenied("您无权办理移交")
    access.require_in_scope(user, referral)
    referral = Referral.objects.select_for_update().select_related("institution").get(pk=referral.pk)
    error = rules.referral_transition_error(referral.status, status)
    if error:
        raise ValidationError({"status": error})
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    referral.status = status
    if status == ReferralStatus.RECEIVED:
        referral.received_on = on
        referral.received_by = by.strip()
        if not referral.received_by:
            raise ValidationError({"by": "请填写接收单位（人）"})
    elif status in (ReferralStatus.CLOSED, ReferralStatus.RETURNED):
        referral.closed_on = on
        referral.outcome = outcome.strip()
    elif outcome.strip():
        referral.outcome = outcome.strip()
    try:
        referral.full_clean()
    except ValidationError as exc:
        # the model names its own date fields; the form has one date ("on")
        errors = exc.message_dict
        for name in ("received_on", "closed_on"):
            if name in errors:
                errors["on"] = errors.pop(name)
        raise ValidationError(errors) from exc
    referral.save()
    return referral


# --------------------------------------------------------------------------------------------
# Technical guidance at employers (001 附件1 目标(四))
# --------------------------------------------------------------------------------------------

GUIDANCE_FIELDS = (
    "institution",
    "enterprise",
    "visited_on",
    "kind",
    "content",
    "findings",
    "steward_visit",
    "assistance_entry",
)


def _visible(user: User | None, obj) -> bool:
    return user is None or access.in_scope(user, obj)


@transaction.atomic
def guidance_record(*, user: User | None, data: dict[str, Any]) -> TechnicalGuidance:
    """Record a guidance visit. The user sees both the guiding institution (a district CDC: its
    district's institutions; institution staff: their own) and the employer; a linked steward
    visit or assistance entry is one the user sees, of the same employer (the model checks)."""
    if user is not None and not access.has_perm(user, "institutions.add_technicalguidance"):
        raise PermissionDenied("您无权登记技术指导")
    guidance = TechnicalGuidance(recorded_by=user)
    _set(guidance, data, GUIDANCE_FIELDS)
    errors: dict[str, str] = {}
    if guidance.institution_id and not _visible(user, guidance.institution):
        errors["institution"] = "该机构不在您的管辖范围内"
    if guidance.enterprise_id and not _visible(user, guidance.enterprise):
        errors["enterprise"] = "该用人单位不在您的管辖范围内"
    for name in ("steward_visit", "assistance_entry"):
        linked = getattr(guidance, name)
        if linked is not None and not _visible(user, linked):
            errors[name] = "该记录不在您的管辖范围内"
    if guidance.visited_on and guidance.visited_on > timezone.localdate():
        errors["visited_on"] = "指导日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    guidance.full_clean()
    guidance.save()
    return guidance


# --------------------------------------------------------------------------------------------
# Report cards (技术服务信息报送卡 / 个案卡, issue 9 item 3)
# --------------------------------------------------------------------------------------------

NOT_PERFORMED = "该机构未开展此项服务（检测评价、职业健康检查或诊断），不能报送其信息报告卡"
CARD_FILED = "该信息报告卡已于 {date} 报送"


def card_expect(
    *,
    kind: str,
    activity_app: str,
    activity_id: int,
    institution_id: int,
    enterprise_id: int,
    performed_on: dt.date,
    label: str = "",
) -> ReportCard:
    """The card an activity owes, created "missing" when the activity is recorded (called by the
    apps that record activities: monitoring/cards.py, surveillance/exams/cards.py — they sit above
    this app). Recording the activity again (an edit) moves the date and the deadline of a card not
    yet filed; a filed card keeps its deadline."""
    card_rules = rules.load_card_rules()
    card = ReportCard.objects.filter(kind=kind, activity_app=activity_app, activity_id=activity_id).first()
    if card is None:
        card = ReportCard(kind=kind, activity_app=activity_app, activity_id=activity_id)
    elif card.reported_on is not None:
        return card
    _card_fill(card, institution_id, enterprise_id, performed_on, label, card_rules)
    card.save()
    return card


def _card_fill(card: ReportCard, institution_id: int, enterprise_id: int, performed_on: dt.date, label: str,
               card_rules: rules.CardRules) -> None:  # fmt: skip
    card.institution_id = institution_id
    card.enterprise_id = enterprise_id
    card.performed_on = performed_on
    card.activity_label = label[:200]
    card.due_on = rules.card_due(card.kind, performed_on, card_rules)
    card.rules_version = card_rules.version


def cards_expect_new(*, kind: str, activity_app: str, expected: list[dict[str, Any]]) -> list[ReportCard]:
    """``card_expect`` for activities recorded in bulk (an exam import's batches, which send no
    ``post_save``): each ``expected`` item has ``activity_id``, ``institution_id``, ``enterprise``
    (the object), ``performed_on`` and ``label``. An activity that already has a card goes through
    ``card_expect``; the others' cards are inserted together, with their audit entries."""
    card_rules = rules.load_card_rules()
    ids = [item["activity_id"] for item in expected]
    have = set(
        ReportCard.objects.filter(kind=kind, activity_app=activity_app, activity_id__in=ids).values_list(
            "activity_id", flat=True
        )
    )
    cards = []
    for item in expected:
        enterprise = item["enterprise"]
        if item["activity_id"] in have:
            card_expect(kind=kind, activity_app=activity_app, activity_id=item["activity_id"],
                        institution_id=item["institution_id"], enterprise_id=enterprise.pk,
                        performed_on=item["performed_on"], label=item["label"])  # fmt: skip
            continue
        card = ReportCard(kind=kind, activity_app=activity_app, activity_id=item["activity_id"])
        _card_fill(
            card, item["institution_id"], enterprise.pk, item["performed_on"], item["label"], card_rules
        )
        card.enterprise = enterprise
        cards.append(card)
    bulk.insert_objects(ReportCard, cards, with_ids=True)
    audit.insert_entries(audit.entry_row(c, "create", audit.created_changes(c)) for c in cards)
    return cards


@transaction.atomic
def card_file(
    *,
    user: User | None,
    institution: Institution,
    activity_app: str,
    activity_id: int,
    kind: str,
    reported_on: dt.date | None,
) -> ReportCard:
    """The institution files the card of an activity it performed. An activity it did not perform
    (no card of this institution for it) is refused with ``NOT_PERFORMED``; so is a card filed twice
    or a date before the activity or after today. Institution staff file their own institution's
    cards only; the city may record a filing for any institution."""
    if user is not None:
        if not access.has_perm(user, "institutions.change_reportcard"):
            raise PermissionDenied("您无权报送信息报告卡")
        if not (access.sees_everything(user) or access.own_institution_id(user) == institution.pk):
            raise PermissionDenied("只能报送本机构的信息报告卡")
    if kind not in CardKind.values:
        raise ValidationError({"kind": "报告卡类别不正确"})
    card = (
        ReportCard.objects.select_for_update()
        .filter(institution=institution, kind=kind, activity_app=activity_app, activity_id=activity_id)
        .first()
    )
    if card is None:
        raise ValidationError({"activity": NOT_PERFORMED})
    if card.reported_on is not None:
        raise ValidationError({"activity": CARD_FILED.format(date=f"{card.reported_on:%Y-%m-%d}")})
    errors = rules.card_filing_errors(card.performed_on, reported_on, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    card.reported_on = reported_on
    card.reported_by = user
    card.save()
    return card


def card_counts(
    year: int, *, institution_ids: Iterable[int] | None = None, today: dt.date | None = None
) -> dict[int, rules.CardCounts]:
    """Per institution, its cards for activities performed in ``year``: due (filed, or unfiled and
    past the deadline), filed, filed on time. One query whatever the number of institutions."""
    today = today or timezone.localdate()
    cards = ReportCard.objects.filter(performed_on__year=year)
    if institution_ids is not None:
        cards = cards.filter(institution_id__in=list(institution_ids))
    rows = cards.values("institution_id").annotate(
        performed=Count("pk", filter=Q(reported_on__isnull=False) | Q(due_on__lt=today)),
        reported=Count("pk", filter=Q(reported_on__isnull=False)),
        on_time=Count("pk", filter=Q(reported_on__lte=F("due_on"))),
    )
    return {
        r["institution_id"]: rules.CardCounts(r["performed"], r["reported"], r["on_time"])
        for r in rows.order_by("institution_id")
    }


def card_file_of(*, user: User | None, instance: ReportCard, data: dict[str, Any]) -> ReportCard:
    """``card_file`` for a card picked on its page (the web form)."""
    return card_file(
        user=user,
        institution=instance.institution,
        kind=instance.kind,
        activity_app=instance.activity_app,
        activity_id=instance.activity_id,
        reported_on=data.get("reported_on"),
    )
