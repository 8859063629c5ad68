"""``ics-sim calibrate TARGETS.yaml --parameters PRIORS.yaml``: history matching, then
ABC-SMC, to a calibrated parameter ensemble with its checks (docs/calibration-methods.md)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from .argtypes import whole_number


def add_calibrate_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "calibrate",
        help="calibrate parameters to survey targets: history matching, then ABC-SMC",
        description="Rule out implausible parameter sets by history matching (waves), then "
        "estimate the posterior by ABC-SMC. Writes DIR/ensemble.parquet (weighted parameter "
        "sets), prior-vs-posterior plots, an identifiability table, posterior predictive "
        "checks and, with --sbc N, a coverage check on synthetic data. Same seed, same files, "
        "whatever --workers. See docs/calibration-methods.md.",
    )
    p.add_argument("targets", type=Path, metavar="TARGETS.yaml", help="targets file")
    p.add_argument(
        "--parameters", type=Path, required=True, metavar="PRIORS.yaml", help="priors file"
    )
    p.add_argument("--out", type=Path, default=Path("results/calibration"), metavar="DIR")
    p.add_argument("--seed", type=whole_number("--seed", 0), default=1, help="master seed")
    p.add_argument(
        "--simulations",
        type=whole_number("--simulations", 4, 10_000_000),
        default=400,
        metavar="N",
        help="parameter sets simulated in all (shared equally by waves and generations)",
    )
    p.add_argument(
        "--replicates", type=whole_number("--replicates", 1), default=4, help="runs per set"
    )
    p.add_argument(
        "--weeks",
        type=whole_number("--weeks", 0),
        default=0,
        help="weeks after the warm-up (default: the last week a target reads)",
    )
    p.add_argument(
        "--waves", type=whole_number("--waves", 0, 20), default=2, help="history-matching waves"
    )
    p.add_argument(
        "--generations",
        type=whole_number("--generations", 1, 50),
        default=3,
        help="ABC-SMC generations",
    )
    p.add_argument(
        "--population",
        type=whole_number("--population", 0),
        default=0,
        help="accepted sets per generation (default: a quarter of each generation's sets)",
    )
    p.add_argument(
        "--sbc",
        type=whole_number("--sbc", 0, 10_000),
        default=0,
        metavar="N",
        help="also check coverage by simulation-based calibration on N synthetic data sets "
        "(each a whole calibration at the same budget)",
    )
    p.add_argument(
        "--workers",
        type=whole_number("--workers", 0),
        default=None,
        metavar="N",
        help=f"worker processes (default: one per CPU, here {os.cpu_count()}); 0 runs in this "
        "process",
    )
    p.add_argument("--resume", action="store_true", help="continue the calibration in DIR")
    p.add_argument("--no-progress", action="store_true", help="never show the progress bar")
    p.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from ..calibration.method import Budget
    from ..calibration.priors import load_priors
    from ..calibration.run import finish, run_calibration
    from ..calibration.targets import load_targets
    from ..experiments.store import save_figure
    from ..reporting import calibration_plots as plots
    from .progress import elapsed, progress_bar

    load_targets(args.targets)  # errors before any output
    load_priors(args.parameters)
    budget = Budget(
        simulations=args.simulations,
        replicates=args.replicates,
        weeks=args.weeks,
        waves=args.waves,
        generations=args.generations,
        population=args.population,
    )
    total = budget.per_stage * budget.stages * (1 + args.sbc)
    saved = args.out / "state"
    done = budget.per_stage * len(list(saved.glob("*_*.npz"))) if args.resume else 0
    with progress_bar(
        total, "calibrate", "sets", enabled=not args.no_progress, done=min(done, total)
    ) as advance:
        res = run_calibration(
            args.targets,
            args.parameters,
            args.out,
            seed=args.seed,
            budget=budget,
            workers=args.workers,
            resume=args.resume,
            sbc_runs=args.sbc,
            advance=advance,
        )
    figs = {
        "prior_posterior.png": plots.prior_posterior(
            res.prior_draws, res.ensemble, res.identifiability
        ),
        "predictive.png": plots.predictive_check(res.predictive, res.predictive_draws),
    }
    if res.sbc is not None:
        figs["sbc_ranks.png"] = plots.sbc_ranks(res.sbc)
    for name, fig in figs.items():
        save_figure(fig, res.out / name)
    finish(res, list(figs))
    m = res.manifest
    print(f"{m['targets']}: {m['simulations']} parameter sets x {m['replicates_per_set']} runs")
    for row in res.identifiability.itertuples(index=False):
        print(f"  {row.parameter}: sd ratio {row.sd_ratio:.2f}, {row.verdict}")
    for r in res.predictive.to_dict("records"):
        obs = (
            f"[{r['observed_lo']:.2f}, {r['observed_hi']:.2f}]"
            if r["evidence"] == "range"
            else f"{r['observed']:.3f}"
        )
        print(
            f"  {r['target']}: observed {obs}, predicted "
            f"{r['predictive_mean']:.3f} [{r['predictive_5%']:.3f}, {r['predictive_95%']:.3f}]"
            f" {r['verdict']}"
        )
    if res.sbc is not None:
        from ..calibration.run import sbc_summary

        for r in sbc_summary(res.sbc).to_dict("records"):
            print(
                f"  coverage check {r['parameter']}: 50% interval {r['coverage_50']:.2f}, "
                f"90% interval {r['coverage_90']:.2f} over {r['runs']} synthetic data sets"
            )
    print(f"Wrote {res.out}{os.sep} in {elapsed():.1f} s (wall clock)")
    return 0
