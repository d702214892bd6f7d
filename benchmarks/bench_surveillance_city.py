"""The exam-schedule recompute at city scale (issue 12 Performance: "Recomputing every worker's
next due date: < 60 s for the city", 1,500,000 workers) — PostgreSQL only.

    createdb -h 127.0.0.1 -U postgres ohs_surv_city
    OHSTEWARD_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ohs_surv_city \\
        python benchmarks/bench_surveillance_city.py --workers 1500000 [--reference /path/to/old/src]

Data are generated in SQL (``generate_series``), not through the actions: the recompute reads
neither names nor ID numbers, so the ID cipher is a placeholder and the keyed hash a digest of
the row number (the roster importer and the encryption are measured elsewhere). What is made:
a register from ``synth`` (employers, workshops, posts with hazard factors), ``--workers``
workers on a random exposed post (10 % a second post, 3 % a first post that ended, 2 % leaving
within weeks), ~1.7 exams per worker on average for 80 % of them, spread over three years so
both GBZ 188 editions apply (2026-08-01 switch), measurements for ~40 % of post × factor pairs
(noise levels, 作业分级 incl. unreadable ones; the rest unmeasured → the stricter band), and
2,000 acute exposures.

Timed in a subprocess, wall and CPU (the Python process and its PostgreSQL backend — CPU does not
depend on how loaded the shared machine is): this tree's recompute after blanking every worker's
plan ("first run", every plan written) and again at once ("nightly", nothing changed); with
``--reference SRC`` (e.g. ``git archive main src | tar -x -C /tmp/ref``) the other tree's nightly
run on the same plans — it writes only plans it computes differently, so an unchanged digest (a
sum of per-row md5s over every worker's plan) means identical output; ``--reference-first`` also
times the reference's first run.

Then (``--requests N``, default 20; 0 skips it) a district's overdue list as the district officer
(``district_admin`` of 渝北 500112, the district with the most employers in ``synth``) loads it
through Django's test client — the whole page: view, scope, filter, count, first page of 50 rows,
template — ``/surveillance/workers/?due=overdue`` and the API
``/api/v1/workers/?due=overdue``: median and p95 (issue 12 Performance: "A district's overdue list
first page: p95 < 100 ms"). ``--lists-only`` skips the recompute (the plans as found).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

GENERATE = """
CREATE TEMP TABLE bp AS
    SELECT (row_number() OVER (ORDER BY p.id)) - 1 AS n, p.id AS post_id, w.enterprise_id, e.region_id
    FROM registry_post p JOIN registry_workplace w ON w.id = p.workplace_id
    JOIN registry_enterprise e ON e.id = w.enterprise_id
    WHERE EXISTS (SELECT 1 FROM registry_postexposure e WHERE e.post_id = p.id);
CREATE INDEX ON bp (n);
INSERT INTO surveillance_person
    (created_at, updated_at, name, id_number_cipher, id_number_hmac, id_number_masked, sex, birth_date)
SELECT now(), now(), 'bench' || i, 'bench-placeholder', md5(i::text) || md5('h' || i),
       '500101********000X', CASE WHEN i %% 2 = 0 THEN 'male' ELSE 'female' END,
       date '1965-01-01' + (i %% 12000)
FROM generate_series(%(have)s + 1, %(total)s) AS i;
INSERT INTO surveillance_worker
    (created_at, updated_at, name, phone, employee_number, employment_type, dispatcher, radiation_use,
     hire_date, leave_date, next_exam_kind, schedule_note, enterprise_id, person_id, district)
SELECT now(), now(), p.name, '', '', 'contract', '', '',
       %(today)s::date - (30 + (s.i::bigint * 7919) %% 3970)::int,
       CASE WHEN s.i %% 50 = 0 THEN %(today)s::date - 20 + (s.i %% 90) END, '', '',
       bp.enterprise_id, p.id, bp.region_id
FROM (SELECT id, name, substr(name, 6)::int AS i FROM surveillance_person
      WHERE name LIKE 'bench%%' AND substr(name, 6)::int > %(have)s) AS s
