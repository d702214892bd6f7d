"""Demo steward service: complete and incomplete teams, active and ending agreements, and a
calendar with done, confirmed and late visits — all written through the stewardship actions."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from ohsteward.accounts.actions import role_assign, user_create
from ohsteward.accounts.models import User
from ohsteward.demo import cast, training
from ohsteward.institutions.models import Institution
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship import actions, followups, rules
from ohsteward.stewardship.assistance import actions as assistance_actions
from ohsteward.stewardship.models import StewardTeam
from ohsteward.stewardship.zone import actions as zone_actions

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
LEAD_USCC = "12500112MB1D00001X"

# (team, district, level, qualifications left out, an expired one, agreements, demo login)
TEAMS = [
    ("渝北区人民医院管家服务团队", "500112", "district", (), None, 6, "steward"),
    ("渝北区龙溪街道社区卫生服务中心管家团队", "500112", "basic", ("nutritionist",), "legal_professional", 3, "steward_b"),
    ("万州区人民医院管家服务团队", "500101", "district", (), None, 4, "steward_wz"),
]  # fmt: skip
LOGIN_LABELS = {
    "steward": "管家服务团队成员（渝北，团队齐全）",
    "steward_b": "管家服务团队成员（渝北，缺营养师）",
    "steward_wz": "管家服务团队成员（万州）",
}


def _lead() -> Institution:
    # 000 二(一): the lead institution is a medical institution able to do occupational exams
    # (JSONField ``contains`` does not exist on SQLite: pick in Python, there are a dozen)
    for existing in Institution.objects.filter(province="重庆市").order_by("pk"):
        if "exam" in existing.kinds:
            return existing
    return Institution.objects.create(uscc=LEAD_USCC, name="重庆市渝北区人民医院", kinds=["exam"])


def _members(rng: random.Random, skip, expired, today: dt.date) -> list[dict]:
    out = []
    for i, (code, _label) in enumerate(rules.REQUIRED_QUALIFICATIONS):
        if code in skip:
            continue
        until = today + dt.timedelta(days=rng.randint(200, 1200))
        if i == 1:
            until = today + dt.timedelta(days=30)  # one certificate expires soon
        if code == expired:
            until = today - dt.timedelta(days=40)  # does not count: the team is incomplete
        out.append(
            {
                "name": rng.choice(SURNAMES) + rng.choice("明华丽军敏静强磊洋艳"),
                "qualification": code,
                "certificate_no": f"{code[:3].upper()}{rng.randint(100000, 999999)}",
                "valid_until": until,
            }
        )
    out.append(
        {
            "name": rng.choice(SURNAMES) + "工",
            "qualification": "engineering",
            "certificate_no": "",
            "valid_until": None,
        }
    )
    return out


def _employers(district: str, count: int, taken: set[int]) -> list[Enterprise]:
    # the demo manager's employer first (demo.cast), then employers with workplaces
    manager = cast.manager_employer()
    own = (
        [manager] if manager is not None and manager.region_id == district and manager.pk not in taken else []
    )
    first = own + list(
        Enterprise.objects.filter(region_id=district, status="active", workplaces__isnull=False)
        .exclude(pk__in=taken | {e.pk for e in own})
        .order_by("pk")
        .distinct()[: count - len(own)]
    )
    rest = list(
        Enterprise.objects.filter(region_id=district, status="active")
        .exclude(pk__in=taken | {e.pk for e in first})
        .order_by("pk")[: count - len(first)]
    )
    return (first + rest)[:count]


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    """Teams, agreements and their calendars; returns counts of what was made."""
    if StewardTeam.objects.exists():
        return {}
    rng = random.Random(seed + 10)
    lead = _lead()
    taken: set[int] = set()
    counts = {"teams": 0, "agreements": 0, "done": 0}
    for name, district, level, skip, expired, n_agreements, _login in TEAMS:
        team = actions.team_create(
            user=None,
            data={
                "name": name,
                "district": Region.objects.get(code=district),
                "level": level,
                "lead_institution": lead,
                "contact_phone": f"023-{rng.randint(60000000, 69999999)}",
            },
            members=_members(rng, skip, expired, today),
        )
        counts["teams"] += 1
        for i, employer in enumerate(_employers(district, n_agreements, taken)):
            taken.add(employer.pk)
            # the second agreement of each team ends within two months ("即将到期")
            start = today - dt.timedelta(days=310 if i == 1 else rng.randint(90, 200))
            agreement = actions.agreement_create(
                user=None,
                team=team,
                enterprise=employer,
                start_date=start,
                contents={"detection": 2, "training": 2, "surveillance": employer.exposed_workers or 10, "management": 4},
                fee=Decimal(rng.choice([8000, 12000, 20000])),
                funding={"enterprise": Decimal(6000), "government_purchase": Decimal(2000)},
                sign=True,
                signed_on=start,
            )  # fmt: skip
            counts["agreements"] += 1
            for visit in agreement.visits.filter(planned_on__lt=today).order_by("planned_on"):
                if rng.random() < 0.3:
                    continue  # left undone: 已逾期
                day = min(today, visit.planned_on + dt.timedelta(days=rng.randint(0, 6)))
                actions.visit_record(
                    user=None,
                    agreement=agreement,
                    visit=visit,
                    data={
                        "visited_on": day,
                        "work_done": f"{visit.get_content_display()}：按协议完成现场服务",
                        "findings": rng.choice(["", "打磨岗位警示标识缺失", "部分劳动者未正确佩戴防尘口罩"]),
                        "advice": rng.choice(["", "补设警示标识和告知卡", "开展防护用品佩戴培训"]),
                        "trained_count": rng.randint(8, 40) if visit.content == "training" else None,
                    },
                    findings=_structured(rng),
                )
                counts["done"] += 1
                if rng.random() < 0.6:  # the employer confirmed and rated it online
                    visit.refresh_from_db()
                    actions.visit_confirm(
                        user=None,
                        visit=visit,
                        rating=rng.choice([4, 5, 5, 3]),
                        comment=rng.choice(["", "服务及时", "讲解清楚"]),
                    )
    counts["assisted"] = _assistance(year=year, today=today, rng=rng)
    counts.update(training.populate(year=year, today=today, seed=seed))
    counts.update(_zone(today=today, taken=taken))
    return counts


# Structured findings (issue 10 item 4) of some recorded visits.
FINDINGS = [
    {"category": "protective_facilities", "severity": "minor", "text": "打磨岗位警示标识缺失"},
    {"category": "ppe", "severity": "major", "text": "部分劳动者未正确佩戴防尘口罩"},
    {"category": "training", "severity": "minor", "text": "新入职劳动者未参加岗前职业健康培训"},
]


def _structured(rng: random.Random) -> list[dict]:
    """Some visits found a problem; a PPE problem is ticked 需整改 (a rectification task for the
    employer, when monitoring is installed) and a training problem 需培训 (issue 10 item 3)."""
    if rng.random() >= 0.3:
        return []
    finding = rng.choice(FINDINGS)
    return [{
        **finding,
        "rectify": finding["category"] == "ppe" and followups.rectification_available(),
        "train": finding["category"] == "training",
    }]  # fmt: skip


def _zone(*, today: dt.date, taken: set[int]) -> dict[str, int]:
    """The online service zone (issue 10 item 7): a question answered and one waiting (past its
    deadline, in the district CDC pool), a request waiting for a team and one declined."""
    served = Enterprise.objects.filter(pk__in=taken, region_id="500112").order_by("pk").first()
    free = list(
        Enterprise.objects.filter(region_id="500112", status="active")
        .exclude(pk__in=taken)
        .order_by("pk")[:2]
    )
    teams = list(StewardTeam.objects.filter(district_id="500112").order_by("pk")[:2])
    made = {"questions": 0, "requests": 0}
    if served is not None:
        q = zone_actions.question_ask(
            user=None, enterprise=served, topic="exam", question="噪声岗位的职工多久做一次职业健康检查？",
            today=today - dt.timedelta(days=3),
        )  # fmt: skip
        zone_actions.question_answer(
            user=None, question=q,
            answer="在岗期间每年一次，项目包括纯音听阈测试（GBZ 188-2014）。体检结果要书面告知本人。",
        )  # fmt: skip
        made["questions"] += 1
    if free:
        zone_actions.question_ask(
            user=None, enterprise=free[0], topic="declaration", question="我们只有一个打磨岗位，也要申报吗？",
            today=today - dt.timedelta(days=10),
        )  # fmt: skip
        made["questions"] += 1
    if free and teams:
        zone_actions.request_create(user=None, enterprise=free[0], team=teams[0], contents=["detection", "training"],
                                    message="职工 30 人，希望下月上门")  # fmt: skip
        made["requests"] += 1
    if len(free) > 1 and len(teams) > 1:
        declined = zone_actions.request_create(user=None, enterprise=free[1], team=teams[-1])
        zone_actions.request_decide(
            user=None, request=declined, decision="decline", reason="本季度服务已排满，请选择其他团队"
        )
        made["requests"] += 1
    return made


# SME assistance (issue 10 item 5): 渝北 above the 20 of 001 附件3, 万州 below; each of the six
# items done, 不适用 and open somewhere.
ASSISTANCE_PLANS = [("500112", 22), ("500101", 8)]
NA_REASONS = {"remediation": "无超标岗位", "screening": "企业不同意开展（自愿原则）"}


def _assistance(*, year: int, today: dt.date, rng: random.Random) -> int:
    made = 0
    for district, count in ASSISTANCE_PLANS:
        region = Region.objects.get(code=district)
        plan = assistance_actions.plan_create(
            user=None, district=region, year=year, deadline=dt.date(year, 11, 30)
        )
        team = StewardTeam.objects.filter(district=region).order_by("pk").first()
        employers = Enterprise.objects.filter(
            region_id=district, status="active", size_class__in=("small", "micro", "medium")
        ).order_by("pk")[:count]
        for n, employer in enumerate(employers):
            entry = assistance_actions.entry_add(
                user=None, plan=plan, enterprise=employer, team=team if n % 3 else None,
                expert_group="" if n % 3 else "区疾控中心专家组",
                strategy="粉尘岗位优先：先辨识、再治理，年底前完成告知与培训" if n % 4 == 0 else "",
            )  # fmt: skip
            made += 1
            for k, item in enumerate(entry.items.order_by("pk")):
                roll = 0 if n < 3 else (n + k) % 5  # the first three: all six done
                if roll in (0, 1, 2):
                    assistance_actions.item_record(
                        user=None, item=item, state="done",
                        done_on=today - dt.timedelta(days=rng.randint(1, 120)),
                        evidence_note="现场记录表已存档",
                    )  # fmt: skip
                elif roll == 3 and item.item in NA_REASONS:
                    assistance_actions.item_record(
                        user=None, item=item, state="na", na_reason=NA_REASONS[item.item]
                    )
    return made


def logins(password: str) -> list[tuple[str, str, str]]:
    """One login per demo team (``steward`` is the existing demo login, now in the 渝北 team)."""
    out = []
    for name, district, _level, _skip, _expired, _n, username in TEAMS:
        team = StewardTeam.objects.filter(name=name).first()
        if team is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=password,
                role="steward_member",
                region_code=district,
                display_name=f"{name} 成员",
                check_password=False,
            )
        assignment = user.assignment
        if assignment is None or assignment.team_id != team.pk:
            role_assign(user=user, role="steward_member", team=team)
        out.append((username, LOGIN_LABELS[username], f"（{name}）"))
    return out
