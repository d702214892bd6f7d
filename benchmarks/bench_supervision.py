"""Time the set-based recompute of every employer's risk assessment and warnings on PostgreSQL.

    python benchmarks/bench_supervision.py --employers 100000 --seed 1

Against ``OHSTEWARD_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/ohs_sup_bench``;
created when missing and migrated):

1. employers: ``ohsteward.demo.synth.synth_enterprises`` (COPY) up to ``--employers``;
2. per employer one workplace, 1–3 posts each with one factor of the catalogue (exposed 1–60), a
   valid declaration for 60 % of them (its factors = the posts'), for half of them a 定期检测
   report with one measurement per post (10 % not compliant) and a rectification task for half of
   the over-limit ones — all written with COPY (``core.bulk.insert_rows``); "generation" printed;
3. times: ``recompute.recompute`` of every employer (first run: every row new; second run:
   nothing changed, no writes), ``warnings.refresh`` of every employer (first and second), the
   incremental ``actions.risk_refresh`` of one employer (p50/p95 over 30), the district's warnings
   list page (first page, open only) and the portrait page (p50/p95 over 30 requests through the
   test client, 5 warm-ups, after a ``VACUUM ANALYZE`` of the employers, warnings and assessments
   as autovacuum would run it); the load average before and after.

The benchmark wipes the supervision, monitoring and declarations rows of its database at each run;
``--quick`` keeps them (a database a full run filled) and times only the incremental path and the
pages (under a minute). The test server has autovacuum off, so after the bulk writes every table
written is ``VACUUM ANALYZE``d before the incremental and page timings, as autovacuum would.
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

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ohs_sup_bench"


def setup_django(url: str) -> None:
    os.environ["OHSTEWARD_DATABASE_URL"] = url
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    os.environ.setdefault("OHSTEWARD_STATIC_MANIFEST", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # loads the factor catalogue (hazards.refdata.load_on_migrate)


def wipe() -> None:
    from django.db import connection  # local: Django is set up in main()

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE supervision_earlywarning, supervision_riskassessment, monitoring_rectificationtask, "
            "monitoring_measurement, monitoring_detectionreport, declarations_declarationhazard, "
            "declarations_declaration, registry_postexposure RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "DELETE FROM core_auditlog WHERE content_type_id IN (SELECT id FROM django_content_type WHERE app_label = 'supervision')"
        )


def populate(args, today: dt.date) -> None:
    from django.db import transaction
    from django.utils import timezone

    from ohsteward.core.bulk import insert_rows
    from ohsteward.declarations.models import Declaration, DeclarationHazard
    from ohsteward.demo.synth import synth_enterprises
    from ohsteward.hazards.models import HazardFactor
    from ohsteward.institutions.models import Institution
    from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
    from ohsteward.registry.models import Enterprise, Post, PostExposure, Workplace

    rng = random.Random(args.seed)
    # the posts are kept across runs (only made when missing): their own generator, so the rows
    # drawn after them are the same in a first run and a re-run of the same seed
    posts_rng = random.Random(args.seed + 1)
    now = timezone.now()
    if Enterprise.objects.count() < args.employers:
        synth_enterprises(args.employers, args.seed)
    factors = list(HazardFactor.objects.order_by("code").values_list("pk", "name")[:200])
    if not factors:
        sys.exit("no hazard factors: run `ohsteward refdata load` (or the demo) first")
    lab, _ = Institution.objects.get_or_create(uscc="91500000BENCH0001X", defaults={"name": "基准检测机构"})
    employers = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[: args.employers])
    with transaction.atomic():
        if Workplace.objects.filter(name="基准车间").count() < len(employers):
            Workplace.objects.filter(name="基准车间").delete()
            insert_rows(Workplace, ["enterprise_id", "name", "created_at", "updated_at"],
                        [(e, "基准车间", now, now) for e in employers])  # fmt: skip
            wps = list(
                Workplace.objects.filter(name="基准车间").order_by("pk").values_list("pk", "enterprise_id")
            )
            insert_rows(Post, ["workplace_id", "name", "created_at", "updated_at"],
                        [(w, f"岗位{k}", now, now) for w, _e in wps for k in range(posts_rng.randint(1, 3))])  # fmt: skip
        posts = list(
            Post.objects.filter(workplace__name="基准车间")
            .order_by("pk")
            .values_list("pk", "workplace__enterprise_id")
        )
        by_employer: dict[int, list[tuple[int, int, str, int]]] = {}
        exposures = []
        for pk, eid in posts:
            fid, name = rng.choice(factors)
            n = rng.randint(1, 60)
            exposures.append((pk, fid, n))
            by_employer.setdefault(eid, []).append((pk, fid, name, n))
        insert_rows(PostExposure, ["post_id", "hazard_factor_id", "exposed_count"], exposures)
        declared = [e for e in employers if rng.random() < 0.6]
        insert_rows(
            Declaration,
            ["enterprise_id", "receipt_no", "kind", "channel", "status", "declared_on", "unit_name", "principal",
             "hygiene_manager", "legal_representative", "contact_phone", "detection_org", "exam_org", "remark",
             "created_at", "updated_at"],
            [(e, f"SB{e:08d}", "initial", "online", "valid", today - dt.timedelta(days=rng.randint(1, 700)),
              "", "", "", "", "", "", "", "", now, now) for e in declared],
        )  # fmt: skip
        decl = dict(
            Declaration.objects.filter(receipt_no__startswith="SB").values_list("enterprise_id", "pk")
        )
        insert_rows(
            DeclarationHazard,
            ["declaration_id", "workplace", "hazard_factor_id", "hazard_name", "exposed_count"],
            [(decl[e], "基准车间", fid, name, n) for e in declared for _p, fid, name, n in by_employer.get(e, [])],
        )  # fmt: skip
        measured = [e for e in employers if rng.random() < 0.5]
        insert_rows(
            DetectionReport,
            ["kind", "number", "institution_id", "enterprise_id", "sampling_start", "note", "created_at", "updated_at"],
            [("periodic", f"BJ{e:08d}", lab.pk, e, today - dt.timedelta(days=rng.randint(10, 800)), "", now, now)
             for e in measured],
        )  # fmt: skip
        reports = dict(
            DetectionReport.objects.filter(number__startswith="BJ").values_list("enterprise_id", "pk")
        )
        dates = dict(
            DetectionReport.objects.filter(number__startswith="BJ").values_list("pk", "sampling_start")
        )
        rows = []
        district = dict(Enterprise.objects.filter(pk__in=list(measured)).values_list("pk", "region_id"))
        for e in measured:
            for post, fid, _name, _n in by_employer.get(e, []):
                ok = rng.random() > 0.1
                rows.append((reports[e], e, district[e], post, fid, "chemical", dates[reports[e]], "{}", "", "", ok,
                             not ok, "", "", "", "[]", False, "[]", "{}", now, now))  # fmt: skip
        insert_rows(
            Measurement,
            ["report_id", "enterprise_id", "district", "post_id", "factor_id", "kind", "measured_on", "inputs", "unit",
             "exposure_level", "compliant", "over_limit", "grade_level", "grade_label", "grade_standard", "limits", "verified",
             "explanation", "mixture", "created_at", "updated_at"],
            rows,
        )  # fmt: skip
        bad = list(
            Measurement.objects.filter(compliant=False)
            .order_by("pk")
            .values_list("pk", "enterprise_id", "district", "post_id", "factor_id")
        )
        insert_rows(
            RectificationTask,
            ["enterprise_id", "district", "post_id", "factor_id", "measurement_id", "finding", "required_measures",
             "deadline", "status", "created_at", "updated_at", "mixture_group"],
            [(e, d, p, f, m, "超标", '["工程控制"]', today + dt.timedelta(days=30), "open", now, now, "")
             for m, e, d, p, f in bad[::2]],
        )  # fmt: skip


ANALYSED = (
    "registry_enterprise", "registry_workplace", "registry_post", "registry_postexposure",
    "declarations_declaration", "declarations_declarationhazard", "monitoring_detectionreport",
    "monitoring_measurement", "monitoring_rectificationtask", "supervision_earlywarning",
    "supervision_riskassessment", "core_auditlog",
)  # fmt: skip


def loadavg() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--url", default=os.environ.get("OHSTEWARD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--quick", action="store_true", help="existing data: incremental and pages only")
    args = parser.parse_args()
    setup_django(args.url)
    from django.urls import reverse

    from ohsteward.supervision.models import RiskAssessment

    reverse("supervision:warning_list")  # load the URL configuration as a running server has it
    today = dt.date.today()
    print(f"load average before: {loadavg()}")
    if args.quick and RiskAssessment.objects.exists():
        full(args.employers, today, skip=True)
    else:
        wipe()
        t = time.perf_counter()
        populate(args, today)
        print(f"generation: {time.perf_counter() - t:.1f} s")
        full(args.employers, today)
    timings(args, today)


def full(n: int, today: dt.date, skip: bool = False) -> None:
    """The full recompute and warnings refresh, timed (``skip``: not run), then the statistics."""
    from django.db import connection  # local: Django is set up in main()

    from ohsteward.supervision import recompute, warnings
    from ohsteward.supervision.models import EarlyWarning, RiskAssessment

    def timed(label: str, fn):
        t0 = time.perf_counter()
        out = fn()
        s = time.perf_counter() - t0
        print(f"{label}: {s:.1f} s ({n / s:,.0f} employers/s) → {out}")

    if not skip:
        timed("recompute, first (all new)", lambda: recompute.recompute(on=today).written)
        timed("recompute, second (unchanged)", lambda: recompute.recompute(on=today).written)
        timed("warnings refresh, first", lambda: warnings.refresh(None, today))
        timed("warnings refresh, second", lambda: warnings.refresh(None, today))
    print(
        f"assessments {RiskAssessment.objects.count():,}, open warnings {EarlyWarning.objects.open().count():,}"
    )

    # what autovacuum does on a live database after bulk writes: statistics and the visibility map
    # (without them the planner expects ~100 open warnings and skips the index-only scans, and
    # plans the one-employer reads of the never-analysed register tables as sequential scans)
    with connection.cursor() as cursor:
        for table in ANALYSED:
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"vacuum analyze done, load average: {loadavg()}")


def timings(args, today) -> None:
    from django.db import connection
    from django.test import Client  # local: Django is set up in main()
    from django.test.utils import CaptureQueriesContext

    from ohsteward.accounts.actions import user_create
    from ohsteward.accounts.models import User
    from ohsteward.registry.models import Enterprise
    from ohsteward.supervision import actions

    every = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    ids = random.Random(args.seed).sample(every, min(args.requests + 2, len(every)))
    for pk in ids[:2]:  # warm-up: the factor catalogue cached, as in a running server
        actions.risk_refresh(enterprise_ids=[pk], on=today)
    ids = ids[2:]
    one, cpu = [], []
    for pk in ids:
        t0, c0 = time.perf_counter(), time.process_time()
        actions.risk_refresh(enterprise_ids=[pk], on=today)
        one.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    with CaptureQueriesContext(connection) as queries:
        actions.risk_refresh(enterprise_ids=[ids[0]], on=today)
    print(
        f"incremental one employer: p50 {pct(one, 50):.0f} ms, p95 {pct(one, 95):.0f} ms "
        f"(Python CPU p50 {pct(cpu, 50):.0f} ms; {len(queries.captured_queries)} statements)"
    )

    district = Enterprise.objects.filter(pk__in=ids[:1]).values_list("region_id", flat=True).first()
    officer = User.objects.filter(username=f"bench_sup_{district}").first() or user_create(
        username=f"bench_sup_{district}", password="Bench-pass-2026", role="district_admin", region_code=district,
        check_password=False,
    )  # fmt: skip
    client = Client(HTTP_HOST="localhost")
    client.force_login(officer)

    def page(url: str) -> list[float]:
        times = []
        for k in range(args.requests + 5):
            t0 = time.perf_counter()
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            if k >= 5:
                times.append((time.perf_counter() - t0) * 1000)
        return times

    w = page(f"/supervision/warnings/?open=true&region={district}")
    print(f"district warnings list (first page): p50 {pct(w, 50):.0f} ms, p95 {pct(w, 95):.0f} ms")
    uscc = Enterprise.objects.get(pk=ids[0]).uscc
    p = page(f"/supervision/enterprises/{uscc}/portrait/")
    print(f"portrait page: p50 {pct(p, 50):.0f} ms, p95 {pct(p, 95):.0f} ms")
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    main()
