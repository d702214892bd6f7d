"""Time every indicator at city scale on PostgreSQL (issue 14 Performance).

    python benchmarks/bench_indicators.py --workers 300000          # build, then measure
    python benchmarks/bench_indicators.py --reuse --requests 10     # measure only (quick)

Against ``OHSTEWARD_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/ohs_indbench``;
created when missing and migrated). The data come from the other benchmarks' generators:

1. ``bench_supervision.populate``: 100,000 employers (``demo.synth``, 38 districts), one workshop
   each with 1–3 exposed posts, declarations for 60 %, a 定期检测 report with one measurement per
   post for 50 % (10 % over the limit), rectification tasks — COPY;
2. ``bench_surveillance_city.GENERATE`` (SQL ``generate_series``): ``--workers`` workers on the
   exposed posts, ~1.7 exams each for 80 % of them;
3. the year's 职业病危害用人单位名单 (``declarations.actions.hazard_list_generate``) pushed to the
   districts;
4. 工伤保险参保 records for 60 % of the employers, two lists each (as ``bench_interdept``).

Not generated (their indicators run over empty tables here): QC inspections, supervision
inspections and cases, construction projects, awareness answers, report cards, assistance plans,
steward agreements, dose records and pneumoconiosis patients.

Times, as the city user, for the current year, through the functions the views and the API call
(``figures.table``, ``figures.ranking``, ``records.part_records`` + the view's pagination):
each district's full table (median / max over ``--districts`` districts), the 38-district ranking
of every indicator (one line per indicator), the whole city table (every indicator × 38
districts, as ``indicator-values/?level=district`` computes it), the first drill-down page of the
heaviest indicators (p50 / p95 over ``--requests``), and one request each through Django's test
client for the ranking page and ``indicator-values/``. ``uptime`` load before and after.
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
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_registry import pct  # noqa: E402  (after the path is set)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ohs_indbench"


def loadavg() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def build(args, city, today: dt.date) -> None:
    """Steps 1–4 of the module docstring; each step is skipped when its rows are there."""
    import bench_supervision
    from bench_surveillance_city import GENERATE
    from django.db import connection
    from django.utils import timezone

    from ohsteward.core import bulk
    from ohsteward.declarations import actions as declaration_actions
    from ohsteward.declarations.models import Declaration, HazardList
    from ohsteward.institutions.models import Institution
    from ohsteward.interdept.models import InsuranceRecord
    from ohsteward.registry.models import Enterprise
    from ohsteward.surveillance.exams.models import ExamBatch
    from ohsteward.surveillance.models import Person, Worker

    t0 = time.perf_counter()
    if not Declaration.objects.filter(receipt_no__startswith="SB").exists():
        bench_supervision.populate(SimpleNamespace(employers=args.employers, seed=args.seed), today)
        print(f"register, declarations, measurements: {time.perf_counter() - t0:.0f} s", flush=True)
    have = Worker.objects.count()
    if have < args.workers:
        t1 = time.perf_counter()
        enterprise = Enterprise.objects.order_by("pk").first()
        inst, _ = Institution.objects.get_or_create(
            uscc="12500000MB1234567X", defaults={"name": "基准职业健康检查机构", "kinds": ["exam"]}
        )
        batch = ExamBatch.objects.filter(institution=inst).first() or ExamBatch.objects.create(
            enterprise=enterprise, institution=inst, source="file", filename="bench.xlsx"
        )
        params = {
            "have": have,
            "total": args.workers,
            "today": today,
            "institution": inst.pk,
            "batch": batch.pk,
        }
        # the generator predates Worker.radiation_use (not null, default "" = by the employer)
        generate = GENERATE.replace(
            "schedule_note, enterprise_id, person_id)",
            "schedule_note, enterprise_id, person_id, radiation_use)",
        )
        generate = generate.replace("bp.enterprise_id, p.id\nFROM", "bp.enterprise_id, p.id, ''\nFROM")
        people = Person.objects.count()
        with connection.cursor() as cursor:
            for statement in generate.split(";\n"):
                if statement.strip() and not (
                    people >= args.workers and "INTO surveillance_person" in statement
                ):
                    cursor.execute(statement, params)
        print(f"workers and exams: {time.perf_counter() - t1:.0f} s", flush=True)
    if not HazardList.objects.filter(year=today.year).exists():
        t1 = time.perf_counter()
        hazard_list = declaration_actions.hazard_list_generate(user=None, year=today.year, as_of=today)
        declaration_actions.hazard_list_push(user=city, hazard_list=hazard_list, today=today)
        print(f"hazard list: {time.perf_counter() - t1:.0f} s", flush=True)
    if not InsuranceRecord.objects.exists():
        rng = random.Random(args.seed)
        now = timezone.now()
        rows = []
        for i in Enterprise.objects.order_by("pk").values_list("pk", flat=True):
            if rng.random() < 0.6:
                insured = rng.randint(1, 80) if rng.random() < 0.85 else 0
                for on in (today - dt.timedelta(days=370), today - dt.timedelta(days=5)):
                    rows.append((i, on, insured, None, "区人力社保局", on, now, now))
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
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done on a live database
    print(f"build: {time.perf_counter() - t0:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="measure the existing data (no build step)")
    parser.add_argument("--requests", type=int, default=20, help="drill-down pages timed per indicator")
    parser.add_argument("--districts", type=int, default=5, help="districts whose full table is timed")
    parser.add_argument("--only", default="", help="comma-separated indicator codes (default: all)")
    parser.add_argument("--url", default=os.environ.get("OHSTEWARD_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    os.environ.setdefault("OHSTEWARD_STATIC_MANIFEST", "0")
    import bench_supervision

    bench_supervision.setup_django(args.url)
    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ohsteward.accounts.actions import user_create
    from ohsteward.accounts.models import User
    from ohsteward.indicators import areas, figures
    from ohsteward.indicators.queries import Area
    from ohsteward.indicators.records import part_records, with_related
    from ohsteward.indicators.rules import parse_period
    from ohsteward.registry.models import Enterprise
    from ohsteward.surveillance.exams.models import Exam
    from ohsteward.surveillance.models import Worker

    today = timezone.localdate()
    print(f"load before: {loadavg()}", flush=True)
    city = User.objects.filter(username="bench_ind_city").first() or user_create(
        username="bench_ind_city", password="bench-pass-1", role="city_admin", check_password=False
    )
    if not args.reuse:
        build(args, city, today)
    counts = {
        "employers": Enterprise.objects.count(),
        "workers": Worker.objects.count(),
        "exams": Exam.objects.count(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_measurement")
        counts["measurements"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM declarations_hazardlistentry")
        counts["list entries"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM interdept_insurancerecord")
        counts["insurance records"] = cursor.fetchone()[0]
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()))

    period = parse_period(str(today.year))
    library = list(figures.library())
    if args.only:
        wanted = set(args.only.split(","))
        library = [i for i in library if i.code in wanted]
    districts = areas.child_areas(city, Area("city"), "district")
    by_size = list(
        Enterprise.objects.values_list("region_id", flat=True)
        .order_by()
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    picked = [
        Area("district", c) for c in by_size[:: max(1, len(by_size) // args.districts)][: args.districts]
    ]
    print(f"districts {len(districts)}; timed tables: {', '.join(a.code or '' for a in picked)}")

    def table_of(area):
        return [figures.compute(i, city, area, period) for i in library if figures.applies_to(i, area)]

    table_of(picked[0])  # warm-up
    runs = [ms(lambda a=a: table_of(a)) for a in picked]
    print(
        f"district full table ({len(library)} indicators): median {statistics.median(runs):,.0f} ms, "
        f"max {max(runs):,.0f} ms",
        flush=True,
    )

    total = 0.0
    slow: list[tuple[float, str]] = []
    print("38-district ranking, per indicator (ms, queries):")
    for indicator in library:
        with CaptureQueriesContext(connection) as queries:
            t = ms(lambda ind=indicator: figures.ranking(ind, city, districts, period))
        total += t
        slow.append((t, indicator.code))
        print(f"  {indicator.code:<38} {t:8,.0f} ms  {len(queries):4d} q", flush=True)
    print(f"whole city table (sum of the rankings): {total:,.0f} ms")
    print(f"load: {loadavg()}", flush=True)

    biggest = Area("district", by_size[0])
    heavy = [code for _t, code in sorted(slow, reverse=True)[:5]]
    print(f"drill-down first page, district {biggest.code} (p50 / p95 over {args.requests}):")
    for indicator in [i for i in library if i.code in heavy]:
        part = "missing" if indicator.denominator else "numerator"

        def first_page(ind=indicator, part=part):
            qs = part_records(ind, part, city, biggest, period)
            page = Paginator(qs.values_list("pk", flat=True), 50).get_page(1)
            return with_related(qs.model._default_manager.filter(pk__in=list(page.object_list))).in_bulk()

        first_page()
        times = [ms(first_page) for _ in range(args.requests)]
        print(
            f"  {indicator.code:<38} {part:<9} p50 {pct(times, 50):6,.0f} ms  p95 {pct(times, 95):6,.0f} ms"
        )

    client = Client(HTTP_HOST="localhost")
    client.force_login(city)
    code = heavy[0]
    for url in (
        f"/indicators/ranking/?indicator={code}&period={period.code}&source=live",
        f"/api/v1/indicator-values/?level=district&indicator={code}&period={period.code}",
        f"/api/v1/indicator-values/?level=district&period={period.code}",
        f"/indicators/{code}/records/?region={biggest.code}&period={period.code}",
    ):
        t0 = time.perf_counter()
        response = client.get(url)
        print(f"GET {url}: {response.status_code} in {(time.perf_counter() - t0) * 1000:,.0f} ms", flush=True)
    print(f"load after: {loadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
