"""Demo health surveillance: rosters at employers with exposed posts — workers never examined,
overdue, due within 30 days and on time; a dispatched worker; a worker leaving (exit exam due);
an acute exposure (emergency exam); one person employed by two employers in turn — all written
through the surveillance actions, ID numbers made up but valid (GB 11643).

Exams: each worker's made-up history (a 上岗前 and a 在岗期间 exam, conclusion 目前未见异常) is
recorded as Exam rows through the exams actions (``demo.exams.record_history``), by an exam
institution of the register, so ``ohsteward recompute_exam_due`` keeps every state."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count

from ohsteward.accounts.models import User
from ohsteward.demo import cast
from ohsteward.demo.exams import record_history
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Enterprise, Post
from ohsteward.surveillance import actions, rules
from ohsteward.surveillance.exams.models import SurveillanceTask
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.schedule import ExamRecord

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "明华丽军敏静强磊洋艳勇杰娟涛超秀英霞平刚桂兰芳燕玲"
AREAS = {"500112": "500112", "500101": "500101"}


def _id_number(rng: random.Random, area: str, today: dt.date) -> str:
    birth = today - dt.timedelta(days=rng.randint(26 * 365, 58 * 365))
    first17 = f"{area}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + rules.id_check_char(first17)


def _exposed_posts(enterprise: Enterprise) -> list[Post]:
    return list(
        Post.objects.filter(workplace__enterprise=enterprise, exposures__isnull=False)
        .distinct()
        .order_by("pk")
    )


def _employers(limit: int) -> list[Enterprise]:
    """The demo manager's employer first (the first active 渝北 employer with workplaces, as the
    demo command picks it), then employers with exposed posts in 渝北 and 万州, then elsewhere."""
    manager = cast.manager_employer()
    out = [manager] if manager is not None else []
    with_posts = (
        Enterprise.objects.filter(workplaces__posts__exposures__isnull=False, status="active")
        .distinct()
        .order_by("region_id", "pk")
    )
    for region in ("500112", "500101", None):
        qs = with_posts if region is None else with_posts.filter(region_id=region)
        for e in qs[:limit]:
            if e not in out:
                out.append(e)
            if len(out) >= limit:
                return out
    return out


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    """Rosters and their schedule; returns counts of what was made."""
    if Worker.objects.exists():
        return {}
    rng = random.Random(seed + 12)
    counts = {"workers": 0, "employers": 0}
    moved: str | None = None
    for n, employer in enumerate(_employers(24)):
        posts = _exposed_posts(employer)
        area = employer.region_id if employer.region_id in AREAS else "500103"
        size = 14 if n == 0 else rng.randint(4, 9)
        counts["employers"] += 1
        for i in range(size):
            number = _id_number(rng, area, today)
            if n == 1 and i == 0 and moved:
                number = moved  # the same person, now at a second employer
            hired = today - dt.timedelta(days=rng.randint(200, 3000))
            state = i % 7
            kind = "dispatch" if state == 5 else "contract"
            leave = today + dt.timedelta(days=20) if state == 6 else None
            if state == 4:
                hired = today + dt.timedelta(days=rng.randint(5, 25))  # a new hire: 上岗前 due soon
            if n == 0 and i == 0:
                leave = today - dt.timedelta(days=60)  # left, and hired by the next employer
            if n == 1 and i == 0 and moved:
                hired = today - dt.timedelta(days=50)
            worker = actions.worker_create(
                user=None,
                enterprise=employer,
                id_number=number,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN + "　").strip(),
                phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
                employment_type=kind,
                dispatcher="重庆市某人力资源服务有限公司" if kind == "dispatch" else "",
                hire_date=hired,
                leave_date=leave,
            )
            counts["workers"] += 1
            if n == 0 and i == 0:
                moved = number
            if posts:
                actions.worker_post_add(
                    user=None, worker=worker, post=posts[i % len(posts)], start_date=hired
                )
            exams = _history(state, hired, today, rng)
            if exams:
                counts["exams"] = counts.get("exams", 0) + record_history(worker, exams, today)
            if state == 3 and posts:
                factor = posts[i % len(posts)].exposures.order_by("pk").first()
                actions.acute_exposure_record(
                    user=None,
                    worker=worker,
                    hazard_factor=factor.hazard_factor if factor else HazardFactor.objects.get(code="2331"),
                    occurred_on=today - dt.timedelta(days=3),
                    note="设备检修时泄漏（演示）",
                )
    return counts


def _history(state: int, hired: dt.date, today: dt.date, rng: random.Random) -> list[ExamRecord]:
    """0: never examined (overdue 上岗前); 1: examined on time; 2: due within 30 days; 3: on time
    but an acute exposure since; 4: new hire; 5: overdue periodic; 6: leaving (exit due)."""
    if state in (0, 4) or hired > today:
        return []
    pre = ExamRecord(hired - dt.timedelta(days=7), "pre")
    if state in (1, 3):
        return [pre, ExamRecord(today - dt.timedelta(days=rng.randint(30, 200)), "periodic")]
    if state == 2:
        return [pre, ExamRecord(today - dt.timedelta(days=365 - rng.randint(3, 25)), "periodic")]
    if state == 5:
        return [pre, ExamRecord(today - dt.timedelta(days=365 + rng.randint(40, 300)), "periodic")]
    return [pre, ExamRecord(today - dt.timedelta(days=rng.randint(200, 300)), "periodic")]


def logins(password: str) -> list[tuple[str, str, str]]:
    """The demo ``worker`` login (劳动者本人, issue 12 item 9): the person of an open recheck task
    (an exam with a 复查 conclusion, so the page has something to say), else a person employed by
    two employers in turn, else the first worker. Opened through the action the worker's page
    uses; the demo password replaces the one-time password (no forced change in the demo)."""
    user = User.objects.filter(username="worker").first()
    if user is None:
        task = (
            SurveillanceTask.objects.filter(kind="recheck", closed_on__isnull=True)
            .select_related("worker")
            .order_by("pk")
            .first()
        )
        moved = (
            Worker.objects.values("person_id").annotate(n=Count("pk")).filter(n__gt=1).order_by("person_id")
        )
        worker = (
            task.worker
            if task is not None
            else Worker.objects.filter(person_id__in=moved.values("person_id")).order_by("pk").first()
            or Worker.objects.order_by("pk").first()
        )
        if worker is None:
            return []
        user, _raw = actions.worker_login_open(user=None, worker=worker, username="worker")
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
    worker = Worker.objects.for_user(user).select_related("enterprise").order_by("-hire_date", "-pk").first()
    note = f"（{worker.name}，{worker.enterprise.name}）" if worker is not None else ""
    return [("worker", "劳动者本人", note)]
