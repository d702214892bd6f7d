"""Demo data of workplace monitoring: detection reports of the 渝北 institution for a dozen
employers (the demo manager's among them), compliant and over-limit posts (with <LOD samples),
open, overdue and closed rectification tasks, and employers due or overdue for 定期检测."""

from __future__ import annotations

import datetime as dt
import random

from ohsteward.demo import cast
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Engagement, Institution
from ohsteward.monitoring import actions
from ohsteward.monitoring.models import DetectionReport, RectificationTask
from ohsteward.registry.models import Enterprise

# (factor, post, workplace, inputs when compliant, inputs when over the limit)
POSTS = [
    ("苯", "喷漆工", "涂装车间",
     {"samples": [{"value": "<0.6", "minutes": 240}, {"value": 1.1, "minutes": 240}]},
     {"samples": [{"value": 4.2, "minutes": 240}, {"value": 3.6, "minutes": 240}]}),
    ("噪声", "冲压工", "冲压车间", {"noise_segments": [{"level": 83, "hours": 8}]},
     {"noise_segments": [{"level": 92, "hours": 6}, {"level": 86, "hours": 2}]}),
    ("矽尘", "打磨工", "铸造车间",
     {"samples": [{"value": 0.4, "minutes": 480}], "free_silica_percent": 25, "dust_fraction": "total",
      "labour_intensity": "II"},
     {"samples": [{"value": 1.8, "minutes": 480}], "free_silica_percent": 25, "dust_fraction": "total",
      "labour_intensity": "II"}),
    ("高温", "熔炼工", "铸造车间", {"wbgt": 27.5, "time_ratio": 0.5, "labour_intensity": "II"},
     {"wbgt": 33.0, "time_ratio": 0.75, "labour_intensity": "III"}),
]  # fmt: skip


# 苯 C_TWA 2.0 (PC-TWA 3: 0.67) and 甲苯 30 (PC-TWA 50: 0.6) on one post and date: each 符合
# alone, Σ Cᵢ/Lᵢ = 1.27 > 1 for the group 苯、甲苯、二甲苯 (GBZ 2.1-2019 联合作用; RULES.md §3.1)
MIXTURE_POST = ("调漆工", "涂装车间", {"苯": {"c_twa": 2.0}, "甲苯": {"c_twa": 30}})


def _mixture_post(report, today: dt.date) -> int:
    """The mixture exceedance of the demo: both members on the over-limit list, one open task for
    the group (opened on its first member; the second is refused: one task per group)."""
    post, workplace, inputs = MIXTURE_POST
    made = [
        actions.measurement_record(
            user=None, report=report, factor=HazardFactor.objects.get(name=name),
            workplace_name=workplace, post_name=post, inputs=values,
        )[0]
        for name, values in inputs.items()
    ]  # fmt: skip
    first = type(made[0]).objects.get(pk=made[0].pk)  # the group verdict was set when the second came
    if not first.over_limit:
        return 0
    actions.rectification_open(
        user=None, measurement=first, required_measures=["engineering", "administrative"],
        deadline=today + dt.timedelta(days=30),
    )  # fmt: skip
    return 1


def manager_employer() -> Enterprise | None:
    """The employer the demo manager login is created for (demo command ``_users``)."""
    return cast.manager_employer()


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    if DetectionReport.objects.exists():
        return {}
    institution = (
        Institution.objects.filter(region_id="500112", kinds__icontains='"hygiene_service"')
        .order_by("pk")
        .first()
    )
    if institution is None or not HazardFactor.objects.filter(name="苯").exists():
        return {}
    rng = random.Random(f"monitoring:{seed}")
    first = manager_employer()
    others = list(
        Enterprise.objects.filter(region_id="500112", status="active")
        .exclude(pk=getattr(first, "pk", None))
        .order_by("pk")[:11]
    )
    employers = ([first] if first else []) + others
    reports = tasks = 0
    for i, employer in enumerate(employers):
        Engagement.objects.get_or_create(
            institution=institution, enterprise=employer, end_date=None,
            defaults={"kind": "detection", "start_date": today - dt.timedelta(days=900)},
        )  # fmt: skip
        # due/overdue: most were detected this year or last; every fourth four years ago; one never
        if i == len(employers) - 1:
            continue
        years_ago = 4 if i % 4 == 3 else (1 if i % 2 else 0)
        sampled = min(
            today - dt.timedelta(days=20), dt.date(today.year - years_ago, 3, 1) + dt.timedelta(days=i * 7)
        )
        report = actions.report_save(user=None, data={
            "kind": "periodic", "number": f"CQYB-JC-{sampled.year}-{i + 1:03d}", "institution": institution,
            "enterprise": employer, "sampling_start": sampled, "issued_on": sampled + dt.timedelta(days=10),
        })  # fmt: skip
        reports += 1
        over_index = {0: {0, 1}, 1: {2}, 2: {3}}.get(i % 5, set()) if i != 0 else {0, 1, 2}
        for j, (factor, post, workplace, ok, bad) in enumerate(POSTS):
            inputs = bad if j in over_index else ok
            m, _ = actions.measurement_record(
                user=None, report=report, factor=HazardFactor.objects.get(name=factor),
                workplace_name=workplace, post_name=post, inputs=inputs,
            )  # fmt: skip
            if m.over_limit and (i == 0 or rng.random() < 0.85):
                deadline = today + dt.timedelta(days=rng.choice([-10, 15, 25]))
                actions.rectification_open(
                    user=None, measurement=m, required_measures=["engineering", "ppe"],
                    deadline=max(deadline, today),
                )  # fmt: skip
                tasks += 1
        if i == 0:  # a post where every component is 符合 but the mixture is not, with its one task
            tasks += _mixture_post(report, today)
        # a re-test that closed one task (the second employer), and one task left overdue
        if i == 1 and sampled + dt.timedelta(days=60) <= today:
            retest = actions.report_save(user=None, data={
                "kind": "supervision", "number": f"CQYB-FC-{sampled.year}-{i + 1:03d}", "institution": institution,
                "enterprise": employer, "sampling_start": sampled + dt.timedelta(days=60),
            })  # fmt: skip
            factor, post, workplace, ok, _bad = POSTS[2]
            actions.measurement_record(
                user=None, report=retest, factor=HazardFactor.objects.get(name=factor),
                workplace_name=workplace, post_name=post, inputs=ok,
            )  # fmt: skip
    overdue = RectificationTask.objects.filter(status="open").order_by("pk").last()
    if overdue is not None:
        RectificationTask.objects.filter(pk=overdue.pk).update(deadline=today - dt.timedelta(days=7))
    return {"reports": reports, "tasks": tasks}
