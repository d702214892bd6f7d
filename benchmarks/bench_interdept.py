"""Time the indicators fed by the other departments' lists at city scale on PostgreSQL.

    python benchmarks/bench_interdept.py --employers 100000 --repeat 20

Against ``OHSTEWARD_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/ohs_dept14_bench``;
created when missing and migrated):

1. employers: ``ohsteward.demo.synth.synth_enterprises`` (COPY); 40 % get exposed workers (the
   denominator of 工伤保险参保率 is the employers with hazards);
2. 工伤保险参保 records for 60 % of the employers, two lists each (last year and this year), about
   85 % insured, and 健康企业 namings for 0.5 % of them — COPY (``core.bulk.insert_rows``);
3. times (``--repeat`` runs, a tenth of them for the ranking; p50/p95, as the city user): one district's 工伤保险参保率,
   参保人数 and 健康企业数; the 38-district ranking of 参保率; the first page (50 rows) of the
   参保率 drill-down ``missing`` part of the largest district; the portrait's insurance light
   (one employer). The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_registry import create_database, pct  # noqa: E402  (after the path is set)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ohs_dept14_bench"


def setup_django(url: str) -> None:
    os.environ["OHSTEWARD_DATABASE_URL"] = url
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    create_database(url)
    # local: Django is set up only after the database URL is in the environment
    import django

    django.setup()
    # local: needs the app registry
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return pct(runs, 50), pct(runs, 95)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("OHSTEWARD_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    # local: the models need the app registry (set up above)
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from ohsteward.accounts.models import User
    from ohsteward.core import bulk
    from ohsteward.demo.synth import synth_enterprises
    from ohsteward.indicators import areas, figures
    from ohsteward.indicators.models import Indicator
    from ohsteward.indicators.queries import Area
    from ohsteward.indicators.records import part_records
    from ohsteward.indicators.rules import parse_period
    from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord
    from ohsteward.registry.models import Enterprise
    from ohsteward.supervision import portrait

    print("load before:", os.getloadavg())
    t0 = time.perf_counter()
    synth_enterprises(args.employers, args.seed)
    rng = random.Random(args.seed)
    today = timezone.localdate()
    with connection.cursor() as cursor:  # raw: an ORM delete would write an audit row per record
        cursor.execute("DELETE FROM interdept_insurancerecord")
        cursor.execute("DELETE FROM interdept_healthyenterprise")
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    exposed = [i for i in ids if rng.random() < 0.4]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_enterprise SET exposed_workers = 0")
        cursor.execute("UPDATE registry_enterprise SET exposed_workers = 5 WHERE id = ANY(%s)", [exposed])
    now = timezone.now()
    rows, named = [], []
    for i in ids:
        if rng.random() < 0.6:
            insured = rng.randint(1, 80) if rng.random() < 0.85 else 0
            for on in (today - dt.timedelta(days=370), today - dt.timedelta(days=5)):
                rows.append((i, on, insured, None, "区人力社保局", on, now, now))
        if rng.random() < 0.005:
            named.append((i, "district", today.year, "", "区卫生健康委", today, now, now))
    fields = [
        "enterprise_id",
        "as_of",
        "insured",
        "employees",
        "source",
        "source_date",
        "created_at",
        "updated_at",
    ]
    for start in range(0, len(rows), 50_000):
        bulk.insert_rows(InsuranceRecord, fields, rows[start : start + 50_000])
    bulk.insert_rows(
        HealthyEnterprise,
        [
            "enterprise_id",
            "level",
            "year",
            "document_number",
            "source",
            "source_date",
            "created_at",
            "updated_at",
        ],
        named,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"generation: {time.perf_counter() - t0:.0f} s, {len(ids)} employers, {len(rows)} insurance records"
    )

    city = User.objects.filter(is_superuser=False).filter(username="bench_city").first()
    if city is None:
        # local: only the benchmark creates its user
        from ohsteward.accounts.actions import user_create

        city = user_create(
            username="bench_city", password="bench-pass-1", role="city_admin", check_password=False
        )
    period = parse_period(str(today.year))
    rate = Indicator.objects.get(code="work-injury-insurance-rate")
    workers = Indicator.objects.get(code="work-injury-insured-workers")
    healthy = Indicator.objects.get(code="healthy-enterprises")
    biggest = (
        Enterprise.objects.values("region_id").order_by().annotate(n=Count("pk"))
        .order_by("-n", "region_id").first()["region_id"]
    )  # fmt: skip
    district = Area("district", biggest)
    districts = areas.child_areas(city, Area("city"), "district")
    employer = Enterprise.objects.filter(pk=exposed[0]).first()
    cases = [
        ("参保率, one district", lambda: figures.compute(rate, city, district, period)),
        ("参保人数, one district", lambda: figures.compute(workers, city, district, period)),
        ("健康企业数, one district", lambda: figures.compute(healthy, city, district, period)),
        ("参保率, city", lambda: figures.compute(rate, city, Area("city"), period)),
        (
            f"参保率 ranking, {len(districts)} districts",
            lambda: figures.ranking(rate, city, districts, period),
        ),
        (
            "drill-down missing, first 50",
            lambda: list(part_records(rate, "missing", city, district, period)[:50]),
        ),
        ("portrait insurance light", lambda: portrait._insurance(employer, today)),
    ]
    f = figures.compute(rate, city, district, period)
    print(f"district {biggest}: 参保率 {f.numerator}/{f.denominator} = {f.value}")
    for label, fn in cases:
        fn()  # warm-up
        p50, p95 = timed(fn, max(3, args.repeat // 10) if "ranking" in label else args.repeat)
        print(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    print("load after:", os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
