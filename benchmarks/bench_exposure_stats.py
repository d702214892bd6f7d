"""Time the exposure statistics of one similar exposure group (issue 11: 200 samples, 30 % <LOD,
aim < 50 ms). Pure computation (no database): ``monitoring.stats.group_statistics``.

    python benchmarks/bench_exposure_stats.py [--n 200] [--censored 0.3] [--repeat 50]

Prints the median and p95 of ``--repeat`` runs over freshly drawn lognormal groups (GM 0.1,
GSD 2.2, the LOD at the ``--censored`` quantile, the limit 0.5), and one run without censoring.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np  # noqa: E402 - after the path set-up

from ohsteward.monitoring.stats import group_statistics  # noqa: E402


def group(rng: np.random.Generator, n: int, censored: float) -> list[float | str]:
    x = np.exp(rng.normal(np.log(0.1), np.log(2.2), n))
    lod = float(np.quantile(x, censored)) if censored > 0 else 0.0
    return [f"<{lod:.4g}" if v < lod else float(v) for v in x]


def time_runs(n: int, censored: float, repeat: int) -> list[float]:
    rng = np.random.default_rng(11)
    out = []
    group_statistics(group(rng, n, censored), limit=0.5)  # warm-up (imports, first call)
    for _ in range(repeat):
        values = group(rng, n, censored)
        start = time.perf_counter()
        group_statistics(values, limit=0.5)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--censored", type=float, default=0.3)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    for share in (args.censored, 0.0):
        ms = sorted(time_runs(args.n, share, args.repeat))
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        print(
            f"n={args.n} censored={share:.0%}: median {statistics.median(ms):.1f} ms, "
            f"p95 {p95:.1f} ms, max {ms[-1]:.1f} ms ({args.repeat} runs)"
        )


if __name__ == "__main__":
    main()
