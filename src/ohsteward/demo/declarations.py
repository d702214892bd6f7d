"""Demo state for ``ohsteward demo``: a year's list worked through part of the way.

Called after the register (and the intake demo) exist: the list is generated and pushed, most
entries are confirmed, some are overdue, some handed over; declarations (online and imported),
guidance visits, notices, district additions, a change trigger and a spot check are created.
Deterministic for a given ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from ohsteward.declarations import actions, rules
from ohsteward.declarations.choices import EntryChangeKind, EntryStatus
from ohsteward.declarations.models import Declaration, EntryChange, HazardListEntry
from ohsteward.demo import cast
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Enterprise, Region

FACTORS = [
    "噪声",
    "矽尘",
    "电焊烟尘",
    "其他粉尘",
    "苯",
    "甲苯",
    "二甲苯",
    "高温",
    "锰及其无机化合物",
    "一氧化碳",
]
VISITORS = [
    "区卫生监督所 张伟、李娜",
    "区疾控中心 王磊、赵敏",
    "街道协管员 刘洋",
    "职业卫生技术服务机构 陈静",
]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


@transaction.atomic
def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    """Create the demo state; returns counts of what was made."""
    rng = random.Random(seed)
    as_of = min(today, dt.date(year, 1, 25))
    hazard_list = actions.hazard_list_generate(user=None, year=year, as_of=as_of)
    pushed_on = min(today, dt.date(year, 1, 31))
    actions.hazard_list_push(user=None, hazard_list=hazard_list, today=pushed_on)
    ids = list(
        HazardListEntry.objects.filter(hazard_list=hazard_list).order_by("pk").values_list("pk", flat=True)
    )
    rng.shuffle(ids)

    # District confirmations: ~70 % done within the month, the rest left pending (overdue now).
    done = ids[: int(len(ids) * 0.7)]
    outcomes = {EntryStatus.HAZARDS: [], EntryStatus.NO_HAZARDS: [], EntryStatus.CANCELLED: []}
    for pk in done:
        r = rng.random()
        key = (
            EntryStatus.HAZARDS if r < 0.86 else EntryStatus.NO_HAZARDS if r < 0.95 else EntryStatus.CANCELLED
        )
        outcomes[key].append(pk)
    confirmed_on = min(today, rules.one_month_after(pushed_on) - dt.timedelta(days=3))
    for status, pks in outcomes.items():
        HazardListEntry.objects.filter(pk__in=pks).update(
            status=status, confirmed_on=confirmed_on, note="区县核实（演示数据）"
        )
        # the dated history the quarterly dispatch reads (what entry_confirm writes one by one)
        EntryChange.objects.bulk_create(
            [
                EntryChange(
                    entry_id=pk,
                    kind=EntryChangeKind.CONFIRMED,
                    changed_on=confirmed_on,
                    status=status,
                    region_id=region,
                    due_on=due,
                )
                for pk, region, due in HazardListEntry.objects.filter(pk__in=pks).values_list(
                    "pk", "region_id", "due_on"
                )
            ],
            batch_size=2000,
        )

    # A few hand-overs with a new clock (recent, so not yet overdue).
    pending = ids[int(len(ids) * 0.7) :]
    districts = list(Region.objects.filter(level="district").values_list("pk", flat=True))
    handed = 0
    for pk in pending[:3]:
        entry = HazardListEntry.objects.select_related("enterprise").get(pk=pk)
        target = Region.objects.get(pk=rng.choice([d for d in districts if d != entry.region_id]))
        actions.entry_hand_over(
            user=None,
            entry=entry,
            to_region=target,
            reason="实际经营地址在该区（演示）",
            today=today - dt.timedelta(days=5),
        )
        handed += 1

    # Declarations: about 45 % of the employers confirmed with hazards; half online, half imported.
    factors = {f.name: f for f in HazardFactor.objects.filter(name__in=FACTORS)}
    with_hazards = list(
        HazardListEntry.objects.filter(pk__in=outcomes[EntryStatus.HAZARDS])
        .select_related("enterprise")
        .order_by("pk")
    )
    declared = 0
    for i, entry in enumerate(with_hazards):
        if rng.random() > 0.45:
            continue
        e = entry.enterprise
        names = rng.sample(sorted(factors) or ["噪声"], k=min(len(factors) or 1, rng.randint(1, 3)))
        employees = e.employees or rng.randint(5, 200)
        exposed = max(1, min(employees, int(employees * rng.uniform(0.1, 0.6))))
        on = _day(rng, dt.date(year, 2, 1), today)
        if i % 2:
            actions.declaration_import(
                user=None,
                enterprise=e,
                receipt_no=f"GJ{year}{e.region_id}{e.pk:07d}",
                kind="initial",
                declared_on=on,
                employees=employees,
                exposed_total=exposed,
                hazards=[(factors.get(n), n, max(1, exposed // len(names))) for n in names],
                principal=e.legal_representative or "负责人",
                hygiene_manager="职业卫生管理员",
            )
        else:
            actions.declaration_submit(
                user=None,
                enterprise=e,
                kind="initial",
                declared_on=on,
                data={
                    "employees": employees,
                    "exposed_total": exposed,
                    "principal": e.legal_representative or "负责人",
                    "hygiene_manager": "职业卫生管理员",
                    "principal_trained": True,
                    "manager_trained": True,
                    "workers_trained": exposed,
                    "detection_year": year - 1,
                    "detection_org": "重庆某职业卫生技术服务有限公司",
                    "detection_points": 12,
                    "detection_exceeding": rng.choice([0, 0, 1, 2]),
                    "exam_year": year - 1,
                    "exam_org": "重庆某职业健康检查机构",
                    "exam_count": exposed,
                    "exam_abnormal": rng.choice([0, 0, 1]),
                },
                hazards=[
                    {
                        "workplace": rng.choice(["生产车间", "焊接车间", "打磨车间", "喷涂车间"]),
                        "hazard_name": n,
                        "hazard_factor": factors.get(n),
                        "exposed_count": max(1, exposed // len(names)),
                    }
                    for n in names
                ],
            )
        declared += 1

    # 应报未报 work: guidance visits and notices for some undeclared employers.
    undeclared = list(
        HazardListEntry.objects.filter(hazard_list=hazard_list)
        .with_declaration()
        .undeclared()
        .select_related("enterprise", "region")
        .order_by("pk")[:60]
    )
    visits = notices = 0
    for entry in undeclared[:30]:
        actions.guidance_visit_record(
            user=None,
            enterprise=entry.enterprise,
            entry=entry,
            visited_on=_day(rng, dt.date(year, 3, 1), today),
            visitors=rng.choice(VISITORS),
            findings="现场存在" + rng.choice(FACTORS) + "，尚未申报；已讲解申报流程",
            next_step="两周内完成网上申报",
            today=today,
        )
        visits += 1
    methods = ["direct", "post", "electronic"]
    for k, entry in enumerate(undeclared[30:45]):
        issued_on = _day(rng, dt.date(year, 4, 1), today)
        notice = actions.notice_issue(user=None, enterprise=entry.enterprise, entry=entry, today=issued_on)
        if k % 3:  # two in three delivered a few days later; the rest wait for delivery (未送达)
            method = methods[(k // 3) % 3]
            actions.notice_deliver(
                user=None,
                notice=notice,
                delivered_on=min(today, issued_on + dt.timedelta(days=3)),
                method=method,
                signed_by="单位负责人（演示）" if method == "direct" else "",
                note="挂号信（演示）" if method == "post" else "",
                today=today,
            )
        notices += 1

    # Employers a district found itself: one reported in time, one not yet (overdue).
    found = 0
    extra = (
        Enterprise.objects.filter(region_id="500112", status="active", industry_risk="unlisted")
        .exclude(hazard_list_entries__hazard_list=hazard_list)
        .order_by("pk")[:2]
    )
    for k, e in enumerate(extra):
        entry = actions.entry_add_found(
            user=None,
            hazard_list=hazard_list,
            enterprise=e,
            discovered_on=today - dt.timedelta(days=45 - 30 * k),
            note="协管巡查发现（演示）",
            today=today,
        )
        if k == 1:
            actions.entry_report(user=None, entry=entry, today=today)
        found += 1

    # The demo enterprise manager's employer (same choice as the demo command): declared, then renamed.
    own = cast.manager_employer()
    if own is not None:
        if not Declaration.objects.filter(enterprise=own).exists():
            actions.declaration_import(
                user=None,
                enterprise=own,
                receipt_no=f"GJ{year - 1}{own.pk:07d}",
                kind="initial",
                declared_on=dt.date(year - 1, 6, 1),
                employees=own.employees,
                exposed_total=own.exposed_workers,
                hazards=[(factors.get("噪声"), "噪声", own.exposed_workers)],
                principal=own.legal_representative,
                hygiene_manager="",
            )
        actions.change_trigger_record(
            user=None,
            enterprise=own,
            kind="name_change",
            occurred_on=today - dt.timedelta(days=3),
            description="企业更名（演示）",
            today=today,
        )

    # The annual spot check, partly recorded.
    check = actions.spot_check_create(
        user=None, hazard_list=hazard_list, seed=seed, fraction=0.05, minimum=2, name=f"{year}年申报扩面抽查"
    )
    for item in check.items.order_by("pk")[: max(1, check.items.count() // 2)]:
        ok = rng.random() < 0.8
        actions.spot_check_record(
            user=None,
            item=item,
            today=today,
            data={
                "declared": ok,
                "industry_ok": ok or rng.random() < 0.5,
                "size_ok": rng.random() < 0.9,
                "hazards_ok": rng.random() < 0.75,
                "headcount_ok": rng.random() < 0.7,
                "inspector": "市卫生监督所",
            },
        )
    return {
        "entries": len(ids),
        "confirmed": len(done),
        "handed_over": handed,
        "declarations": declared,
        "visits": visits,
        "notices": notices,
        "district_found": found,
        "spot_check_items": check.items.count(),
    }
