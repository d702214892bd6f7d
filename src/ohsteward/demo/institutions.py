"""Demo state of institution quality compliance for ``ohsteward demo``.

Institutions of every kind (including three from other provinces, two of them with a Chongqing QC
number), qualifications and staff (one certificate expired), engagements with employers of the
register, this year's QC plan drawn with a seed and mostly recorded (findings, rectification demands
open, closed and overdue), a noise proficiency round and a laboratory comparison with results, the
year's performance evaluations, QC ↔ enforcement referrals in every state, technical guidance by
two public institutions (one above, one below the 50-employer target), and the year's grades in all
three colours. Everything goes through ``institutions.actions`` (as the
system user), so the demo obeys the same rules as users. Deterministic for a given ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from ohsteward.accounts.actions import role_assign
from ohsteward.accounts.models import User
from ohsteward.institutions import actions, rules
from ohsteward.institutions.models import Engagement, Institution, QcInspection
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.models import Enterprise, Region

# (name, kinds, district or None, province, QC number, profile) — profile decides the year's data:
# "good" → green, "fair" → yellow, "poor" → red, "" → left partly unrecorded
INSTITUTIONS = [
    ("重庆市职业病防治院", ["exam", "diagnosis"], "500103", "重庆市", "", "good"),
    ("重庆渝北康安职业卫生技术服务有限公司", ["hygiene_service"], "500112", "重庆市", "", "good"),
    ("重庆万州三峡职业健康检查中心", ["exam"], "500101", "重庆市", "", "fair"),
    ("重庆两江辐安放射卫生技术服务有限公司", ["radiation_service"], "500112", "重庆市", "", "fair"),
    ("重庆江北华检职业卫生检测有限公司", ["hygiene_service"], "500105", "重庆市", "", "poor"),
    ("重庆市九龙坡区疾病预防控制中心", ["hygiene_service", "exam"], "500107", "重庆市", "", "good"),
    ("万州区尘肺病康复站（高笋塘街道）", ["rehab_station"], "500101", "重庆市", "", ""),
    ("重庆市职业病危害工程防护技术指导中心", ["engineering_centre"], "500103", "重庆市", "", ""),
    ("重庆沙坪坝职业病诊断所", ["diagnosis"], "500106", "重庆市", "", "fair"),
    ("四川蜀安职业卫生技术服务有限公司", ["hygiene_service"], None, "四川省", "CQZK-2026-0001", "poor"),
    ("贵州黔康职业健康体检中心", ["exam"], None, "贵州省", "CQZK-2026-0002", "good"),
    ("湖北楚环检测技术有限公司", ["hygiene_service"], None, "湖北省", "", ""),
]
PROFILE = {  # QC score, result, proficiency outcome
    "good": (93, "pass", "satisfactory"),
    "fair": (82, "pass", "questionable"),
    "poor": (64, "fail", "unsatisfactory"),
}
GUIDANCE_BODIES = {"重庆市职业病防治院": 55, "重庆市九龙坡区疾病预防控制中心": 18}  # employers guided
# 公立医疗卫生机构 (002 capacity checks (9)–(10)): 万州 has one public exam institution (short of
# two) and no public diagnosis one, 渝中 both kinds in one body — a spread of done and not done
PUBLIC_BODIES = {"重庆市职业病防治院", "重庆万州三峡职业健康检查中心", "重庆市九龙坡区疾病预防控制中心"}
EVALUATION_LOSS = {"good": 4, "fair": 20, "poor": 38}  # points lost, spread over the items
QC_ITEMS = "质量管理体系文件\n原始记录与报告一致性\n仪器设备检定校准\n人员资质与培训\n现场采样过程"


def _uscc(serial: int, district: str | None) -> str:
    body = f"12{(district or '510100')}{serial:08d}X"
    body = body[:16] + registry_rules.USCC_CHARSET[serial % 31]
    return registry_rules.uscc_with_check(body)


@transaction.atomic
def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    if Institution.objects.exists():
        return {}
    rng = random.Random(f"institutions:{seed}")
    made: list[tuple[Institution, str]] = []
    for n, (name, kinds, district, province, qc_number, profile) in enumerate(INSTITUTIONS, start=1):
        inst = actions.institution_create(
            user=None,
            data={
                "uscc": _uscc(n, district),
                "name": name,
                "kinds": kinds,
                "province": province,
                "region": Region.objects.get(code=district) if district else None,
                "qc_number": qc_number,
                "qc_issued_on": dt.date(year, 2, 10 + n) if qc_number else None,
                "capability_mode": "assessment" if "rehab_station" in kinds else "direct",
                "capability_confirmed_on": dt.date(year - 1, 9, 30),
                "capability_basis": "《职业病防治机构提质合规行动实施方案》附件1 第3—5条",
                # public bodies with the 目标(四) guidance duty
                "guidance_duty": name in GUIDANCE_BODIES,
                "public": name in PUBLIC_BODIES,
            },
        )
        kind = "filing" if set(kinds) & {"exam", "diagnosis"} else "certificate"
        actions.qualification_add(
            user=None,
            institution=inst,
            data={
                "kind": kind,
                "number": f"渝{'备' if kind == 'filing' else '卫职技字'}{year - 2}{n:03d}",
                "scope_text": "粉尘、化学因素、物理因素"
                if "exam" not in kinds
                else "接触粉尘、噪声、化学因素作业人员",
                "issued_on": dt.date(year - 2, 3, 1),
                "valid_until": None if kind == "filing" else dt.date(year + 3, 2, 28),
            },
        )
        role = (
            "chief_examiner" if "exam" in kinds else "diagnostician" if "diagnosis" in kinds else "assessor"
        )
        for k in range(2):
            expired = n == 5 and k == 1  # one certificate out of date, shown as 已过期
            actions.staff_add(
                user=None,
                institution=inst,
                data={
                    "name": ["张", "李", "王", "刘", "陈", "杨"][(n + k) % 6]
                    + ["敏", "伟", "静", "磊"][k % 4],
                    "role": role,
                    "certificate_number": f"ZY{year - 3}{n:03d}{k}",
                    "certificate_issued_on": dt.date(year - 4, 5, 1),
                    "certificate_valid_until": dt.date(year - 1, 5, 1)
                    if expired
                    else dt.date(year + 1, 5, 1),
                },
            )
        made.append((inst, profile))
    _engagements(made, rng, today)
    inspections = _qc(made, year, today)
    _proficiency(made, year)
    evaluations = _evaluations(made, year, today)
    referrals = _referrals(made, year, today)
    guidance = _guidance(made, rng, year, today)
    result = actions.grades_compute(user=None, year=year)
    return {
        "institutions": len(made),
        "inspections": inspections,
        "evaluations": evaluations,
        "referrals": referrals,
        "guidance": guidance,
        "grades": len(result["graded"]),
    }


def _evaluations(made, year: int, today: dt.date) -> int:
    """The city CDC's performance evaluation of every profiled institution (checklist v1)."""
    checklist = rules.load_checklist()
    count = 0
    for inst, profile in made:
        if not profile:
            continue
        loss = EVALUATION_LOSS[profile]
        scores = {}
        for item in checklist.items:
            lost = min(item.max_points, round(loss * item.max_points / 100))
            evidence = "" if not lost else "现场核查发现不足，详见评估报告"
            scores[item.code] = (Decimal(str(item.max_points - lost)), evidence)
        actions.performance_evaluation_record(
            user=None,
            institution=inst,
            year=year,
            evaluated_on=min(today, dt.date(year, 10, 15)),
            scores=scores,
            note=f"{year}年度绩效评估",
        )
        count += 1
    return count