JOIN surveillance_person p ON p.id = s.id
JOIN bp ON bp.n = (s.i::bigint * 104729) %% (SELECT count(*) FROM bp);
CREATE TEMP TABLE bw AS
    SELECT w.id, substr(w.name, 6)::int AS i, w.hire_date FROM surveillance_worker w
    WHERE w.name LIKE 'bench%%' AND substr(w.name, 6)::int > %(have)s;
INSERT INTO surveillance_workerpost (created_at, updated_at, start_date, end_date, post_id, worker_id)
SELECT now(), now(), bw.hire_date,
       CASE WHEN bw.i %% 33 = 0 THEN bw.hire_date + 20 END,
       (SELECT post_id FROM bp WHERE bp.n = (bw.i::bigint * 104729) %% (SELECT count(*) FROM bp)), bw.id
FROM bw;
INSERT INTO surveillance_workerpost (created_at, updated_at, start_date, end_date, post_id, worker_id)
SELECT now(), now(), LEAST(bw.hire_date + 25, %(today)s::date), NULL,
       (SELECT post_id FROM bp WHERE bp.n = (bw.i::bigint * 7907) %% (SELECT count(*) FROM bp)), bw.id
FROM bw WHERE bw.i %% 10 = 3 OR bw.i %% 33 = 0;
INSERT INTO surveillance_exam (created_at, updated_at, date, kind, report_number, institution_id, worker_id, batch_id)
SELECT now(), now(),
       CASE WHEN bw.i %% 10 < 3 THEN bw.hire_date
            ELSE GREATEST(bw.hire_date, %(today)s::date - ((bw.i * 31) %% 1100)) END,
       CASE WHEN bw.i %% 10 < 3 THEN 'pre' WHEN bw.i %% 97 = 0 THEN 'exit' ELSE 'periodic' END,
       '', %(institution)s, bw.id, %(batch)s
FROM bw WHERE bw.i %% 10 < 8;
INSERT INTO surveillance_exam (created_at, updated_at, date, kind, report_number, institution_id, worker_id, batch_id)
SELECT now(), now(), GREATEST(bw.hire_date, %(today)s::date - 400 - ((bw.i * 17) %% 700)), 'periodic',
       '', %(institution)s, bw.id, %(batch)s
FROM bw WHERE bw.i %% 10 < 8 AND bw.i %% 10 >= 3
ON CONFLICT DO NOTHING;
INSERT INTO surveillance_exam (created_at, updated_at, date, kind, report_number, institution_id, worker_id, batch_id)
SELECT now(), now(), %(today)s::date - ((bw.i * 13) %% 300), 'periodic', '', %(institution)s, bw.id, %(batch)s
FROM bw WHERE bw.i %% 10 = 1
ON CONFLICT DO NOTHING;
INSERT INTO surveillance_acuteexposure (created_at, updated_at, occurred_on, note, hazard_factor_id, worker_id)
SELECT now(), now(), %(today)s::date - (bw.i %% 400), '', (SELECT min(id) FROM hazards_hazardfactor), bw.id
FROM bw WHERE bw.i %% 750 = 7;
"""

MEASURE = """
INSERT INTO monitoring_measurement
    (created_at, updated_at, kind, measured_on, inputs, unit, exposure_level, grade_level, grade_label,
     grade_standard, limits, verified, explanation, mixture, enterprise_id, factor_id, post_id, report_id, l_ex_8h,
     district, over_limit)
SELECT now(), now(), CASE WHEN f.code = '3008' THEN 'noise' ELSE 'chemical' END,
       %(today)s::date - (e.id %% 700)::int, '{}', '', '',
       CASE WHEN f.code = '3008' THEN '' ELSE (ARRAY['0', 'I', 'II', 'III', 'x'])[1 + (e.id %% 5)::int] END,
       '', '', '[]', false, '[]', '[]', w.enterprise_id, e.hazard_factor_id, e.post_id, %(report)s,
       CASE WHEN f.code = '3008' THEN 76 + (e.id %% 14) END,
       (SELECT region_id FROM registry_enterprise WHERE id = w.enterprise_id), false
