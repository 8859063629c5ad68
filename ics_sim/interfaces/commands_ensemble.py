"""Ensembles on the command line: ``ics-sim ensemble`` (a prior ensemble), and the
``--ensemble``/``--sets`` options of ``run`` and ``compare`` (see
docs/ensembles-and-discovery.md).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import ICSSimError
from ..core.outcome_table import label_of
from ..state.outcomes import OUTCOMES, PRACTICES
from .argtypes import whole_number
from .progress import elapsed, progress_bar

MAX_SETS = 100_000


def add_ensemble_options(p: argparse.ArgumentParser) -> None:
    """``--ensemble FILE`` and ``--sets K`` for a command that runs scenarios."""
    p.add_argument(
        "--ensemble",
        type=Path,
        default=None,
        metavar="FILE",
        help="run over the parameter sets of this ensemble (Parquet; default: the scenario's "
        "'ensemble:' field, if any)",
    )
    p.add_argument(
        "--sets",
        type=whole_number("--sets", 1, MAX_SETS),
        default=None,
        metavar="K",
        help="with an ensemble: draw K parameter sets by weight, deterministically from the "
        "seed (default: every set, with its weight)",
    )


def resolve(args: argparse.Namespace, scns: list, reps: int, seed: int):
    """(ensemble, draw, path) for the command, or (None, None, None); checked before work."""
    from ..experiments.ensemble_runs import scenario_ensemble
    from ..scenarios.ensemble import draw
    from ..scenarios.limits import check_seeds

    ens, path = scenario_ensemble(scns, getattr(args, "ensemble", None))
    if ens is None:
        if getattr(args, "sets", None) is not None:
            raise ICSSimError(
                "--sets needs an ensemble: --ensemble FILE or 'ensemble:' in the file"
            )
        return None, None, None
    drawn = draw(ens, args.sets, seed)
    check_seeds(seed, len(drawn) * reps - 1, None, "--seed")
    return ens, drawn, path


def _notes(scns: list, ens: Any) -> list[str]:
    from ..experiments.ensemble_runs import overridden

    out = []
    for s in scns:
        over = overridden(s, ens)
        if over:
            out.append(
                f"note: {s.name} sets {', '.join(over)} itself; its value is used in every "
                "parameter set"
            )
    return out


def compare_ensemble(args, run, scns, names, reps, weeks, seed, ens, drawn, ens_path) -> int:
    """``ics-sim compare --ensemble``: effects across plausible worlds, and the split of their
    spread into parameter uncertainty and chance."""
    from rich.console import Console
    from rich.table import Table

    from ..evaluation.compare import paired_differences
    from ..evaluation.ensemble_compare import (
        ensemble_summary,
        per_set,
        plain_summary,
        set_differences,
    )
    from ..experiments.ensemble_runs import run_ensemble
    from ..reporting import plots
    from .commands import _command

    console = Console(highlight=False)
    for line in _notes(scns, ens):
        console.print(line)
    frames = []
    k = len(drawn)
    t0 = time.perf_counter()
    show = not args.no_progress
    with progress_bar(
        len(scns) * k * reps * weeks, f"{len(scns)} scenarios x {k} sets x {reps}", "weeks", show
    ) as advance:
        for s in scns:
            frames.append(run_ensemble(s, ens, drawn, reps, weeks, seed, advance)[0])
    wall = time.perf_counter() - t0
    weights = dict(zip(drawn.sets, drawn.weights, strict=True))
    diffs = set_differences(frames)
    summary = ensemble_summary(diffs, weights)
    sets_table = per_set(diffs, OUTCOMES)
    pooled = paired_differences(frames)
    both = pd.concat(frames, ignore_index=True)
    run.table("outcomes.parquet", both, "outcomes.parquet")
    run.table("compare.csv", pooled, "compare.csv")
    run.table("ensemble_compare.csv", summary, "ensemble_compare.csv")
    run.table("ensemble_sets.csv", sets_table, "ensemble_sets.csv")
    fig = plots.plot_outcomes(both, [*PRACTICES, "collaboration_index"], title="Scenarios compared")
    run.figure("outcomes.png", fig, "outcomes.png")
    run.figure("compare.png", plots.plot_paired_differences(pooled), "compare.png")
    run.finish(
        "ics-sim compare",
        _command(args),
        scenario_files=[str(f) for f in args.scenarios],
        scenarios=[s.model_dump(mode="json") for s in scns],
        replicates=reps,
        weeks=weeks,
        ensemble={
            "file": str(ens_path),
            "meta": ens.meta,
            "draws": drawn.draws or None,
            "sets": list(drawn.sets),
            "weights": list(drawn.weights),
            "parameters": ens.parameters,
            "seeds": "replicate r of the set at position j: seed + j * replicates + r",
        },
        seed=seed,
        seeds=[seed + i for i in range(k * reps)],
        simulation_seconds=round(wall, 3),
        wall_time_seconds=round(elapsed(), 3),
    )
    console.print(
        f"[bold]Effects across plausible worlds, from '{names[0]}'[/bold]: {k} parameter sets "
        f"of {ens_path} x {reps} replicates (common random numbers within each set), "
        f"{weeks} weeks. Simulation {wall:.1f} s, whole command {elapsed():.1f} s (wall clock)."
    )
    headline = ["collaboration_index", *PRACTICES]
    for name in names[1:]:
        t = Table(title=f"{name}  minus  {names[0]}  (at the end, across {k} sets)")
        for col in (
            "outcome",
            "median [10-90%]",
            "helps in",
            "clearly helps in",
            "parameter share",
        ):
            t.add_column(col)
        sub = summary[(summary.scenario == name) & (summary.measure == "end")]
        for key in OUTCOMES:
            r = sub[sub.outcome == key].iloc[0]
            t.add_row(
                label_of(key),
                f"{r['median']:+.3f} [{r.p10:+.3f}, {r.p90:+.3f}]",
                f"{r.share_helps:.0%}",
                "-"
                if pd.isna(r.share_helps_significantly)
                else f"{r.share_helps_significantly:.0%}",
                "-" if pd.isna(r.parameter_share) else f"{r.parameter_share:.0%}",
            )
        console.print(t)
        r = sub[sub.outcome == headline[0]].iloc[0]
        console.print(plain_summary(r, headline[0].replace("_", " ")))
    if reps < 2:
        console.print(
            "[yellow]warning:[/yellow] with 1 replicate per set, chance cannot be told apart "
            "from parameter uncertainty; run --replicates 2 or more"
        )
    console.print(
        "Wrote ensemble_compare.csv, ensemble_sets.csv, compare.csv (pooled), compare.png, "
        f"outcomes.parquet, outcomes.png and manifest.json to {run.out}"
    )
    return 0


# -- ics-sim ensemble --prior --------------------------------------------------------------------
def add_ensemble_parser(sub: Any) -> None:
    p = sub.add_parser(
        "ensemble",
        help="write a prior parameter ensemble (Latin hypercube over parameter ranges)",
        description="Write an ensemble file without a calibration: a Latin hypercube of N "
        "equal-weight parameter sets drawn from the priors of a priors file (the file "
        "'ics-sim calibrate --parameters' reads: each parameter's distribution, uniform, "
        "loguniform or truncated normal, within [lo, hi]; 'fixed:' values are held). Or "
        "check an ensemble file with --check FILE.",
    )
    p.add_argument("--prior", type=Path, default=None, metavar="PRIORS.yaml")
    p.add_argument("--sets", type=whole_number("--sets", 1, MAX_SETS), default=100, metavar="N")
    p.add_argument("--seed", type=whole_number("--seed", 0), default=1, metavar="S")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="ensemble file to write")
    p.add_argument("--check", type=Path, default=None, metavar="FILE", help="validate a file")
    p.set_defaults(func=cmd_ensemble)


def cmd_ensemble(args: argparse.Namespace) -> int:
    from ..calibration.priors import load_priors
    from ..scenarios.ensemble import prior_ensemble, read_ensemble, write_ensemble

    if args.check is not None:
        ens = read_ensemble(args.check)
        print(
            f"ok: {args.check} ({len(ens.sets)} parameter sets of {', '.join(ens.parameters)}; "
            f"source: {ens.meta.get('source', 'not stated')})"
        )
        return 0
    if args.prior is None or args.out is None:
        raise ICSSimError("give --prior PRIORS.yaml and --out FILE (or --check FILE)")
    if args.out.suffix != ".parquet":
        raise ICSSimError(f"--out {args.out}: an ensemble file is Parquet; name it *.parquet")
    priors = load_priors(args.prior)
    ranges = {p.name: (p.lo, p.hi) for p in priors.parameters}
    df = prior_ensemble(ranges, args.sets, args.seed, transform=priors.values)
    for name, value in priors.fixed.items():  # held at one value in every set
        df[name] = value
    write_ensemble(
        df,
        args.out,
        {
            "source": str(args.prior),
            "method": "prior: Latin hypercube (scipy.stats.qmc) through each prior's quantiles",
            "seed": args.seed,
            "priors": priors.describe(),
            "fixed": dict(priors.fixed),
        },
    )
    print(f"Wrote {args.sets} parameter sets of {', '.join(priors.names)} to {args.out}")
    return 0
