"""Measure institution grading and the institutions list at city scale on PostgreSQL.

    python benchmarks/bench_institutions.py --institutions 300 --employers 100000 --requests 200

Against ``OHSTEWARD_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/ohs_instbench``;
created when missing and migrated):

1. employers: ``ohsteward.demo.synth.synth_enterprises`` (COPY) up to ``--employers``;
2. institutions (every kind, 10 % out of province with a QC number), two qualifications (one
   expiring within 90 days for every tenth institution) and ten staff each, engagements so that
   every employer is a client of one to two institutions, the year's QC plan with an inspection
   for every institution (90 % recorded, 15 % of those 不合格 with rectification demands, some
   closed), three proficiency rounds with every institution of the relevant kind on the list and a
   result for 95 % of places, the year's performance evaluation (checklist v1) for 85 % of
   institutions. Bulk inserts (the setup is not what is measured);
3. times ``grades_compute`` (every institution's colour for the year, stored with audit entries)
   and ``queries.year_figures`` (QC coverage, out-of-province coverage, rectification rate,
   proficiency participation) as the city;
4. times the institutions list with colours: the web page ``/institutions/`` and the API
   ``/api/v1/institutions/`` as a city user and as a district officer (Django test client in
   process, as bench_registry), p50/p95.

``--activities N`` (default 200,000, the issue's "detection reports and exam batches a year")
adds, with ``INSERT … SELECT generate_series`` in SQL (not the ORM), N/2 detection reports by
hygiene-service institutions and N/2 exam batches by exam institutions over the year, each on an
engagement's (institution, employer) pair, and one report card per activity with its deadline from
the v1 card rules (80 % filed on time, 10 % late, 10 % not filed); ``--exam-results M`` (default
5,000,000) adds M/10 workers (one person each), two exams per worker in the year's batches and
five results per exam. Grading then reads the cards (上报率/及时率 factors).

``--write-docs`` replaces the section "Institutions: grading and list" of docs/performance.md.
The benchmark wipes the institutions tables of its database at each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_registry import create_database, pct  # noqa: E402  (after the path is set)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ohs_instbench"
SECTION = "## Institutions: grading and list"
KINDS = ["hygiene_service", "radiation_service", "exam", "diagnosis", "rehab_station", "engineering_centre"]
KIND_WEIGHTS = [45, 10, 25, 10, 8, 2]


def setup_django(url: str) -> None:
    os.environ["OHSTEWARD_DATABASE_URL"] = url
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    os.environ.setdefault("OHSTEWARD_STATIC_MANIFEST", "0")  # pages render without collectstatic
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_employers(n: int, seed: int) -> int:
    from ohsteward.demo.synth import synth_enterprises
    from ohsteward.registry.models import Enterprise

    have = Enterprise.objects.count()
    if have < n:
        synth_enterprises(n, seed)
    return Enterprise.objects.count()


def wipe() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE institutions_institutiongrade, institutions_rectification, "
            "institutions_performanceevaluation, institutions_referral, institutions_technicalguidance, "
            "institutions_qcinspection, institutions_qcplan, institutions_proficiencyresult, "
            "institutions_proficiencyround, institutions_engagement, institutions_staffmember, "
            "institutions_qualification, institutions_institution RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM core_auditlog")
        cursor.execute(
            "TRUNCATE institutions_reportcard, surveillance_examresult, surveillance_exam, "
            "surveillance_exambatch, monitoring_detectionreport RESTART IDENTITY CASCADE"
        )


def activities(n: int, exam_results: int, year: int) -> dict[str, int]:
    """Detection reports, exam batches, their report cards and exam results, generated in SQL."""
    from django.db import connection

    from ohsteward.institutions import rules

    days = {k: v.days for k, v in rules.load_card_rules().kinds.items()}
    half = n // 2
    sql = [
        # the (institution, employer) pairs of each kind's engagements, numbered
        """CREATE TEMP TABLE bench_pairs AS
           SELECT row_number() OVER (ORDER BY e.id) AS rn, e.institution_id, e.enterprise_id, %(kind)s AS kind
           FROM institutions_engagement e JOIN institutions_institution i ON i.id = e.institution_id
           WHERE i.kinds @> to_jsonb(ARRAY[%(kind)s]::text[])""",
    ]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_pairs")
        cursor.execute(sql[0], {"kind": "hygiene_service"})
        cursor.execute("SELECT count(*) FROM bench_pairs")
        hyg = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO monitoring_detectionreport (created_at, updated_at, kind, number, institution_id,
                   enterprise_id, sampling_start, sampling_end, issued_on, note)
               SELECT now(), now(), 'periodic', 'BR' || g, p.institution_id, p.enterprise_id,
                      make_date(%(y)s, 1, 1) + g %% 330, make_date(%(y)s, 1, 1) + g %% 330 + 2,
                      make_date(%(y)s, 1, 1) + g %% 330 + 20, ''
               FROM generate_series(1, %(n)s) g JOIN bench_pairs p ON p.rn = 1 + g %% %(c)s""",
            {"y": year, "n": half, "c": hyg},
        )
        counts["detection reports"] = cursor.rowcount
        cursor.execute("DROP TABLE bench_pairs")
        cursor.execute(sql[0], {"kind": "exam"})
        cursor.execute("SELECT count(*) FROM bench_pairs")
        exam = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO surveillance_exambatch (created_at, updated_at, enterprise_id, institution_id,
                   source, filename, expected)
               SELECT make_timestamptz(%(y)s, 1, 1, 8, 0, 0) + ((g %% 330) || ' days')::interval, now(),
                      p.enterprise_id, p.institution_id, 'file', 'bench.xlsx', 20
               FROM generate_series(1, %(n)s) g JOIN bench_pairs p ON p.rn = 1 + g %% %(c)s""",
            {"y": year, "n": n - half, "c": exam},
        )
        counts["exam batches"] = cursor.rowcount
        # one card per activity: filed on time (80 %), late (10 %), not filed (10 %)
        for app, kind, table, on in (
            ("monitoring.detectionreport", "service_info", "monitoring_detectionreport", "a.issued_on"),
            ("surveillance.exambatch", "exam_case", "surveillance_exambatch", "a.created_at::date"),
        ):
            cursor.execute(
                f"""INSERT INTO institutions_reportcard (created_at, updated_at, institution_id, enterprise_id,
                       kind, activity_app, activity_id, activity_label, performed_on, due_on, rules_version,
                       reported_on)
                    SELECT now(), now(), a.institution_id, a.enterprise_id, %(kind)s, %(app)s, a.id, '',
                           {on}, {on} + %(days)s, 'v1',
                           CASE WHEN a.id %% 10 < 8 THEN {on} + (a.id %% %(days)s)::int
                                WHEN a.id %% 10 = 8 THEN {on} + (%(days)s + 1 + a.id %% 20)::int END
                    FROM {table} a""",
                {"kind": kind, "app": app, "days": days[kind]},
            )
            counts[f"{kind} cards"] = cursor.rowcount
        cursor.execute("DROP TABLE bench_pairs")
        cursor.execute("SELECT id FROM hazards_hazardfactor ORDER BY id LIMIT 5")
        factors = [r[0] for r in cursor.fetchall()]
        if exam_results and len(factors) == 5:
            workers = exam_results // 10
            cursor.execute(
                """INSERT INTO surveillance_person (created_at, updated_at, name, id_number_cipher, id_number_hmac,
                       id_number_masked, sex, birth_date)
                   SELECT now(), now(), '劳动者' || g, 'bench', md5('p' || g) || md5('q' || g),
                          '500***********' || lpad((g %% 10000)::text, 4, '0'), 'male', DATE '1980-01-01' + g %% 9000
                   FROM generate_series(1, %(w)s) g""",
                {"w": workers},
            )
            cursor.execute(
                """INSERT INTO surveillance_worker (created_at, updated_at, person_id, enterprise_id, name, phone,
                       employee_number, employment_type, dispatcher, radiation_use, hire_date, next_exam_kind,
                       schedule_note, district)
                   SELECT now(), now(), p.id, b.enterprise_id, p.name, '', '', 'contract', '', '', DATE '2020-01-01',
                          '', '', (SELECT region_id FROM registry_enterprise WHERE id = b.enterprise_id)
                   FROM (SELECT id, name, row_number() OVER (ORDER BY id) AS rn FROM surveillance_person) p
                   JOIN (SELECT enterprise_id, row_number() OVER (ORDER BY id) AS rn FROM surveillance_exambatch) b
                     ON b.rn = 1 + p.rn %% %(b)s""",
                {"b": counts["exam batches"]},
            )
            counts["workers"] = cursor.rowcount
            cursor.execute(
                """INSERT INTO surveillance_exam (created_at, updated_at, batch_id, worker_id, date, kind,
                       institution_id, report_number)
                   SELECT now(), now(), b.id, w.id, b.created_at::date + k, 'periodic', b.institution_id, ''
                   FROM surveillance_worker w CROSS JOIN generate_series(0, 1) k
                   JOIN LATERAL (SELECT id, created_at, institution_id FROM surveillance_exambatch
                                 WHERE enterprise_id = w.enterprise_id ORDER BY id OFFSET k LIMIT 1) b ON true"""
            )
            counts["exams"] = cursor.rowcount
            cursor.execute(
                """INSERT INTO surveillance_examresult (exam_id, factor_id, conclusion, items, recheck_items)
                   SELECT e.id, f, CASE WHEN e.id %% 17 = 0 THEN 'b' ELSE 'a' END, '', ''
                   FROM surveillance_exam e CROSS JOIN unnest(%(f)s::bigint[]) f""",
                {"f": factors},
            )
            counts["exam results"] = cursor.rowcount
        cursor.execute("ANALYZE")
    return counts


def populate(n: int, year: int, seed: int) -> dict[str, int]:
    from django.db import connection, transaction

    from ohsteward.institutions.models import (
        Engagement,
        Institution,
        PerformanceEvaluation,
        ProficiencyResult,
        ProficiencyRound,
        QcInspection,
        QcPlan,
        Qualification,
        Rectification,
        StaffMember,
    )
    from ohsteward.registry import rules as registry_rules
    from ohsteward.registry.models import Enterprise, Region

    rng = random.Random(f"instbench:{seed}")
    districts = list(Region.objects.filter(level="district").values_list("code", flat=True))
    today = dt.date(year, 12, 1)
    with transaction.atomic():
        institutions = []
        for k in range(n):
            out = k % 10 == 9
            kinds = [rng.choices(KINDS, KIND_WEIGHTS)[0]]
            if kinds[0] == "exam" and rng.random() < 0.3:
                kinds.append("diagnosis")
            body = f"12{'510100' if out else rng.choice(districts)}{k:08d}X"
            body = body[:16] + registry_rules.USCC_CHARSET[k % 31]
            institutions.append(
                Institution(
                    uscc=registry_rules.uscc_with_check(body),
                    name=f"基准测试机构{k:04d}",
                    kinds=kinds,
                    province="四川省" if out else "重庆市",
                    region_id=None if out else body[2:8],
                    qc_number=f"CQZK-{year}-{k:04d}" if out else "",
                    qc_issued_on=dt.date(year, 1, 10) if out else None,
                )
            )
        institutions = Institution.objects.bulk_create(institutions)
        quals, staff = [], []
        for i, inst in enumerate(institutions):
            soon = today + dt.timedelta(days=30 + i % 50) if i % 10 == 0 else dt.date(year + 3, 6, 30)
            quals.append(
                Qualification(institution=inst, kind="certificate", number=f"资{i}", valid_until=soon)
            )
            quals.append(Qualification(institution=inst, kind="filing", number=f"备{i}"))
            for s in range(10):
                staff.append(
                    StaffMember(
                        institution=inst,
                        name=f"人员{i}-{s}",
                        role="assessor",
                        certificate_number=f"证{i}-{s}",
                        certificate_valid_until=dt.date(year + 2, 1, 1),
                    )
                )
        Qualification.objects.bulk_create(quals)
        StaffMember.objects.bulk_create(staff, batch_size=2000)
        employer_ids = list(Enterprise.objects.values_list("pk", flat=True))
        engagements = []
        for pk in employer_ids:
            for inst in rng.sample(institutions, rng.choice([1, 1, 2])):
                engagements.append(
                    Engagement(
                        institution=inst,
                        enterprise_id=pk,
                        kind="contract",
                        start_date=dt.date(year - 1, rng.randint(1, 12), 1),
                    )
                )
        Engagement.objects.bulk_create(engagements, batch_size=5000)
        plan = QcPlan.objects.create(year=year, name="基准质控计划", seed="bench", fraction=1)
        inspections = []
        for inst in institutions:
            recorded = rng.random() < 0.9
            fail = recorded and rng.random() < 0.15
            inspections.append(
                QcInspection(
                    plan=plan,
                    institution=inst,
                    year=year,
                    status="recorded" if recorded else "planned",
                    inspected_on=dt.date(year, rng.randint(3, 10), 15) if recorded else None,
                    score=(rng.randint(45, 69) if fail else rng.randint(70, 99)) if recorded else None,
                    result=("fail" if fail else "pass") if recorded else "",
                    findings="原始记录与报告不一致" if fail else "",
                )
            )
        inspections = QcInspection.objects.bulk_create(inspections)
        demands = []
        for ins in inspections:
            if ins.result == "fail":
                closed = rng.random() < 0.5
                demands.append(
                    Rectification(
                        inspection=ins,
                        demand="限期整改原始记录",
                        issued_on=dt.date(year, 10, 20),
                        deadline=dt.date(year, 11, rng.randint(1, 28)),
                        status="closed" if closed else "open",
                        closed_on=dt.date(year, 11, 29) if closed else None,
                    )
                )
        Rectification.objects.bulk_create(demands)
        results = []
        for kind, serves in (
            ("noise", {"hygiene_service"}),
            ("lab", {"hygiene_service", "radiation_service"}),
            ("sampling", {"hygiene_service"}),
        ):
            round_ = ProficiencyRound.objects.create(year=year, kind=kind, name=f"{year}年{kind}")
            for inst in institutions:
                if serves & set(inst.kinds):
                    done = rng.random() < 0.95
                    results.append(
                        ProficiencyResult(
                            round=round_,
                            institution=inst,
                            outcome=rng.choices(
                                ["satisfactory", "questionable", "unsatisfactory"], [80, 15, 5]
                            )[0]
                            if done
                            else "",
                            recorded_on=dt.date(year, 9, 1) if done else None,
                        )
                    )
        ProficiencyResult.objects.bulk_create(results)
        from ohsteward.institutions import rules  # the checklist the evaluations are scored on

        checklist = rules.load_checklist()
        evaluations = []
        for inst in institutions:
            if rng.random() < 0.85:
                scores = {
                    i.code: float(rng.randint(int(i.max_points * 0.5), int(i.max_points)))
                    for i in checklist.items
                }
                evaluations.append(
                    PerformanceEvaluation(
                        institution=inst,
                        year=year,
                        checklist_version=checklist.version,
                        scores=[{"code": c, "score": v, "evidence": ""} for c, v in scores.items()],
                        total=rules.evaluation_total(scores, checklist),
                        evaluated_on=dt.date(year, 11, 1),
                    )
                )
        PerformanceEvaluation.objects.bulk_create(evaluations)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "institutions": len(institutions),
        "qualifications": len(quals),
        "staff": len(staff),
        "engagements": len(engagements),
        "inspections": len(inspections),
        "rectifications": len(demands),
        "proficiency places": len(results),
        "performance evaluations": len(evaluations),
    }


def bench_user(username: str, role: str, region: str | None):
    from ohsteward.accounts.actions import role_assign
    from ohsteward.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=None)
    role_assign(user=user, role=role, region_code=region)
    return User.objects.get(pk=user.pk)


def time_grading(year: int, repeat: int) -> tuple[list[float], list[float], dict]:
    from ohsteward.core.audit import audit_context
    from ohsteward.institutions import actions, queries

    city = bench_user("bench_city", "city_admin", None)
    grading, figures = [], []
    result: dict = {}
    for _ in range(repeat):
        start = time.perf_counter()
        with audit_context(city, "web"):
            result = actions.grades_compute(user=city, year=year)
        grading.append(time.perf_counter() - start)
        start = time.perf_counter()
        result["figures"] = queries.year_figures(city, year)
        figures.append(time.perf_counter() - start)
    return grading, figures, result


def time_lists(requests: int, seed: int, district: str, year: int) -> dict[str, list[float]]:
    from django.test import Client

    from ohsteward.institutions.models import Institution

    rng = random.Random(seed)
    users = {
        "city": bench_user("bench_city", "city_admin", None),
        "district": bench_user("bench_district_inst", "district_admin", district),
    }
    timings: dict[str, list[float]] = {}
    for who, user in users.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        pages = max(1, Institution.objects.for_user(user).count() // 50)  # pages of 50 that exist
        for what, base in (("web", "/institutions/"), ("api", "/api/v1/institutions/")):

            def url(base=base, pages=pages) -> str:
                choice = rng.random()
                if choice < 0.5:
                    return base
                if choice < 0.7:
                    return f"{base}?page={rng.randint(1, pages)}"
                if choice < 0.85:
                    return f"{base}?kind=hygiene_service"
                return f"{base}?q=基准测试机构00"

            for _ in range(5):
                client.get(url())
            key = f"{what} · {who}"
            for _ in range(requests):
                address = url()
                start = time.perf_counter()
                response = client.get(address)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{address} as {who} answered {response.status_code}")
                timings.setdefault(key, []).append(elapsed)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=300)
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="grading runs (median reported)")
    parser.add_argument("--activities", type=int, default=200_000, help="detection reports + exam batches")
    parser.add_argument("--exam-results", type=int, default=5_000_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--district", default="500112")
    parser.add_argument("--database-url", default=os.environ.get("OHSTEWARD_DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("this benchmark needs PostgreSQL; set --database-url")
    setup_django(args.database_url)
    from django.db import connection

    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    employers = ensure_employers(args.employers, args.seed)
    print(f"employers: {employers:,} ({time.perf_counter() - t0:.1f} s)", flush=True)
    wipe()
    t0 = time.perf_counter()
    counts = populate(args.institutions, args.year, args.seed)
    if args.activities:
        counts.update(activities(args.activities, args.exam_results, args.year))
    print(f"populated {counts} in {time.perf_counter() - t0:.1f} s", flush=True)
    grading, figures, result = time_grading(args.year, args.repeat)
    colours: dict[str, int] = {}
    for g in result["graded"]:
        colours[g.colour] = colours.get(g.colour, 0) + 1
    print(f"grading runs {[f'{t:.2f}' for t in grading]} s; figures {[f'{t:.3f}' for t in figures]} s")
    lists = time_lists(args.requests, args.seed, args.district, args.year)
    load_after = os.getloadavg()[0]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    rows = [
        ("data", ", ".join(f"{v:,} {k}" for k, v in counts.items()) + f"; {employers:,} employers"),
        (
            f"grades_compute, {args.year}, every institution (median of {len(grading)})",
            f"{statistics.median(grading):.2f} s ({min(grading):.2f}–{max(grading):.2f}); "
            f"graded {len(result['graded'])}, ungraded {len(result['ungraded'])}; "
            + ", ".join(f"{k} {v}" for k, v in sorted(colours.items())),
        ),
        (
            "year_figures (QC coverage ×2, rectification rate, participation), city",
            f"{statistics.median(figures) * 1000:.0f} ms; "
            + "; ".join(f"{f.label} {f.rate}%" for f in result["figures"]),
        ),
    ]
    for key, values in sorted(lists.items()):
        rows.append(
            (
                f"institutions list, {key}",
                f"{len(values)} requests: p50 {pct(values, 50):.1f} ms · p95 {pct(values, 95):.1f} ms",
            )
        )
    width = max(len(k) for k, _ in rows)
    print()
    for key, value in rows:
        print(f"{key.ljust(width)}  {value}")
    if args.write_docs:
        write_docs(rows, args, pg_version, (load_before, load_after))
    return 0


def write_docs(rows, args, pg_version: str, load: tuple[float, float]) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    section = f"""{SECTION}

