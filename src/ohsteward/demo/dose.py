"""Demo personal dose monitoring (issue 12 item 8): at the demo manager's employer an X-ray post
(放射工作岗位) with eight radiation workers, their dose records for the last two quarters from the
register's 放射卫生技术服务机构 — one dose above the investigation level, two workers missing the
last quarter — all written through the surveillance and dose actions."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from ohsteward.demo import cast
from ohsteward.demo.exams import record_history
from ohsteward.demo.surveillance import GIVEN, SURNAMES, _id_number
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Institution
from ohsteward.registry.models import Post, PostExposure, Workplace
from ohsteward.surveillance import actions
from ohsteward.surveillance.dose import actions as dose_actions
from ohsteward.surveillance.dose import rules
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.schedule import ExamRecord

WORKERS = 8
POST = "放射工作岗位（X射线探伤）"


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    """Radiation workers and their dose records; returns counts of what was made."""
    if DoseRecord.objects.exists():
        return {}
    employer = cast.manager_employer()
    inst = (
        Institution.objects.of_kind("radiation_service").order_by("pk").first()
        if employer is not None
        else None
    )
    factor = (
        HazardFactor.objects.filter(name="X射线").order_by("code").first()
        or HazardFactor.objects.filter(category="radiation").order_by("code").first()
    )
    workplace = Workplace.objects.filter(enterprise=employer).order_by("pk").first() if employer else None
    if inst is None or factor is None or workplace is None:
        return {}
    rng = random.Random(seed + 82)
    post, _ = Post.objects.get_or_create(workplace=workplace, name=POST)
    PostExposure.objects.get_or_create(post=post, hazard_factor=factor, defaults={"exposed_count": WORKERS})
    last_start, _last_end = rules.previous_period(today)
    before_start, _ = rules.previous_period(last_start)
    area = employer.region_id or "500112"
    counts = {"workers": 0, "records": 0}
    for i in range(WORKERS):
        hired = before_start - dt.timedelta(days=rng.randint(200, 2000))
        worker = actions.worker_create(
            user=None,
            enterprise=employer,
            id_number=_id_number(rng, area, today),
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            phone=f"13{rng.randint(100000000, 999999999)}",
            employment_type="contract",
            hire_date=hired,
        )
        actions.worker_post_add(user=None, worker=worker, post=post, start_date=hired)
        record_history(
            worker,
            [
                ExamRecord(hired - dt.timedelta(days=7), "pre"),
                ExamRecord(today - dt.timedelta(days=rng.randint(30, 300)), "periodic"),
            ],
            today,
        )
        counts["workers"] += 1
        for start in (before_start, last_start):
            if start == last_start and i >= WORKERS - 2:
                continue  # due or missing the last quarter
            dose = Decimal("1.62") if (start == last_start and i == 0) else Decimal(rng.randint(5, 60)) / 100
            dose_actions.dose_record(
                user=None,
                worker=worker,
                institution=inst,
                period_start=start,
                hp10=dose,
                report_number=f"FS-{start:%Y%m}-{i + 1:03d}",
                note="超过调查水平，已通知用人单位调查（演示）" if dose > Decimal("1.25") else "",
            )
            counts["records"] += 1
    return counts
