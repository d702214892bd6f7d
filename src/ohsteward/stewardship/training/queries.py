"""Reads of training: where each person stands, an employer's 培训率, the awareness rates and the
home page's open work."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse

from ohsteward.accounts import access
from ohsteward.core.work import DUE, OVERDUE, WorkItem
from ohsteward.stewardship.training import rules
from ohsteward.stewardship.training.models import (
    AwarenessResponse,
    Trainee,
    TrainingNeed,
    TrainingRecord,
    TrainingSession,
)


@dataclass(frozen=True)
class PersonStanding:
    trainee: Trainee
    standing: rules.Standing


@dataclass(frozen=True)
class EmployerTraining:
    enterprise_id: int
    people: list[PersonStanding]

    @property
    def required(self) -> list[PersonStanding]:
        return [p for p in self.people if p.standing.status != "na"]

    @property
    def trained(self) -> int:
        return sum(1 for p in self.required if p.standing.status == "ok")

    @property
    def due(self) -> list[PersonStanding]:
        return [p for p in self.people if p.standing.status == "due"]

    @property
    def overdue(self) -> list[PersonStanding]:
        return [p for p in self.people if p.standing.status == "overdue"]

    @property
    def rate(self) -> float | None:
        return rules.rate(self.trained, len(self.required))


def _in_post(ids: list[int], on: dt.date):
    return Trainee.objects.filter(enterprise_id__in=ids, started_on__lte=on + dt.timedelta(days=366)).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on)
    )


def _hours(ids: list[int], on: dt.date) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """(date, hours) per person, read as tuples (no model instances, no sort)."""
    hours: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    rows = (
        TrainingRecord.objects.filter(enterprise_id__in=ids, trained_on__lte=on)
        .order_by()
        .values_list("trainee_id", "trained_on", "hours")
    )
    for trainee_id, day, h in rows:
        hours[trainee_id].append((day, h))
    return hours


def standings(enterprise_ids: Iterable[int], on: dt.date) -> dict[int, EmployerTraining]:
    """Each employer's people in post on ``on`` with their standing; two queries for any number
    of employers (records are read as (person, date, hours) only)."""
    ids = list(enterprise_ids)
    trainees = list(_in_post(ids, on).order_by("enterprise_id", "name", "pk"))
    hours = _hours(ids, on)
    people: dict[int, list[PersonStanding]] = {i: [] for i in ids}
    for t in trainees:
        s = rules.standing(role=t.role, started_on=t.started_on, records=hours[t.pk], today=on)
        people[t.enterprise_id].append(PersonStanding(t, s))
    return {i: EmployerTraining(i, people[i]) for i in ids}


def employer_training(enterprise_id: int, on: dt.date) -> EmployerTraining:
    return standings([enterprise_id], on)[enterprise_id]


def training_done(enterprise_ids: Iterable[int], year: int, today: dt.date) -> dict[int, str | None]:
    """For SME assistance (001 附件3 一 职业健康培训率): per employer None when its training in
    ``year`` is done as the rules require (everybody on its list stands ``ok`` at the end of the
    year, or today in the current year), else why not."""
    on = min(today, dt.date(year, 12, 31))
    ids = list(enterprise_ids)
    hours = _hours(ids, on)
    required = dict.fromkeys(ids, 0)
    trained = dict.fromkeys(ids, 0)
    for pk, eid, role, started in (
        _in_post(ids, on).order_by().values_list("pk", "enterprise_id", "role", "started_on")
    ):
        status = rules.standing(role=role, started_on=started, records=hours[pk], today=on).status
        if status != "na":
            required[eid] += 1
            trained[eid] += status == "ok"
    out: dict[int, str | None] = {}
    for eid in ids:
        if not required[eid]:
            out[eid] = "未登记培训对象（主要负责人、职业卫生管理人员、接害劳动者）"
        elif trained[eid] < required[eid]:
            out[eid] = f"{required[eid] - trained[eid]} 人未达到学时要求（{trained[eid]}/{required[eid]}）"
        else:
            out[eid] = None
    return out


@dataclass(frozen=True)
class AwarenessRow:
    key: str
    label: str
    answered: int
    aware: int

    @property
    def rate(self) -> float | None:
        return rules.rate(self.aware, self.answered)


AWARENESS_GROUPS = {
    "enterprise": ("enterprise_id", "enterprise__name"),
    "district": ("enterprise__region_id", "enterprise__region__name"),
    "industry": ("enterprise__industry__section", "enterprise__industry__section"),
}


def awareness_rates(user, by: str, questionnaire_id: int | None = None) -> list[AwarenessRow]:
    """知晓率 = answers at or above the threshold / answers, per employer, district or industry
    section (GB/T 4754 门类), over the answers ``user`` sees."""
    key, label = AWARENESS_GROUPS[by]
    qs = AwarenessResponse.objects.for_user(user)
    if questionnaire_id:
        qs = qs.filter(questionnaire_id=questionnaire_id)
    rows = (
        qs.values(key, label)
        .annotate(answered=Count("pk"), aware=Count("pk", filter=Q(aware=True)))
        .order_by(label)
    )
    return [
        AwarenessRow(str(r[key] or ""), str(r[label] or "未分类"), r["answered"], r["aware"]) for r in rows
    ]


def open_work(user, today: dt.date) -> list[WorkItem]:
    """An employer: people overdue for training; a team: its sessions this month."""
    items: list[WorkItem] = []
    own = access.own_enterprise_id(user)
    if own and user.has_perm("stewardship.view_trainee"):
        late = employer_training(own, today).overdue
        if late:
            items.append(
                WorkItem(
                    f"{len(late)} 人职业健康培训已逾期",
                    reverse("stewardship:training_people"),
                    len(late),
                    None,
                    OVERDUE,
                    "安排培训或参加线上课程（职业健康大讲堂），完成后登记培训记录",
                )
            )
    if user.has_perm("stewardship.view_trainingneed") and (own or access.own_team_id(user)):
        # training needs raised from visit findings (issue 10 item 3), not yet met by a session
        needs = TrainingNeed.objects.for_user(user).with_state(today).exclude(state="met")
        late = needs.filter(state="overdue").count()
        waiting = needs.filter(state="due").count()
        for n, label, level in ((late, "已逾期", OVERDUE), (waiting, "待落实", DUE)):
            if n:
                items.append(
                    WorkItem(
                        f"{n} 项服务发现的培训需求{label}",
                        reverse("stewardship:training_people") + (f"?enterprise={own}" if own else ""),
                        n,
                        None,
                        level,
                        "为该单位安排一次培训（现场或线上），登记后需求即落实",
                    )
                )
    team = access.own_team_id(user)
    if team and user.has_perm("stewardship.view_trainingsession"):
        start = today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        n = TrainingSession.objects.filter(team_id=team, held_on__gte=start, held_on__lt=end).count()
        if n:
            items.append(
                WorkItem(
                    f"本月有 {n} 次培训",
                    reverse("stewardship:training_list") + f"?held_after={start:%Y-%m-%d}",
                    n,
                    None,
                    DUE,
                    "核对每次培训的参训人员和学时",
                )
            )
    return items


def open_needs(user, enterprise_id: int, today: dt.date) -> list:
    """An employer's training needs from visit findings (``state`` met/due/overdue), unmet first,
    then those met in the last year."""
    needs = (
        TrainingNeed.objects.for_user(user)
        .with_state(today)
        .filter(enterprise_id=enterprise_id)
        .filter(Q(met_on__isnull=True) | Q(met_on__gte=today - dt.timedelta(days=365)))
        .select_related("finding__visit")
        .order_by("due_on", "pk")
    )
    return sorted(needs, key=lambda n: n.state == "met")
