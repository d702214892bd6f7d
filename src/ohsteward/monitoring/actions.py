"""Writes of monitoring: reports, measurements (with their judgement), rectification tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Institution
from ohsteward.monitoring import assess, effects
from ohsteward.monitoring.calculator import service
from ohsteward.monitoring.choices import MeasureType, TaskStatus
from ohsteward.monitoring.models import (
    DetectionReport,
    Measurement,
    RectificationEvidence,
    RectificationMeasure,
    RectificationTask,
)
from ohsteward.monitoring.rules import MonitoringRuleError
from ohsteward.registry.models import Enterprise, Post, Workplace
from ohsteward.stewardship import rules as evidence_rules

if TYPE_CHECKING:
    from ohsteward.accounts.models import User

OUT_OF_SCOPE = "该用人单位不在您的服务或管辖范围内，不能为其录入检测报告"
NOT_OWN_INSTITUTION = "只能以本机构名义录入检测报告"
TASK_DEADLINE_DAYS = 30  # issue 11 item 4: "deadline (setting, default 30 days)"; settings override


def task_deadline_days() -> int:
    # local: settings are read when a task opens, so a test or deployment can change the default
    from django.conf import settings

    return int(getattr(settings, "OHSTEWARD_RECTIFICATION_DAYS", TASK_DEADLINE_DAYS))


def _check_report_scope(user: User | None, enterprise: Enterprise, institution: Institution) -> None:
    if user is None:
        return
    if not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(OUT_OF_SCOPE)
    own = access.own_institution_id(user)
    if own is not None and own != institution.pk:
        raise PermissionDenied(NOT_OWN_INSTITUTION)


REPORT_FIELDS = (
    "kind",
    "number",
    "institution",
    "enterprise",
    "sampling_start",
    "sampling_end",
    "issued_on",
    "note",
)


@transaction.atomic
def report_save(
    *, user: User | None, data: Mapping[str, Any], report: DetectionReport | None = None
) -> DetectionReport:
    """Create or update a report header. The employer must be one the user serves or governs; the
    number is unique per institution and tied to one employer; dates may not lie in the future."""
    if report is not None:
        access.require_in_scope(user, report)
    report = report or DetectionReport()
    for key in REPORT_FIELDS:
        if key in data:
            setattr(report, key, data[key])
    own = access.own_institution_id(user) if user is not None else None
    if own is not None and not report.institution_id:
        report.institution_id = own
    if not report.enterprise_id:
        raise ValidationError({"enterprise": "请选择用人单位"})
    if not report.institution_id:
        raise ValidationError({"institution": "请选择检测机构"})
    _check_report_scope(user, report.enterprise, report.institution)
    today = timezone.localdate()
    for key, label in (
        ("sampling_start", "采样开始日期"),
        ("sampling_end", "采样结束日期"),
        ("issued_on", "报告日期"),
    ):
        value = getattr(report, key)
        if value is not None and value > today:
            raise ValidationError({key: f"{label}不能晚于今天"})
    clash = (
        DetectionReport.objects.filter(institution_id=report.institution_id, number=report.number)
        .exclude(pk=report.pk)
        .first()
    )
    if clash is not None:
        if clash.enterprise_id != report.enterprise_id:
            raise ValidationError({"number": f"报告编号 {report.number} 已用于另一用人单位"})
        raise ValidationError({"number": f"报告编号 {report.number} 已存在"})
    if report.recorded_by_id is None and user is not None:
        report.recorded_by = user
    report.full_clean()
    report.save()
    return report


def measurement_judge(measurement: Measurement) -> Measurement:
    """Compute and set the stored judgement from the inputs (not saved here): the same
    ``calculator.service.assess_factor`` → ``assess.assess`` as ``POST /api/v1/exposure/assess/``,
    with the employer's region for the hot-region setting."""
    result = service.assess_factor(
        service.factor_match(measurement.factor),
        measurement.inputs,
        on=measurement.measured_on,
        region=measurement.enterprise.region_id,
    )
    return judgement_apply(measurement, result)


