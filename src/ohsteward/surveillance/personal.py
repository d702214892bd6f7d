"""Read side of the worker's own page (issue 12 item 9; 职业病防治法 第36条: 劳动者离开用人单位时，
有权索取本人职业健康监护档案复印件): the employments, posts and hazards, exams and conclusions,
the next exam due, open tasks and cases, dose records — every read through ``for_user`` of the
worker's own login (the person jurisdiction), so the page shows exactly what the scope allows and
nothing of any other worker. The words are for the worker, not for the employer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.exams.choices import TaskKind
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, SurveillanceTask
from ohsteward.surveillance.models import Worker, WorkerPost


@dataclass
class Employment:
    worker: Worker
    posts: list[WorkerPost] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return self.worker.leave_date is None


@dataclass
class OwnFile:
    """What the worker's page shows (all in the worker's scope)."""

    name: str
    id_number_masked: str
    employments: list[Employment]
    hazards: list[str]  # factors of the posts held now
    exams: list[Exam]
    next_due: Worker | None  # the current employment whose next exam comes first
    tasks: list[tuple[SurveillanceTask, str]]  # open tasks, each with plain words for the worker
    cases: list[DiseaseCase]
    doses: list[DoseRecord]


def task_words(task: SurveillanceTask) -> str:
    """What an open task means for the worker, in plain words."""
    due = f"{task.due_on:%Y年%m月%d日}前" if task.due_on else "尽快"
    factor = task.factor.name
    if task.kind == TaskKind.RECHECK:
        return f"体检结论要求复查（{factor}）：请在{due}到体检机构复查，单位应安排并承担费用。"
    if task.kind == TaskKind.REASSIGNMENT:
        return f"体检发现职业禁忌证（{factor}）：单位应在{due}把您调离接触{factor}的岗位。"
    return f"体检发现疑似职业病（{factor}）：单位应安排您到职业病诊断机构诊断，诊断期间不得解除劳动合同。"


def own_file(user, today: dt.date) -> OwnFile | None:
    """The file of the person ``user`` is bound to; None when the user sees no employment."""
    workers = list(
        Worker.objects.for_user(user).select_related("person", "enterprise").order_by("-hire_date", "-pk")
    )
    if not workers:
        return None
    by_worker = {w.pk: Employment(w) for w in workers}
    hazards: set[str] = set()
    for wp in (
        WorkerPost.objects.for_user(user)
        .select_related("post__workplace")
        .prefetch_related("post__exposures__hazard_factor")
        .order_by("-start_date", "-pk")
    ):
        by_worker[wp.worker_id].posts.append(wp)
        if wp.end_date is None or wp.end_date >= today:
            if by_worker[wp.worker_id].current:
                hazards.update(pe.hazard_factor.name for pe in wp.post.exposures.all())
    exams = list(
        Exam.objects.for_user(user)
        .select_related("institution", "worker__enterprise")
        .prefetch_related("results__factor")
        .order_by("-date", "-pk")
    )
    due = [w for w in workers if w.leave_date is None and w.next_exam_due is not None]
    tasks = (
        SurveillanceTask.objects.for_user(user)
        .filter(closed_on__isnull=True)
        .select_related("factor", "worker__enterprise")
        .order_by("due_on", "pk")
    )
    cases = (
        DiseaseCase.objects.for_user(user)
        .select_related("factor", "disease", "referred_to", "worker__enterprise")
        .order_by("-found_on", "-pk")
    )
    doses = (
        DoseRecord.objects.for_user(user)
        .select_related("worker__enterprise")
        .order_by("-period_start", "-pk")
    )
    person = workers[0].person
    return OwnFile(
        name=person.name,
        id_number_masked=person.id_number_masked,
        employments=list(by_worker.values()),
        hazards=sorted(hazards),
        exams=exams,
        next_due=min(due, key=lambda w: (w.next_exam_due, w.pk)) if due else None,
        tasks=[(t, task_words(t)) for t in tasks],
        cases=list(cases),
        doses=list(doses[:8]),
    )
