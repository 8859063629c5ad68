"""Sweep throughput: runs per second of the default ICS with 1 and 2 workers, and a 1,000-run sweep.

    .venv/bin/python benchmarks/sweep_throughput.py [--weeks 260] [--skip-large]

Every run is the default ICS (``scenarios/baseline.yaml``, 43 organisations) for ``--weeks``
weeks after its warm-up, in a Latin hypercube over trust_gain with 20 replicates per
point (a point's replicates run batched). The 1,000-run sweep is 50 points x 20 replicates
on every CPU; the aim is under two minutes on a 2-core machine. Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ics_sim.sweep import read_runs, sweep  # noqa: E402


def experiment(folder: Path, points: int, replicates: int, weeks: int) -> Path:
    path = folder / f"bench_{points}x{replicates}.yaml"
    path.write_text(
        "name: throughput benchmark\n"
        f"scenario: {ROOT / 'scenarios' / 'baseline.yaml'}\n"
        "design: lhs\n"
        f"samples: {points}\n"
        f"replicates: {replicates}\n"
        f"weeks: {weeks}\n"
        "parameters:\n"
        "  trust_gain: {range: [0.03, 0.08]}\n",
        encoding="utf-8",
    )
    return path


def timed(exp: Path, out: Path, workers: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    results = sweep(exp, out=out, workers=workers, progress=False)
    wall = time.perf_counter() - t0
    return wall, len(read_runs(results, ["run_id"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=260)
    ap.add_argument("--points", type=int, default=8, help="points of the 1-vs-2 worker sweeps")
    ap.add_argument("--skip-large", action="store_true", help="skip the 1,000-run sweep")
    args = ap.parse_args()
    cpus = os.cpu_count() or 1
    print(f"ics-sim sweep throughput: default ICS, {args.weeks} weeks (+52 warm-up), {cpus} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = experiment(tmp, args.points, 20, args.weeks)
        rates = {}
        for workers in (1, 2):
            wall, runs = timed(small, tmp / f"w{workers}", workers)
            rates[workers] = runs / wall
            print(
                f"  {workers} worker{'s' * (workers > 1)}: {runs} runs in {wall:6.1f} s = "
                f"{rates[workers]:6.2f} runs/s"
            )
        print(f"  speed-up with 2 workers: {rates[2] / rates[1]:.2f}x")
        if not args.skip_large:
            big = experiment(tmp, 50, 20, args.weeks)
            wall, runs = timed(big, tmp / "big", cpus)
            verdict = "under" if wall < 120 else "OVER"
            print(
                f"  {runs:,}-run sweep on {cpus} workers: {wall:.1f} s ({runs / wall:.2f} "
                f"runs/s; {verdict} the two-minute aim)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