def judgement_values(result: assess.Assessment) -> dict[str, Any]:
    """The stored judgement fields of an ``assess.Assessment`` (plain values; no clock, no
    mixture): what ``judgement_apply`` sets, also computed in the import's worker processes."""
    checks = result.judgement.checks if result.judgement is not None else ()
    main = max(checks, key=lambda c: c.ratio) if checks else None
    row_id = main.limit.row_id if main else None
    grade = result.grade
    return {
        "c_twa": result.c_twa, "c_ste": result.c_ste, "c_me": result.c_me, "peak_ratio": result.peak_ratio,
        "l_ex_8h": result.l_ex_8h, "l_ex_w": result.l_ex_w, "ratio": result.ratio,
        "compliant": result.compliant, "exposure_level": result.exposure_level or "",
        "explanation": list(result.explanation), "verified": result.verified,
        "value": main.exposure if main else None,  # the figure compared with the main limit
        "unit": main.limit.unit if main else "",
        "limit_id": row_id if isinstance(row_id, int) else None,  # the ExposureLimit row used
        "limits": [
            {**service.limit_json(c.limit), "row_id": c.limit.row_id, "measure": c.measure,
             "exposure": c.exposure, "compliant": c.compliant}
            for c in checks
        ],
        "grade_level": grade.level if grade else "", "grade_label": grade.label if grade else "",
        "grade_standard": grade.version if grade else "", "grade_verified": grade.verified if grade else None,
    }  # fmt: skip


def judgement_set(measurement: Measurement, values: dict[str, Any]) -> Measurement:
    """Set ``judgement_values`` on ``measurement``, with the time judged and ``over_limit``."""
    for name, value in values.items():
        setattr(measurement, name, value)
    measurement.judged_at = timezone.now()
    # the stored mixture until ``mixtures_refresh`` judges the post × date again
    measurement.over_limit = assess.is_over_limit(measurement.compliant, measurement.mixture)
    return measurement


def judgement_apply(measurement: Measurement, result: assess.Assessment) -> Measurement:
    """Set the stored judgement fields from an ``assess.Assessment`` (the bulk import too)."""
    return judgement_set(measurement, judgement_values(result))


def post_for(enterprise: Enterprise, workplace_name: str, post_name: str) -> Post:
    """The register's post by name, created on the fly when new (issue 11 item 1)."""
    workplace_name, post_name = (workplace_name or "").strip(), (post_name or "").strip()
    if not workplace_name:
        raise ValidationError({"workplace_name": "请填写车间/工作场所"})
    if not post_name:
        raise ValidationError({"post_name": "请填写岗位/工种"})
    workplace = Workplace.objects.filter(enterprise=enterprise, name=workplace_name).first()
    if workplace is None:
        workplace = Workplace(enterprise=enterprise, name=workplace_name[:100])
        workplace.full_clean()
        workplace.save()
    post = Post.objects.filter(workplace=workplace, name=post_name).first()
    if post is None:
        post = Post(workplace=workplace, name=post_name[:100])
        post.full_clean()
        post.save()
    return post