def _referrals(made, year: int, today: dt.date) -> int:
    """QC clues about the poor institutions handed to supervision, and one quality problem a
    district's supervision reported, in different states (the ledger and its monthly summary)."""
    poor = [inst for inst, profile in made if profile == "poor"]
    fair = [inst for inst, profile in made if profile == "fair" and inst.region_id]
    count = 0
    for n, inst in enumerate(poor):
        handed = today - dt.timedelta(days=40 - 25 * n)
        referral = actions.referral_create(
            user=None,
            data={
                "direction": "qc_to_supervision",
                "institution": inst,
                "inspection": QcInspection.objects.filter(institution=inst, year=year).first(),
                "finding": "质控检查发现原始记录与检测报告数据不一致，涉嫌出具虚假检测报告",
                "handed_on": handed,
                "handed_by": "市疾控中心质量控制科",
            },
        )
        count += 1
        if n == 0:
            actions.referral_advance(
                user=None,
                referral=referral,
                status="received",
                on=handed + dt.timedelta(days=2),
                by="卫生监督所 执法二科",
            )
            actions.referral_advance(
                user=None, referral=referral, status="investigating", on=handed + dt.timedelta(days=5)
            )
    if fair:
        inst = fair[0]
        handed = today - dt.timedelta(days=20)
        referral = actions.referral_create(
            user=None,
            data={
                "direction": "supervision_to_qc",
                "institution": inst,
                "finding": "监督检查发现体检报告未按规定告知复查，报市疾控局",
                "handed_on": handed,
                "handed_by": f"{inst.region.name}卫生监督所" if inst.region else "区县卫生监督所",
            },
        )
        actions.referral_advance(
            user=None,
            referral=referral,
            status="received",
            on=handed + dt.timedelta(days=1),
            by="市疾控中心质量控制科",
        )
        actions.referral_advance(
            user=None,
            referral=referral,
            status="closed",
            on=handed + dt.timedelta(days=10),
            outcome="纳入年度绩效评估，已约谈整改",
        )
        count += 1
    return count


