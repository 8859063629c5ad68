"""Command-line commands for experiments: ``ics-sim sweep`` and ``ics-sim analyse``.

Each ``add_*`` function adds one subcommand to the CLI's argparse subparsers and sets ``func``;
handlers return 0 and raise :class:`ics_sim.errors.ICSSimError` for input the user can fix.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .argtypes import seconds, whole_number

_workers = whole_number("--workers", 0)


def add_sweep_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "sweep",
        help="run an experiment: a parameter sweep (grid, Latin hypercube, Sobol, Morris)",
        description="Run every design point of an experiment file, each replicated, on worker "
        "processes or a Dask cluster. Results are written as they arrive (Parquet files under "
        "DIR/runs/, with DIR/manifest.json); a sweep that was stopped, even killed, finishes "
        "with --resume. See docs/experiments.md.",
    )
    p.add_argument("experiment", type=Path, metavar="EXPERIMENT.yaml", help="experiment file")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="results folder (default: the experiment's 'out', else results/<experiment name>)",
    )
    p.add_argument(
        "--workers",
        type=_workers,
        default=None,
        metavar="N",
        help=f"worker processes (default: one per CPU, here {os.cpu_count()}); 0 runs in this "
        "process",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask cluster: its scheduler's address, e.g. tcp://10.0.0.5:8786 "
        "(needs pip install 'ics-sim[distributed]')",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="finish the sweep in the results folder: run only the runs missing there",
    )
    p.add_argument(
        "--worker-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="with --scheduler: give up after this long with no live worker (default 120)",
    )
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="never show the progress bar (it is only shown when stderr is a terminal)",
    )
    p.set_defaults(func=cmd_sweep)


_seconds = seconds(86_400)


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..experiments.spec import check_sweep, load_experiment
    from ..experiments.sweep import WORKER_TIMEOUT, read_manifest, sweep
    from .progress import elapsed

    if args.scheduler is not None and args.workers is not None:
        from ..core.errors import ICSSimError

        raise ICSSimError("give --workers or --scheduler, not both (a cluster has its workers)")
    sets = getattr(args, "set", None) or []
    loaded = load_experiment(args.experiment, sets)  # errors before any output
    check_sweep(loaded, args.workers, timed=args.scheduler is None)
    out = sweep(
        args.experiment,
        out=args.out,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        progress=not args.no_progress,
        worker_timeout=args.worker_timeout or WORKER_TIMEOUT,
        overrides=sets,
    )
    manifest = read_manifest(out)
    runs = manifest["runs"]
    done = int(manifest.get("completed_runs", 0))
    session = (manifest.get("sessions") or [{}])[-1]
    ran = int(session.get("runs", 0) or 0)
    status = "complete" if manifest.get("complete") else "incomplete"
    print(
        f"{loaded.spec.name}: {loaded.spec.design} design, {_n(runs['points'], 'point')} x "
        f"{_n(runs['replicates'], 'replicate')}, {runs['weeks']} weeks\n"
        f"Ran {ran} runs; {done} of {runs['total']} ({status}) in {_shown(out)}{os.sep}\n"
        f"Sweep {float(session.get('wall_time_seconds') or 0):.1f} s, whole command "
        f"{elapsed():.1f} s (wall clock)\n"
        f"Next: ics-sim analyse {_shown(out)}"
    )
    return 0


def add_analyse_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "analyse",
        help="analyse a sweep: Sobol or Morris indices, response plots, replicates needed",
        description="Write CSV tables and PNG plots of a sweep's results to "
        "RESULTS_DIR/analysis/: Sobol indices (sobol design), Morris mu* and sigma (morris), "
        "response plots (grid, lhs), and how the confidence interval narrows with replicates.",
    )
    p.add_argument("results", type=Path, metavar="RESULTS_DIR", help="a sweep's results folder")
    p.set_defaults(func=cmd_analyse)


def cmd_analyse(args: argparse.Namespace) -> int:
    from ..reporting.sensitivity import analyse

    out = analyse(args.results)
    files = sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
    lines = [f"Wrote {len(files)} files to {_shown(out)}{os.sep}:"]
    lines += [f"  {name}" for name in files]
    if (out / "sobol_indices.csv").exists():
        lines += _sobol_summary(args.results, out)
    print("\n".join(lines))
    sys.stdout.flush()
    return 0


#: How many of the largest total-order indices ``analyse`` prints.
TOP = 8


def _sobol_summary(results: Path, out: Path) -> list[str]:
    """The largest indices with their 95% intervals, and a warning when N is too small."""
    import pandas as pd

    from ..core.outcome_table import label_of
    from ..evaluation.analysis import sobol_quality
    from ..experiments.sweep import read_manifest

    first = pd.read_csv(out / "sobol_indices.csv")
    samples = int(read_manifest(results)["design"].get("samples") or 0)
    top = first.sort_values("ST", ascending=False).head(TOP)
    lines = ["", f"Largest total-order Sobol indices (of {len(first)}; 95% intervals):"]
    width = max(len(str(n)) for n in top["parameter"])
    for r in top.itertuples(index=False):
        lines.append(
            f"  {str(r.parameter):{width}}  on {label_of(r.outcome)} ({r.statistic}): "
            f"ST {r.ST:.3f} [{r.ST - r.ST_conf:.3f}, {r.ST + r.ST_conf:.3f}]  "
            f"S1 {r.S1:.3f} [{r.S1 - r.S1_conf:.3f}, {r.S1 + r.S1_conf:.3f}]"
        )
    q = sobol_quality(first, samples)
    signs = []
    if q["negative"]:
        signs.append(f"{q['negative']} of {q['indices']} first-order indices are negative")
    if q["above_one"]:
        signs.append(f"{q['above_one']} are above 1")
    if q["wide"]:
        signs.append(f"{q['wide']} have an interval wider than the estimate")
    if signs and q["samples_needed"] > samples:
        lines += [
            "",
            "warning: the sample is too small for these indices to mean much: "
            + "; ".join(signs)
            + f" (median half-width {q['median_conf']:.2f} with N={samples}). For half-widths"
            f" near 0.05, run about N={q['samples_needed']} ('samples: "
            f"{q['samples_needed']}' in the experiment file).",
        ]
    return lines


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'s' * (count != 1)}"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