@transaction.atomic
def measurement_record(
    *,
    user: User | None,
    report: DetectionReport,
    factor: HazardFactor,
    workplace_name: str,
    post_name: str,
    inputs: Mapping[str, Any],
    measured_on: dt.date | None = None,
) -> tuple[Measurement, bool]:
    """Record (or update) one post × factor of a report, judge it, and close the open
    rectification task of that post × factor when the new result complies and is later than the
    task's finding (the re-test). Returns (measurement, changed); the same inputs again change
    nothing."""
    access.require_in_scope(user, report)
    _check_report_scope(user, report.enterprise, report.institution)
    measured_on = measured_on or report.sampling_start
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": "检测日期不能晚于今天"})
    if measured_on < report.sampling_start or (report.sampling_end and measured_on > report.sampling_end):
        raise ValidationError({"measured_on": "检测日期应在报告的采样日期内"})
    post = post_for(report.enterprise, workplace_name, post_name)
    kind = assess.kind_for(factor.category, factor.name)
    try:
        clean_inputs = assess.normalize_inputs(inputs)
    except MonitoringRuleError as e:
        raise ValidationError({"inputs": str(e)}) from None
    existing = Measurement.objects.filter(report=report, post=post, factor=factor).first()
    if existing is not None and existing.inputs == clean_inputs and existing.measured_on == measured_on:
        return existing, False
    measurement = existing or Measurement(report=report, post=post, factor=factor)
    before = (existing.post_id, existing.measured_on) if existing is not None else None
    measurement.enterprise = report.enterprise
    measurement.kind = kind
    measurement.measured_on = measured_on
    measurement.inputs = clean_inputs
    try:
        measurement_judge(measurement)
    except MonitoringRuleError as e:
        raise ValidationError({"inputs": str(e)}) from None
    measurement.full_clean()
    measurement.save()
    keys = [(measurement.post_id, measurement.measured_on), *([before] if before else [])]
    changed = mixtures_changed(keys)
    for m in changed:  # this result's own group verdict, as just stored
        if m.pk == measurement.pk:
            measurement.mixture, measurement.over_limit = m.mixture, m.over_limit
    # the re-test: this result, and any partner that passes now that its group does; a re-test
    # that no longer passes (its partner came later and the group fails) opens its task again
    touched = {m.pk: m for m in [measurement, *changed]}.values()
    reopen_failed_retests([m for m in touched if m.over_limit])
    for m in touched:
        if m.compliant and not m.over_limit:
            close_by_retest(m)
    effects.measurement_recorded(measurement)  # e.g. declarations: an undeclared factor (item 6)
    return measurement, True


#: the stored judgement (what re-judging compares; ``judged_at`` is not a difference)
JUDGED_FIELDS = ("c_twa", "c_ste", "c_me", "peak_ratio", "l_ex_8h", "l_ex_w", "value", "unit", "ratio",
                 "exposure_level", "compliant", "explanation", "verified", "limit_id", "limits",
                 "grade_level", "grade_label", "grade_standard", "grade_verified", "over_limit")  # fmt: skip


def measurements_rejudge(*, user: User | None, measurements: Sequence[Measurement]) -> int:
    """Judge stored measurements again from their stored inputs — after a limit edition was
    imported (a result dated before every edition was stored as "无接触限值，未判定") — with the same
    ``measurement_judge``; saves (audited) only those whose judgement changed, then the re-test
    closing, the mixture groups and the effects as on recording. Returns the number changed."""
    changed = []
    for m in measurements:
        if user is not None:
            access.require_in_scope(user, m)
        before = {f: getattr(m, f) for f in JUDGED_FIELDS}
        try:
            with transaction.atomic():
                measurement_judge(m)
        except MonitoringRuleError:
            continue  # inputs the rules now refuse stay as they were (shown on the page)
        if {f: getattr(m, f) for f in JUDGED_FIELDS} == before:
            continue
        with transaction.atomic():
            m.save()
        changed.append(m)
    partners = mixtures_changed([(m.post_id, m.measured_on) for m in changed])
    by_pk = {p.pk: p for p in partners}
    for m in changed:
        if m.pk in by_pk:
            m.mixture, m.over_limit = by_pk[m.pk].mixture, by_pk[m.pk].over_limit
    touched = {m.pk: m for m in [*changed, *partners]}.values()
    reopen_failed_retests([m for m in touched if m.over_limit])
    for m in touched:
        if m.compliant and not m.over_limit:
            close_by_retest(m)
    for m in changed:
        effects.measurement_recorded(m)
    return len(changed)


def mixtures_refresh(keys: Sequence[tuple[int, dt.date]], *, pending: Sequence[Measurement] = ()) -> int:
    """``mixtures_changed``; returns the number of stored measurements updated."""
    return len(mixtures_changed(keys, pending=pending))


