"""Time the whole intake (read, parse, check, match, write) at city scale on PostgreSQL.

    psql -h 127.0.0.1 -U postgres -c 'create database ohs_intake_bench'
    OHSTEWARD_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ohs_intake_bench \\
        python benchmarks/bench_intake.py --employers 100000 --rows 300000

A ground-truth world (``ohsteward.demo.world``: register with siblings, look-alikes,
branches, former names, mistyped codes; rows with noisy names, codes and districts, 10 % about
employers missing from the register) is written to the database (register) and to source files
(rows: exam records, detection reports, inspection findings, ≤ 100,000 rows per file). Each file
is then ingested with ``intake.actions.batch_ingest`` exactly as ``ohsteward intake`` does, and
the outcome of every row is scored against the truth (precision and recall of automatic links,
share sent to review). The intake tables and the register are emptied first: do not point this
at a database you care about.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
os.environ.setdefault("OHSTEWARD_DEMO", "1")

KINDS = ("exam", "detection", "inspection")
HEADERS = {
    "exam": [
        "用人单位名称",
        "统一社会信用代码",
        "所属区县",
        "体检日期",
        "检查类别",
        "危害因素",
        "体检机构",
        "人数",
    ],
    "detection": [
        "报告编号",
        "用人单位名称",
        "统一社会信用代码",
        "所属区县",
        "检测机构",
        "检测日期",
        "检测类型",
        "危害因素",
        "检测点数",
        "超标点数",
    ],
    "inspection": ["用人单位名称", "统一社会信用代码", "所属区县", "来源", "发现日期", "危害因素", "备注"],
}
HAZARDS = [
    "噪声",
    "矽尘(12)、噪声(30)",
    "电焊烟尘",
    "苯(3)；甲苯(3)",
    "其他粉尘",
    "高温",
    "煤尘（游离SiO2含量＜10%）(8)",
]
ORIGINS = ["监督执法", "协管巡查", "有奖举报", "乡镇街道", "工业园区"]


def source_cells(kind: str, i: int, rec, r: random.Random, today: dt.date) -> list:
    day = (today - dt.timedelta(days=r.randint(1, 700))).isoformat()
    hazard = r.choice(HAZARDS)
    district = rec.district or ""
    code = rec.uscc or ""
    if kind == "exam":
        return [rec.name, code, district, day, "在岗期间", hazard, "重庆市职业病防治院", r.randint(1, 200)]
    if kind == "detection":
        points = r.randint(1, 40)
        return [
            f"JC{i:07d}",
            rec.name,
            code,
            district,
            "某检测公司",
            day,
            "定期检测",
            hazard,
            points,
            r.randint(0, points // 4),
        ]
    return [rec.name, code, district, r.choice(ORIGINS), day, hazard, ""]


def write_file(
    path: Path, kind: str, records, start: int, r: random.Random, today: dt.date, fmt: str
) -> None:
    rows = [source_cells(kind, start + k, rec, r, today) for k, rec in enumerate(records)]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(HEADERS[kind])
        writer.writerows(rows)
        path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    else:
        from ohsteward.core.spreadsheets import write_xlsx

        path.write_bytes(write_xlsx([(h, h) for h in HEADERS[kind]], rows))


def load_register(world) -> float:
    """Empty the intake tables and the register, then write the world's register in bulk."""
    from django.db import connection

    from ohsteward.registry.models import Enterprise, Industry

    t = time.perf_counter()
    with connection.cursor() as cur:
        for table in ("intake_sourcerow", "intake_sourcebatch", "core_auditlog"):
            cur.execute(f"TRUNCATE {table} CASCADE")
        cur.execute("TRUNCATE registry_enterprise CASCADE")
    industries = list(Industry.objects.filter(level="class").order_by("code")[:300])
    r = random.Random(7)
    seen: set[str] = set()
    objs = []
    for e in world.register:
        code = e.uscc if e.uscc and e.uscc not in seen else None
        if code:
            seen.add(code)
        obj = Enterprise(
            pk=e.id,
            uscc=code,
            name=e.name,
            former_names=list(e.former_names),
            region_id=e.district,
            industry=r.choice(industries),
            employees=r.randint(1, 500),
        )
        obj.derive()
        objs.append(obj)
    from ohsteward.core import bulk

    fields = [f for f in Enterprise._meta.concrete_fields]
    now = dt.datetime.now(dt.UTC)
    rows = [
        [now if f.name in {"created_at", "updated_at"} else getattr(o, f.attname) for f in fields]
        for o in objs
    ]
    bulk.insert_rows(Enterprise, [f.attname for f in fields], rows)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('registry_enterprise', 'id'), "
            "(SELECT MAX(id) FROM registry_enterprise))"
        )
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    parser.add_argument("--workdir", default="/tmp/ohs-intake-bench")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from ohsteward.demo.world import evaluate, make_world
    from ohsteward.intake.actions import batch_ingest
    from ohsteward.intake.matching import MatchResult
    from ohsteward.intake.models import SourceBatch, SourceRow

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        print("Set OHSTEWARD_DATABASE_URL to a PostgreSQL database (see the docstring).", file=sys.stderr)
        return 2
    figures: dict = {"employers": args.employers, "rows": args.rows, "format": args.format}
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    figures["migrate_s"] = round(time.perf_counter() - t, 1)

    t = time.perf_counter()
    # The world of the first measurements: its rows are written as exam, detection and inspection
    # files, and the messy world's market-supervision rows would need a registry file of their own.
    world = make_world(args.employers, args.rows, args.seed, messy=False)
    figures["world_s"] = round(time.perf_counter() - t, 1)
    figures["register_load_s"] = round(load_register(world), 1)

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    r = random.Random(args.seed)
    today = dt.date.today()
    per_file = min(100_000, settings.OHSTEWARD_MAX_IMPORT_ROWS)
    files = []
    t = time.perf_counter()
    for n, start in enumerate(range(0, len(world.rows), per_file)):
        kind = KINDS[n % len(KINDS)]
        path = workdir / f"{n:02d}-{kind}.{args.format}"
        write_file(path, kind, world.rows[start : start + per_file], start, r, today, args.format)
        files.append((kind, path, start))
    figures["files_write_s"] = round(time.perf_counter() - t, 1)

    batches = []
    total = cpu_total = 0.0
    load_before = os.getloadavg()[0]
    for kind, path, _start in files:
        t, cpu = time.perf_counter(), time.process_time()
        result = batch_ingest(
            user=None,
            kind=kind,
            filename=path.name,
            content=path.read_bytes(),
            department="bench",
            valid_rows_only=True,
        )
        seconds, cpu_seconds = time.perf_counter() - t, time.process_time() - cpu
        total += seconds
        cpu_total += cpu_seconds
        batches.append(
            {
                "file": path.name,
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu_seconds, 1),
                "counts": result.counts,
            }
        )
        print(
            f"{path.name}: {seconds:.1f} s (Python CPU {cpu_seconds:.1f} s) {result.counts}", file=sys.stderr
        )
    figures["ingest_s"] = round(total, 1)
    figures["ingest_python_cpu_s"] = round(cpu_total, 1)
    figures["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    figures["batches"] = batches

    # Score every row against the truth, in world order (batches were ingested in that order).
    outcome = {}
    order = {pk: i for i, pk in enumerate(SourceBatch.objects.order_by("pk").values_list("pk", flat=True))}
    for batch_id, row_number, status, method, enterprise_id, score in SourceRow.objects.values_list(
        "batch_id", "row_number", "status", "link_method", "enterprise_id", "link_score"
    ).iterator(chunk_size=20000):
        index = files[order[batch_id]][2] + row_number - 2  # header on line 1
        outcome[index] = (status, method, enterprise_id, score)
    results = []
    for i in range(len(world.rows)):
        status, method, enterprise_id, score = outcome.get(i, ("rejected", "", None, 0.0))
        if status == "review" or status == "rejected":
            results.append(MatchResult(None, "review", score or 0.0, []))
        else:
            results.append(MatchResult(enterprise_id, method, score or 0.0, []))
    quality = evaluate(world, results)
    figures["quality"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in quality.items()}
    figures["rejected_rows"] = sum(1 for v in outcome.values() if v[0] == "rejected")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        q = figures["quality"]
        print(f"register: {args.employers} employers loaded in {figures['register_load_s']} s")
        print(
            f"ingest:   {args.rows} rows in {len(files)} {args.format} files: {figures['ingest_s']} s wall, "
            f"{figures['ingest_python_cpu_s']} s Python CPU ({args.rows / total:,.0f} rows/s); "
            f"load average {figures['load_average']} on {os.cpu_count()} CPUs"
        )
        print(
            f"quality:  precision {q['precision']:.4f}  recall {q['recall']:.4f}  review {q['review_share']:.2%}  "
            f"wrong links {q['wrong_links']}  duplicates {q['duplicates']}  rejected {figures['rejected_rows']}"
        )
        print(f"methods:  {q['methods']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