def _guidance(made, rng: random.Random, year: int, today: dt.date) -> int:
    """Guidance visits of the two public bodies: the city's one reaches the 50-employer target,
    the district CDC does not yet."""
    by_name = {inst.name: inst for inst, _ in made}
    pool = list(Enterprise.objects.filter(status="active").order_by("pk").values_list("pk", flat=True)[:600])
    start = dt.date(year, 1, 10)
    span = max(1, (min(today, dt.date(year, 12, 31)) - start).days)
    count = 0
    for name, employers in GUIDANCE_BODIES.items():
        inst = by_name.get(name)
        if inst is None or not pool:
            continue
        for k, pk in enumerate(rng.sample(pool, min(employers, len(pool)))):
            actions.guidance_record(
                user=None,
                data={
                    "institution": inst,
                    "enterprise": Enterprise.objects.get(pk=pk),
                    "visited_on": start + dt.timedelta(days=rng.randint(0, span)),
                    "kind": ("guidance", "assistance", "survey")[k % 3],
                    "content": "职业病危害项目申报、检测与职业健康检查指导",
                    "findings": "" if k % 4 else "告知卡缺失，已现场指导设置",
                },
            )
            count += 1
    return count


def _engagements(made, rng: random.Random, today: dt.date) -> None:
    """Each institution serves a handful of employers (渝北's first ones for the 渝北 institution,
    which the demo institution user works for)."""
    pool = list(
        Enterprise.objects.filter(status="active").order_by("pk").values_list("pk", "region_id")[:600]
    )
    for inst, _ in made:
        local = [pk for pk, region in pool if region == inst.region_id] or [pk for pk, _ in pool]
        for pk in rng.sample(local, min(6, len(local))):
            Engagement.objects.create(
                institution=inst,
                enterprise_id=pk,
                kind="exam" if "exam" in inst.kinds else "detection",
                start_date=today - dt.timedelta(days=rng.randint(30, 600)),
                end_date=None if rng.random() < 0.8 else today - dt.timedelta(days=5),
            )


def _qc(made, year: int, today: dt.date) -> int:
    plan = actions.qcplan_create(
        user=None,
        data={
            "year": year,
            "name": f"{year}年度技术服务机构质量控制",
            "fraction": 1,
            "minimum": 1,
            "seed": "demo",
        },
    )
    actions.qcplan_draw(user=None, plan=plan)
    profile_of = {inst.pk: profile for inst, profile in made}
    inspected_on = min(today, dt.date(year, 5, 20))
    for inspection in QcInspection.objects.filter(plan=plan).select_related("institution").order_by("pk"):
        profile = profile_of.get(inspection.institution_id, "")
        if not profile:
            continue  # not visited yet: QC coverage below 100 %
        score, result, _ = PROFILE[profile]
        findings = "" if profile == "good" else "部分原始记录缺少复核签字；个别采样点位与方案不一致"
        actions.qcinspection_record(
            user=None,
            inspection=inspection,
            data={
                "inspected_on": inspected_on,
                "items": QC_ITEMS,
                "findings": findings,
                "score": score,
                "result": result,
            },
        )
        if profile == "good":
            continue
        issued = inspected_on + dt.timedelta(days=3)
        rect = actions.rectification_issue(
            user=None,
            inspection=inspection,
            data={
                "demand": "补齐原始记录复核签字，按方案重新核定采样点位并提交整改报告",
                "issued_on": issued,
                "deadline": issued + dt.timedelta(days=30),
            },
        )
        if profile == "fair":  # accepted; the poor ones stay open (and overdue once the deadline passes)
            actions.rectification_close(
                user=None,
                rectification=rect,
                closed_on=issued + dt.timedelta(days=20),
                closing_note="整改报告及佐证材料齐全，同意验收",
            )
    return QcInspection.objects.filter(plan=plan).count()


def _proficiency(made, year: int) -> None:
    noise = actions.proficiencyround_create(
        user=None,
        data={
            "year": year,
            "kind": "noise",
            "name": f"{year}年噪声检测与评价能力验证",
            "held_on": dt.date(year, 4, 15),
        },
    )
    lab = actions.proficiencyround_create(
        user=None,
        data={
            "year": year,
            "kind": "lab",
            "name": f"{year}年实验室检测能力比对",
            "held_on": dt.date(year, 5, 10),
        },
    )
    services = [inst for inst, _ in made if set(inst.kinds) & {"hygiene_service", "radiation_service"}]
    others = [inst for inst, profile in made if profile and inst not in services]
    actions.proficiency_enrol(user=None, round=noise, institutions=services)
    actions.proficiency_enrol(user=None, round=lab, institutions=[*services, *others])
    profile_of = {inst.pk: profile for inst, profile in made}
    for rnd, members in ((noise, services), (lab, [*services, *others])):
        for inst in members:
            profile = profile_of[inst.pk]
            if not profile:
                continue  # enrolled, no result yet: participation below 100 %
            actions.proficiency_result_record(
                user=None, round=rnd, institution=inst, outcome=PROFILE[profile][2]
            )


def link_demo_user(username: str = "institution") -> None:
    """The demo institution login works for the 渝北 institution (its clients are its jurisdiction)."""
    user = User.objects.filter(username=username).first()
    inst = (
        Institution.objects.filter(region_id="500112", kinds__icontains='"hygiene_service"')
        .order_by("pk")
        .first()
    )
    if user is None or inst is None:
        return
    assignment = user.assignment
    if assignment is not None and assignment.institution_id == inst.pk:
        return
    role_assign(user=user, role="institution_staff", institution=inst)