def mixtures_changed(
    keys: Sequence[tuple[int, dt.date]], *, pending: Sequence[Measurement] = ()
) -> list[Measurement]:
    """Judge the configured additive-effect groups in force on each date (``assess.mixture_groups``,
    by the measurement date) over each post's measurements of one date (``keys``: post id,
    measured_on) with ``assess.assess_mixture``, and store the result on every member
    (``Measurement.mixture``, several groups by ``assess.mixture_for_member``; ``{}`` when fewer than
    two members were judged against a limit of the same type) with ``over_limit``
    (``assess.is_over_limit``). One read for all keys; writes only what changed. ``pending``:
    measurements the caller is about to write (the bulk import: before its COPY and
    ``bulk_update``) — they take part with their in-memory judgement and get ``mixture`` and
    ``over_limit`` set in memory, not saved here. Returns the stored measurements updated (with
    ``compliant``, ``factor_id`` and ``measured_on`` loaded, for the re-test)."""
    keys = sorted(set(keys))
    if not keys:
        return []
    posts = sorted({p for p, _ in keys})
    dates = {d for _, d in keys}
    rows = [
        m
        for start in range(0, len(posts), 5000)  # bounded IN lists (SQLite's variable limit)
        for m in Measurement.objects.filter(post_id__in=posts[start : start + 5000], measured_on__in=dates)
        .select_related("factor")
        .only(
            "pk",
            "post_id",
            "factor_id",
            "measured_on",
            "limits",
            "mixture",
            "compliant",
            "over_limit",
            "factor__code",
            "factor__name",
        )
        .order_by("pk")
    ]
    keyset = set(keys)
    waiting = {id(m) for m in pending}
    pending_pks = {m.pk for m in pending if m.pk is not None}
    by_key: dict[tuple[int, dt.date], list[Measurement]] = {}
    for m in [*(m for m in rows if m.pk not in pending_pks), *pending]:
        if (m.post_id, m.measured_on) in keyset:
            by_key.setdefault((m.post_id, m.measured_on), []).append(m)
    changed = []
    for (_post, on), members in by_key.items():
        found: dict[int, list[assess.MixtureAssessment]] = {id(m): [] for m in members}
        for group in assess.mixture_groups(on=on):
            in_group = [m for m in members if group.includes(m.factor.code, m.factor.name)]
            if len(in_group) < 2:
                continue
            result = assess.assess_mixture(
                group, [assess.mixture_parts_of(m.limits, m.factor.name) for m in in_group]
            )
            if result is None:
                continue
            for m in in_group:
                if m.factor.name in result.factors:
                    found[id(m)].append(result)
        for m in members:
            wanted = assess.mixture_for_member(found[id(m)])
            over = assess.is_over_limit(m.compliant, wanted)
            if m.mixture != wanted or m.over_limit != over:
                m.mixture, m.over_limit = wanted, over
                if id(m) not in waiting:
                    changed.append(m)
    Measurement.objects.bulk_update(changed, ["mixture", "over_limit"], batch_size=1000)
    return changed


def reopen_failed_retests(measurements: Sequence[Measurement]) -> int:
    """Open again the tasks that these results had closed as their re-test and that are over the
    limit now — a partner of the same post and date recorded later made their group fail (or the
    result itself was corrected) — unless the post × factor has another open task. Returns the
    number reopened (each saved, so audited)."""
    ids = [m.pk for m in measurements if m.pk is not None]
    if not ids:
        return 0
    reopened = 0
    for task in RectificationTask.objects.filter(closed_by_id__in=ids, status=TaskStatus.CLOSED).order_by(
        "pk"
    ):
        same = {"post_id": task.post_id, "factor_id": task.factor_id}  # a measurement's task: both set
        if RectificationTask.objects.open().filter(**same).exists():
            continue
        task.status, task.closed_by, task.closed_on = TaskStatus.OPEN, None, None
        task.full_clean()
        task.save()
        reopened += 1
    return reopened


def close_by_retest(measurement: Measurement) -> int:
    """Close the open task of the measurement's post × factor when this result passes — 符合 alone
    and in every additive-effect group judged with it (``over_limit`` False) — and was measured
    after the over-limit result that opened it (issue 11 item 4 "re-test")."""
    if not measurement.compliant or measurement.over_limit:
        return 0
    tasks = RectificationTask.objects.filter(
        post_id=measurement.post_id,
        factor_id=measurement.factor_id,
        status=TaskStatus.OPEN,
        measurement__measured_on__lt=measurement.measured_on,
    )
    closed = 0
    for task in tasks:
        task.status = TaskStatus.CLOSED
        task.closed_by = measurement
        task.closed_on = measurement.measured_on
        task.full_clean()
        task.save()
        closed += 1
    return closed


