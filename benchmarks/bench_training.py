"""Measure training standings and the SME assistance training rate at city scale on PostgreSQL.

    python benchmarks/bench_training.py --employers 20000 --records 2000000 --entries 50

Against ``OHSTEWARD_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/ohs_trainbench``;
created when missing and migrated):

1. employers: ``ohsteward.demo.synth.synth_enterprises`` (COPY) up to ``--employers``;
2. ten people per employer (a principal, a hygiene manager, eight exposed workers, started 1–6
   years ago) and ``--records`` training records spread over them and the last six years (COPY;
   the setup is not what is measured);
3. a 渝北 assistance plan with ``--entries`` employers;
4. times, as the city: ``assistance.queries.plan_progress`` (the four rates, the training rate from
   the records) and ``training.queries.employer_training`` (one employer's people page), and the
   plan page ``/stewardship/assistance/<id>/`` as the 渝北 officer (Django test client in process),
   p50/p95 over ``--requests``.

Prints the figures (Markdown) for docs/performance.md. Wipes the training tables of its database.
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

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ohs_trainbench"


def setup_django(url: str) -> None:
    os.environ["OHSTEWARD_DATABASE_URL"] = url
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    os.environ.setdefault("OHSTEWARD_STATIC_MANIFEST", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(employers: int, records: int, entries: int, seed: int) -> tuple[int, int]:
    from django.db import connection

    from ohsteward.demo.synth import synth_enterprises
    from ohsteward.registry.models import Enterprise
    from ohsteward.stewardship.models import AssistanceEntry, AssistancePlan

    if Enterprise.objects.count() < employers:
        synth_enterprises(employers, seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE stewardship_trainingrecord, stewardship_trainee, stewardship_assistanceitem, "
            "stewardship_assistanceentry, stewardship_assistanceplan RESTART IDENTITY CASCADE"
        )
    rng = random.Random(seed)
    today = dt.date.today()
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:employers])
    now = "2026-01-01 00:00:00+00"
    people = io.StringIO()
    n = 0
    for eid in ids:
        for k in range(10):
            n += 1
            role = "principal" if k == 0 else "manager" if k == 1 else "exposed"
            started = today - dt.timedelta(days=rng.randint(365, 6 * 365))
            people.write(f"{n}\t{eid}\t人员{n}\t{role}\t\t{started}\t{now}\t{now}\n")
    raw = connection.connection
    with raw.cursor() as cur:
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
    with connection.cursor() as cursor:  # as autovacuum would after a load: the visibility map
        cursor.execute("VACUUM ANALYZE stewardship_trainingrecord")
        cursor.execute("VACUUM ANALYZE stewardship_trainee")
    plan = AssistancePlan.objects.create(district_id="500112", year=today.year, target=20)
    yubei = list(Enterprise.objects.filter(region_id="500112", pk__in=ids).order_by("pk")[:entries])
    AssistanceEntry.objects.bulk_create([AssistanceEntry(plan=plan, enterprise=e) for e in yubei])
    return plan.pk, yubei[0].pk


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return pct(times, 50), pct(times, 95)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    setup_django(os.environ.get("OHSTEWARD_DATABASE_URL", DEFAULT_URL))
    from django.test import Client
    from django.utils import timezone

    from ohsteward.accounts.actions import user_create
    from ohsteward.accounts.models import User
    from ohsteward.stewardship.assistance import queries as assistance
    from ohsteward.stewardship.models import AssistancePlan
    from ohsteward.stewardship.training import queries as training

    start = time.perf_counter()
    plan_id, employer = populate(args.employers, args.records, args.entries, args.seed)
    print(f"setup: {time.perf_counter() - start:.0f} s")
    city = User.objects.filter(username="bench_city").first() or user_create(
        username="bench_city", password="Bench-pass-2026x", role="city_admin", check_password=False
    )
    officer = User.objects.filter(username="bench_yubei").first() or user_create(
        username="bench_yubei", password="Bench-pass-2026x", role="district_admin", region_code="500112",
        check_password=False,
    )  # fmt: skip
    plan = AssistancePlan.objects.get(pk=plan_id)
    today = timezone.localdate()
    rows = [
        (f"plan_progress ({args.entries} employers, four rates)", timed(lambda: assistance.plan_progress(plan, city), args.requests)),
        ("employer_training (one employer's people page)", timed(lambda: training.employer_training(employer, today), args.requests)),
    ]  # fmt: skip
    web = Client()
    web.force_login(officer)
    url = f"/stewardship/assistance/{plan_id}/"
    assert web.get(url, HTTP_HOST="localhost").status_code == 200
    rows.append(
        (
            f"GET {url} as the district officer",
            timed(lambda: web.get(url, HTTP_HOST="localhost"), args.requests),
        )
    )
    print(f"\n{args.employers:,} employers, {args.employers * 10:,} people, {args.records:,} records; "
          f"{args.requests} runs each\n")  # fmt: skip
    print("| what | p50 ms | p95 ms |\n|---|---|---|")
    for label, (p50, p95) in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
