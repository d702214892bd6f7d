"""Time the exam-result import (issue 12 Performance): ``--rows`` rows for workers built by
``bench_surveillance.py`` (run that first on the same database), through ``ExamImporter`` with
validation, task creation and the schedule recompute, next to two raw COPY references:

- "bare": the file's rows as 9 text/date columns into an unindexed temporary table (the first
  reference, kept for comparison with the earlier figures);
- "stored": what the import stored — its exams and exam results, typed rows read back before the
  clock starts — COPY'd into scratch tables ``LIKE surveillance_exam INCLUDING ALL`` and ``LIKE
  surveillance_examresult INCLUDING ALL`` (indexes, defaults and checks; no foreign keys), as
  ``bench_monitoring_import.time_copy`` does for measurements. Its rows/s counts the file's rows
  (the results), the same count the import's rows/s uses.

``ExamImporter.run`` is the bulk path (``surveillance.exams.bulk``); ``--row-by-row`` times the
reference path (``run_row_by_row``, every row through ``exam_record``) instead. Conclusions: every
10th row 复查 (a recheck task), every 97th 疑似职业病 (a case and a diagnosis task), every 89th
职业禁忌证 (a reassignment task), every 13th a second factor's row of the same exam. The import is
applied (not a dry run); a second run takes workers not yet examined.

    OHSTEWARD_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ohs_surv_bench \\
        python benchmarks/bench_exam_import.py --rows 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--row-by-row", action="store_true", help="time the reference path instead")
    parser.add_argument("--profile", metavar="FILE", help="run the import under cProfile, stats to FILE")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone
    from openpyxl import Workbook

    from ohsteward.institutions.models import Institution
    from ohsteward.registry.models import PostExposure
    from ohsteward.surveillance import rules
    from ohsteward.surveillance.exams.importers import ExamImporter
    from ohsteward.surveillance.exams.models import Exam
    from ohsteward.surveillance.models import Worker, WorkerPost

    institution = Institution.objects.filter(name="基准测试职业健康检查机构").first()
    if institution is None:
        from ohsteward.registry.tests.factories import make_uscc  # local: a valid credit code, bench only

        institution = Institution.objects.create(
            uscc=make_uscc("500112", serial=77770001), name="基准测试职业健康检查机构", kinds=["exam"]
        )
    factor_of = dict(
        PostExposure.objects.order_by("post_id", "hazard_factor__code").values_list(
            "post_id", "hazard_factor__name"
        )
    )
    post_of = dict(
        WorkerPost.objects.order_by("worker_id", "-start_date").values_list("worker_id", "post_id")
    )
    done = set(Exam.objects.values_list("worker_id", flat=True))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["身份证号", "体检日期", "体检类别", "体检机构", "危害因素", "结论", "异常项目/疾病名称", "复查项目",
               "复查期限"])  # fmt: skip
    rows, day = [], timezone.localdate() - dt.timedelta(days=10)
    second = {"噪声": "苯", "苯": "噪声"}
    for pk, name, birth in Worker.objects.order_by("pk").values_list("pk", "name", "person__birth_date"):
        if pk in done or post_of.get(pk) not in factor_of:
            continue
        i = int(name.removeprefix("工"))  # bench_surveillance's numbering
        first17 = f"{500101 + (i // 12000) % 800}{birth:%Y%m%d}{i % 1000:03d}"
        number = first17 + rules.id_check_char(first17)
        conclusion = "b" if i % 10 == 0 else "c" if i % 97 == 0 else "d" if i % 89 == 0 else "a"
        recheck = (day + dt.timedelta(days=30)).isoformat() if conclusion == "b" else None
        items = {"b": "听阈升高", "c": "疑似职业病", "d": "禁忌证"}.get(conclusion)
        factor = factor_of[post_of[pk]]
        row = [number, day.isoformat(), "在岗期间", institution.uscc, factor, conclusion, items,
               "纯音听阈测试" if recheck else None, recheck]  # fmt: skip
        ws.append(row)
        rows.append(row)
        if i % 13 == 0 and len(rows) < args.rows:
            row = [number, day.isoformat(), "在岗期间", institution.uscc, second.get(factor, "噪声"), "a",
                   None, None, None]  # fmt: skip
            ws.append(row)
            rows.append(row)
        if len(rows) >= args.rows:
            break
    buf = io.BytesIO()
    wb.save(buf)
    print(f"rows {len(rows)}")
    os.system("uptime")
    from ohsteward.surveillance.exams.models import ExamResult

    before = (
        Exam.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        ExamResult.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )
    importer = ExamImporter()
    run = importer.run_row_by_row if args.row_by_row else importer.run
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    report = run(user=None, filename="bench.xlsx", content=buf.getvalue(), dry_run=False)
    imported = time.perf_counter() - t0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    os.system("uptime")
    path = "row by row" if args.row_by_row else "bulk"
    print(f"import ({path}): {imported:.1f} s, {len(rows) / imported:.0f} rows/s, errors {len(report.errors)}, "
          f"applied {report.applied}, batches {len(report.notes)}")  # fmt: skip
    for err in report.errors[:5]:
        print(" ", err)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_copy (a text, b date, c text, d text, e text, f text, g text, h text, i date)"
        )
        text = "".join("\t".join("\\N" if v is None else str(v) for v in r) + "\n" for r in rows)
        t0 = time.perf_counter()
        with cursor.copy("COPY bench_copy FROM STDIN") as copy:
            copy.write(text)
        raw = time.perf_counter() - t0
    print(f"raw COPY (bare, 9 columns into a temporary table): {raw:.2f} s, {len(rows) / raw:.0f} rows/s; "
          f"ratio {raw / imported:.3f} (1/{imported / raw:.0f})")  # fmt: skip
    stored, copied = copy_stored(before)
    print(f"raw COPY (stored rows: {copied[0]} exams + {copied[1]} results into LIKE … INCLUDING ALL): "
          f"{stored:.2f} s, {len(rows) / stored:.0f} rows/s; ratio {stored / imported:.3f} "
          f"(1/{imported / stored:.0f})")  # fmt: skip


def copy_stored(before: tuple[int, int]) -> tuple[float, tuple[int, int]]:
    """COPY the exams and results the import stored (ids above ``before``; typed rows read before
    the clock) into scratch tables of the same shape, indexes included, in one transaction:
    (seconds, (exams, results) copied)."""
    from django.db import connection, transaction

    from ohsteward.surveillance.exams.models import Exam, ExamResult

    tables = []
    for model, floor in zip((Exam, ExamResult), before, strict=True):
        table = model._meta.db_table
        columns = ", ".join(f.column for f in model._meta.concrete_fields if not f.primary_key)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} WHERE id > %s ORDER BY id", [floor])  # noqa: S608
            data = cursor.fetchall()
            cursor.execute(f"DROP TABLE IF EXISTS bench_copy_{table}")
            cursor.execute(f"CREATE TABLE bench_copy_{table} (LIKE {table} INCLUDING ALL)")
        tables.append((f"bench_copy_{table}", columns, data))
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, data in tables:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for r in data:
                    copy.write_row(r)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        for table, _columns, _data in tables:
            cursor.execute(f"DROP TABLE {table}")
    return elapsed, (len(tables[0][2]), len(tables[1][2]))


if __name__ == "__main__":
    main()