@transaction.atomic
def rectification_open(
    *,
    user: User | None,
    measurement: Measurement,
    required_measures: Sequence[str],
    finding: str = "",
    deadline: dt.date | None = None,
) -> RectificationTask:
    """Open a 整改任务 on an over-limit measurement (explicit; issue 11 item 4): 不符合 alone, or a
    member of an additive-effect group judged 不符合 on its post and date (``over_limit``; the
    finding then quotes the group's working). The employer is responsible; the deadline defaults
    to the setting (30 days). One open task per post × factor: a second one is refused."""
    access.require_in_scope(user, measurement)
    if not measurement.over_limit:
        raise ValidationError("只有不符合接触限值（单项或联合作用）的检测结果才能下达整改任务")
    if RectificationTask.objects.filter(
        post_id=measurement.post_id, factor_id=measurement.factor_id, status=TaskStatus.OPEN
    ).exists():
        raise ValidationError("该岗位和危害因素已有未关闭的整改任务")
    # one task per failing additive-effect group and post, not one per member: the sum is what
    # has to come down (RULES.md §3.1 "Mixture: Σ Cᵢ/Lᵢ ≤ 1"). A member over the limit only
    # through its group is refused when the group already has an open task on the post; a member
    # over its own limit gets its own task (that limit is a finding of its own).
    failing = {mixture_key(g): g["group"] for g in measurement.mixture_failed}
    covering = group_task(measurement)
    if covering is not None and measurement.compliant is not False:
        raise ValidationError(
            f"该岗位的联合作用组（{failing.get(covering.mixture_group, covering.mixture_group)}）已有未关闭的"
            f"整改任务（{covering.factor.name if covering.factor else covering.pk}），同一联合作用组只下达一项整改任务"
        )
    claimed = {covering.mixture_group} if covering is not None else set()
    mixture_group = next((k for k in failing if k not in claimed), "")
    valid = set(MeasureType.values)
    measures = [m for m in required_measures if m]
    if not measures:
        raise ValidationError({"required_measures": "请至少选择一项整改措施"})
    if any(m not in valid for m in measures):
        raise ValidationError({"required_measures": "整改措施应为工程控制、管理措施或个体防护"})
    today = timezone.localdate()
    deadline = deadline or today + dt.timedelta(days=task_deadline_days())
    if deadline < today:
        raise ValidationError({"deadline": "整改期限不能早于今天"})
    sentences = [s for s in measurement.explanation if "不符合" in s]
    sentences += [s for m in measurement.mixture_failed for s in m.get("explanation", ()) if "不符合" in s]
    task = RectificationTask(
        enterprise=measurement.enterprise,
        post=measurement.post,
        factor=measurement.factor,
        measurement=measurement,
        finding=finding.strip() or "；".join(sentences) or f"{measurement.factor.name}检测结果不符合接触限值",
        required_measures=measures,
        deadline=deadline,
        opened_by=user,
        mixture_group=mixture_group,
    )
    task.full_clean()
    task.save()
    return task


def mixture_key(group: dict) -> str:
    """The identity of an additive-effect group in a stored ``mixture`` (its key; the name in
    judgements stored before groups had keys)."""
    return str(group.get("key") or group.get("group") or "")


