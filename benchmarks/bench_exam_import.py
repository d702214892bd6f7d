"""Time the exam-result import (issue 12 Performance): ``--rows`` rows for workers built by
``bench_surveillance.py`` (run that first on the same database), through ``ExamImporter`` with
validation, task creation and the schedule recompute, next to a raw COPY of the same rows.

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
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    import django

    django.setup()
    from django.db import connection
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
    ws.append(["身份证号", "体检日期", "体检类别", "体检机构", "危害因素", "结论", "复查项目", "复查期限"])
    rows, day = [], dt.date.today() - dt.timedelta(days=10)
    for pk, name, birth in Worker.objects.order_by("pk").values_list("pk", "name", "person__birth_date"):
        if pk in done or post_of.get(pk) not in factor_of:
            continue
        i = int(name.removeprefix("工"))  # bench_surveillance's numbering
        first17 = f"{500101 + (i // 12000) % 800}{birth:%Y%m%d}{i % 1000:03d}"
        number = first17 + rules.id_check_char(first17)
        conclusion = "b" if i % 10 == 0 else "a"
        recheck = (day + dt.timedelta(days=30)).isoformat() if conclusion == "b" else None
        row = [number, day.isoformat(), "在岗期间", institution.uscc, factor_of[post_of[pk]], conclusion,
               "纯音听阈测试" if recheck else None, recheck]  # fmt: skip
        ws.append(row)
        rows.append(row)
        if len(rows) >= args.rows:
            break
    buf = io.BytesIO()
    wb.save(buf)
    print(f"rows {len(rows)}")
    os.system("uptime")
    t0 = time.perf_counter()
    report = ExamImporter().run(user=None, filename="bench.xlsx", content=buf.getvalue(), dry_run=False)
    imported = time.perf_counter() - t0
    os.system("uptime")
    print(f"import: {imported:.1f} s, {len(rows) / imported:.0f} rows/s, errors {len(report.errors)}")
    for err in report.errors[:5]:
        print(" ", err)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_copy (a text, b date, c text, d text, e text, f text, g text, h date)"
        )
        text = "".join("\t".join("\\N" if v is None else str(v) for v in r) + "\n" for r in rows)
        t0 = time.perf_counter()
        with cursor.copy("COPY bench_copy FROM STDIN") as copy:
            copy.write(text)
        raw = time.perf_counter() - t0
    print(f"raw COPY: {raw:.2f} s, {len(rows) / raw:.0f} rows/s; ratio {raw / imported:.3f}")


if __name__ == "__main__":
    main()
