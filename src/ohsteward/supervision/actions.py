"""Writes of classified supervision. Each action checks scope, validates with ``rules``, saves
inside one transaction and leaves the audit to core.audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.models import User
from ohsteward.declarations import actions as declaration_actions
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship import rules as steward_rules
from ohsteward.supervision import evidence, queries, recompute, rules, warnings
from ohsteward.supervision.choices import (
    CaseStatus,
    FindingStatus,
    InspectionState,
    SiteInspectionStatus,
)
from ohsteward.supervision.models import (
    AnswerEvidence,
    AnswerRecord,
    ChecklistItem,
    ChecklistVersion,
    ClassFrequency,
    ConstructionProject,
    CrossCheckFinding,
    EnforcementCase,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    RiskAssessment,
    SelfInspection,
    SelfInspectionAnswer,
    StoredBlob,
)


def _rule_error(error: rules.RuleError, field: str = "__all__") -> ValidationError:
    return ValidationError({field: str(error)})


# --------------------------------------------------------------------------------------------
# Checklist versions
# --------------------------------------------------------------------------------------------


@transaction.atomic
def checklist_load(
    *,
    user: User | None,
    code: str,
    name: str,
    items: Sequence[rules.ChecklistItemSpec],
    verified: bool,
    source: str = "",
    activate: bool = True,
) -> ChecklistVersion:
    """A new checklist version (the city loads the official 附件2, or the provisional one ships).
    Only city-wide users; items must be valid (unique codes, total 100)."""
    access.require_citywide(user, "只有市级用户可以发布管理自查表版本")
    errors = rules.checklist_errors(items)
    if ChecklistVersion.objects.filter(code=code).exists():
        errors.insert(0, f"版本号“{code}”已存在")
    if errors:
        raise ValidationError(errors)
    if activate:
        ChecklistVersion.objects.filter(active=True).update(active=False)
    version = ChecklistVersion(
        code=code, name=name, verified=verified, source=source[:500], active=activate, created_by=user
    )
    version.full_clean()
    version.save()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            version=version, order=i, code=s.code, section=s.section, text=s.text[:500],
            points=Decimal(str(s.points)), veto=s.veto, evidence_hint=s.evidence_hint,
        )
        for i, s in enumerate(items, start=1)
    )  # fmt: skip
    return version


def checklist_active() -> ChecklistVersion:
    """The checklist in use; the shipped provisional version (未核对) until the city loads one."""
    version = ChecklistVersion.objects.filter(active=True).order_by("-pk").first()
    if version is not None:
        return version
    header, items = rules.load_checklist("provisional-v1")
    existing = ChecklistVersion.objects.filter(code=header["version"]).first()
    if existing is not None:
        return existing
    return checklist_load(
        user=None,
        code=header["version"],
        name=header["name"],
        items=items,
        verified=False,
        source=header["source"],
    )


def _specs(version: ChecklistVersion) -> list[rules.ChecklistItemSpec]:
    return [
        rules.ChecklistItemSpec(i.code, i.section, i.text, float(i.points), i.veto, i.evidence_hint)
        for i in version.items.order_by("order")
    ]


# --------------------------------------------------------------------------------------------
# Self-inspections
# --------------------------------------------------------------------------------------------


@transaction.atomic
def self_inspection_start(*, user: User | None, enterprise: Enterprise, on: dt.date) -> SelfInspection:
    """A draft self-inspection on the active checklist, every item listed and the records the
    system has linked as evidence (``evidence.records_for``: the declaration, detection report,
    exams and the year's training records). An open draft of the same employer is returned
    instead."""
    access.require_in_scope(user, enterprise, "该单位不在您的管辖范围内")
    draft = SelfInspection.objects.filter(enterprise=enterprise, state=InspectionState.DRAFT).first()
    if draft is not None:
        return draft
    checklist = checklist_active()
    inspection = SelfInspection(enterprise=enterprise, checklist=checklist, filled_on=on, created_by=user)
    inspection.full_clean()
    inspection.save()
    items = list(checklist.items.order_by("order"))
    SelfInspectionAnswer.objects.bulk_create(
        SelfInspectionAnswer(inspection=inspection, item=item) for item in items
    )
    answers = {a.item_id: a for a in inspection.answers.all()}
    found: dict[str, list[evidence.Record]] = {}
    rows = []
    for item in items:
        hint = item.evidence_hint
        if hint and hint not in found:
            found[hint] = evidence.records_for(enterprise, hint, on)
        rows += [
            AnswerRecord(answer=answers[item.pk], kind=r.kind, label=r.label[:200], url=r.url[:300])
            for r in found.get(hint, [])
        ]
    AnswerRecord.objects.bulk_create(rows)
    return inspection


def _draft_answer(user: User | None, inspection: SelfInspection, code: str) -> SelfInspectionAnswer:
    access.require_in_scope(user, inspection.enterprise)
    if inspection.state != InspectionState.DRAFT:
        raise ValidationError("自查已提交，不能再修改（请由审核人调整）")
    answer = inspection.answers.select_related("item").filter(item__code=code).first()
    if answer is None:
        raise ValidationError({"code": f"自查表中没有条目“{code}”"})
    return answer


@transaction.atomic
def self_inspection_record_add(
    *, user: User | None, inspection: SelfInspection, code: str, label: str, url: str
) -> AnswerRecord:
    """The manager cites another record of the system for an item of its draft (a page of this
    system, by its address)."""
    answer = _draft_answer(user, inspection, code)
    label, url = (label or "").strip(), (url or "").strip()
    errors = {}
    if not label:
        errors["label"] = "请填写引用记录的名称"
    if not url:
        errors["url"] = "请填写引用记录的页面地址"
    if errors:
        raise ValidationError(errors)
    if answer.records.filter(url=url).exists():
        raise ValidationError({"url": "本项已引用该记录"})
    record = AnswerRecord(answer=answer, kind="", label=label[:200], url=url[:300], added_by=user)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def self_inspection_record_remove(*, user: User | None, inspection: SelfInspection, record_id: int) -> None:
    """The manager removes a cited record (pre-filled or added) from an item of its draft."""
    record = (
        AnswerRecord.objects.select_related("answer__item")
        .filter(answer__inspection=inspection, pk=record_id)
        .first()
    )
    if record is None:
        raise ValidationError({"record": "该引用记录不存在"})
    _draft_answer(user, inspection, record.answer.item.code)
    record.delete()


@transaction.atomic
def self_inspection_record_refill(
    *, user: User | None, inspection: SelfInspection, code: str, on: dt.date
) -> list[AnswerRecord]:
    """Link again the records the system has for an item (those not linked already), e.g. after
    a removal by mistake or a training recorded since the draft was started."""
    answer = _draft_answer(user, inspection, code)
    linked = set(answer.records.values_list("url", flat=True))
    added = []
    for r in evidence.records_for(inspection.enterprise, answer.item.evidence_hint, on):
        if r.url in linked:
            continue
        record = AnswerRecord(answer=answer, kind=r.kind, label=r.label[:200], url=r.url[:300], added_by=user)
        record.full_clean()
        record.save()
        added.append(record)
    return added


@transaction.atomic
def self_inspection_evidence_remove(
    *, user: User | None, inspection: SelfInspection, evidence_id: int
) -> None:
    """The manager removes an uploaded file from an item of its draft."""
    found = (
        AnswerEvidence.objects.select_related("answer__item", "blob")
        .filter(answer__inspection=inspection, pk=evidence_id)
        .first()
    )
    if found is None:
        raise ValidationError({"evidence": "该佐证材料不存在"})
    _draft_answer(user, inspection, found.answer.item.code)
    blob = found.blob
    found.delete()
    blob.delete()


def _check_files(files: Sequence[Any]) -> None:
    errors = [e for f in files if (e := steward_rules.evidence_error(f.name, f.size))]
    if errors:
        raise ValidationError({"evidence": errors})


def _store(files: Sequence[Any], make: Callable[..., Any], user: User | None) -> None:
    for f in files:
        content = f.read()
        blob = StoredBlob.objects.create(data=content)
        row = make(
            name=f.name[:200],
            content_type=steward_rules.evidence_media_type(f.name)[0],  # never the declared type
            size=len(content),
            blob=blob,
            uploaded_by=user,
        )
        row.full_clean()
        row.save()


@transaction.atomic
def self_inspection_answer(
    *,
    user: User | None,
    inspection: SelfInspection,
    code: str,
    points: Decimal | float | None,
    note: str = "",
    files: Sequence[Any] = (),
) -> SelfInspectionAnswer:
    """The employer answers one item of its draft: points within the item's, a note, files."""
    answer = _draft_answer(user, inspection, code)
    spec = rules.ChecklistItemSpec(
        answer.item.code, answer.item.section, answer.item.text, float(answer.item.points)
    )
    error = rules.award_error(spec, None if points is None else float(points))
    if error:
        raise ValidationError({"points": error})
    _check_files(files)
    answer.points = None if points is None else Decimal(str(points))
    answer.note = note[:500]
    answer.full_clean()
    answer.save()
    _store(files, lambda **kw: AnswerEvidence(answer=answer, **kw), user)
    return answer


def _score(inspection: SelfInspection) -> tuple[float, list[str], list[str]]:
    awarded = {
        a.item.code: (None if a.points is None else float(a.points))
        for a in inspection.answers.select_related("item")
    }
    return rules.checklist_score(_specs(inspection.checklist), awarded)


@transaction.atomic
def self_inspection_submit(*, user: User | None, inspection: SelfInspection, on: dt.date) -> SelfInspection:
    """Submit a complete draft for review; the score and provisional status are computed."""
    access.require_in_scope(user, inspection.enterprise)
    if inspection.state != InspectionState.DRAFT:
        raise ValidationError("该自查已提交")
    score, missing, vetoes = _score(inspection)
    if missing:
        raise ValidationError(f"还有 {len(missing)} 项未填写得分：{'、'.join(missing[:10])}")
    status, _ok, _s = rules.management_status(rules.rules_on(on), score, veto_failed=vetoes)
    inspection.score = Decimal(str(score))
    inspection.status = status or ""
    inspection.veto_failed = vetoes
    inspection.state = InspectionState.SUBMITTED
    inspection.submitted_on = on
    inspection.full_clean()
    inspection.save()
    return inspection


@transaction.atomic
def self_inspection_review(
    *,
    user: User | None,
    inspection: SelfInspection,
    on: dt.date,
    adjustments: Mapping[str, Decimal | float] | None = None,
    note: str = "",
) -> SelfInspection:
    """The employer's steward team or the district reviews a submitted self-inspection, adjusting
    items' points (the employer's own figure is kept), and the status is fixed. The employer
    cannot review its own."""
    access.require_in_scope(user, inspection.enterprise)
    if user is not None and access.own_enterprise_id(user) is not None:
        raise PermissionDenied("用人单位不能审核本单位的自查")
    if inspection.state != InspectionState.SUBMITTED:
        raise ValidationError("只能审核已提交的自查")
    answers = {a.item.code: a for a in inspection.answers.select_related("item")}
    for code, points in (adjustments or {}).items():
        answer = answers.get(code)
        if answer is None:
            raise ValidationError({"adjustments": f"自查表中没有条目“{code}”"})
        spec = rules.ChecklistItemSpec(code, answer.item.section, answer.item.text, float(answer.item.points))
        error = rules.award_error(spec, float(points))
        if error:
            raise ValidationError({"adjustments": error})
        if answer.original_points is None:
            answer.original_points = answer.points
        answer.points = Decimal(str(points))
        answer.review_note = "审核调整"
        answer.save()
    score, _missing, vetoes = _score(inspection)
    status, _ok, _s = rules.management_status(rules.rules_on(on), score, veto_failed=vetoes)
    inspection.score = Decimal(str(score))
    inspection.status = status or ""
    inspection.veto_failed = vetoes
    inspection.state = InspectionState.REVIEWED
    inspection.reviewed_on = on
    inspection.reviewed_by = user
    inspection.review_note = note[:500]
    inspection.full_clean()
    inspection.save()
    return inspection


# --------------------------------------------------------------------------------------------
# Risk assessments
# --------------------------------------------------------------------------------------------


@transaction.atomic
def risk_assess(
    *,
    user: User | None,
    enterprise: Enterprise,
    on: dt.date,
    reasons_cache: dict[int, tuple[str, ...]] | None = None,
) -> RiskAssessment:
    """Assess an employer from live data (queries.live_factors; the latest reviewed
    self-inspection) and store the result with its scheme, version and explanation."""
    access.require_in_scope(user, enterprise, "该单位不在您的管辖范围内")
    try:
        r = rules.rules_on(on)
    except rules.RuleError as error:
        raise _rule_error(error, "on") from error
    live = queries.live_factors(enterprise, on, r, reasons_cache)
    inspection = queries.latest_reviewed_self_inspection(enterprise, on)
    score = float(inspection.score) if inspection and inspection.score is not None else None
    result = rules.assess(
        live.factors,
        on=on,
        management_score=score,
        veto_failed=inspection.veto_failed if inspection else (),
        rules=r,
    )
    explanation = [*live.notes, *result.explanation]
    if inspection is not None:
        explanation.append(
            f"管理状况依据 {inspection.filled_on} 的职业卫生管理自查（{inspection.checklist}）"
        )
        if not inspection.checklist.verified:
            result.verified["management_status"] = False
            result.verified["comprehensive_class"] = False
    assessment = RiskAssessment(
        enterprise=enterprise,
        assessed_on=on,
        scheme=result.scheme,
        rules_version=result.version,
        hazard_level=result.hazard.level,
        management_score=None if score is None else Decimal(str(score)),
        management_status=result.management_status or "",
        comprehensive_class=result.comprehensive_class or "",
        verified=result.verified,
        factors=result.factors_data(),
        explanation=explanation,
        basis=live.basis,
        declaration=live.declaration,
        self_inspection=inspection,
        reassess_due=result.reassess_due,
        created_by=user,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def risk_assess_all(
    *, user: User | None, on: dt.date, district: str = "", progress: Callable[[int, int], None] | None = None
) -> int:
    """Recompute every employer the user may see (the system: all) with the set-based
    ``recompute`` (a few queries, bulk writes; a new history row only where the result changed)."""
    try:
        rules.rules_on(on)
    except rules.RuleError as error:
        raise _rule_error(error, "on") from error
    employers = Enterprise.objects.all() if user is None else Enterprise.objects.for_user(user)
    if district:
        employers = employers.filter(region_id=district)
    stats = recompute.recompute(user=user, on=on, employers=employers, progress=progress)
    warnings.refresh(
        None if user is None and not district else list(employers.values_list("pk", flat=True)),
        on,
        stats.inputs,
    )
    return stats.employers


@transaction.atomic
def risk_refresh(*, enterprise_ids: Sequence[int], on: dt.date) -> recompute.Stats:
    """Incremental: re-assess these employers (a row only if the result changed) and refresh
    their warnings — what a new measurement or exam batch triggers. One transaction (the
    assessment and its warnings together); the declarations and measurements the recompute read
    serve the warnings too (``recompute.Inputs``)."""
    stats = recompute.recompute(on=on, enterprise_ids=enterprise_ids)
    warnings.refresh(enterprise_ids, on, stats.inputs)
    return stats


# --------------------------------------------------------------------------------------------
# Supervision by class
# --------------------------------------------------------------------------------------------


def _require_district(user: User | None, district: Region) -> None:
    if user is not None and not access.governs_district(user, district.code):
        raise access.OutOfScope()


@transaction.atomic
def frequency_set(
    *,
    user: User | None,
    district: Region,
    risk_class: str,
    ratio: Decimal | float | None,
    minimum: int = 0,
    verified: bool = False,
    note: str = "",
) -> ClassFrequency:
    """Set a district's yearly sampling ratio for one class (configuration, RULES.md §1.5 [?])."""
    _require_district(user, district)
    if ratio is not None and not 0 <= float(ratio) <= 1:
        raise ValidationError({"ratio": "抽查比例应在 0–1（0–100%）之间"})
    row, _ = ClassFrequency.objects.get_or_create(district=district, risk_class=risk_class)
    row.ratio = None if ratio is None else Decimal(str(ratio))
    row.minimum = minimum
    row.verified = verified
    row.note = note[:300]
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def plan_generate(*, user: User | None, district: Region, year: int, seed: int) -> InspectionPlan:
    """The district's yearly plan: draw employers per class at the configured ratios (seeded,
    reproducible), one planned inspection per employer drawn. The class is each employer's latest
    assessment; employers never assessed form "未评估" (drawn at the 丙 ratio)."""
    _require_district(user, district)
    if InspectionPlan.objects.filter(district=district, year=year).exists():
        raise ValidationError("该区县该年度已有监督检查计划")
    config = {c.risk_class: c for c in ClassFrequency.objects.filter(district=district)}
    ratios = [
        rules.ClassRatio(k, float(c.ratio) if c.ratio is not None else None, c.minimum, c.verified)
        for k, c in config.items()
    ]
    latest = RiskAssessment.objects.filter(enterprise__region=district).newest_per_enterprise()
    class_of = dict(latest.values_list("enterprise_id", "comprehensive_class"))
    employers = Enterprise.objects.filter(region=district).order_by("pk").values_list("pk", flat=True)
    population = [(pk, class_of.get(pk, "")) for pk in employers]
    try:
        drawn = rules.plan_draw(population, ratios, seed=seed)
    except rules.RuleError as error:
        raise _rule_error(error) from error
    plan = InspectionPlan(
        district=district,
        year=year,
        seed=seed,
        ratios={r.klass: {"ratio": r.ratio, "minimum": r.minimum, "verified": r.verified} for r in ratios},
        drawn={k: len(v) for k, v in drawn.items()},
        created_by=user,
    )
    plan.full_clean()
    plan.save()
    Inspection.objects.bulk_create(
        Inspection(enterprise_id=pk, plan=plan, drawn_class=klass, created_by=user)
        for klass, ids in drawn.items()
        for pk in ids
    )
    return plan


@transaction.atomic
def inspection_assign(
    *, user: User | None, inspection: Inspection, inspector: User, second: User | None = None
) -> Inspection:
    """Assign the inspectors of a planned inspection: officers who may record inspections and
    govern the employer's district ("双随机": the plan draws the employers, the district the people)."""
    access.require_in_scope(user, inspection.enterprise)
    for person in filter(None, (inspector, second)):
        if not person.has_perm("supervision.change_inspection") or not access.governs_district(
            person, inspection.enterprise.region_id
        ):
            raise ValidationError({"inspector": f"{person.username} 不是该区县的监督检查人员"})
    if second is not None and second.pk == inspector.pk:
        raise ValidationError({"inspector": "两名检查人员不能是同一人"})
    inspection.inspector = inspector
    inspection.second_inspector = second
    inspection.full_clean()
    inspection.save()
    return inspection


@transaction.atomic
def inspection_record(
    *,
    user: User | None,
    inspection: Inspection,
    inspected_on: dt.date,
    today: dt.date,
    findings: str = "",
    opinion: str = "",
    order_deadline: dt.date | None = None,
    checklist: Sequence[Mapping[str, Any]] = (),
    photos: Sequence[Any] = (),
) -> Inspection:
    """Record an inspection done on site (dated today or earlier); findings with a deadline are
    the 三步法's 责令限期改正."""
    access.require_in_scope(user, inspection.enterprise)
    errors: dict[str, str] = {}
    if error := rules.inspection_date_error(inspected_on, today):
        errors["inspected_on"] = error
    if order_deadline is not None and (error := rules.order_deadline_error(inspected_on, order_deadline)):
        errors["order_deadline"] = error
    if errors:
        raise ValidationError(errors)
    _check_files(photos)
    inspection.inspected_on = inspected_on
    inspection.findings = findings
    inspection.opinion = opinion
    inspection.order_deadline = order_deadline
    inspection.checklist = list(checklist)
    inspection.status = SiteInspectionStatus.DONE
    if inspection.inspector_id is None:
        inspection.inspector = user
    inspection.full_clean()
    inspection.save()
    _store(photos, lambda **kw: InspectionPhoto(inspection=inspection, **kw), user)
    return inspection


@transaction.atomic
def inspection_reinspect(
    *,
    user: User | None,
    inspection: Inspection,
    inspected_on: dt.date,
    today: dt.date,
    corrected: bool,
    findings: str = "",
) -> Inspection:
    """The re-inspection after an order to correct: corrected or not (then a case follows)."""
    access.require_in_scope(user, inspection.enterprise)
    if inspection.order_deadline is None:
        raise ValidationError("该检查未责令限期改正，无需复查")
    if error := rules.inspection_date_error(inspected_on, today):
        raise ValidationError({"inspected_on": error})
    if inspection.inspected_on and inspected_on < inspection.inspected_on:
        raise ValidationError({"inspected_on": "复查日期不能早于原检查日期"})
    follow = Inspection(
        enterprise=inspection.enterprise,
        reinspection_of=inspection,
        inspector=user,
        status=SiteInspectionStatus.DONE,
        inspected_on=inspected_on,
        findings=findings,
        corrected=corrected,
        created_by=user,
    )
    follow.full_clean()
    follow.save()
    return follow


@transaction.atomic
def case_open(
    *,
    user: User | None,
    enterprise: Enterprise,
    opened_on: dt.date,
    today: dt.date,
    violations: str,
    provisions: str,
    inspection: Inspection | None = None,
    case_no: str = "",
) -> EnforcementCase:
    """立案: the violations and the legal provisions cited."""
    access.require_in_scope(user, enterprise)
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise ValidationError({"inspection": "来源检查不是该单位的检查"})
    if opened_on > today:
        raise ValidationError({"opened_on": "立案日期不能晚于今天"})
    if not violations.strip() or not provisions.strip():
        raise ValidationError("立案须写明违法事实和适用的法律条款")
    case = EnforcementCase(
        enterprise=enterprise, inspection=inspection, opened_on=opened_on, violations=violations,
        provisions=provisions, case_no=case_no, created_by=user,
    )  # fmt: skip
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def case_decide(
    *,
    user: User | None,
    case: EnforcementCase,
    decision: str,
    decided_on: dt.date,
    penalty_amount: Decimal | None = None,
) -> EnforcementCase:
    access.require_in_scope(user, case.enterprise)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("案件已结案")
    if not decision.strip():
        raise ValidationError({"decision": "请填写处理决定"})
    if decided_on < case.opened_on:
        raise ValidationError({"decided_on": "决定日期不能早于立案日期"})
    if penalty_amount is not None and penalty_amount < 0:
        raise ValidationError({"penalty_amount": "罚款金额不能为负数"})
    case.decision, case.decided_on, case.penalty_amount = decision, decided_on, penalty_amount
    case.status = CaseStatus.DECIDED
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def case_close(*, user: User | None, case: EnforcementCase, closed_on: dt.date) -> EnforcementCase:
    """结案 — refused without a recorded decision."""
    access.require_in_scope(user, case.enterprise)
    if error := rules.case_close_error(
        decision=case.decision, decided_on=case.decided_on, closed_on=closed_on
    ):
        raise ValidationError(error)
    case.closed_on = closed_on
    case.status = CaseStatus.CLOSED
    case.full_clean()
    case.save()
    return case


# --------------------------------------------------------------------------------------------
# "三同时" construction projects
# --------------------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    user: User | None,
    enterprise: Enterprise,
    name: str,
    kind: str,
    serious: bool | None = None,
    started_on: dt.date | None = None,
    planned_completion: dt.date | None = None,
) -> ConstructionProject:
    """Register a project; its class defaults to the 2021 catalogue class of the employer's
    industry (``registry``: 严重/一般; not listed → 一般, noted)."""
    access.require_in_scope(user, enterprise, "该单位不在您的管辖范围内")
    note = "按填报"
    if serious is None:
        industry_class = enterprise.industry_risk or ""
        serious = industry_class == "serious"
        note = {"serious": "2021版分类管理目录：严重", "general": "2021版分类管理目录：一般"}.get(
            industry_class, "行业未列入2021版分类管理目录：按一般计，须由技术服务机构评估（RULES.md §6）"
        )
    project = ConstructionProject(
        enterprise=enterprise, name=name, kind=kind, serious=serious, risk_note=note,
        started_on=started_on, planned_completion=planned_completion, created_by=user,
    )  # fmt: skip
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_record_stage(
    *,
    user: User | None,
    project: ConstructionProject,
    stage: str,
    on: dt.date,
    today: dt.date,
    report_no: str = "",
    institution: str = "",
) -> ConstructionProject:
    """Record one stage in order; the 竣工验收 opens the 30-day change declaration (48号令 第8条)
    in the declarations app."""
    access.require_in_scope(user, project.enterprise)
    if error := rules.stage_error(stage, on, project.stage_dates(), serious=project.serious, today=today):
        raise ValidationError({"stage": error})
    setattr(project, f"{stage}_on", on)
    project.reports = {**project.reports, stage: {"report_no": report_no, "institution": institution}}
    project.full_clean()
    project.save()
    if stage == "acceptance":
        declaration_actions.change_trigger_record(
            user=user, enterprise=project.enterprise, kind="construction_accepted", occurred_on=on,
            description=f"建设项目竣工验收：{project.name}"[:300], today=today,
        )  # fmt: skip
    return project


# --------------------------------------------------------------------------------------------
# Cross-check findings (issue 9 item 6): the QC team's verification
# --------------------------------------------------------------------------------------------

QC_DECIDES = "交叉核查发现由市疾控中心质控人员核实"


def finding_district(finding: CrossCheckFinding) -> str | None:
    """The one district a finding belongs to: its employer's, or its institution's when that is a
    Chongqing institution; None for a finding about an out-of-province institution (several
    districts see it — the districts it serves — so only the city decides it)."""
    if finding.enterprise is not None:
        return finding.enterprise.region_id
    if finding.institution is not None and not finding.institution.out_of_province:
        return finding.institution.region_id
    return None


def decides_here(user: User | None, finding: CrossCheckFinding) -> bool:
    """City-wide users decide every finding; a district CDC only those of its own district (not
    a finding it sees because an out-of-province institution serves employers there)."""
    if user is None or access.is_citywide(user):
        return True
    district = finding_district(finding)
    return district is not None and access.governs_district(user, district)


def can_decide_finding(user: User | None, finding: CrossCheckFinding) -> bool:
    """The role's permission to change findings (city admin and CDC staff, ``permissions.MATRIX``),
    the finding in the user's scope and of the user's own district (``decides_here``).
    ``None``: the system."""
    if user is None:
        return True
    return (
        access.has_perm(user, "supervision.change_crosscheckfinding")
        and access.in_scope(user, finding)
        and decides_here(user, finding)
    )


DECISIONS = (FindingStatus.CONFIRMED, FindingStatus.REJECTED, FindingStatus.PENDING)


@transaction.atomic
def crosscheck_finding_decide(
    *, user: User | None, finding: CrossCheckFinding, status: str, note: str = ""
) -> CrossCheckFinding:
    """Record the QC team's verification of a finding: 属实 or 不属实 with the note saying why (or
    back to 待核实, also with a note). Users whose role may change findings (the CDC's QC duty:
    the city and the city CDC; a district CDC for the findings of its district — its scope) decide;
    a district officer and an institution read. Who and when are stored, the change is audited."""
    if user is not None and not access.has_perm(user, "supervision.change_crosscheckfinding"):
        raise PermissionDenied("您无权核实交叉核查发现")
    access.require_in_scope(user, finding)  # a district CDC: its district's findings only (404)
    if not decides_here(user, finding):
        raise PermissionDenied("该发现涉及外省机构，由市疾控中心质控人员核实")
    finding = CrossCheckFinding.objects.select_for_update().get(pk=finding.pk)
    if status not in DECISIONS:
        raise ValidationError({"status": "请选择核实结论：属实、不属实或待核实"})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写核实说明（依据或理由）"})
    if status == finding.status and note == finding.note:
        return finding
    finding.status = status
    finding.note = note
    finding.decided_by = user if getattr(user, "pk", None) else None
    finding.decided_at = timezone.now()
    finding.full_clean()
    finding.save()
    return finding
