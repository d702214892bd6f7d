"""Time a district's over-limit list (超标岗位) and rectification list (整改任务) first pages at city
scale (PostgreSQL): 1,000,000 measurements over 100,000 employers (issue 11 "Performance": p95 < 100 ms).

    python benchmarks/bench_monitoring_lists.py --employers 100000 --per-employer 10 --requests 60

Against ``OHSTEWARD_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/ohs_bench``;
created and migrated when missing):

1. empties the register and COPYs N employers (``bench_monitoring_import.load_register``);
2. fills, in SQL (``INSERT … SELECT generate_series``), one workplace and five posts per employer,
   two 定期检测 reports per employer (2025, 2026) and ``per_employer`` measurements per employer
   (each report × post × factor), ~9 % over the limit on their own and ~2 % only through a failing
   mixture (``over_limit`` true, ``compliant`` true), and a rectification task for about half the
   over-limit results of 2025 (open, overdue or closed);
3. ANALYZE, then times, as a district officer (``district_admin`` of 渝北 500112) through Django's
   test client — the whole page: view, scope, filter, count, first page of 50 rows, template —
   ``/monitoring/over-limit/``, ``/monitoring/rectifications/`` (default, ``?status=open``,
   ``?status=overdue``) and the API ``/api/v1/rectifications/?status=open``; and the city officer's
   over-limit first page. Prints median and p95 per page, and the load (``os.getloadavg``).

The benchmark database is wiped of employers and monitoring data; do not point it at one you care
about.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_monitoring_import import empty_monitoring, load_register  # noqa: E402  (after the path)
from bench_registry import DEFAULT_URL, setup_django  # noqa: E402  (after the path is set)

FACTORS = ("2013", "2145", "2331", "2158", "2111")  # 苯, 甲苯, 一氧化碳, 甲醛, 钒 (CDC codes)


def fill(per_employer: int) -> None:
    """Workplaces, posts, reports, measurements and tasks in SQL (seconds, not hours)."""
    from django.db import connection

    from ohsteward.hazards.models import HazardFactor
    from ohsteward.institutions.models import Institution

    factor_ids = [HazardFactor.objects.get(code=c).pk for c in FACTORS]
    institution = Institution.objects.order_by("pk").first().pk
    per_report = max(1, per_employer // 2)
    with connection.cursor() as c:
        c.execute("""INSERT INTO registry_workplace (enterprise_id, name, created_at, updated_at)
                     SELECT id, '生产车间', now(), now() FROM registry_enterprise ORDER BY id""")
        c.execute("""INSERT INTO registry_post (workplace_id, name, created_at, updated_at)
                     SELECT w.id, '岗位' || k, now(), now()
                     FROM registry_workplace w, generate_series(1, 5) k ORDER BY w.id, k""")
        c.execute(f"""INSERT INTO monitoring_detectionreport (kind, number, institution_id, enterprise_id,
                        sampling_start, note, created_at, updated_at)
                     SELECT 'periodic', 'BL-' || y || '-' || e.id, {institution}, e.id,
                            make_date(y, (1 + e.id % 11)::int, (1 + e.id % 27)::int), '', now(), now()
                     FROM registry_enterprise e, (VALUES (2025), (2026)) AS ys(y) ORDER BY y, e.id""")
        c.execute("CREATE TEMP TABLE bench_factor (k int, id bigint)")
        c.execute(
            "INSERT INTO bench_factor VALUES " + ", ".join(f"({i}, {f})" for i, f in enumerate(factor_ids))
        )
        # one measurement per report × slot: slot k → post (k % 5) and factor (k // 5 % 5)
        c.execute(f"""
            INSERT INTO monitoring_measurement (report_id, enterprise_id, district, post_id, factor_id, kind, measured_on,
                inputs, c_twa, value, unit, ratio, exposure_level, compliant, grade_level, grade_label,
                grade_standard, limits, verified, explanation, judged_at, mixture, over_limit, created_at,
                updated_at)
            SELECT r.id, r.enterprise_id, e.region_id, p.id, f.id, 'chemical', r.sampling_start,
                   jsonb_build_object('c_twa', round((x.v * 3)::numeric, 2)), x.v * 3, x.v * 3, 'mg/m3', x.v,
                   CASE WHEN x.v > 1 THEN 'IV' WHEN x.v > 0.5 THEN 'III' ELSE 'II' END,
                   x.v <= 1, '', '', '', '[]'::jsonb, false, '[]'::jsonb, now(),
                   CASE WHEN x.mix THEN '{{"compliant": false, "group": "苯、甲苯、二甲苯", "ratio": 1.2}}'::jsonb
                        ELSE '{{}}'::jsonb END,
                   x.v > 1 OR x.mix, now(), now()
            FROM monitoring_detectionreport r
            JOIN registry_enterprise e ON e.id = r.enterprise_id
            CROSS JOIN generate_series(0, {per_report - 1}) AS s(slot)
            JOIN registry_workplace w ON w.enterprise_id = r.enterprise_id
            JOIN registry_post p ON p.workplace_id = w.id AND p.name = '岗位' || (1 + s.slot % 5)
            JOIN bench_factor f ON f.k = (s.slot / 5) % 5
            CROSS JOIN LATERAL (SELECT
                 CASE WHEN abs(hashint4((r.id * 16 + s.slot)::int)) % 100 < 9 THEN 1.2 + (r.id % 7) / 10.0
                      ELSE 0.2 + (r.id % 7) / 10.0 END AS v,
                 abs(hashint4((r.id * 16 + s.slot)::int)) % 100 BETWEEN 9 AND 10 AS mix) x
        """)
    fill_tasks()


def fill_tasks() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("""
            INSERT INTO monitoring_rectificationtask (enterprise_id, district, post_id, factor_id, measurement_id, finding,
                required_measures, deadline, status, closed_on, created_at, updated_at, mixture_group)
            SELECT m.enterprise_id, m.district, m.post_id, m.factor_id, m.id, '检测结果不符合接触限值', '["ppe"]'::jsonb,
                   m.measured_on + (30 + m.id % 400)::int,
                   CASE WHEN m.id % 3 = 0 THEN 'closed' ELSE 'open' END,
                   CASE WHEN m.id % 3 = 0 THEN m.measured_on + 60 END, now(), now(), ''
            FROM monitoring_measurement m
            WHERE m.over_limit AND m.measured_on < '2026-01-01' AND m.id % 2 = 0
        """)
        c.execute("ANALYZE")


def timed(client, url: str, requests: int) -> list[float]:
    for _ in range(3):  # warm-up
        client.get(url)
    out = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--per-employer", type=int, default=10, help="measurements per employer (2 reports)")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run")
    parser.add_argument("--database-url", default=os.environ.get("OHSTEWARD_DATABASE_URL") or DEFAULT_URL)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("this benchmark needs PostgreSQL; set --database-url")
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files

    from ohsteward.accounts.actions import role_assign
    from ohsteward.accounts.models import User
    from ohsteward.monitoring.models import Measurement, RectificationTask

    if not args.reuse or not Measurement.objects.exists():
        t0 = time.perf_counter()
        from ohsteward.registry.models import Enterprise  # local: after setup_django

        if Enterprise.objects.count() != args.employers:
            load_register(args.employers, args.seed)
        empty_monitoring()
        fill(args.per_employer)
        print(f"data in {time.perf_counter() - t0:.0f} s", flush=True)
    if not RectificationTask.objects.exists():
        fill_tasks()
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does in time on a live system
        cursor.execute("VACUUM ANALYZE monitoring_measurement")
        cursor.execute("VACUUM ANALYZE monitoring_rectificationtask")
        cursor.execute("VACUUM ANALYZE registry_enterprise")
    n = Measurement.objects.count()
    over = Measurement.objects.filter(over_limit=True).count()
    mixture_only = Measurement.objects.filter(over_limit=True, compliant=True).count()
    tasks = RectificationTask.objects.count()
    print(
        f"{n:,} measurements, {over:,} over the limit ({mixture_only:,} through a mixture only), {tasks:,} tasks"
    )
    users = {}
    for name, role, region in (
        ("bench_yubei", "district_admin", "500112"),
        ("bench_city", "city_admin", None),
    ):
        user = User.objects.filter(username=name).first() or User.objects.create_user(name, password=None)
        role_assign(user=user, role=role, region_code=region)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        users[name] = client
    district = users["bench_yubei"]
    yubei_over = Measurement.objects.filter(over_limit=True, district="500112").count()
    pages = [
        (district, "/monitoring/over-limit/", f"district over-limit list ({yubei_over:,} rows)"),
        (district, "/monitoring/over-limit/?page=20", "district over-limit list, page 20"),
        (district, "/monitoring/rectifications/", "district rectification list (all states)"),
        (district, "/monitoring/rectifications/?status=open", "district rectification list, 整改中"),
        (district, "/monitoring/rectifications/?status=overdue", "district rectification list, 已逾期"),
        (district, "/api/v1/rectifications/?status=open", "API rectifications/?status=open (district)"),
        (users["bench_city"], "/monitoring/over-limit/", f"city over-limit list ({over:,} rows)"),
    ]
    for client, url, label in pages:
        before = os.getloadavg()[0]
        t = timed(client, url, args.requests)
        p95 = t[int(0.95 * (len(t) - 1))]
        print(f"{label:<55} median {statistics.median(t):7.1f} ms  p95 {p95:7.1f} ms  "
              f"load {before:.1f} → {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