FROM registry_postexposure e JOIN hazards_hazardfactor f ON f.id = e.hazard_factor_id
JOIN registry_post p ON p.id = e.post_id JOIN registry_workplace w ON w.id = p.workplace_id
WHERE e.id %% 5 < 2;
"""

DIGEST = (  # order-free: a sum of per-row hashes (a 1.5 M-row string_agg would not fit in memory)
    "SELECT count(*), sum(('x' || substr(md5(concat_ws('|', id, last_exam_on, next_exam_due, next_exam_kind, "
    "schedule_note)), 1, 15))::bit(60)::bigint::numeric) FROM surveillance_worker"
)
BLANK = "UPDATE surveillance_worker SET last_exam_on = NULL, next_exam_due = NULL, next_exam_kind = '', schedule_note = ''"


def uptime() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


RECOMPUTE = """
import os, time, django
django.setup()
from django.db import connection
from ohsteward.surveillance import actions

def backend_cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
local = os.path.exists(f"/proc/{pid}/stat")  # the database runs on this machine
b0 = backend_cpu(pid) if local else 0.0
t0, c0 = time.perf_counter(), time.process_time()
actions.workers_recompute_due()
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(wall, cpu, (backend_cpu(pid) - b0) if local else -1)
"""


def recompute_in(src: Path) -> tuple[float, float, float]:
    """Run ``workers_recompute_due()`` of the tree at ``src`` in a fresh process: (wall seconds,
    CPU seconds of the Python process, CPU seconds of its PostgreSQL backend — -1 if remote).
    The CPU figures do not depend on how loaded the shared machine is; the wall time does."""
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run(
        [sys.executable, "-c", RECOMPUTE], env=env, check=True, capture_output=True, text=True
    )
    wall, cpu, backend = (float(x) for x in out.stdout.strip().splitlines()[-1].split())
    return wall, cpu, backend


def fmt(figures: tuple[float, float, float]) -> str:
    wall, cpu, backend = figures
    return f"wall {wall:.1f} s, CPU python {cpu:.1f} s + postgres {backend:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1_500_000)
    parser.add_argument("--employers", type=int, default=20_000)
    parser.add_argument("--reference", type=Path, help="another src/ tree to time on the same data")
    parser.add_argument(
        "--no-first", action="store_true", help="keep the plans found; time nightly runs only"
    )
    parser.add_argument("--reference-first", action="store_true", help="also time the reference's first run")
    parser.add_argument("--profile", type=Path, help="write a cProfile of this tree's first run here")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per list page (0: none)")
    parser.add_argument("--lists-only", action="store_true", help="time the lists only, not the recompute")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    os.environ.setdefault("OHSTEWARD_STATIC_MANIFEST", "0")  # the list pages render without collectstatic
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only (OHSTEWARD_DATABASE_URL)")
    call_command("migrate", verbosity=0)
    from ohsteward.demo.synth import synth_enterprises, synth_workplaces
    from ohsteward.institutions.models import Institution
    from ohsteward.monitoring.models import DetectionReport
    from ohsteward.registry.models import Enterprise
    from ohsteward.surveillance import actions
    from ohsteward.surveillance.exams.models import ExamBatch
    from ohsteward.surveillance.models import Person, Worker

    today = timezone.localdate()
    if not Enterprise.objects.exists():
        synth_enterprises(args.employers, 1)
        synth_workplaces(1, limit=args.employers // 4)
    have = Worker.objects.count()
    if have < args.workers:
        t0 = time.perf_counter()
        enterprise = Enterprise.objects.order_by("pk").first()
        inst, _ = Institution.objects.get_or_create(
            uscc="12500000MB1234567X", defaults={"name": "基准职业健康检查机构", "kinds": ["exam"]}
        )
        batch = ExamBatch.objects.filter(institution=inst).first() or ExamBatch.objects.create(
            enterprise=enterprise, institution=inst, source="file", filename="bench.xlsx"
        )
        with connection.cursor() as cursor:
            params = {
                "have": have,
                "total": args.workers,
                "today": today,
                "institution": inst.pk,
                "batch": batch.pk,
            }
            people = Person.objects.count()
            for statement in GENERATE.split(";\n"):
                if statement.strip() and not (
                    people >= args.workers and "INTO surveillance_person" in statement
                ):
                    cursor.execute(statement, params)
            if not DetectionReport.objects.exists():
                report = DetectionReport.objects.create(
                    kind="periodic",
                    number="BENCH-1",
                    enterprise=enterprise,
                    institution=inst,
                    sampling_start=today,
                )
                cursor.execute(MEASURE, {"today": today, "report": report.pk})
            cursor.execute("ANALYZE")
        print(f"generated {args.workers - have} workers in {time.perf_counter() - t0:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in (
            "surveillance_worker",
            "surveillance_workerpost",
            "surveillance_exam",
            "monitoring_measurement",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            print(f"{table}: {cursor.fetchone()[0]}")

    def digest() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(DIGEST)
            return cursor.fetchone()

    def blank() -> None:
        with connection.cursor() as cursor:
            cursor.execute(BLANK)
            cursor.execute("VACUUM ANALYZE surveillance_worker")

    if args.lists_only:  # the plans and the table as found
        time_lists(args.requests)
        return
    if args.profile:
        import cProfile  # local: only with --profile

        blank()
        profiler = cProfile.Profile()
        t0 = time.perf_counter()
        profiler.runcall(actions.workers_recompute_due)
        print(f"this tree under cProfile: first run {time.perf_counter() - t0:.1f} s", flush=True)
        profiler.dump_stats(args.profile)
    if args.no_first:  # the plans of an earlier run stay: only the nightly runs are timed
        got = digest()
        print(f"plans as found: {got[0]} workers, digest {got[1]}", flush=True)
    else:
        blank()
        load = uptime()
        first = recompute_in(SRC)
        got = digest()
        print(
            f"this tree: first run {fmt(first)} (load {load}); {got[0]} workers, digest {got[1]}", flush=True
        )
    load = uptime()
    nightly = recompute_in(SRC)
    print(f"this tree: nightly {fmt(nightly)} (load {load}); digest unchanged: {digest() == got}", flush=True)
    if args.requests > 0:
        # right after a run that rewrote every plan the visibility map is cleared (index-only
        # scans read the heap) until autovacuum has been through the table; this server runs
        # with autovacuum off, so the bench times the lists before and after a VACUUM
        print("lists right after the runs (no VACUUM since the first run):", flush=True)
        time_lists(args.requests)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE surveillance_worker")
        print(
            f"VACUUM ANALYZE surveillance_worker (what autovacuum would do): {time.perf_counter() - t0:.1f} s"
        )
        print("lists after the VACUUM:", flush=True)
        time_lists(args.requests)  # on this tree's plans, before the reference runs
    if args.reference:
        # the reference's nightly run on the plans this tree wrote: it writes only plans it
        # computes differently, so an unchanged digest means the two agree on every worker
        load = uptime()
        ref = recompute_in(args.reference)
        again = digest()
        print(f"reference: nightly {fmt(ref)} (load {load}); digest {again[1]}", flush=True)
        print("identical output:", again == got)
        if args.reference_first:
            blank()
            load = uptime()
            ref_first = recompute_in(args.reference)
            print(f"reference: first run {fmt(ref_first)} (load {load}); identical: {digest() == got}")


def time_lists(requests: int) -> None:
    """The district officer's overdue list, web page and API, first page: median and p95 in ms."""
    if requests <= 0:
        return
    import statistics

    from django.test import Client
    from django.test.utils import override_settings

    from ohsteward.accounts.actions import user_create
    from ohsteward.accounts.models import User
    from ohsteward.surveillance.models import Worker

    officer = User.objects.filter(username="bench_city_yubei").first() or user_create(
        username="bench_city_yubei", password="Bench-pass-2026", role="district_admin", region_code="500112",
        check_password=False,
    )  # fmt: skip
    from django.utils import timezone

    overdue = Worker.objects.for_user(officer).overdue(timezone.localdate()).count()
    print(f"district 500112: {overdue} overdue workers", flush=True)
    with override_settings(ALLOWED_HOSTS=["localhost", "testserver"]):
        client = Client(HTTP_HOST="localhost")
        client.force_login(officer)
        for url in ("/surveillance/workers/?due=overdue", "/api/v1/workers/?due=overdue"):
            response = client.get(url)  # warm: templates, the session, the plan cache
            assert response.status_code == 200, (url, response.status_code)
            load = uptime()
            times = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"GET {url}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms "
                f"({requests} requests, load {load})",
                flush=True,
            )


if __name__ == "__main__":
    main()
