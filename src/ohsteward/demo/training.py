"""Demo training (issue 10 item 6): people due, overdue and trained at the teams' clients and the
assisted employers, sessions, a lecture with a quiz, and awareness questionnaires with answers —
written through the training actions."""

from __future__ import annotations

import datetime as dt
import random

from ohsteward.demo import cast
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.assistance.models import AssistanceEntry
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam
from ohsteward.stewardship.training import actions
from ohsteward.stewardship.training.models import Lecture, TrainingRecord

NAMES = "建国 秀英 志强 丽娟 海波 春梅 国庆 小燕 德明 玉兰 永红 文杰".split()
SURNAMES = "王李张刘陈杨赵黄周吴"
DUST = [
    {"text": "矽尘作业岗位应佩戴哪种防护用品？", "options": ["KN95 及以上防尘口罩", "普通棉纱口罩", "不需要佩戴"], "answer": 0},
    {"text": "长期吸入矽尘可能导致哪种职业病？", "options": ["矽肺", "近视", "胃炎"], "answer": 0},
    {"text": "接触矽尘的劳动者多久做一次在岗职业健康检查？", "options": ["按 GBZ 188 规定的周期", "从不需要", "离职时才做"], "answer": 0},
    {"text": "发现除尘设施损坏应当？", "options": ["立即报告并停止作业", "继续作业", "自行拆除"], "answer": 0},
    {"text": "工作场所职业病危害告知卡应张贴在？", "options": ["醒目位置", "办公室抽屉", "不需要张贴"], "answer": 0},
]  # fmt: skip
NOISE = [
    {"text": "噪声作业岗位应佩戴？", "options": ["耳塞或耳罩", "安全帽", "手套"], "answer": 0},
    {"text": "长期接触噪声可能导致？", "options": ["职业性噪声聋", "皮炎", "中暑"], "answer": 0},
    {"text": "耳塞正确佩戴方法是？", "options": ["搓细后塞入耳道待其膨胀", "塞在耳廓外", "只戴一只"], "answer": 0},
    {"text": "噪声 8 小时等效声级达到多少须佩戴护听器？", "options": ["85 dB(A)", "60 dB(A)", "120 dB(A)"], "answer": 0},
]  # fmt: skip


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    """Once only: returns counts of what was made."""
    if Lecture.objects.exists() or TrainingRecord.objects.exists():
        return {}
    rng = random.Random(seed + 20)
    clients = list(
        Enterprise.objects.filter(pk__in=ServiceAgreement.objects.values("enterprise_id")).order_by("pk")[:10]
    )
    assisted = list(
        Enterprise.objects.filter(pk__in=AssistanceEntry.objects.values("enterprise_id")).order_by("pk")
    )
    manager_employer = cast.manager_employer()  # the demo command's 用人单位管理人员 acts for this one
    employers = list(dict.fromkeys([*clients, *assisted, *([manager_employer] if manager_employer else [])]))
    counts = {"trainees": 0, "training_records": 0, "trainings": 0, "awareness_answers": 0}
    for n, employer in enumerate(employers):
        # a principal, a hygiene manager and 3–6 exposed workers; every third employer fully trained
        names = rng.sample([s + n for s in SURNAMES for n in NAMES], 8)  # distinct within the employer
        roles = ["principal", "manager"] + ["exposed"] * rng.randint(3, 6)
        people = list(zip(roles, names, strict=False))
        fully = n % 3 == 0 and employer != manager_employer  # the demo manager has people overdue
        for k, (role, name) in enumerate(people):
            started = (
                today - dt.timedelta(days=rng.randint(400, 1500)) if k != 2 else today - dt.timedelta(days=20)
            )
            trainee = actions.trainee_add(
                user=None, enterprise=employer, name=name, role=role, started_on=started
            )
            counts["trainees"] += 1
            req = {"principal": (16, 8), "manager": (16, 8), "exposed": (8, 4)}[role]
            before = started - dt.timedelta(days=5) if role == "exposed" else started + dt.timedelta(days=30)
            if fully or k % 2 == 0:
                actions.record_add(
                    user=None, enterprise=employer, name=trainee.name, role=role, hours=req[0],
                    trained_on=min(before, today), course="初次（上岗前）职业健康培训",
                )  # fmt: skip
                counts["training_records"] += 1
            for y in range(started.year + 1, today.year + 1):
                if fully or (k + y) % 3:
                    day = min(today, dt.date(y, rng.randint(1, 11), rng.randint(1, 28)))
                    actions.record_add(
                        user=None, enterprise=employer, name=trainee.name, role=role, hours=req[1],
                        trained_on=day, course=f"{y}年度职业健康继续教育",
                    )  # fmt: skip
                    counts["training_records"] += 1
    teams = dict(
        ServiceAgreement.objects.filter(enterprise__in=clients[:4]).values_list("enterprise_id", "team_id")
    )
    for employer in clients[:4]:
        actions.session_create(
            team=StewardTeam.objects.filter(pk=teams.get(employer.pk)).first(),
            user=None, held_on=max(today.replace(day=1), today - dt.timedelta(days=rng.randint(0, 10))),
            topic="粉尘、噪声危害与个人防护",
            trainer="渝北区疾控中心 职业卫生科", hours=2, mode="onsite", enterprises=[employer],
            people=[{"name": n + "（新）", "role": "other"} for n in rng.sample(NAMES, 3)],
        )  # fmt: skip
        counts["trainings"] += 1
    lecture = actions.lecture_save(
        user=None,
        data={
            "title": "职业健康大讲堂：粉尘危害与防护", "hours": 2, "pass_score": 60,
            "description": "讲解矽尘等粉尘的危害、防尘口罩的选用与佩戴、职业健康检查的意义。课后 5 道题，60 分合格计 2 学时。",
            "link": "https://www.nhc.gov.cn/", "questions": DUST,
        },
    )  # fmt: skip
    factors = {f.name: f for f in HazardFactor.objects.filter(name__in=("矽尘", "噪声"))}
    dust = actions.questionnaire_save(
        user=None, data={"title": "矽尘岗位职业健康知识问卷", "hazard": factors.get("矽尘"), "questions": DUST,
                         "threshold": 80},
    )  # fmt: skip
    noise = actions.questionnaire_save(
        user=None, data={"title": "噪声岗位职业健康知识问卷", "hazard": factors.get("噪声"), "questions": NOISE,
                         "threshold": 75},
    )  # fmt: skip
    for e, employer in enumerate(employers):
        for i in range(rng.randint(4, 12)):
            q = dust if (e + i) % 2 else noise
            right = rng.random() < (0.9 if e % 2 else 0.6)
            answers = [qq["answer"] if right or rng.random() < 0.5 else 1 for qq in q.questions]
            actions.awareness_answer(
                questionnaire=q, enterprise=employer, phone=f"139{e:04d}{i:04d}", answers=answers
            )
            counts["awareness_answers"] += 1
    counts["lectures"] = 1 if lecture else 0
    return counts
