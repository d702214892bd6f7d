"""Writes of exam results and their follow-up. Keyword-only, atomic, ``full_clean()``; the web, the
API, the importer and the CLI all call these (docs/development/architecture.md).

Recording a result opens the work its conclusion asks for (``conclusions.effect``): a recheck
task (b), a case with a diagnosis task (c), a reassignment task (d); a later result for the same
worker and factor closes an open recheck task. Recording an exam updates the worker's next due
date (surveillance ``worker_recompute_due``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.hazards.models import HazardFactor, OccupationalDisease
from ohsteward.institutions.choices import InstitutionKind
from ohsteward.institutions.models import Institution
from ohsteward.registry.models import Enterprise, Post, PostExposure, Region
from ohsteward.surveillance import actions as worker_actions
from ohsteward.surveillance import chronic, conclusions, deadlines, rehab
from ohsteward.surveillance.exams.choices import (
    BatchSource,
    CaseStatus,
    Conclusion,
    DiagnosisOutcome,
    PatientCondition,
    PatientSource,
    PatientStatus,
    TaskKind,
)
from ohsteward.surveillance.exams.models import (
    ChronicFollowUp,
    ChronicScreening,
    DiseaseCase,
    Exam,
    ExamBatch,
    ExamResult,
    PatientFollowUp,
    PneumoconiosisPatient,
    RehabStation,
    SurveillanceTask,
    choice_label,
)
from ohsteward.surveillance.models import Worker, WorkerPost

NOT_YOUR_INSTITUTION = "只能以本机构名义上传体检结果"
NOT_EXAM_INSTITUTION = "该机构不是职业健康检查机构"
WORKER_OUT_OF_SCOPE = "该劳动者不在您的服务范围内"
NO_RESULTS = "请至少填写一个危害因素的体检结论"
OTHER_INSTITUTION = "该劳动者同一日期同一类别的体检已由其他机构上传"


def duplicate_factor_error(factor_name: str) -> str:
    """The same exam uploaded twice: a factor whose conclusion is already on record."""
    return f"{factor_name}：该劳动者此次体检的该危害因素结论已上传，请勿重复上传"


def _today() -> dt.date:
    return timezone.localdate()


def check_institution(user, institution: Institution) -> None:
    """An exam institution's staff upload as their own institution only; the institution must be
    a 职业健康检查机构 (institutions register)."""
    own = access.own_institution_id(user) if user is not None else None
    if user is not None and own is not None and own != institution.pk:
        raise PermissionDenied(NOT_YOUR_INSTITUTION)
    if InstitutionKind.EXAM not in (institution.kinds or []):
        raise ValidationError({"institution": NOT_EXAM_INSTITUTION})


def check_worker(user, worker: Worker) -> None:
    if user is not None and not Worker.objects.for_user(user).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": WORKER_OUT_OF_SCOPE})


def exam_date_error(*, date: dt.date, birth_date: dt.date, today: dt.date) -> str | None:
    if date > today:
        return "体检日期不能晚于今天"
    if date < birth_date:
        return "体检日期不能早于出生日期"
    return None


def _batch_for(
    *, user, enterprise_id: int, institution: Institution, source: str, filename: str = ""
) -> ExamBatch:
    """Form and API uploads of one institution for one employer on one day share a batch (its
    表5-1); a file is its own batch per employer (the importer makes it)."""
    today = _today()
    if source != BatchSource.FILE:
        existing = (
            ExamBatch.objects.filter(
                enterprise_id=enterprise_id, institution=institution, source=source, created_at__date=today
            )
            .order_by("-pk")
            .first()
        )
        if existing is not None:
            return existing
    batch = batch_build(user=user, enterprise_id=enterprise_id, institution=institution, source=source,
                        filename=filename)  # fmt: skip
    batch.full_clean()
    batch.save()
    return batch


def batch_build(
    *, user, enterprise_id: int, institution: Institution, source: str, filename: str = ""
) -> ExamBatch:
    """A new batch, not saved (the bulk import inserts a file's batches together)."""
    return ExamBatch(
        enterprise_id=enterprise_id,
        institution=institution,
        source=source,
        filename=filename[:200],
        uploaded_by=user if getattr(user, "pk", None) else None,
    )


def batches_expected(batches: list[ExamBatch]) -> dict[int, int]:
    """应检 of each batch (by pk) = the workers examined in the batch plus the employer's other
    workers (still employed on the batch's last exam date) whose exam was due by that date (their
    due date is not moved by the batch). Two queries for any number of batches."""
    examined: dict[int, set[int]] = {b.pk: set() for b in batches}
    last: dict[int, dt.date] = {}
    ids = sorted(examined)
    for start in range(0, len(ids), 5000):
        for batch_id, worker_id, day in Exam.objects.filter(
            batch_id__in=ids[start : start + 5000]
        ).values_list("batch_id", "worker_id", "date"):
            examined[batch_id].add(worker_id)
            last[batch_id] = max(last.get(batch_id, day), day)
    latest = max(last.values(), default=None)
    workers: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = {}
    if latest is not None:
        employers = sorted({b.enterprise_id for b in batches if b.pk in last})
        for start in range(0, len(employers), 5000):
            for enterprise_id, pk, next_due, leave in Worker.objects.filter(
                enterprise_id__in=employers[start : start + 5000], next_exam_due__lte=latest
            ).values_list("enterprise_id", "pk", "next_exam_due", "leave_date"):
                workers.setdefault(enterprise_id, []).append((pk, next_due, leave))
    counts = {}
    for b in batches:
        on = last.get(b.pk)
        due: set[int] = set()
        if on is not None:
            due = {
                pk
                for pk, next_due, leave in workers.get(b.enterprise_id, [])
                if next_due is not None
                and next_due <= on
                and (leave is None or leave >= on)
                and pk not in examined[b.pk]
            }
        counts[b.pk] = len(examined[b.pk] | due)
    return counts


def batch_refresh_expected(batch: ExamBatch) -> ExamBatch:
    """Store the batch's 应检 (``batches_expected``)."""
    batch.expected = batches_expected([batch])[batch.pk]
    batch.save(update_fields=["expected", "updated_at"])
    return batch


def batches_summary(batches: list[ExamBatch]) -> dict[int, dict[str, int]]:
    """The 表5-1 counts of each batch (``conclusions.summary``), by pk, in two queries."""
    by_batch: dict[int, dict[int, list[str]]] = {b.pk: {} for b in batches}
    ids = sorted(by_batch)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for batch_id, worker_id, code in ExamResult.objects.filter(exam__batch_id__in=chunk).values_list(
            "exam__batch_id", "exam__worker_id", "conclusion"
        ):
            by_batch[batch_id].setdefault(worker_id, []).append(code)
        for batch_id, worker_id in Exam.objects.filter(batch_id__in=chunk).values_list(
            "batch_id", "worker_id"
        ):
            by_batch[batch_id].setdefault(worker_id, [])
    return {b.pk: conclusions.summary(b.expected, by_batch[b.pk]) for b in batches}


def batch_summary(batch: ExamBatch) -> dict[str, int]:
    """The 表5-1 counts of a batch (``batches_summary``)."""
    return batches_summary([batch])[batch.pk]


def _result_errors(data: Mapping[str, Any], exam_date: dt.date) -> dict[str, str]:
    code = conclusions.parse(data.get("conclusion"))
    if code is None:
        return {"conclusion": conclusions.code_error(data.get("conclusion")) or ""}
    return conclusions.result_errors(
        code=code,
        items=data.get("items") or "",
        recheck_items=data.get("recheck_items") or "",
        recheck_by=data.get("recheck_by"),
        exam_date=exam_date,
    )


@transaction.atomic
def exam_record(
    *,
    user,
    worker: Worker,
    date: dt.date,
    kind: str,
    institution: Institution,
    results: Iterable[Mapping[str, Any]],
    report_number: str = "",
    source: str = BatchSource.FORM,
    batch: ExamBatch | None = None,
    recompute: bool = True,
) -> Exam:
    """Record one exam with its per-factor results (or add factors to an exam of the same
    institution already on record: a file whose other rows were rejected can be completed).

    Refused, with nothing saved: a date in the future or before birth, a conclusion outside a–e,
    an unknown factor, a 复查 without what and when, a worker outside the uploader's scope, an
    exam of another institution for the same worker, kind and date, a factor already recorded
    (the same exam uploaded twice). ``recompute=False``: the caller recomputes the schedule of
    the workers it touched once at the end (the importer, in bulk)."""
    check_institution(user, institution)
    check_worker(user, worker)
    results = list(results)
    if not results:
        raise ValidationError({"results": NO_RESULTS})
    error = exam_date_error(date=date, birth_date=worker.person.birth_date, today=_today())
    if error:
        raise ValidationError({"date": error})
    exam = Exam.objects.filter(worker=worker, kind=kind, date=date).first()
    if exam is not None and exam.institution_id != institution.pk:
        raise ValidationError({"date": OTHER_INSTITUTION})
    if exam is None:
        if batch is None:
            batch = _batch_for(
                user=user, enterprise_id=worker.enterprise_id, institution=institution, source=source
            )
        exam = Exam(
            batch=batch,
            worker=worker,
            date=date,
            kind=kind,
            institution=institution,
            report_number=report_number,
        )
        exam.full_clean()
        exam.save()
    seen: set[int] = set(exam.results.values_list("factor_id", flat=True))
    for data in results:
        factor = data.get("factor")
        if not isinstance(factor, HazardFactor):
            raise ValidationError({"factor": "未知的危害因素"})
        if factor.pk in seen:
            raise ValidationError({"factor": duplicate_factor_error(factor.name)})
        seen.add(factor.pk)
        errors = _result_errors(data, date)
        if errors:
            raise ValidationError(errors)
        result = ExamResult(
            exam=exam,
            factor=factor,
            conclusion=conclusions.parse(data["conclusion"]) or "",  # checked by _result_errors
            items=(data.get("items") or "").strip(),
            recheck_items=(data.get("recheck_items") or "").strip(),
            recheck_by=data.get("recheck_by"),
        )
        result.full_clean()
        result.save()
        _close_rechecks(result)
        _open_work(result)
    if recompute:
        worker_actions.worker_recompute_due(worker=worker)
    if exam.batch.source != BatchSource.FILE:
        batch_refresh_expected(exam.batch)
    return exam


def _close_rechecks(result: ExamResult) -> None:
    """A later result for the same worker and factor is the recheck result (GBZ 188-2014
    §4.8.3: 复查 is not a final conclusion) and closes the open recheck task."""
    exam = result.exam
    open_tasks = SurveillanceTask.objects.filter(
        kind=TaskKind.RECHECK,
        worker_id=exam.worker_id,
        factor_id=result.factor_id,
        closed_on__isnull=True,
        result__exam__date__lt=exam.date,
    )
    for task in open_tasks:
        recheck_close(task, result)
        task.save()


def recheck_close(task: SurveillanceTask, result: ExamResult) -> None:
    """Mark ``task`` (an open recheck task) closed by ``result`` (not saved; the bulk import
    writes many at once)."""
    task.closed_on = result.exam.date
    task.closed_by = result
    task.note = (task.note + f"；复查结论：{choice_label(Conclusion, result.conclusion)}").lstrip("；")[:300]


def work_for(result: ExamResult, today: dt.date) -> tuple[DiseaseCase | None, list[SurveillanceTask]]:
    """The work a result's conclusion opens (``conclusions.effect``), not saved: a recheck task
    due on the recheck date (b); a case, told to the employer today, with a diagnosis task (c); a
    reassignment task due by ``deadlines.REASSIGNMENT`` (d)."""
    exam = result.exam
    effect = conclusions.effect(result.conclusion)
    if effect == conclusions.EFFECT_RECHECK:
        task = SurveillanceTask(
            kind=TaskKind.RECHECK,
            worker=exam.worker,
            result=result,
            factor=result.factor,
            due_on=result.recheck_by,
            note=(result.recheck_items or result.items)[:300],
        )
        return None, [task]
    if effect == conclusions.EFFECT_DIAGNOSIS:
        case = DiseaseCase(
            worker=exam.worker,
            result=result,
            factor=result.factor,
            found_on=exam.date,
            employer_notified_on=today,
        )
        task = SurveillanceTask(
            kind=TaskKind.DIAGNOSIS, worker=exam.worker, result=result, factor=result.factor, due_on=None
        )
        return case, [task]
    if effect == conclusions.EFFECT_REASSIGNMENT:
        task = SurveillanceTask(
            kind=TaskKind.REASSIGNMENT,
            worker=exam.worker,
            result=result,
            factor=result.factor,
            due_on=deadlines.due_date(deadlines.REASSIGNMENT, today),
            note=result.items[:300],
        )
        return None, [task]
    return None, []


def _open_work(result: ExamResult) -> None:
    case, tasks = work_for(result, _today())
    if case is not None:
        case.save()
    for task in tasks:
        task.save()


def exposed_posts(worker: Worker, factor_id: int):
    """The worker's current posts carrying ``factor_id``."""
    return WorkerPost.objects.filter(
        worker=worker, end_date__isnull=True, post__exposures__hazard_factor_id=factor_id
    ).distinct()


@transaction.atomic
def reassignment_record(
    *, user, task: SurveillanceTask, on: dt.date, post: Post | None = None
) -> SurveillanceTask:
    """The employer moves a worker with a 职业禁忌证 off the exposure (职业病防治法 第35条 [M]):
    the new post must not carry the contraindicated factor; the worker's exposed posts end the
    day before. Without a new post, the worker must hold no exposed post any more (e.g. never
    placed after a 上岗前 exam). Closes the task."""
    access.require_in_scope(user, task)
    if task.kind != TaskKind.REASSIGNMENT:
        raise ValidationError({"post": "只有调岗任务可以登记调换岗位"})
    if task.closed_on is not None:
        raise ValidationError({"post": "该任务已完成"})
    worker = task.worker
    if on > _today():
        raise ValidationError({"on": "调岗日期不能晚于今天"})
    if post is not None:
        if post.workplace.enterprise_id != worker.enterprise_id:
            raise ValidationError({"post": "岗位不属于该劳动者所在单位"})
        if PostExposure.objects.filter(post=post, hazard_factor_id=task.factor_id).exists():
            raise ValidationError({"post": f"新岗位仍接触{task.factor.name}，不能作为调离岗位"})
        # the worker's open posts end the day before (surveillance: one current post at a time)
        worker_actions.worker_post_add(
            user=user, worker=worker, post=post, start_date=max(on, worker.hire_date)
        )
        if exposed_posts(worker, task.factor_id).exists():
            raise ValidationError(
                {"post": f"该劳动者在{on}之后仍有接触{task.factor.name}的岗位，请先结束该岗位"}
            )
    elif exposed_posts(worker, task.factor_id).exists():
        raise ValidationError({"post": f"该劳动者仍在接触{task.factor.name}的岗位上，请选择调换后的岗位"})
    task.new_post = post
    task.closed_on = on
    task.full_clean()
    task.save()
    return task


def _check_case_writer(user, case: DiseaseCase) -> None:
    access.require_in_scope(user, case)


@transaction.atomic
def case_refer(*, user, case: DiseaseCase, institution: Institution, on: dt.date) -> DiseaseCase:
    """The worker is referred to a 职业病诊断机构 (GBZ 188-2014 §4.8.3 c)."""
    _check_case_writer(user, case)
    if InstitutionKind.DIAGNOSIS not in (institution.kinds or []):
        raise ValidationError({"institution": "该机构不是职业病诊断机构"})
    if on < case.found_on or on > _today():
        raise ValidationError({"on": "转诊日期应在发现日期与今天之间"})
    case.referred_to = institution
    case.referred_on = on
    case.full_clean()
    case.save()
    return case


def _date_errors(case: DiseaseCase, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    pairs = [
        ("diagnosed_on", case.found_on, "诊断日期不能早于发现日期"),
        ("certificate_issued_on", case.diagnosed_on, "证明书出具日期不能早于诊断日期"),
        ("certificate_delivered_on", case.certificate_issued_on, "送达日期不能早于出具日期"),
        ("reported_on", case.diagnosed_on, "网络直报日期不能早于诊断日期"),
        ("certificate_received_on", case.certificate_issued_on, "收到日期不能早于出具日期"),
        ("appealed_on", case.certificate_received_on, "申请鉴定日期不能早于收到证明书日期"),
    ]
    for field, earliest, message in pairs:
        value = getattr(case, field)
        if value is None:
            continue
        if value > today:
            errors[field] = "日期不能晚于今天"
        elif earliest is not None and value < earliest:
            errors[field] = message
        elif earliest is None and field != "diagnosed_on":
            errors[field] = "请先填写前一环节的日期"
    return errors


CASE_DATE_FIELDS = (
    "certificate_delivered_on",
    "reported_on",
    "certificate_received_on",
    "appealed_on",
)


@transaction.atomic
def case_diagnose(
    *,
    user,
    case: DiseaseCase,
    outcome: str,
    diagnosed_on: dt.date,
    disease: OccupationalDisease | None = None,
    stage: str = "",
    certificate_number: str = "",
    certificate_issued_on: dt.date | None = None,
) -> DiseaseCase:
    """The diagnosis result: 职业病 (a disease of the catalogue in force on the diagnosis date,
    with its stage and the 职业病诊断证明书) or excluded. Only the diagnosis institution the case
    was referred to (or a regulator/CDC in scope) records it. Closes the diagnosis task."""
    _check_case_writer(user, case)
    own = access.own_institution_id(user) if user is not None else None
    if own is not None and own != case.referred_to_id:
        raise PermissionDenied("只有接诊的职业病诊断机构可以登记诊断结论")
    if outcome not in (DiagnosisOutcome.CONFIRMED, DiagnosisOutcome.EXCLUDED):
        raise ValidationError({"outcome": "诊断结论应为“诊断为职业病”或“排除职业病”"})
    errors: dict[str, str] = {}
    if outcome == DiagnosisOutcome.CONFIRMED:
        if disease is None:
            errors["disease"] = "诊断为职业病时须选择职业病名称"
        elif not OccupationalDisease.objects.in_force(diagnosed_on).filter(pk=disease.pk).exists():
            errors["disease"] = f"“{disease.name}”不在诊断日期施行的《职业病分类和目录》中"
        if not certificate_number.strip():
            errors["certificate_number"] = "请填写职业病诊断证明书编号"
        if certificate_issued_on is None:
            errors["certificate_issued_on"] = "请填写证明书出具日期"
    if errors:
        raise ValidationError(errors)
    case.outcome = outcome
    case.diagnosed_on = diagnosed_on
    case.disease = disease if outcome == DiagnosisOutcome.CONFIRMED else None
    case.stage = stage.strip() if outcome == DiagnosisOutcome.CONFIRMED else ""
    case.certificate_number = certificate_number.strip()
    case.certificate_issued_on = certificate_issued_on
    _save_case(case)
    SurveillanceTask.objects.filter(
        result_id=case.result_id, kind=TaskKind.DIAGNOSIS, closed_on__isnull=True
    ).update(closed_on=diagnosed_on, note=case.get_outcome_display())
    return case


@transaction.atomic
def case_record_dates(*, user, case: DiseaseCase, data: Mapping[str, dt.date | None]) -> DiseaseCase:
    """The §13 steps done: certificate delivered, reported online, received by the worker,
    appeal (鉴定) applied for. Each not before the step it follows, none in the future."""
    _check_case_writer(user, case)
    if case.outcome == DiagnosisOutcome.PENDING:
        raise ValidationError({"certificate_delivered_on": "请先登记诊断结论"})
    for field in CASE_DATE_FIELDS:
        if field in data:
            setattr(case, field, data[field])
    _save_case(case)
    return case


def _save_case(case: DiseaseCase) -> None:
    errors = _date_errors(case, _today())
    if errors:
        raise ValidationError(errors)
    if case.outcome == DiagnosisOutcome.PENDING:
        case.status = CaseStatus.REFERRED
    elif case.outcome == DiagnosisOutcome.EXCLUDED or (case.certificate_delivered_on and case.reported_on):
        case.status = CaseStatus.CLOSED
    else:
        case.status = CaseStatus.DIAGNOSED
    case.full_clean()
    case.save()


# --------------------------------------------------------------------------------------------
# Chronic disease screening and follow-up (issue 12 item 7; RULES.md §12)
# --------------------------------------------------------------------------------------------


def _chronic_readings_errors(sbp, dbp, glucose) -> dict[str, str]:
    if (sbp is None) != (dbp is None):
        return {"dbp" if sbp is not None else "sbp": "收缩压与舒张压须同时填写"}
    if sbp is not None and dbp is not None and (dbp >= sbp or not 40 <= dbp <= 200 or not 60 <= sbp <= 300):
        return {"sbp": "血压读数不合理（收缩压 60–300、舒张压 40–200 mmHg，且收缩压大于舒张压）"}
    if glucose is not None and not (Decimal("1.0") <= glucose <= Decimal("40.0")):
        return {"fasting_glucose": "空腹血糖应在 1.0–40.0 mmol/L 之间"}
    return {}


@transaction.atomic
def chronic_screening_record(
    *,
    user,
    worker: Worker,
    screened_on: dt.date,
    source: str,
    sbp: int | None = None,
    dbp: int | None = None,
    fasting_glucose: Decimal | None = None,
    note: str = "",
) -> ChronicScreening:
    """Record a screening of a worker aged 35 or over (§12: screening is for residents ≥ 35) and
    classify it: normal / high-risk / suspected (BP to be rechecked on 3 different days) /
    emergency referral."""
    access.require_in_scope(user, worker)
    if screened_on > _today():
        raise ValidationError({"screened_on": "筛查日期不能晚于今天"})
    age = worker.person.age_on(screened_on)
    if not chronic.eligible(age):
        raise ValidationError({"screened_on": f"慢病筛查对象为35岁及以上劳动者，该劳动者筛查时{age}岁"})
    errors = _chronic_readings_errors(sbp, dbp, fasting_glucose)
    if not errors and sbp is None and fasting_glucose is None:
        errors = {"sbp": "请至少填写血压或空腹血糖"}
    if errors:
        raise ValidationError(errors)
    classification = chronic.classify(sbp=sbp, dbp=dbp, fasting_glucose=fasting_glucose)
    screening = ChronicScreening(
        worker=worker,
        screened_on=screened_on,
        source=source,
        sbp=sbp,
        dbp=dbp,
        fasting_glucose=fasting_glucose,
        classification=classification,
        rescreen_on=chronic.rescreen_due(screened_on=screened_on, screening_class=classification),
        note=note,
    )
    screening.full_clean()
    screening.save()
    return screening


@transaction.atomic
def chronic_follow_up_record(
    *,
    user,
    worker: Worker,
    disease: str,
    visited_on: dt.date,
    sbp: int | None = None,
    dbp: int | None = None,
    fasting_glucose: Decimal | None = None,
    note: str = "",
) -> ChronicFollowUp:
    """A follow-up visit of a patient: the outcome from the readings and the next date from the
    last result (satisfactory → next quarter; first unsatisfactory → 2 weeks; twice or emergency →
    refer, 2 weeks). The previous visit of the same disease stops being the latest."""
    access.require_in_scope(user, worker)
    if visited_on > _today():
        raise ValidationError({"visited_on": "随访日期不能晚于今天"})
    errors = _chronic_readings_errors(sbp, dbp, fasting_glucose)
    if errors:
        raise ValidationError(errors)
    previous = (
        ChronicFollowUp.objects.filter(worker=worker, disease=disease, is_latest=True)
        .order_by("-visited_on")
        .first()
    )
    if previous is not None and visited_on < previous.visited_on:
        raise ValidationError({"visited_on": "随访日期不能早于上次随访"})
    try:
        outcome = chronic.follow_up_outcome(
            disease=disease,
            age=worker.person.age_on(visited_on),
            sbp=sbp,
            dbp=dbp,
            fasting_glucose=fasting_glucose,
        )
    except ValueError as error:
        raise ValidationError(
            {"sbp" if disease == "hypertension" else "fasting_glucose": str(error)}
        ) from None
    step = chronic.next_follow_up(
        visited_on=visited_on, outcome=outcome, previous_outcome=previous.outcome if previous else None
    )
    if previous is not None:
        previous.is_latest = False
        previous.save(update_fields=["is_latest", "updated_at"])
    visit = ChronicFollowUp(
        worker=worker,
        disease=disease,
        visited_on=visited_on,
        sbp=sbp,
        dbp=dbp,
        fasting_glucose=fasting_glucose,
        outcome=outcome,
        refer=step.refer,
        next_due=step.due,
        note=(note or step.reason)[:300],
    )
    visit.full_clean()
    visit.save()
    return visit


# --------------------------------------------------------------------------------------------
# Pneumoconiosis patients and rehabilitation stations (issue 12 item 6; surveillance.rehab)
# --------------------------------------------------------------------------------------------


def _check_residence(user, district: Region, town: Region | None) -> None:
    if user is not None and not access.governs_district(user, district.code):
        raise PermissionDenied("只能登记本辖区居住的患者")
    if town is not None and town.parent_id != district.code:
        raise ValidationError({"town": "乡镇/街道不属于所选区县"})


@transaction.atomic
def patient_register_from_case(
    *, user, case: DiseaseCase, district: Region, town: Region | None = None
) -> PneumoconiosisPatient:
    """Register the patient of a case diagnosed as pneumoconiosis (职业性尘肺病)."""
    access.require_in_scope(user, case)
    if case.outcome != DiagnosisOutcome.CONFIRMED or case.disease is None or case.diagnosed_on is None:
        raise ValidationError({"case": "只有诊断为职业病的个案可以登记为患者"})
    if not rehab.is_pneumoconiosis(case.disease.name):
        raise ValidationError({"case": f"“{case.disease.name}”不是尘肺病"})
    _check_residence(user, district, town)
    patient = PneumoconiosisPatient(
        person=case.worker.person,
        enterprise=case.worker.enterprise,
        case=case,
        disease=case.disease,
        stage=case.stage,
        diagnosed_on=case.diagnosed_on,
        district=district,
        town=town,
        source=PatientSource.DIAGNOSIS,
        next_follow_up=rehab.next_follow_up(case.diagnosed_on),
    )
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def patient_register_imported(
    *,
    user,
    id_number: str,
    name: str,
    disease: OccupationalDisease,
    diagnosed_on: dt.date,
    district: Region,
    town: Region | None = None,
    stage: str = "",
    status: str = PatientStatus.ALIVE,
    enterprise: Enterprise | None = None,
) -> tuple[PneumoconiosisPatient, str]:
    """Register (or update) a pneumoconiosis patient from the CDC system's list (issue 12 item 6).

    The person is matched on the ID number's keyed hash (the same identity as the worker rosters;
    a new identity when nobody holds it yet); a patient already registered for that disease is
    updated with the CDC's stage, residence and status. Returns ``(patient, "created" | "updated" |
    "unchanged")``. The disease must be a pneumoconiosis of the catalogue in force on the day of
    diagnosis (RULES.md §13); the residence must be in the user's jurisdiction."""
    if user is not None and not access.has_perm(user, "surveillance.add_pneumoconiosispatient"):
        raise PermissionDenied("您无权登记尘肺病患者")
    if diagnosed_on > _today():
        raise ValidationError({"diagnosed_on": "诊断日期不能晚于今天"})
    if not OccupationalDisease.objects.in_force(diagnosed_on).filter(pk=disease.pk).exists():
        raise ValidationError({"disease": f"“{disease.name}”不在诊断日期施行的职业病目录中"})
    if not rehab.is_pneumoconiosis(disease.name):
        raise ValidationError({"disease": f"“{disease.name}”不是尘肺病，本登记只收尘肺病患者"})
    _check_residence(user, district, town)
    person = worker_actions.person_for_id_number(id_number=id_number, name=name)
    if person.birth_date > diagnosed_on:
        raise ValidationError({"diagnosed_on": "诊断日期早于出生日期"})
    values = {
        "stage": stage,
        "diagnosed_on": diagnosed_on,
        "district": district,
        "town": town,
        "status": status,
        "enterprise": enterprise,
    }
    patient = PneumoconiosisPatient.objects.filter(person=person, disease=disease).first()
    if patient is None:
        patient = PneumoconiosisPatient(person=person, disease=disease, source=PatientSource.IMPORT, **values)
        outcome = "created"
    else:
        access.require_in_scope(user, patient)
        if all(getattr(patient, k) == v for k, v in values.items()):
            return patient, "unchanged"
        for key, value in values.items():
            setattr(patient, key, value)
        outcome = "updated"
    if patient.status == PatientStatus.DECEASED:
        patient.next_follow_up = None
    elif outcome == "created" or patient.next_follow_up is None:
        patient.next_follow_up = rehab.next_follow_up(diagnosed_on)
    patient.full_clean()
    patient.save()
    return patient, outcome


@transaction.atomic
def patient_follow_up_record(
    *,
    user,
    patient: PneumoconiosisPatient,
    visited_on: dt.date,
    condition: str,
    complications: str = "",
    rehabilitation: str = "",
) -> PatientFollowUp:
    """A yearly follow-up visit; a death closes the follow-up (no next date)."""
    access.require_in_scope(user, patient)
    if visited_on > _today() or visited_on < patient.diagnosed_on:
        raise ValidationError({"visited_on": "随访日期应在诊断日期与今天之间"})
    visit = PatientFollowUp(
        patient=patient,
        visited_on=visited_on,
        condition=condition,
        complications=complications,
        rehabilitation=rehabilitation,
    )
    visit.full_clean()
    visit.save()
    if condition == PatientCondition.DECEASED:
        patient.status = PatientStatus.DECEASED
        patient.next_follow_up = None
    else:
        patient.next_follow_up = rehab.next_follow_up(visited_on)
    patient.save(update_fields=["status", "next_follow_up", "updated_at"])
    return visit


@transaction.atomic
def station_create(
    *, user, name: str, kind: str, town: Region, institution: Institution | None = None
) -> RehabStation:
    district = Region.objects.get(code=town.parent_id)
    _check_residence(user, district, town)
    station = RehabStation(
        name=name.strip(), kind=kind, district=district, town=town, institution=institution
    )
    station.full_clean()
    station.save()
    return station
