"""Data supervision reads from the apps below it: monitoring's stored measurements, rectification
tasks and detection reports, surveillance's workers, their posts and exam schedule. Facts no app
records yet (audiometry items, suspected cases, contraindications) are not here: "无数据". Supervision sits above both in the layers and imports them directly.

Each fact has a set-based form (``…_map`` over many employers, a few queries in all, used by the
recompute of every employer and by the warnings) and a one-employer form built on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from ohsteward.monitoring.choices import ReportKind
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.registry.models import Enterprise
from ohsteward.surveillance.models import Worker, WorkerPost


@dataclass(frozen=True)
class Compliance:
    """The latest judgement of a factor at an employer: compliant or not, and the record behind it."""

    compliant: bool
    measured_on: dt.date
    record_label: str
    record_url: str


def _limit(qs, enterprise_ids: Collection[int] | None, field: str = "enterprise_id"):
    return qs if enterprise_ids is None else qs.filter(**{f"{field}__in": list(enterprise_ids)})


def rows_of(qs, enterprise_ids: Collection[int] | None):
    """The rows of ``qs``: streamed through a server-side cursor over every employer or a large
    set (bounded memory), fetched at once for a few employers (one round trip instead of the
    cursor's DECLARE, FETCH and CLOSE: what the incremental path after a new measurement needs)."""
    if enterprise_ids is None or len(enterprise_ids) > 1000:
        return qs.iterator(chunk_size=20000)
    return iter(qs)


def measurement_facts(
    enterprise_ids: Collection[int] | None, on: dt.date
) -> tuple[dict[tuple[int, int], Compliance], set[tuple[int, int]]]:
    """One read of the measurements dated on or before ``on``: ``compliance_map``'s result and
    the (employer, factor) pairs with any measurement at all, judged or not (the early warning
    "申报危害因素未检测")."""
    rows = rows_of(
        _limit(Measurement.objects.filter(measured_on__lte=on), enterprise_ids)
        .order_by("enterprise_id", "factor_id", "post_id", "-measured_on", "-pk")
        .values_list("pk", "enterprise_id", "factor_id", "post_id", "measured_on", "compliant", "over_limit"),
        enterprise_ids,
    )
    measured: set[tuple[int, int]] = set()
    seen_post: set[tuple[int, int, int]] = set()
    worst: dict[tuple[int, int], tuple[int, dt.date, bool]] = {}
    for pk, eid, fid, post, on_day, own, over_limit in rows:
        key = (eid, fid)
        measured.add(key)
        if own is None:
            continue  # no limit, not judged: does not count
        compliant = bool(own) and not over_limit
        if (eid, fid, post) in seen_post:
            continue  # an older measurement of the same post × factor
        seen_post.add((eid, fid, post))
        held = worst.get(key)
        # keep a failing post over a passing one; among equals the newest
        if held is None or (held[2] and not compliant) or (held[2] == compliant and on_day > held[1]):
            worst[key] = (pk, on_day, compliant)
    prefix = reverse("monitoring:measurement_detail", args=[0])[:-2]  # ".../0/" → ".../"
    compliance = {
        key: Compliance(
            compliant=compliant,
            measured_on=on_day,
            record_label=f"检测结果 {on_day}（{'符合' if compliant else '不符合'}）",
            record_url=f"{prefix}{pk}/",
        )
        for key, (pk, on_day, compliant) in worst.items()
    }
    return compliance, measured


def compliance_map(enterprise_ids: Collection[int] | None, on: dt.date) -> dict[tuple[int, int], Compliance]:
    """附件1 (b) 接触水平 per (employer, factor) as of ``on``, from monitoring's **stored**
    judgements (``Measurement.compliant``, and ``over_limit``: a member of an additive-effect
    group judged 不符合 is not compliant either): for each post the latest **judged** measurement
    of the factor dated on or before ``on``; any post 不符合 → not compliant (the record is that
    measurement), otherwise compliant (the record is the newest one). Measurements without a
    judgement ("无接触限值，未判定") do not count. ``enterprise_ids=None``: every employer (one query)."""
    return measurement_facts(enterprise_ids, on)[0]


def factor_compliance(enterprise_id: int, hazard_factor_id: int | None, on: dt.date) -> Compliance | None:
    """One factor at one employer (``compliance_map``); no judged measurement → None."""
    if hazard_factor_id is None:
        return None
    return compliance_map([enterprise_id], on).get((enterprise_id, hazard_factor_id))


def open_rectification_map(enterprise_ids: Collection[int] | None) -> dict[int, int]:
    """Open rectification tasks per employer (monitoring ``RectificationTask.open()``)."""
    rows = (
        _limit(RectificationTask.objects.open(), enterprise_ids)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["enterprise_id"]: r["n"] for r in rows}


def open_rectifications(enterprise_id: int) -> int | None:
    """Open rectification tasks after over-limit detections (0 when none are open)."""
    return open_rectification_map([enterprise_id]).get(enterprise_id, 0)


@dataclass(frozen=True)
class Detection:
    on: dt.date
    label: str
    url: str


def latest_periodic_map(enterprise_ids: Collection[int] | None) -> dict[int, Detection]:
    """The latest 定期检测 report per employer (by sampling date)."""
    rows = (
        _limit(DetectionReport.objects.filter(kind=ReportKind.PERIODIC), enterprise_ids)
        .order_by("enterprise_id", "-sampling_start", "-pk")
        .values_list("pk", "enterprise_id", "number", "sampling_start")
    )
    found: dict[int, Detection] = {}
    for pk, eid, number, on in rows.iterator(chunk_size=20000):
        if eid not in found:
            found[eid] = Detection(
                on, f"定期检测 {number}（{on}）", reverse("monitoring:report_detail", args=[pk])
            )
    return found


def latest_detection_record(enterprise_id: int) -> tuple[str, str] | None:
    """(label, url) of the latest detection report of any kind, pre-filled as self-inspection
    evidence for checklist items whose ``evidence_hint`` is "detection"."""
    report = (
        DetectionReport.objects.filter(enterprise_id=enterprise_id).order_by("-sampling_start", "-pk").first()
    )
    if report is None:
        return None
    return f"检测报告 {report.number}（{report.sampling_start}）", report.get_absolute_url()


def workers_url(uscc: str, due: str = "") -> str:
    url = f"{reverse('surveillance:worker_list')}?enterprise={uscc}"
    return f"{url}&due={due}" if due else url


@dataclass(frozen=True)
class Exams:
    """Exams of an employer's current workers under surveillance (surveillance's stored schedule:
    ``Worker.next_exam_due`` / ``last_exam_on``)."""

    under_surveillance: int
    overdue: int
    never: int
    last_exam_on: dt.date | None


def exam_map(enterprise_ids: Collection[int] | None, on: dt.date) -> dict[int, Exams]:
    """Per employer: current workers with a scheduled exam, those overdue on ``on`` (no exam in
    their interval), those never examined, and the latest exam date (one query)."""
    rows = (
        _limit(Worker.objects.employed_on(on).filter(next_exam_due__isnull=False), enterprise_ids)
        .values("enterprise_id")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(next_exam_due__lt=on)),
            never=Count("pk", filter=Q(last_exam_on__isnull=True)),
            last=Max("last_exam_on"),
        )
        .order_by()
    )
    return {r["enterprise_id"]: Exams(r["n"], r["overdue"], r["never"], r["last"]) for r in rows}


