"""Reads of the online service zone: the directory an employer browses, its advice, the open work
of answerers and teams, and the structured findings the risk classification reads."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.urls import reverse

from ohsteward.accounts import access
from ohsteward.core.work import DUE, INFO, OPEN, OVERDUE, WorkItem
from ohsteward.registry.models import Enterprise, PostExposure
from ohsteward.stewardship import rules as steward_rules
from ohsteward.stewardship.choices import Qualification, ServiceContent
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam, TeamMember
from ohsteward.stewardship.zone import rules
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding

# --- the directory (000 五(四) 线上选择职业健康技术服务机构和管家服务团队) ---------------------------


def teams_serving(enterprise: Enterprise) -> QuerySet[StewardTeam]:
    """Teams working in the employer's district, or whose service area names its district, town
    or zone. A directory, like a public notice of providers: what a team offers is not protected
    (no member phone numbers or certificate numbers are shown from it)."""
    areas = [c for c in (enterprise.region_id, enterprise.town_id, enterprise.zone_id) if c]
    near = Q(district_id=enterprise.region_id) | Q(service_area__code__in=areas)
    return StewardTeam.objects.filter(pk__in=StewardTeam.objects.filter(near).values("pk"))


@dataclass(frozen=True)
class TeamCard:
    team: StewardTeam
    qualifications: list[tuple[str, str, int]]  # (label, plain words, valid members)
    missing: list[str]  # labels
    contents: list[tuple[str, str]]  # (label, plain words) the team has agreed to provide
    rating: float | None
    ratings: int
    clients: int

    @property
    def complete(self) -> bool:
        return not self.missing


def team_cards(enterprise: Enterprise, today: dt.date) -> list[TeamCard]:
    """The directory's team cards, in three queries whatever the number of teams."""
    teams = list(
        teams_serving(enterprise)
        .select_related("district", "lead_institution")
        .prefetch_related(Prefetch("members", queryset=TeamMember.objects.order_by("qualification", "pk")))
        .annotate(
            rating=Avg("agreements__visits__rating"),
            ratings=Count("agreements__visits__rating"),
        )
        .order_by("name")
    )
    ids = [t.pk for t in teams]
    contents: dict[int, set[str]] = defaultdict(set)
    clients: dict[int, int] = defaultdict(int)
    for team_id, content in (
        ServiceAgreement.objects.binding().filter(team_id__in=ids).values_list("team_id", "contents__content")
    ):
        if content:
            contents[team_id].add(content)
    for row in (
        ServiceAgreement.objects.in_force(today)
        .filter(team_id__in=ids)
        .values("team_id")
        .annotate(n=Count("pk"))
    ):
        clients[row["team_id"]] = row["n"]
    labels = dict(Qualification.choices)
    content_labels = dict(ServiceContent.choices)
    cards = []
    for team in teams:
        facts = team.member_facts()
        valid = [f for f in facts if f.valid_until is None or f.valid_until >= today]
        counts: dict[str, int] = defaultdict(int)
        for f in valid:
            counts[f.qualification] += 1
        missing = steward_rules.missing_qualifications(facts, today)
        cards.append(
            TeamCard(
                team=team,
                qualifications=[
                    (str(labels[q]), rules.PLAIN_QUALIFICATIONS.get(q, ""), n)
                    for q, n in sorted(counts.items())
                ],
                missing=[str(labels[q]) for q in missing],
                contents=[
                    (str(content_labels[c]), rules.PLAIN_CONTENTS.get(c, ""))
                    for c in ServiceContent.values
                    if c in contents[team.pk]
                ],
                rating=round(team.rating, 1) if team.rating is not None else None,
                ratings=team.ratings,
                clients=clients[team.pk],
            )
        )
    return cards


def _institution_model():
    """The institutions register's model, reached through the relation a team's lead institution
    has: stewardship and institutions share a layer and do not import each other."""
    return StewardTeam._meta.get_field("lead_institution").related_model


def institutions_serving(enterprise: Enterprise):
    """Technical service institutions located in the employer's district, and those without a
    district in the city (out-of-province institutions working in Chongqing), with their
    qualifications."""
    model = _institution_model()
    qualifications = model._meta.get_field("qualifications").related_model
    return (
        model.objects.filter(Q(region_id=enterprise.region_id) | Q(region__isnull=True))
        .prefetch_related(
            Prefetch("qualifications", queryset=qualifications.objects.order_by("kind", "number"))
        )
        .order_by("name")
    )


# --- advice --------------------------------------------------------------------------------------


def declared_categories(enterprise_id: int) -> list[str]:
    """The hazard categories at the employer's posts (its register: the factors it has declared)."""
    return list(
        PostExposure.objects.filter(post__workplace__enterprise_id=enterprise_id)
        .values_list("hazard_factor__category", flat=True)
        .distinct()
        .order_by("hazard_factor__category")
    )


