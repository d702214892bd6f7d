"""Measure the measurement import with full judgement next to a raw COPY of the same rows (PostgreSQL).

    python benchmarks/bench_monitoring_import.py --rows 100000 --employers 10000 --write-docs

Against ``OHSTEWARD_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/ohs_bench``;
created and migrated when missing, which loads the reference data and the limit tables):

1. empties the register and COPYs N employers (``ohsteward.demo.synth.enterprise_rows``) into it,
   with one detection institution;
2. writes a .csv in the import template's headers: per employer one 定期检测 report and
   rows/employers post × factor rows (苯 and 甲苯 with two samples each incl. <LOD, 噪声 L_EX,8h, 矽尘
   with free SiO₂, 高温 WBGT with 接触时间率 and 体力劳动强度), about a quarter over the limit;
3. times ``MeasurementImporter().run(dry_run=False)`` as the CLI runs it (reading the file, every
   check, the judgement of every post × factor, reports/workplaces/posts created on the fly, COPY of
   the measurements, the audit entries) into an empty monitoring schema, then the same file again
   (nothing changes: the idempotent re-import);
4. COPYs the stored measurement rows (already typed) into a scratch table ``LIKE
   monitoring_measurement INCLUDING ALL`` in the same run: the import/COPY ratio is the headline.

The benchmark database is wiped of employers and monitoring data; do not point it at one you care
about.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_registry import DEFAULT_URL, setup_django  # noqa: E402  (after the path is set)

SECTION = "## Measurement import with judgement (issue 11 Performance)"

# (factor, row builder) — each returns the cells after 车间/岗位/危害因素 for the columns in HEAD
HEAD = ["报告编号", "报告类型", "检测机构信用代码", "用人单位统一社会信用代码", "采样日期", "车间", "岗位",
        "危害因素", "检测值", "采样时长(min)", "检出限", "L_EX,8h(dB(A))", "游离SiO2含量(%)", "WBGT(℃)",
        "接触时间率", "体力劳动强度", "粉尘类别"]  # fmt: skip


def measurement_rows(usccs: list[str], institution: str, rows: int, seed: int) -> list[list]:
    rng = random.Random(seed)
    per = max(1, rows // len(usccs))
    out: list[list] = []
    results = 0
    kinds = ["苯", "甲苯", "噪声", "矽尘", "高温"]
    for i, uscc in enumerate(usccs):
        head = [f"BM-{i:06d}", "定期检测", institution, uscc, "2026-03-10"]
        for j in range(per):
            if results >= rows:
                return out
            results += 1
            factor = kinds[j % len(kinds)]
            workplace, post = f"车间{j // 10 + 1}", f"岗位{j // 2 + 1}"
            blank = [None] * 9
            if factor in ("苯", "甲苯"):  # two samples of 240 min (one row per sample)
                limit = 6 if factor == "苯" else 50
                for _k in range(2):
                    cells = list(blank)
                    if rng.random() < 0.2:
                        cells[0:3] = ["<LOD", 240, round(limit * 0.01, 3)]
                    else:
                        cells[0:2] = [round(limit * rng.lognormvariate(-0.9, 0.7), 3), 240]
                    out.append([*head, workplace, post, factor, *cells])
                continue
            cells = list(blank)
            if factor == "噪声":
                cells[3] = round(rng.uniform(75, 92), 1)
            elif factor == "矽尘":
                cells[0:2] = [round(rng.lognormvariate(-1.5, 0.8), 3), 480]
                cells[4] = round(rng.uniform(10, 60), 1)
                cells[8] = "总尘"  # 矽尘 has 总尘 and 呼尘 rows: the fraction is stated
            else:
                cells[5], cells[6], cells[7] = round(rng.uniform(25, 33), 1), "75%", rng.choice(["Ⅱ", "Ⅲ"])
            out.append([*head, workplace, post, factor, *cells])
    return out


def write_csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEAD)
    writer.writerows(["" if v is None else v for v in r] for r in rows)
    return buf.getvalue().encode("utf-8")


def load_register(n: int, seed: int) -> tuple[list[str], str]:
    """Empty the register and COPY ``n`` employers into it; one institution. Returns the credit
    codes and the institution's."""
    import json

    from django.db import connection, transaction
    from django.utils import timezone

    from ohsteward.demo.synth import enterprise_rows
    from ohsteward.institutions.tests.factories import InstitutionFactory
    from ohsteward.registry.importers import CREATE_FIELDS
    from ohsteward.registry.models import Region

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_roleassignment WHERE enterprise_id IS NOT NULL")
        cursor.execute("TRUNCATE registry_enterprise, core_auditlog RESTART IDENTITY CASCADE")
    rows = list(enterprise_rows(n, seed))
    now = timezone.now()
    columns = ", ".join(CREATE_FIELDS)
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY registry_enterprise ({columns}) FROM STDIN") as copy:
            for r in rows:
                values = {**r, "created_at": now, "updated_at": now, "registration": "registered",
                          "former_names": json.dumps(r["former_names"])}  # fmt: skip
                copy.write_row([
                    values[f] if values.get(f) is not None
                    else ("" if f in {"address", "economic_type", "size_class"} else None)
                    for f in CREATE_FIELDS
                ])  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_enterprise")
    from ohsteward.institutions.models import Institution

    institution = Institution.objects.order_by("pk").first() or InstitutionFactory(
        name="基准检测机构", region=Region.objects.get(code="500112")
    )
    return [r["uscc"] for r in rows], institution.uscc