def latest_exam_record(enterprise_id: int) -> tuple[str, str] | None:
    """(label, url) of the latest exam, pre-filled for items whose hint is "exam": the newest
    ``last_exam_on`` among the employer's workers, linked to its worker list."""
    last = Worker.objects.filter(enterprise_id=enterprise_id).aggregate(last=Max("last_exam_on"))["last"]
    if last is None:
        return None
    uscc = Enterprise.objects.filter(pk=enterprise_id).values_list("uscc", flat=True).first() or ""
    return f"职业健康检查 {last}", workers_url(uscc)


def exposed_workers_map(enterprise_ids: Collection[int] | None, on: dt.date) -> dict[tuple[int, int], int]:
    """Distinct current workers per (employer, factor): a worker on a post (``WorkerPost`` open on
    ``on``) whose register ``PostExposure`` lists the factor."""
    qs = WorkerPost.objects.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    qs = _limit(qs, enterprise_ids, "worker__enterprise_id")
    rows = (
        qs.filter(post__exposures__isnull=False)
        .values("worker__enterprise_id", "post__exposures__hazard_factor_id")
        .annotate(n=Count("worker_id", distinct=True))
        .order_by()
    )
    return {(r["worker__enterprise_id"], r["post__exposures__hazard_factor_id"]): r["n"] for r in rows}


def exposed_workers(
    enterprise_id: int, hazard_factor_id: int | None, on: dt.date | None = None
) -> int | None:
    """Exposed headcount per factor from the worker register (an alternative headcount basis);
    None when the employer has no worker on record (无数据, not 0)."""
    if hazard_factor_id is None or not Worker.objects.filter(enterprise_id=enterprise_id).exists():
        return None
    found = exposed_workers_map([enterprise_id], on or timezone.localdate())
    return found.get((enterprise_id, hazard_factor_id), 0)
