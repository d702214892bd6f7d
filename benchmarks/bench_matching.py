"""Measure the employer matcher on a generated ground-truth world.

    python benchmarks/bench_matching.py --employers 100000 --rows 300000 --seed 1 [--world old]

Generates a register and noisy source rows (``ohsteward.demo.world``; ``--world old`` is the world
of the first measurements, without the multi-source noise of issue 7 item 8), builds the
matcher, matches every row the way the ingest does (``new`` rows become candidates that later
rows can link to), and prints quality figures and timings. Aims (issue 7 item 8): precision
≥ 0.995, recall ≥ 0.99, review ≤ 2 % of rows (the first aims were 0.99, 0.97, 5 %). Pure
Python: no Django, no database.

Timings are wall clock (``*_s``) and CPU time of this process (``*_cpu_s``); the load average
is printed because wall time on a shared machine says little on its own. The exit status is 0
when the quality aims are met.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ohsteward.demo.world import World, evaluate, ingest, make_world  # noqa: E402
from ohsteward.intake.matching import Matcher, MatchResult, MatchSettings  # noqa: E402

MIN_PRECISION = 0.995
MIN_RECALL = 0.99
MAX_REVIEW = 0.02


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--world", choices=("messy", "old"), default="messy")
    for field in dataclasses.fields(MatchSettings):
        parser.add_argument("--" + field.name.replace("_", "-"), type=type(field.default), default=None)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--errors", type=int, default=0, help="print up to N wrong links, reviews and duplicates"
    )
    args = parser.parse_args(argv)
    overrides = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(MatchSettings)
        if getattr(args, f.name) is not None
    }
    settings = MatchSettings(**overrides)

    t0 = time.perf_counter()
    world = make_world(args.employers, args.rows, args.seed, messy=args.world == "messy")
    t1, c1 = time.perf_counter(), time.process_time()
    matcher = Matcher(world.register, settings)
    t2, c2 = time.perf_counter(), time.process_time()
    results = ingest(matcher, world.rows, first_new_id=max(e.id for e in world.register) + 1)
    t3, c3 = time.perf_counter(), time.process_time()

    figures = evaluate(world, results)
    figures.update(
        {
            "employers": len(world.register),
            "world": args.world,
            "authoritative_rows": sum(row.authoritative for row in world.rows),
            "review_reasons": dict(Counter(r.reason for r in results if r.method == "review").most_common()),
            "generate_s": round(t1 - t0, 2),
            "build_s": round(t2 - t1, 2),
            "match_s": round(t3 - t2, 2),
            "build_cpu_s": round(c2 - c1, 2),
            "match_cpu_s": round(c3 - c2, 2),
            "rows_per_s": round(len(world.rows) / (t3 - t2)),
            "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "settings": dataclasses.asdict(settings),
        }
    )
    met = (
        figures["precision"] >= MIN_PRECISION
        and figures["recall"] >= MIN_RECALL
        and figures["review_share"] <= MAX_REVIEW
    )
    figures["aims_met"] = met
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        for key in ("precision", "recall", "review_share"):
            print(f"{key:>26}: {figures[key]:.4f}")
        for key, value in figures.items():
            if key not in ("precision", "recall", "review_share"):
                print(f"{key:>26}: {value}")
    if args.errors:
        _show_errors(world, results, args.errors)
    return 0 if met else 1


def _show_errors(world: World, results: list[MatchResult], limit: int) -> None:
    """Print examples of wrong links, reviews and duplicate candidates, for tuning."""
    names = {e.id: e for e in world.register}
    created_for: dict[int, int] = {}
    shown: Counter[str] = Counter()
    for row, result, true_id, key in zip(world.rows, results, world.truth, world.keys, strict=True):
        true = names.get(true_id) if true_id is not None else None
        if result.method == "new" and result.entry_id is not None:
            created_for[result.entry_id] = key
        if result.is_auto:
            in_register = result.entry_id in names
            wrong = result.entry_id != true_id if in_register else created_for.get(result.entry_id) != key
            if wrong and shown["wrong"] < limit:
                shown["wrong"] += 1
                got = names[result.entry_id].name if in_register else f"candidate {result.entry_id}"
                print("WRONG", result.method, result.score, row, "->", got, "| true:", true and true.name)
        elif result.method == "review" and shown["review"] < limit:
            shown["review"] += 1
            offered = [(names[i].name if i in names else i, s) for i, s in result.candidates]
            print("REVIEW", result.reason, row, "| true:", true and true.name, offered)
        elif result.method == "new" and true is not None and shown["duplicate"] < limit:
            shown["duplicate"] += 1
            print("DUPLICATE", row, "| true:", (true.name, true.uscc, true.former_names, true.district))


if __name__ == "__main__":
    raise SystemExit(main())
