"""Time the steward service's pages at city scale on PostgreSQL.

    python benchmarks/bench_stewardship.py --teams 1200 --agreements 20000 --visits 500000 --requests 100

Against ``OHSTEWARD_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/ohs_zone_bench``;
created when missing and migrated):

1. employers: ``ohsteward.demo.synth.synth_enterprises`` (COPY) up to ``--agreements`` (one
   agreement per employer);
2. teams in every district (7 五师两员 members each, every fifth team short of one), agreements
   (start dates over the last two years, one-year terms: about half in force today), two contents
   each, the service calendar (``--visits`` in all: planned dates across each term, 85 % of the past
   ones done, 60 % of those rated, about 3 % of the visits with a structured finding), and a
   2026-style SME assistance plan per district (30 employers, the six items in mixed states). All
   written with COPY (``core.bulk.insert_rows``); the time is printed ("generation");
3. times, through Django's test client in process with a logged-in user (5 warm-up requests not
   counted): the district's assistance progress page ``/stewardship/assistance/<pk>/`` (target,
   enrolled, items, the four rates, the shortfall list) as the district officer, and a team's
   "due this month" list ``/stewardship/visits/?due=month`` as a member of the team with the most
   agreements, and the steward desk ``/stewardship/`` as that team member and as the district
   officer (delivery per team and content over the district's visits); p50/p95 and the load
   average before and after.

``--training N`` (default 2,000,000, the issue's figure) adds ten trainees per employer and N
training records over six years (COPY, as bench_training.py), so the plan page's training rate
reads city-scale records.
The benchmark wipes the stewardship tables of its database at each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_registry import create_database, pct  # noqa: E402  (after the path is set)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ohs_zone_bench"
SEVEN = [
    "occupational_physician", "general_practitioner", "nutritionist", "public_health_physician",
    "mental_health_counsellor", "hygiene_technician", "legal_professional",
]  # fmt: skip
CONTENTS = ["detection", "training", "surveillance", "management", "risk_assessment"]


def setup_django(url: str) -> None:
    os.environ["OHSTEWARD_DATABASE_URL"] = url
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    os.environ.setdefault("OHSTEWARD_STATIC_MANIFEST", "0")  # pages render without collectstatic
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def wipe() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE stewardship_visitfinding, stewardship_expertquestion, stewardship_teamrequest, "
            "stewardship_assistanceitemfile, stewardship_assistanceitem, stewardship_assistanceentry, "
            "stewardship_assistanceplan, stewardship_evidencefile, stewardship_visitevidence, "
            "stewardship_servicevisit, stewardship_agreementfunding, stewardship_agreementcontent, "
            "stewardship_agreementsupplement, stewardship_serviceagreement, stewardship_teammember, "
            "stewardship_stewardteam_service_area, stewardship_stewardteam, stewardship_trainingrecord, "
            "stewardship_trainee RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM accounts_roleassignment WHERE team_id IS NOT NULL")


def _ids(model) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def populate(args, today: dt.date) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from ohsteward.core.bulk import insert_rows
    from ohsteward.demo.synth import synth_enterprises
    from ohsteward.registry.choices import RegionLevel
    from ohsteward.registry.models import Enterprise, Region
    from ohsteward.stewardship.assistance import rules as assistance_rules
    from ohsteward.stewardship.models import (
        AgreementContent,
        AssistanceEntry,
        AssistanceItem,
        AssistancePlan,
        ServiceAgreement,
        ServiceVisit,
        StewardTeam,
        TeamMember,
        VisitFinding,
    )

    rng = random.Random(args.seed)
    now = timezone.now()
    if Enterprise.objects.count() < args.agreements:
        synth_enterprises(args.agreements, args.seed)
    districts = list(
        Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code").values_list("code", flat=True)
    )
    codes = set(districts)
    with transaction.atomic():
        insert_rows(
            StewardTeam,
            ["name", "district_id", "level", "contact_phone", "created_at", "updated_at"],
            [(f"基准管家团队{i:04d}", districts[i % len(districts)], "district", "", now, now) for i in range(args.teams)],
        )  # fmt: skip
        teams = list(StewardTeam.objects.order_by("pk").values_list("pk", "district_id"))
        by_district: dict[str, list[int]] = {}
        for pk, district in teams:
            by_district.setdefault(district, []).append(pk)
        members = []
        for n, (pk, _d) in enumerate(teams):
            kinds = SEVEN[:-1] if n % 5 == 4 else SEVEN
            for q in kinds:
                members.append(
                    (
                        pk,
                        f"成员{pk}-{q[:4]}",
                        q,
                        f"C{pk}{q[:3]}",
                        today + dt.timedelta(days=400),
                        "",
                        now,
                        now,
                    )
                )
        insert_rows(
            TeamMember,
            ["team_id", "name", "qualification", "certificate_no", "valid_until", "phone", "created_at", "updated_at"],
            members,
        )  # fmt: skip

        employers = [
            (pk, region)
            for pk, region in Enterprise.objects.order_by("pk").values_list("pk", "region_id")
            if region in codes and region in by_district
        ][: args.agreements]
        agreements, terms = [], []
        for pk, region in employers:
            start = today - dt.timedelta(days=rng.randint(0, 700))
            end = start + dt.timedelta(days=364)
            team = rng.choice(by_district[region])
            agreements.append((team, pk, start, end, "active", start, "", "", now, now))
            terms.append((start, end))
        insert_rows(
            ServiceAgreement,
            ["team_id", "enterprise_id", "start_date", "end_date", "status", "signed_on", "termination_reason", "note", "created_at", "updated_at"],
            agreements,
        )  # fmt: skip
        agreement_ids = _ids(ServiceAgreement)
        contents, visits = [], []
        per = max(1, args.visits // max(1, len(agreement_ids)))
        for aid, (start, _end) in zip(agreement_ids, terms, strict=True):
            chosen = rng.sample(CONTENTS, 2)
            for c in chosen:
                contents.append((aid, c, per // 2 or 1))
            for k in range(per):
                day = start + dt.timedelta(days=(k * 364) // per + rng.randint(0, 6))
                content = chosen[k % 2]
                done = day < today and rng.random() < 0.85
                rating = rng.randint(3, 5) if done and rng.random() < 0.6 else None
                visits.append((
                    aid, content, "done" if done else "planned", day, day, day if done else None,
                    "现场服务" if done else "", "", "", rating, "", now, now,
                ))  # fmt: skip
        insert_rows(AgreementContent, ["agreement_id", "content", "quantity"], contents)
        insert_rows(
            ServiceVisit,
            ["agreement_id", "content", "status", "planned_on", "originally_planned_on", "visited_on", "work_done", "findings", "advice", "rating", "rating_comment", "created_at", "updated_at"],
            visits,
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM stewardship_servicevisit WHERE status = 'done' AND id % 25 = 0 ORDER BY id"
            )
            done_ids = [r[0] for r in cursor.fetchall()]
        insert_rows(
            VisitFinding,
            ["visit_id", "category", "severity", "text", "created_at", "updated_at"],
            [(v, rng.choice(["ppe", "training", "protective_facilities"]), "minor", "基准问题", now, now) for v in done_ids],
        )  # fmt: skip

        year = today.year
        insert_rows(
            AssistancePlan,
            ["district_id", "year", "target", "rules_version", "note", "created_at", "updated_at"],
            [(d, year, 20, assistance_rules.RULES_V1.version, "", now, now) for d in districts],
        )  # fmt: skip
        plans = dict(AssistancePlan.objects.values_list("district_id", "pk"))
        by_region: dict[str, list[int]] = {}
        for pk, region in employers:
            by_region.setdefault(region, []).append(pk)
        entries = []
        for d in districts:
            for pk in by_region.get(d, [])[:30]:
                entries.append(
                    (
                        plans[d],
                        pk,
                        rng.choice(by_district[d]) if d in by_district else None,
                        "",
                        "",
                        "",
                        now,
                        now,
                    )
                )
        insert_rows(
            AssistanceEntry,
            ["plan_id", "enterprise_id", "team_id", "expert_group", "priority", "strategy", "created_at", "updated_at"],
            entries,
        )  # fmt: skip
        items = []
        for eid in _ids(AssistanceEntry):
            for code, _label in assistance_rules.ITEMS:
                state = rng.choice(["open", "done", "done", "na"])
                items.append((
                    eid, code, state, today if state == "done" else None, "无超标岗位" if state == "na" else "",
                    "", "", "", now, now,
                ))  # fmt: skip
        insert_rows(
            AssistanceItem,
            ["entry_id", "item", "state", "done_on", "na_reason", "evidence_note", "evidence_name", "evidence_type", "created_at", "updated_at"],
            items,
        )  # fmt: skip
    if args.training:
        training_records(args.training, [pk for pk, _region in employers], rng, today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: visibility map set, statistics fresh
    return {
        "teams": len(teams),
        "members": len(members),
        "agreements": len(agreement_ids),
        "visits": len(visits),
        "findings": len(done_ids),
        "assisted": len(entries),
        "training records": args.training,
    }


def training_records(records: int, ids: list[int], rng: random.Random, today: dt.date) -> None:
    """Ten trainees per employer and ``records`` training records over six years, with COPY."""
    from django.db import connection

    now = "2026-01-01 00:00:00+00"
    people = io.StringIO()
    n = 0
    for eid in ids:
        for k in range(10):
            n += 1
            role = "principal" if k == 0 else "manager" if k == 1 else "exposed"
            started = today - dt.timedelta(days=rng.randint(365, 6 * 365))
            people.write(f"{n}\t{eid}\t人员{n}\t{role}\t\t{started}\t{now}\t{now}\n")
    with connection.cursor() as wrapper:
        cur = wrapper.cursor
        with cur.copy(
            "COPY stewardship_trainee (id, enterprise_id, name, role, post, started_on, created_at, updated_at) "
            "FROM STDIN"
        ) as copy:
            copy.write(people.getvalue())
        cur.execute("SELECT setval('stewardship_trainee_id_seq', %s)", [n])
        with cur.copy(
            "COPY stewardship_trainingrecord (trainee_id, enterprise_id, trained_on, hours, course, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            batch = io.StringIO()
            for i in range(records):
                t = rng.randint(1, n)
                eid = ids[(t - 1) // 10]
                day = today - dt.timedelta(days=rng.randint(0, 6 * 365))
                batch.write(f"{t}\t{eid}\t{day}\t{rng.choice((4, 8))}\t年度培训\t{now}\t{now}\n")
                if i % 100_000 == 99_999:
                    copy.write(batch.getvalue())
                    batch = io.StringIO()
            copy.write(batch.getvalue())


def bench_user(username: str, role: str, *, region: str | None = None, team=None):
    from ohsteward.accounts.actions import role_assign
    from ohsteward.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=None)
    role_assign(user=user, role=role, region_code=region, team=team)
    return User.objects.get(pk=user.pk)


def time_pages(requests: int, today: dt.date) -> tuple[dict[str, list[float]], dict[str, str]]:
    from django.db.models import Count
    from django.test import Client

    from ohsteward.stewardship.models import AssistancePlan, ServiceVisit, StewardTeam

    busiest = (
        StewardTeam.objects.annotate(n=Count("agreements"))
        .order_by("-n", "pk")
        .values_list("pk", "district_id")
        .first()
    )
    team = StewardTeam.objects.get(pk=busiest[0])
    district = busiest[1]
    plan = AssistancePlan.objects.get(district_id=district, year=today.year)
    users = {
        "district": bench_user("bench_zone_district", "district_admin", region=district),
        "team": bench_user("bench_zone_team", "steward_member", region=district, team=team),
    }
    pages = {
        "assistance progress · district": ("district", f"/stewardship/assistance/{plan.pk}/"),
        "due this month · team": ("team", "/stewardship/visits/?due=month"),
        "team desk (本月应办/已逾期) · team": ("team", "/stewardship/"),
        "desk with delivery per team · district": ("district", "/stewardship/"),
    }
    due = ServiceVisit.objects.for_user(users["team"]).due_in_month(today).count()
    notes = {"team": f"{team.name}: {team.agreements.count()} agreements, {due} visits due this month"}
    timings: dict[str, list[float]] = {}
    for label, (who, url) in pages.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(users[who])
        for _ in range(5):
            client.get(url)
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url} as {who} answered {response.status_code}")
            timings.setdefault(label, []).append(elapsed)
    return timings, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1200)
    parser.add_argument("--agreements", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--training", type=int, default=2_000_000, help="training records (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the previous run")
    parser.add_argument("--database-url", default=os.environ.get("OHSTEWARD_BENCH_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection

    today = dt.date.today()
    counts: dict[str, int] = {}
    generation = 0.0
    if not args.reuse:
        wipe()
        start = time.perf_counter()
        counts = populate(args, today)
        generation = time.perf_counter() - start
    load_before = os.getloadavg()
    timings, notes = time_pages(args.requests, today)
    load_after = os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"PostgreSQL {version}; {os.cpu_count()} CPUs; {today}")
    if counts:
        print("generated: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" in {generation:.1f} s")
    for note in notes.values():
        print(note)
    print(f"load average (1/5/15 min) before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
          f"after {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f}")  # fmt: skip
    for label, values in timings.items():
        print(f"{label}: {len(values)} requests, p50 {pct(values, 50):.1f} ms, p95 {pct(values, 95):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
