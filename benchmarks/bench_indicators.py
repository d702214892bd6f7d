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
4. 工伤保险参保 records for 60 % of the employers, two lists each (as ``bench_interdept``);
5. ``--exams`` / ``--measurements``: older exams and earlier years' reports up to those totals
   (the issue's 5 M and 1 M); ``--teams`` steward teams with ``--team-clients`` signed employers
   each (the team ranking).

Not generated (their indicators run over empty tables here): QC inspections, supervision
inspections and cases, construction projects, awareness answers, report cards, assistance plans,
dose records and pneumoconiosis patients.

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
    from ohsteward.monitoring.models import Measurement
    from ohsteward.registry.models import Enterprise
    from ohsteward.stewardship.models import StewardTeam
    from ohsteward.surveillance.exams.models import Exam, ExamBatch
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
        generate = GENERATE  # fills radiation_use and the district copy itself
        people = Person.objects.count()
        with connection.cursor() as cursor:
            for statement in generate.split(";\n"):
                if statement.strip() and not (
                    people >= args.workers and "INTO surveillance_person" in statement
                ):
                    cursor.execute(statement, params)
        print(f"workers and exams: {time.perf_counter() - t1:.0f} s", flush=True)
    if args.exams and Exam.objects.count() < args.exams:
        t1 = time.perf_counter()
        top_up_exams(args.exams, today)
        print(f"exam history to {Exam.objects.count():,}: {time.perf_counter() - t1:.0f} s", flush=True)
    if args.measurements and Measurement.objects.count() < args.measurements:
        t1 = time.perf_counter()
        top_up_measurements(args.measurements)
        print(
            f"measurement history to {Measurement.objects.count():,}: {time.perf_counter() - t1:.0f} s",
            flush=True,
        )
    if args.teams and not StewardTeam.objects.filter(name__startswith="基准管家团队").exists():
        t1 = time.perf_counter()
        make_teams(args.teams, args.team_clients, today)
        print(
            f"{args.teams} steward teams, {args.team_clients} clients each: {time.perf_counter() - t1:.0f} s",
            flush=True,
        )
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


def make_teams(n: int, clients: int, today: dt.date) -> None:
    """``n`` steward teams (五师两员 complete) spread over the districts, each signed since the
    start of last year with ``clients`` employers of its district (the stewardship factories)."""
    from ohsteward.registry.models import Enterprise
    from ohsteward.stewardship.tests.factories import make_team, sign_agreement  # bench only

    by_district: dict[str, list] = {}
    for e in Enterprise.objects.operating().order_by("pk").only("pk", "region_id"):
        by_district.setdefault(e.region_id, []).append(e)
    codes = sorted(by_district)
    start = dt.date(today.year - 1, 1, 1)
    for i in range(n):
        code = codes[i % len(codes)]
        team = make_team(f"基准管家团队{i:04d}", district=code)
        offset = (i // len(codes)) * clients
        for enterprise in by_district[code][offset : offset + clients]:
            sign_agreement(team, enterprise, start)


def top_up_exams(target: int, today: dt.date) -> None:
    """Older 在岗期间 exams (one more year back per round, on or after the hire date) until the
    exam table holds ``target`` rows: the issue's 5 M exams for 1.5 M workers means a history of
    ~3 exams a worker. They lie before the indicator's twelve-month window, as a real history
    does, so they cost the queries without changing who counts as examined."""
    from django.db import connection

    from ohsteward.surveillance.exams.models import Exam

    have = Exam.objects.count()
    with connection.cursor() as cursor:
        for back in range(2, 15):
            if have >= target:
                return
            cursor.execute(
                """
                INSERT INTO surveillance_exam
                    (created_at, updated_at, date, kind, report_number, institution_id, worker_id, batch_id)
                SELECT now(), now(), d.on_day, 'periodic', '', e.institution_id, w.id, e.batch_id
                FROM surveillance_worker w
                JOIN LATERAL (SELECT %(today)s::date - (365 * %(back)s + (w.id * 37) %% 300)::int AS on_day) d
                    ON d.on_day >= w.hire_date
                CROSS JOIN (SELECT institution_id, batch_id FROM surveillance_exam ORDER BY id LIMIT 1) e
                WHERE w.id <= (SELECT min(id) FROM surveillance_worker) + %(need)s
                ON CONFLICT DO NOTHING
                """,
                {"today": today, "back": back, "need": target - have},
            )
            have = Exam.objects.count()


def top_up_measurements(target: int) -> None:
    """Earlier years' 定期检测 of the same employers (each report copied one more year back with
    its measurements) until the measurement table holds ``target`` rows: the issue's 1 M."""
    from django.db import connection

    from ohsteward.monitoring.models import Measurement

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(column_name), ', ') FROM information_schema.columns "
            "WHERE table_name = 'monitoring_measurement' AND column_name NOT IN "
            "('id', 'report_id', 'measured_on', 'created_at', 'updated_at')"
        )
        columns = cursor.fetchone()[0]
        for back in range(1, 20):
            have = Measurement.objects.count()
            if have >= target:
                return
            cursor.execute("DROP TABLE IF EXISTS bench_report_map")
            cursor.execute(
                """
                CREATE TEMP TABLE bench_report_map AS
                SELECT r.id AS old_id, nextval(pg_get_serial_sequence('monitoring_detectionreport', 'id')) AS new_id
                FROM monitoring_detectionreport r
                WHERE r.number NOT LIKE '%%-Y%%'
                  AND r.id <= (SELECT min(id) FROM monitoring_detectionreport)
                              + (%(need)s / GREATEST(1, (SELECT count(*) FROM monitoring_measurement)
                                 / GREATEST(1, (SELECT count(*) FROM monitoring_detectionreport)))) + 1
                """,
                {"need": target - have},
            )
            cursor.execute(
                """
                INSERT INTO monitoring_detectionreport
                    (id, created_at, updated_at, kind, number, sampling_start, sampling_end, issued_on, note,
                     enterprise_id, institution_id, recorded_by_id)
                OVERRIDING SYSTEM VALUE
                SELECT m.new_id, now(), now(), r.kind, r.number || '-Y' || %(back)s,
                       r.sampling_start - 365 * %(back)s, r.sampling_end - 365 * %(back)s,
                       r.issued_on - 365 * %(back)s, r.note, r.enterprise_id, r.institution_id, r.recorded_by_id
                FROM bench_report_map m JOIN monitoring_detectionreport r ON r.id = m.old_id
                """,
                {"back": back},
            )
            selected = ", ".join(f"x.{c}" for c in columns.split(", "))
            cursor.execute(
                f"INSERT INTO monitoring_measurement (created_at, updated_at, report_id, measured_on, {columns}) "
                f"SELECT now(), now(), m.new_id, x.measured_on - 365 * %(back)s, {selected} "
                "FROM bench_report_map m JOIN monitoring_measurement x ON x.report_id = m.old_id",
                {"back": back},
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=300_000)
    parser.add_argument("--exams", type=int, default=0, help="top the exams up to this many (history)")
    parser.add_argument(
        "--measurements", type=int, default=0, help="top the measurements up to this many (earlier years)"
    )
    parser.add_argument("--teams", type=int, default=100, help="steward teams generated (team ranking)")
    parser.add_argument("--team-clients", type=int, default=50, help="signed employers per team")
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

    from ohsteward.indicators import teams as team_ranking

    visible = list(team_ranking.visible_teams(city))
    if visible and not args.only:
        with CaptureQueriesContext(connection) as queries:
            t = ms(lambda: team_ranking.team_ranking(city, visible, period))
        print(f"team ranking, {len(visible)} teams, all indicators: {t:,.0f} ms, {len(queries)} queries")
        one_by_one = ms(lambda: [figures.table(city, Area("team", str(x.pk)), period) for x in visible])
        print(f"  the same teams one table each (the path before `ind`): {one_by_one:,.0f} ms", flush=True)

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
