"""Records the system already has, offered as evidence for a self-inspection item (issue 13 item 2:
"a declaration, a detection report, training records are pre-filled as evidence").

A checklist item names the kind of record it can cite in ``evidence_hint``; ``records_for`` returns
the links to those records for one employer on the day the self-inspection starts. Each link goes
to the record's own page, which checks the viewer's scope itself. Nothing here is a rule of the
scheme: which records fit an item is the checklist's data, and a manager removes or adds links.

| hint | records |
|---|---|
| ``declaration`` | the latest valid 职业病危害项目申报 |
| ``detection`` | the latest detection report of any kind (``sources.latest_detection_record``) |
| ``exam`` | the latest exam of the employer's workers (``sources.latest_exam_record``) |
| ``training`` | the year's training of every role: the standing per role with hours and the 培训率, |
| | each training session held for the employer, the other records (lectures, courses) |
| ``training_managers`` | the same for 主要负责人 and 职业卫生管理人员 |
| ``training_workers`` | the same for 接害劳动者 |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.training import queries as training_queries
from ohsteward.stewardship.training import rules as training_rules
from ohsteward.stewardship.training.models import TrainingRecord, TrainingSession
from ohsteward.supervision import sources

TRAINING_ROLES: dict[str, tuple[str, ...]] = {
    "training": ("principal", "manager", "exposed"),
    "training_managers": ("principal", "manager"),
    "training_workers": ("exposed",),
}
HINTS = ("declaration", "detection", "exam", *TRAINING_ROLES)
HINT_LABELS = {
    "declaration": "申报",
    "detection": "检测",
    "exam": "体检",
    "training": "培训",
    "training_managers": "负责人和管理人员培训",
    "training_workers": "劳动者培训",
}
# sessions listed one by one; more are reached through the records list link
MAX_SESSIONS = 10


def _hours(value: Decimal | int | float) -> str:
    """4.0 → "4", 1.50 → "1.5"."""
    return f"{Decimal(str(value)).normalize():f}"


@dataclass(frozen=True)
class Record:
    """One link offered as evidence: what it is (``kind``, a hint), its label and the page."""

    kind: str
    label: str
    url: str


def records_for(enterprise: Enterprise, hint: str, on: dt.date) -> list[Record]:
    """The records the system has for an item with ``hint`` at ``enterprise`` on ``on``."""
    if hint == "declaration":
        declaration = (
            enterprise.declarations.filter(status="valid", declared_on__lte=on)
            .order_by("-declared_on", "-pk")
            .first()
        )
        if declaration is None:
            return []
        url = reverse("declarations:declaration_detail", args=[declaration.pk])
        return [
            Record(hint, f"职业病危害项目申报 {declaration.receipt_no}（{declaration.declared_on}）", url)
        ]
    if hint == "detection":
        found = sources.latest_detection_record(enterprise.pk)
        return [Record(hint, *found)] if found else []
    if hint == "exam":
        found = sources.latest_exam_record(enterprise.pk)
        return [Record(hint, *found)] if found else []
    if hint in TRAINING_ROLES:
        return training_records(enterprise, on, TRAINING_ROLES[hint], kind=hint)
    return []


def _records_url(enterprise: Enterprise, year: int, **extra: object) -> str:
    query = {"enterprise": enterprise.pk, "year": year, **extra}
    return f"{reverse('stewardship:training_record_list')}?{urlencode(query)}"


def training_records(
    enterprise: Enterprise, on: dt.date, roles: tuple[str, ...], *, kind: str = "training"
) -> list[Record]:
    """The year's training of ``roles`` at ``enterprise`` (stewardship's training records):

    1. the standing: per role the people trained as the rules require / in post, the hours the
       rules ask (``training.rules.requirement``, its version and 未核对 flag) and the 培训率 —
       linked to the employer's people page;
    2. each training session held for the employer this year with people of these roles (hours,
       how many attended), newest first, at most ``MAX_SESSIONS``;
    3. the other records of the year (online lectures, courses elsewhere): count and hours.

    At most four queries. Nothing on record → an empty list (the item shows no link, never a made-up one).
    """
    year = on.year
    training = training_queries.employer_training(enterprise.pk, on)
    people = [p for p in training.people if p.trainee.role in roles]
    found: list[Record] = []
    version = training_rules.rules_on(on)
    flag = "" if version.verified else "，未核对"
    if people:
        parts = []
        for role in roles:
            mine = [p for p in people if p.trainee.role == role]
            if not mine:
                continue
            ok = sum(1 for p in mine if p.standing.status == "ok")
            req = training_rules.requirement(role, on=on)
            hours = f"，每年 {_hours(req.yearly)} 学时" if req is not None else ""
            parts.append(f"{training_rules.ROLE_LABELS[role]} {ok}/{len(mine)} 人达标{hours}")
        required = [p for p in people if p.standing.status != "na"]
        rate = training_rules.rate(sum(1 for p in required if p.standing.status == "ok"), len(required))
        rate_text = "" if rate is None else f"；培训率 {rate:g}%"
        url = f"{reverse('stewardship:training_people')}?enterprise={enterprise.pk}"
        found.append(
            Record(
                kind,
                f"{year}年培训达标：{'、'.join(parts)}{rate_text}（学时要求 {version.version}{flag}）",
                url,
            )
        )
    rows = (
        TrainingRecord.objects.filter(
            enterprise=enterprise, trainee__role__in=roles, trained_on__year=year, trained_on__lte=on
        )
        .values("session_id")
        .annotate(people=Count("trainee_id", distinct=True), hours=Sum("hours"), n=Count("pk"))
        .order_by()
    )
    attended: dict[int, int] = {}
    other_n, other_hours = 0, Decimal(0)
    for r in rows:
        if r["session_id"] is None:
            other_n, other_hours = r["n"], r["hours"] or Decimal(0)
        else:
            attended[r["session_id"]] = r["people"]
    sessions = list(
        TrainingSession.objects.filter(pk__in=attended)
        .order_by("-held_on", "-pk")
        .values_list("pk", "held_on", "topic", "hours")
    )
    for sid, held_on, topic, hours in sessions[:MAX_SESSIONS]:
        found.append(
            Record(
                kind,
                f"培训 {held_on} {topic}（{_hours(hours)}学时，本单位参训 {attended[sid]} 人）",
                reverse("stewardship:training_detail", args=[sid]),
            )
        )
    if len(sessions) > MAX_SESSIONS:
        found.append(
            Record(
                kind, f"{year}年另有 {len(sessions) - MAX_SESSIONS} 次培训", _records_url(enterprise, year)
            )
        )
    if other_n:
        role = {"role": roles[0]} if len(roles) == 1 else {}
        found.append(
            Record(
                kind,
                f"{year}年其他培训记录 {other_n} 条（线上课程、外部培训），共 {_hours(other_hours)} 学时",
                _records_url(enterprise, year, **role),
            )
        )
    return found
