"""Time the surveillance schedule at scale: recompute every worker's next exam, and a district's
overdue list (first page) as the list page loads it.

    createdb -h 127.0.0.1 -U postgres ohs_surv_bench
    OHSTEWARD_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ohs_surv_bench \\
        python benchmarks/bench_surveillance.py --workers 100000

Builds (once) a register of employers with posts and hazard factors and ``--workers`` workers
with encrypted ID numbers (bulk inserts, not the per-row actions), then prints seconds for the
insert, the full recompute and the p95 of the district's overdue first page (50 rows + count).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--employers", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from ohsteward.accounts.actions import user_create
    from ohsteward.accounts.models import User
    from ohsteward.demo.synth import synth_enterprises, synth_workplaces
    from ohsteward.registry.models import Enterprise, Post
    from ohsteward.surveillance import actions, crypto, rules
    from ohsteward.surveillance.models import Person, Worker, WorkerPost

    figures: list[tuple[str, float]] = []
    if not Enterprise.objects.exists():
        synth_enterprises(args.employers, 1)
        synth_workplaces(1, limit=args.employers // 4)
    posts = list(
        Post.objects.filter(exposures__isnull=False)
        .distinct()
        .values_list("pk", "workplace__enterprise_id")
        .order_by("pk")
    )
    district_of = dict(Enterprise.objects.values_list("pk", "region_id"))
    have = Worker.objects.count()
    if have < args.workers:
        rng = random.Random(12)
        start = time.perf_counter()
        batch = 5000
        today = dt.date.today()
        for offset in range(have, args.workers, batch):
            people, numbers = [], []
            for i in range(offset, min(offset + batch, args.workers)):
                birth = dt.date(1965, 1, 1) + dt.timedelta(days=i % 12000)
                # (birth day, sequence) repeat every 12,000 rows: the area code changes per block
                first17 = f"{500101 + (i // 12000) % 800}{birth:%Y%m%d}{i % 1000:03d}"
                number = first17 + rules.id_check_char(first17)
                numbers.append(number)
                people.append(
                    Person(
                        name=f"工{i}",
                        id_number_cipher=crypto.encrypt(number),
                        id_number_hmac=crypto.lookup_hash(number),
                        id_number_masked=rules.id_mask(number),
                        sex="male",
                        birth_date=birth,
                    )
                )
            Person.objects.bulk_create(people, batch_size=batch)
            workers = []
            chosen = []
            for person in people:
                post_id, enterprise_id = posts[rng.randrange(len(posts))]
                hired = today - dt.timedelta(days=rng.randint(30, 4000))
                workers.append(
                    Worker(person=person, enterprise_id=enterprise_id, name=person.name, hire_date=hired,
                           district=district_of[enterprise_id])  # (Scope.enterprise_district; no save() here)
                )  # fmt: skip
                chosen.append((post_id, hired))
            Worker.objects.bulk_create(workers, batch_size=batch)
            WorkerPost.objects.bulk_create(
                [
                    WorkerPost(worker=w, post_id=p, start_date=h)
                    for w, (p, h) in zip(workers, chosen, strict=True)
                ],
                batch_size=batch,
            )
        figures.append(
            (f"insert {args.workers - have} workers (encrypt + bulk)", time.perf_counter() - start)
        )
    n = Worker.objects.count()
    start = time.perf_counter()
    actions.workers_recompute_due()
    figures.append((f"recompute next due, {n} workers", time.perf_counter() - start))

    officer = User.objects.filter(username="bench_yubei").first() or user_create(
        username="bench_yubei", password="Bench-pass-2026", role="district_admin", region_code="500112",
        check_password=False,
    )  # fmt: skip
    today = dt.date.today()
    timings = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        qs = Worker.objects.for_user(officer).overdue(today).order_by("name", "pk")
        total = qs.count()
        ids = list(qs.values_list("pk", flat=True)[:50])
        rows = list(Worker.objects.filter(pk__in=ids).select_related("person", "enterprise__region"))
        timings.append(time.perf_counter() - t0)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    figures.append((f"district overdue first page p95 ({total} overdue, {len(rows)} rows)", p95))
    figures.append(("  median", statistics.median(timings)))
    print(f"database: {connection.vendor}")
    for label, seconds in figures:
        print(f"{label:<60} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