def group_task(measurement: Measurement) -> RectificationTask | None:
    """The open task of the measurement's post for one of its failing additive-effect groups
    (``RectificationTask.mixture_group``), if any."""
    keys = [mixture_key(g) for g in measurement.mixture_failed]
    if not keys:
        return None
    return (
        RectificationTask.objects.select_related("factor")
        .filter(post_id=measurement.post_id, status=TaskStatus.OPEN, mixture_group__in=keys)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def rectification_add_measure(
    *, user: User | None, task: RectificationTask, data: Mapping[str, Any], files: Sequence[Any] = ()
) -> RectificationMeasure:
    """The employer records a measure taken, with evidence files (images, PDF, Office; each ≤
    ``EVIDENCE_MAX_MB`` MB — the checks of stewardship's visit evidence)."""
    access.require_in_scope(user, task)
    if task.status != TaskStatus.OPEN:
        raise ValidationError("整改任务已关闭")
    errors = [e for f in files if (e := evidence_rules.evidence_error(f.name, f.size))]
    if errors:
        raise ValidationError({"evidence": errors})
    taken_on = data.get("taken_on")
    if taken_on is None:
        raise ValidationError({"taken_on": "请填写完成日期"})
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": "完成日期不能晚于今天"})
    measure = RectificationMeasure(
        task=task,
        measure_type=data.get("measure_type") or "",
        taken_on=taken_on,
        description=(data.get("description") or "").strip(),
        recorded_by=user,
    )
    measure.full_clean()
    measure.save()
    for f in files:
        content = f.read()
        RectificationEvidence.objects.create(
            measure=measure,
            name=f.name[:200],
            content_type=evidence_rules.evidence_media_type(f.name)[0],  # not the declared type
            size=len(content),
            data=content,
        )
    return measure


# Which measures a steward finding asks for, by its category (stewardship.zone.rules): protective
# facilities are engineering control, PPE is PPE, everything else is a management measure.
FINDING_MEASURES = {"protective_facilities": MeasureType.ENGINEERING, "ppe": MeasureType.PPE}


def _require_finding_writer(user: User | None, finding: Any) -> None:
    """The visit's own team, or a regulator who may change findings (city, district)."""
    access.require_in_scope(user, finding)
    if user is None:
        return
    if not user.has_perm("stewardship.change_visitfinding"):
        raise PermissionDenied("您没有为服务发现问题下达整改任务的权限")
    access.require_own_team(user, finding.visit.agreement.team_id)


@transaction.atomic
def rectification_open_for_finding(
    *, user: User | None, finding: Any, deadline: dt.date | None = None
) -> RectificationTask:
    """Open a 整改任务 for the employer on a problem a steward visit found ("需整改", issue 10
    item 3): linked to the finding (and through it the visit); one task per finding. The deadline
    defaults to the setting (30 days), as for an over-limit measurement."""
    _require_finding_writer(user, finding)
    if RectificationTask.objects.filter(visit_finding=finding).exists():
        raise ValidationError("该问题已下达整改任务")
    today = timezone.localdate()
    deadline = deadline or today + dt.timedelta(days=task_deadline_days())
    if deadline < today:
        raise ValidationError({"deadline": "整改期限不能早于今天"})
    visit = finding.visit
    task = RectificationTask(
        enterprise_id=visit.agreement.enterprise_id,
        visit_finding=finding,
        finding=f"{visit.visited_on:%Y-%m-%d} 管家服务发现（{finding.get_category_display()}，"
        f"{finding.get_severity_display()}）：{finding.text}",
        required_measures=[FINDING_MEASURES.get(finding.category, MeasureType.ADMINISTRATIVE).value],
        deadline=deadline,
        opened_by=user,
    )
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def rectification_close_finding(
    *, user: User | None, task: RectificationTask, closed_on: dt.date | None = None
) -> RectificationTask:
    """Close a task raised from a steward finding once its team (or the district) has checked the
    measures on site — there is no re-test for such a task. At least one measure must be recorded."""
    if task.visit_finding_id is None:
        raise ValidationError("检测超标的整改任务由复测结果关闭")
    access.require_in_scope(user, task)
    _require_finding_writer(user, task.visit_finding)
    if task.status != TaskStatus.OPEN:
        raise ValidationError("整改任务已关闭")
    if not task.measures.exists():
        raise ValidationError("用人单位尚未记录整改措施，不能关闭")
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "关闭日期不能晚于今天"})
    task.status = TaskStatus.CLOSED
    task.closed_on = closed_on
    task.full_clean()
    task.save()
    return task
