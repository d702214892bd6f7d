"""Where a district's over-limit and rectification list pages spend their time, on the data that
``bench_monitoring_lists.py`` left (run it first): per page the number of queries, each query's
time, EXPLAIN ANALYZE of the slowest ones, and a cProfile of the whole request.

    python benchmarks/profile_monitoring_lists.py [--explain 2] [--profile 15]

Against ``OHSTEWARD_DATABASE_URL`` (default the benchmarks' ``ohs_bench``); read-only apart from
the benchmark users ``bench_lists`` creates.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_registry import DEFAULT_URL, setup_django  # noqa: E402  (after the path is set)

PAGES = (
    "/monitoring/over-limit/",
    "/monitoring/rectifications/",
    "/monitoring/rectifications/?status=overdue",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--explain", type=int, default=2, help="EXPLAIN ANALYZE the N slowest queries")
    parser.add_argument("--profile", type=int, default=15, help="cProfile lines (0: none)")
    parser.add_argument("--database-url", default=os.environ.get("OHSTEWARD_DATABASE_URL") or DEFAULT_URL)
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ohsteward.accounts.actions import role_assign
    from ohsteward.accounts.models import User

    user = User.objects.filter(username="bench_yubei").first() or User.objects.create_user("bench_yubei")
    role_assign(user=user, role="district_admin", region_code="500112")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for url in PAGES:
        for _ in range(3):
            client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            client.get(url)
            total = (time.perf_counter() - start) * 1000
        queries = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
        sql_ms = sum(t for t, _ in queries)
        print(f"\n== {url}: {len(queries)} queries, SQL {sql_ms:.1f} ms of {total:.1f} ms "
              f"(load {os.getloadavg()[0]:.1f})")  # fmt: skip
        for t, sql in sorted(queries, reverse=True)[: max(args.explain, 5)]:
            print(f"  {t:7.1f} ms  {sql[:160]}")
        with connection.cursor() as cursor:
            for _t, sql in sorted(queries, reverse=True)[: args.explain]:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("  --- EXPLAIN ANALYZE:", sql[:100])
                for (line,) in cursor.fetchall():
                    print("    " + line)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(url)
            profiler.disable()
            for order, pattern in (("cumulative", "ohsteward|template|render"), ("tottime", "")):
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).sort_stats(order)
                stats.print_stats(pattern, args.profile) if pattern else stats.print_stats(args.profile)
                print(f"  --- cProfile by {order}" + (f" ({pattern})" if pattern else ""))
                print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:8000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