def advice_for(enterprise_id: int) -> list[tuple[str, list[rules.Advice]]]:
    return rules.advice_for(declared_categories(enterprise_id))


# --- structured findings for the risk classification (issue 10 item 4) -------------------------------


@dataclass(frozen=True)
class FindingFact:
    enterprise_id: int
    visit_id: int
    visited_on: dt.date | None
    category: str
    severity: str
    text: str


def findings_by_enterprise(
    enterprise_ids: Iterable[int] | None = None, *, since: dt.date | None = None, user=None
) -> dict[int, list[FindingFact]]:
    """Employer id → its visits' structured findings, newest visit first: what the
    comprehensive risk assessment reads (000 三(一), 职业健康画像). ``user=None`` is the system
    (a job grading every employer); with a user only the findings it may see."""
    qs = VisitFinding.objects.all() if user is None else VisitFinding.objects.for_user(user)
    if enterprise_ids is not None:
        qs = qs.filter(visit__agreement__enterprise_id__in=list(enterprise_ids))
    if since is not None:
        qs = qs.filter(visit__visited_on__gte=since)
    rows = qs.values_list(
        "visit__agreement__enterprise_id", "visit_id", "visit__visited_on", "category", "severity", "text"
    ).order_by("visit__agreement__enterprise_id", "-visit__visited_on", "pk")
    out: dict[int, list[FindingFact]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(FindingFact(*row))
    return dict(out)


def findings_for_enterprise(enterprise_id: int, *, since: dt.date | None = None) -> list[FindingFact]:
    return findings_by_enterprise([enterprise_id], since=since).get(enterprise_id, [])


# --- open work -----------------------------------------------------------------------------------


def questions_to_answer(user) -> QuerySet[ExpertQuestion]:
    """The unanswered questions ``user`` is the answerer of: its team's, or (CDC staff) the
    district pool's it sees."""
    if not access.has_perm(user, "stewardship.change_expertquestion"):
        return ExpertQuestion.objects.none()
    mine = ExpertQuestion.objects.for_user(user).unanswered()
    team_id = access.own_team_id(user)
    return mine.filter(team_id=team_id) if team_id is not None else mine.filter(team__isnull=True)


def open_work(user, today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    questions = questions_to_answer(user)
    late = questions.filter(due_on__lt=today)
    n = late.count()
    if n:
        oldest = late.order_by("due_on").values_list("due_on", flat=True).first()
        items.append(
            WorkItem(
                f"{n} 个企业咨询已超过答复期限",
                reverse("stewardship:zone_question_list") + "?state=overdue",
                n,
                oldest,
                OVERDUE,
                "请尽快答复；答复后企业在服务专区可以看到",
            )  # fmt: skip
        )
    waiting = questions.filter(due_on__gte=today)
    n = waiting.count()
    if n:
        nearest = waiting.order_by("due_on").values_list("due_on", flat=True).first()
        items.append(
            WorkItem(
                f"{n} 个企业咨询等待答复",
                reverse("stewardship:zone_question_list") + "?state=open",
                n,
                nearest,
                DUE,
                "在期限内答复企业的问题",
            )  # fmt: skip
        )
    team_id = access.own_team_id(user)
    if team_id is not None and access.has_perm(user, "stewardship.change_teamrequest"):
        n = TeamRequest.objects.for_user(user).filter(team_id=team_id).pending().count()
        if n:
            items.append(
                WorkItem(
                    f"{n} 家单位申请由本团队提供服务",
                    reverse("stewardship:zone_request_list") + "?status=pending",
                    n,
                    None,
                    OPEN,
                    "查看申请，接受后生成协议草稿，婉拒请说明原因",
                )  # fmt: skip
            )
    if access.own_enterprise_id(user) and access.has_perm(user, "stewardship.add_teamrequest"):
        since = today - dt.timedelta(days=14)
        decided = TeamRequest.objects.for_user(user).filter(decided_at__date__gte=since)
        for req in decided.select_related("team").order_by("-decided_at")[:3]:
            items.append(
                WorkItem(
                    f"{req.team.name}{req.get_status_display()}您的服务申请",
                    req.get_absolute_url(),
                    None,
                    None,
                    INFO,
                    "团队已生成协议草稿，等待团队和您商定后签订"
                    if req.status == "accepted"
                    else f"原因：{req.decline_reason}；可以在服务专区选择其他团队",
                )  # fmt: skip
            )
    if access.own_enterprise_id(user) and access.has_perm(user, "stewardship.add_expertquestion"):
        answered = ExpertQuestion.objects.for_user(user).filter(
            answered_at__date__gte=today - dt.timedelta(days=14)
        )
        n = answered.count()
        if n:
            items.append(
                WorkItem(
                    f"{n} 个咨询近两周已答复",
                    reverse("stewardship:zone_home") + "#questions",
                    n,
                    None,
                    INFO,
                    "到服务专区查看专家的答复",
                )  # fmt: skip
            )
    return items
