"""Demo lists of other departments (interdept): 工伤保险参保 for the employers with hazards of three
districts (the demo manager's 渝北 nearly all insured, the next mostly, the third about half; the
other districts have no list, so their rate is 无数据 with the reason), last year's list as well
(参保人数 rises), a few 健康企业 namings (渝北 meets its ≥ 1 this year; another district only last
year) and 职业健康达人/安康之星 recognitions — all written through the interdept actions."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from ohsteward.demo import cast
from ohsteward.demo.surveillance import GIVEN, SURNAMES
from ohsteward.interdept import actions
from ohsteward.interdept.models import InsuranceRecord
from ohsteward.monitoring import queries as monitoring_queries

# insured share of the listed districts' employers, in order: the manager's district first
SHARES = (0.95, 0.75, 0.5)
PER_DISTRICT = 40  # employers listed per district at most (the demo stays quick)


def _headcount(e) -> int:
    return e.employees or max(2 * (e.exposed_workers or 0), 10)


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    """The lists; returns counts of what was made (nothing when a list exists already)."""
    if InsuranceRecord.objects.exists():
        return {}
    rng = random.Random(seed + 140)
    manager = cast.manager_employer()
    by_district: dict[str, list] = defaultdict(list)
    for e in monitoring_queries.with_hazards().select_related("region").order_by("pk"):
        by_district[e.region_id].append(e)
    first = [manager.region_id] if manager is not None and manager.region_id in by_district else []
    others = sorted((d for d in by_district if d not in first), key=lambda d: (-len(by_district[d]), d))
    listed = (first + others)[: len(SHARES)]
    # this year's list dated inside this year (a January demo too), last year's a year before
    as_of = today - dt.timedelta(days=min(20, today.timetuple().tm_yday - 1))
    last_year = as_of - dt.timedelta(days=366)
    counts = {"insurance": 0, "healthy": 0, "awards": 0}
    for district, share in zip(listed, SHARES, strict=False):
        for e in by_district[district][:PER_DISTRICT]:
            employees = _headcount(e)
            if e == manager:
                insured = max(1, employees - 2)  # amber on the portrait: two not insured
            elif rng.random() < share:
                insured = employees if rng.random() < 0.8 else rng.randint(1, employees)
            else:
                insured = 0
            for on, n in ((last_year, max(0, insured - rng.randint(0, 3))), (as_of, insured)):
                actions.insurance_record_save(
                    user=None, enterprise=e, as_of=on, insured=n, employees=employees,
                    source=f"{e.region.name}人力社保局", source_date=on + dt.timedelta(days=5),
                )  # fmt: skip
                counts["insurance"] += 1
    namings = []
    if listed:
        namings.append((by_district[listed[0]][0], "district", year))  # 渝北 meets its ≥ 1 this year
        namings.append((by_district[listed[0]][-1], "city", year - 1))
    if len(listed) > 1:
        namings.append((by_district[listed[1]][0], "district", year - 1))  # none this year: missed
    for e, level, y in namings:
        actions.healthy_enterprise_save(
            user=None, enterprise=e, level=level, year=y, document_number=f"{e.region.name}卫健〔{y}〕{rng.randint(10, 99)}号",
            source=f"{e.region.name}卫生健康委", source_date=dt.date(y, 11, 20) if y < year else as_of,
        )  # fmt: skip
        counts["healthy"] += 1
    winners = [manager] if manager is not None else []
    winners += [by_district[d][0] for d in listed[1:]]
    for i, e in enumerate(winners):
        for kind in ("health_expert", "ankang_star"):
            actions.person_award_save(
                user=None, enterprise=e, person_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                kind=kind, year=year - (i % 2), level="district",
                source=f"{e.region.name}卫生健康委" if kind == "health_expert" else f"{e.region.name}总工会",
                source_date=as_of,
            )  # fmt: skip
            counts["awards"] += 1
    return counts
