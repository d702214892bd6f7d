"""Time the year's hazard-employer list and the quarterly dispatch at city scale.

Run against a database that already holds a register and source rows, e.g. right after
``benchmarks/bench_intake.py`` (100,000 employers, 300,000 source rows):

    OHSTEWARD_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ohs_intake_bench \\
        python benchmarks/bench_hazard_list.py --year 2026

Prints seconds for: generating the list (every employer screened for reasons: industry risk,
exam/detection/inspection evidence, declarations; inclusion rules), re-generating it (idempotent,
keeps confirmations), pushing it to the districts, and the quarterly dispatch figures for the city.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    import django

    django.setup()
    from django.db import connection

    from ohsteward.accounts.models import User
    from ohsteward.declarations import actions, reports
    from ohsteward.declarations.models import HazardList, HazardListEntry
    from ohsteward.intake.models import SourceRow
    from ohsteward.registry.models import Enterprise

    HazardList.objects.filter(year=args.year).delete()
    employers = Enterprise.objects.count()
    rows = SourceRow.objects.count()
    as_of = dt.date(args.year, 1, 25)
    figures: list[tuple[str, float, str]] = []

    def timed(label: str, fn):
        start = time.perf_counter()
        result = fn()
        figures.append((label, time.perf_counter() - start, ""))
        return result

    hazard_list = timed(
        "generate", lambda: actions.hazard_list_generate(user=None, year=args.year, as_of=as_of)
    )
    entries = HazardListEntry.objects.filter(hazard_list=hazard_list).count()
    timed("re-generate", lambda: actions.hazard_list_generate(user=None, year=args.year, as_of=as_of))
    timed(
        "push",
        lambda: actions.hazard_list_push(user=None, hazard_list=hazard_list, today=dt.date(args.year, 1, 31)),
    )
    city = User.objects.filter(username="bench-city").first()
    if city is None:
        from ohsteward.accounts.actions import user_create

        city = user_create(
            username="bench-city", password="bench-city-password-1", role="city_admin", check_password=False
        )
    timed(
        "dispatch (city, Q3)",
        lambda: reports.dispatch_figures(
            user=city, year=args.year, quarter=3, today=dt.date(args.year, 10, 10)
        ),
    )
    print(
        f"database: {connection.vendor}; employers {employers:,}; source rows {rows:,}; list entries {entries:,}"
    )
    for label, seconds, _ in figures:
        print(f"{label:<22} {seconds:8.2f} s")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