def empty_monitoring() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_detectionreport, monitoring_measurement, registry_workplace, "
            "registry_post, core_auditlog RESTART IDENTITY CASCADE"
        )


def time_import(content: bytes) -> tuple[float, object]:
    from ohsteward.core.audit import audit_context
    from ohsteward.monitoring.importers import MeasurementImporter

    stages: dict[str, float] = {}

    def progress(_percent, stage, **_counts):
        stages.setdefault(stage, time.perf_counter())

    start = time.perf_counter()
    with audit_context(None, "import"):
        report = MeasurementImporter().run(
            user=None, filename="bench.csv", content=content, dry_run=False, progress=progress
        )
    elapsed = time.perf_counter() - start
    marks = [*stages.items(), ("end", start + elapsed)]
    print("  stages: " + ", ".join(f"{a} {marks[i + 1][1] - t:.1f} s" for i, (a, t) in enumerate(marks[:-1])))
    if report.errors or not report.applied:
        raise SystemExit(f"import failed: {report.summary()} {[str(e) for e in report.errors[:5]]}")
    return elapsed, report


def time_copy() -> tuple[float, int]:
    """COPY the stored measurements (typed rows, read before the clock starts) into a scratch table
    of the same shape."""
    from django.db import connection, transaction

    from ohsteward.monitoring.models import Measurement

    fields = [f.column for f in Measurement._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM monitoring_measurement")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE IF EXISTS bench_copy_measurement")
        cursor.execute("CREATE TABLE bench_copy_measurement (LIKE monitoring_measurement INCLUDING ALL)")
    import json

    json_idx = [
        i for i, f in enumerate(Measurement._meta.concrete_fields[1:]) if f.get_internal_type() == "JSONField"
    ]
    rows = [
        [json.dumps(v, ensure_ascii=False) if i in json_idx else v for i, v in enumerate(r)] for r in rows
    ]
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY bench_copy_measurement ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_copy_measurement")
        copied = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy_measurement")
    return elapsed, copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="post × factor results (measurements)")
    parser.add_argument("--employers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("OHSTEWARD_DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    parser.add_argument(
        "--own-effects-only",
        action="store_true",
        help="time without the per-measurement effects of surveillance and supervision (no batch form "
        "yet): monitoring's own work and declarations' effects only",
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("this benchmark needs PostgreSQL (COPY); set --database-url")
    setup_django(args.database_url)
    from django.db import connection

    from ohsteward.monitoring.models import Measurement

    if args.own_effects_only:
        from ohsteward.monitoring import effects  # local: after setup_django

        # a benchmark's view of the registry (no public way to unregister): keep declarations' only
        effects._callbacks[:] = [
            c for c in effects._callbacks if c.__module__.startswith("ohsteward.declarations")
        ]
        print("effects: " + ", ".join(f"{c.__module__}.{c.__name__}" for c in effects._callbacks))
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    usccs, institution = load_register(args.employers, args.seed)
    t_register = time.perf_counter() - t0
    empty_monitoring()
    cells = measurement_rows(usccs, institution, args.rows, args.seed)
    content = write_csv(cells)
    print(f"register of {len(usccs)} employers in {t_register:.1f} s; file of {len(cells)} rows, "
          f"{len(content) / 1e6:.1f} MB", flush=True)  # fmt: skip
    t_import, report = time_import(content)
    n = Measurement.objects.count()
    over = Measurement.objects.filter(compliant=False).count()
    print(
        f"import: {t_import:.1f} s, {n} measurements ({over} over the limit), {n / t_import:,.0f} /s",
        flush=True,
    )
    t_again, again = time_import(content)
    if again.created or again.updated or again.unchanged != n:
        raise SystemExit(f"re-import changed something: {again.summary()}")
    print(f"re-import (nothing changes): {t_again:.1f} s", flush=True)
    t_copy, copied = time_copy()
    if copied != n:
        raise SystemExit(f"COPY stored {copied} rows, expected {n}")
    print(
        f"COPY: {t_copy:.2f} s, {n / t_copy:,.0f} rows/s; import/COPY = 1/{t_import / t_copy:.1f}", flush=True
    )
    load_after = os.getloadavg()[0]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    figures = [
        ("file", f"{len(cells):,} rows (.csv, {len(content) / 1e6:.1f} MB) → {n:,} post × factor results, "
                 f"{len(usccs):,} employers/reports, {over:,} over the limit"),
        ("COPY of the same measurement rows (scratch table, same shape)", f"{t_copy:.2f} s · {n / t_copy:,.0f} rows/s"),
        ("import with full judgement (`MeasurementImporter.run`)",
         f"{t_import:.1f} s · {n / t_import:,.0f} results/s · {len(cells) / t_import:,.0f} file rows/s · "
         f"1/{t_import / t_copy:.1f} of COPY"),
        ("the same file again (nothing changes)", f"{t_again:.1f} s · {n / t_again:,.0f} results/s"),
    ]  # fmt: skip
    for k, v in figures:
        print(f"{k}: {v}")
    if args.write_docs:
        write_docs(figures, args, pg_version, (load_before, load_after))
    return 0


def write_docs(figures, args, pg_version: str, load: tuple[float, float]) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    table = "\n".join(f"| {k} | {v} |" for k, v in figures)
    section = f"""{SECTION}

`python benchmarks/bench_monitoring_import.py --rows {args.rows} --employers {args.employers} --write-docs`
on PostgreSQL {pg_version}, Python {platform.python_version()}, {os.cpu_count()} cores shared with other
work (measured {time.strftime("%Y-%m-%d %H:%M")}; 1-minute load average {load[0]:.1f} at the start and
{load[1]:.1f} at the end).

| measure | result |
| --- | --- |
{table}

- **Import** is what `ohsteward import measurements FILE` runs: reading the .csv, grouping the rows
  per report × post × factor, the look-ups of the whole file in a few set queries
  (`monitoring.bulk.Lookup`: employers, institution, reports, workplaces, posts, factors and their
  limit rows, stored measurements), every check of the row-by-row action, the judgement of each post
  × factor in Python (C_TWA, limits by date, exposure level, grade), then in one transaction the
  reports, workplaces and posts (`bulk_create`), the measurements (COPY), one audit entry per new
  report, workplace and post and one per report for its measurements, the re-test closing of open
  tasks, and the declarations effect once per employer × factor.
- **COPY** is the stored measurement rows, already typed, streamed with `COPY … FROM STDIN` into a
  scratch table `LIKE monitoring_measurement INCLUDING ALL` in the same run.
- Before this path the import ran every post × factor through `actions.measurement_record`
  (~28 queries each; ~6–10 results/s).
"""
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