`python benchmarks/bench_institutions.py --institutions {args.institutions} --employers {args.employers} --requests {args.requests} --repeat {args.repeat} --write-docs`
on PostgreSQL {pg_version}, Python {platform.python_version()}, {os.cpu_count()} cores shared with
other sessions (measured {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, seed {args.seed}; 1-minute
load average {load[0]:.1f} at the start and {load[1]:.1f} at the end).

| measure | result |
| --- | --- |
{table}

- **Grading** is `institutions.actions.grades_compute(user=city, year=…)`: the year's recorded QC
  inspections, proficiency outcomes, rectification demands and performance-evaluation totals of
  every institution read in four queries (grouped in Python), `rules.grade` per institution, and one stored `InstitutionGrade` per
  institution with its audit entry (the first run creates, later runs update). Before this branch
  it read three queries per institution plus one for the existing grade (an N+1 of ~1,200
  queries at 300 institutions).
- **Figures** are `institutions.queries.year_figures` as the city: four counts from `for_user`.
- **Lists** are `GET /institutions/` (HTML, 50 a page, latest colour as a subquery) and
  `GET /api/v1/institutions/` through Django's test client in process, logged in (session) as a city
  admin and as the district officer of {args.district}; 5 warm-up requests per list not counted;
  mix: plain 50 %, `page=<random existing page of 50>` 20 %, `kind=hygiene_service` 15 %, `q=` name fragment 15 %.

Notes:

- Grading: four queries of reading for the whole city (plus the stored grades); the rest is one
  `full_clean()` (no queries: the institution and the pair were just read) + `save()` + audit entry
  per graded institution (3 queries each: the audit's previous state, the UPDATE or INSERT, the
  audit INSERT; 5 before this branch). The machine's
  load (other sessions' test suites) moves every figure by a factor of up to 3.
- Web list: 10 queries a page, no query per row (the list test asserts a constant count); most of
  the time is rendering the generic table template.
- Institutions without a performance evaluation and without a proficiency round (exam, diagnosis,
  rehabilitation, engineering kinds in this data) may fall below the v1 rules' 0.3 minimum of
  weight with data and stay ungraded — as the rules (未核对) decide.

Not yet measured: the reporting-rate and timeliness factors (信息报告卡上报率/及时率) have no data
— report cards need the monitoring and surveillance apps. The issue's 200,000 detection reports and
exam batches and 5,000,000 exam results do not exist yet; when they do, the reporting-rate
computation has to be measured on them.
"""
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main())
