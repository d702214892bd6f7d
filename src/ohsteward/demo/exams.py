"""Demo exam results and their follow-up (issue 12 items 4, 5, 7): the rosters' past exams as
Exam rows (``record_history``, called by ``demo.surveillance``), then at the demo manager's employer a batch with each conclusion — a recheck (one
open, one closed by its recheck), a reassignment done and one overdue with the worker still
exposed, a case diagnosed and closed and one waiting for diagnosis past nobody's limit, a note —
and chronic screenings and follow-ups with one overdue. Written through the actions."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q

from ohsteward.hazards.models import HazardFactor, OccupationalDisease
from ohsteward.institutions.choices import InstitutionKind
from ohsteward.institutions.models import Engagement, Institution
from ohsteward.registry.models import Post, Region
from ohsteward.surveillance import rehab
from ohsteward.surveillance.exams import actions
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, ExamResult, SurveillanceTask
from ohsteward.surveillance.models import Worker, WorkerPost
from ohsteward.surveillance.schedule import ExamRecord


def exposed_factors(worker: Worker) -> list[HazardFactor]:
    posts = WorkerPost.objects.filter(worker=worker).values_list("post_id", flat=True)
    factors = list(
        HazardFactor.objects.filter(
            pk__in=Post.objects.filter(pk__in=posts).values("exposures__hazard_factor")
        ).order_by("code")
    )
    return factors or [HazardFactor.objects.get(name="噪声")]


def exam_institution(employer, today: dt.date) -> Institution | None:
    inst = (
        Institution.objects.of_kind(InstitutionKind.EXAM)
        .filter(engagements__enterprise=employer)
        .order_by("pk")
        .first()
        or Institution.objects.of_kind(InstitutionKind.EXAM).order_by("pk").first()
    )
    if inst is not None and not Engagement.objects.filter(institution=inst, enterprise=employer).exists():
        Engagement.objects.create(
            institution=inst, enterprise=employer, kind="exam", start_date=today - dt.timedelta(days=400)
        )
    return inst


def record_history(worker: Worker, history: list[ExamRecord], today: dt.date) -> int:
    """Record a roster worker's made-up past exams as Exam rows (conclusion 目前未见异常 for each
    factor of the worker's posts), by an exam institution serving the employer; the schedule is
    recomputed from them by ``exam_record``. Returns how many were recorded (0 without an exam
    institution in the register)."""
    inst = exam_institution(worker.enterprise, today)
    if inst is None:
        return 0
    done = 0
    for record in sorted(history, key=lambda r: r.date):
        if record.date > today:
            continue
        actions.exam_record(
            user=None, worker=worker, date=record.date, kind=record.kind, institution=inst,
            results=[{"factor": f, "conclusion": "a"} for f in exposed_factors(worker)], source="api",
        )  # fmt: skip
        done += 1
    return done


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    if not Worker.objects.exists() or ExamResult.objects.exclude(conclusion="a").exists():
        return {}
    rng = random.Random(seed + 13)
    counts = {"exams": 0, "tasks": 0, "cases": 0, "screenings": 0, "follow_ups": 0}
    employer = Worker.objects.order_by("pk").first().enterprise
    inst = exam_institution(employer, today)
    staff = list(
        Worker.objects.filter(
            enterprise=employer, leave_date__isnull=True, hire_date__lte=today - dt.timedelta(days=60)
        ).order_by("pk")
    )
    if inst is None or len(staff) < 6:
        return counts
    day = today - dt.timedelta(days=6)
    plan = [
        ("b", "高频听阈升高", "纯音测听（脱离噪声48小时后）", day + dt.timedelta(days=30)),
        ("b", "血常规白细胞偏低", "血常规", day + dt.timedelta(days=20)),
        ("d", "高血压（Ⅲ级）", "", None),
        ("d", "再生障碍性贫血", "", None),
        ("c", "胸片可见小阴影，疑似尘肺", "", None),
        ("c", "双耳高频听力损失，疑似噪声聋", "", None),
        ("e", "脂肪肝", "", None),
    ]
    made: list[Exam] = []
    for worker, (code, items, recheck, by) in zip(staff, plan, strict=False):
        exam_day = day - dt.timedelta(days=60) if code in ("c", "d") else day
        factor = exposed_factors(worker)[0]
        exam = actions.exam_record(
            user=None, worker=worker, date=exam_day, kind="periodic", institution=inst, source="api",
            results=[{"factor": factor, "conclusion": code, "items": items, "recheck_items": recheck, "recheck_by": by}],
        )  # fmt: skip
        made.append(exam)
        counts["exams"] += 1
    # the second recheck closed by its recheck result
    second = made[1]
    actions.exam_record(
        user=None, worker=second.worker, date=today - dt.timedelta(days=1), kind="periodic", institution=inst,
        results=[{"factor": second.results.get().factor, "conclusion": "a"}], source="api",
    )  # fmt: skip
    # one reassignment done (to a post without the factor), the other overdue and still exposed
    task = SurveillanceTask.objects.filter(worker=made[2].worker, kind="reassignment").first()
    if task is not None:
        clean = (
            Post.objects.filter(workplace__enterprise=employer)
            .exclude(exposures__hazard_factor=task.factor)
            .first()
        )
        if clean is not None:
            actions.reassignment_record(user=None, task=task, on=today - dt.timedelta(days=2), post=clean)
    SurveillanceTask.objects.filter(worker=made[3].worker, kind="reassignment").update(
        due_on=today - dt.timedelta(days=10)
    )
    # one case diagnosed and closed, one waiting
    diagnosis = Institution.objects.of_kind(InstitutionKind.DIAGNOSIS).order_by("pk").first()
    case = DiseaseCase.objects.filter(worker=made[4].worker).first()
    if diagnosis is not None and case is not None:
        actions.case_refer(
            user=None, case=case, institution=diagnosis, on=case.found_on + dt.timedelta(days=5)
        )
        disease = (
            OccupationalDisease.objects.in_force(today)
            .filter(Q(name__contains="矽肺") | Q(name__contains="尘肺"))
            .first()
        )
        diagnosed = case.found_on + dt.timedelta(days=25)
        actions.case_diagnose(
            user=None, case=case, outcome="confirmed", diagnosed_on=diagnosed, disease=disease, stage="壹期",
            certificate_number=f"渝职诊〔{diagnosed.year}〕0{rng.randint(10, 99)}号", certificate_issued_on=diagnosed,
        )  # fmt: skip
        actions.case_record_dates(
            user=None, case=case,
            data={"certificate_delivered_on": diagnosed + dt.timedelta(days=6), "reported_on": diagnosed + dt.timedelta(days=3),
                  "certificate_received_on": diagnosed + dt.timedelta(days=6)},
        )  # fmt: skip
        if case.disease is not None and rehab.is_pneumoconiosis(case.disease.name):
            district = employer.region
            town = employer.town or Region.objects.filter(parent_id=district.code).order_by("code").first()
            patient = actions.patient_register_from_case(user=None, case=case, district=district, town=town)
            actions.patient_follow_up_record(
                user=None, patient=patient, visited_on=today - dt.timedelta(days=3), condition="stable",
                rehabilitation="呼吸康复训练（演示）",
            )  # fmt: skip
            if town is not None:
                actions.station_create(user=None, name=f"{town.name}尘肺病康复站", kind="station", town=town)
    counts["tasks"] = SurveillanceTask.objects.count()
    counts["cases"] = DiseaseCase.objects.count()
    # chronic screening and follow-up of the employer's workers aged 35 and over
    for worker in Worker.objects.filter(enterprise=employer).select_related("person").order_by("pk"):
        if worker.person.age_on(today) < 35:
            continue
        sbp = rng.choice([118, 128, 136, 146, 158, 184])
        actions.chronic_screening_record(
            user=None, worker=worker, screened_on=today - dt.timedelta(days=40), source="exam",
            sbp=sbp, dbp=min(sbp - 40, 108), fasting_glucose=Decimal(rng.choice(["5.2", "6.3", "7.4"])),
        )  # fmt: skip
        counts["screenings"] += 1
        if sbp >= 146:
            first = today - dt.timedelta(days=rng.choice([50, 120]))
            actions.chronic_follow_up_record(
                user=None, worker=worker, disease="hypertension", visited_on=first, sbp=sbp - 10, dbp=88
            )
            counts["follow_ups"] += 1
    return counts
