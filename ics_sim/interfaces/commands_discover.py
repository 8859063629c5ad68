"""``ics-sim discover EXPERIMENT.yaml``: where does a portfolio succeed, where does it fail?

See :mod:`ics_sim.evaluation.discovery` and docs/ensembles-and-discovery.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from .argtypes import whole_number
from .progress import elapsed, progress_bar


def add_discover_parser(sub: Any) -> None:
    p = sub.add_parser(
        "discover",
        help="scenario discovery: the conditions under which a portfolio succeeds (PRIM, CART)",
        description="Sample uncertain factors (Latin hypercube), run each point without and "
        "with a portfolio of interventions on the same seeds, and find the conditions of "
        "success and failure with PRIM and a CART tree. Writes points.parquet, rules.md, "
        "rules.json, plots and manifest.json. See docs/ensembles-and-discovery.md.",
    )
    p.add_argument("experiment", type=Path, metavar="EXPERIMENT.yaml")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output folder (default: results/<experiment file name>)",
    )
    p.add_argument(
        "--workers",
        type=whole_number("--workers", 0),
        default=None,
        metavar="N",
        help="worker processes (default: one per CPU); 0 runs in this process; results are "
        "the same whatever N",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="replace a key of the file (repeatable), e.g. --set samples=16 --set weeks=26",
    )
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    p.set_defaults(func=cmd_discover)


def cmd_discover(args: argparse.Namespace) -> int:
    from ..evaluation.discovery import load_discovery
    from ..experiments.store import RunWriter

    loaded = load_discovery(args.experiment, args.set)
    out = args.out if args.out is not None else Path("results") / args.experiment.stem
    with RunWriter(out) as run:
        return _discover(args, run, loaded)


def _discover(args, run, loaded) -> int:
    from ..evaluation.discovery import find_rules, rules_json, run_points, sentences
    from ..experiments.store import write_json, write_text
    from ..reporting import discovery_plots as dp
    from .commands import _command

    spec = loaded.spec
    total = 2 * spec.samples * spec.replicates
    t0 = time.perf_counter()
    with progress_bar(total, spec.name[:40], "runs", not args.no_progress) as advance:
        points = run_points(loaded, args.workers, advance)
    wall = time.perf_counter() - t0
    names = loaded.names
    ranges = {n: tuple(map(float, spec.factors[n].range)) for n in names}
    rules = find_rules(
        points[names],
        points["success"].to_numpy(),
        spec.density_threshold,
        spec.mass_min,
        spec.tree_depth,
    )
    from ..evaluation.ensemble_compare import direction

    sign = "raises" if direction(spec.outcome) > 0 else "lowers"
    words = f"{sign} {spec.outcome.replace('_', ' ')}"
    if spec.success.threshold:
        words += f" by more than {spec.success.threshold:g}"
    lines = sentences(rules, loaded.portfolio_name, words)
    run.table("points.parquet", points, "points.parquet")
    run.table("points.csv", points, "points.csv")
    md = _markdown(loaded, rules, lines, ranges)
    run.files["rules.md"] = write_text(run.work / "rules.md", md)
    run.files["rules.json"] = write_json(rules_json(rules, lines), run.work / "rules.json")
    for b in (rules.failure, rules.success):
        if b is not None:
            run.figure(
                f"peeling_{b.of}.png",
                dp.plot_peeling(b, f"PRIM peeling trajectory: {b.of} of {loaded.portfolio_name}"),
                f"peeling_{b.of}.png",
            )
            run.figure(
                f"box_{b.of}.png",
                dp.plot_box(b, ranges, f"PRIM box of {b.of}"),
                f"box_{b.of}.png",
            )
    run.figure(
        "tree.png",
        dp.plot_tree(rules.tree, names, f"CART: does {loaded.portfolio_name} succeed?"),
        "tree.png",
    )
    run.finish(
        "ics-sim discover",
        _command(args),
        experiment_file=str(args.experiment),
        experiment=spec.model_dump(mode="json"),
        base_scenario=loaded.base.model_dump(mode="json"),
        portfolio={"name": loaded.portfolio_name, "interventions": loaded.portfolio},
        weeks=loaded.weeks,
        seed=loaded.seed,
        seeds=[loaded.seed + r for r in range(spec.replicates)],
        design="Latin hypercube (scipy.stats.qmc), seeded with the experiment seed",
        simulation_seconds=round(wall, 3),
        wall_time_seconds=round(elapsed(), 3),
    )
    print(
        f"{spec.name}: {spec.samples} futures x 2 arms x {spec.replicates} replicates x "
        f"{loaded.weeks} weeks; simulation {wall:.1f} s, whole command {elapsed():.1f} s"
    )
    for line in lines:
        print("  " + line)
    if rules.tree_rules:
        print("  CART rules (share of futures where it succeeds):")
        for r in sorted(rules.tree_rules, key=lambda r: -r["points"]):
            print(f"    {r['share_success']:4.0%} of {r['points']:3d} futures where {r['rule']}")
    print(f"Wrote points.parquet, rules.md, rules.json, plots and manifest.json to {run.out}")
    return 0


def _markdown(loaded, rules, lines, ranges) -> str:
    spec = loaded.spec
    out = [
        f"# Scenario discovery: {spec.name}",
        "",
        " ".join(spec.description.split()),
        "",
        f"Portfolio: **{loaded.portfolio_name}**, against the base scenario "
        f"'{loaded.base.name}'. Outcome: {spec.outcome} ({spec.measure}); success: paired "
        f"effect beyond {spec.success.threshold:g} in the desirable direction"
        + (" with its 95% interval clear of it" if spec.success.significant else "")
        + f". {spec.samples} futures (Latin hypercube), {spec.replicates} replicates per arm "
        f"on common random numbers, {loaded.weeks} weeks.",
        "",
        "## Summary",
        "",
        *[f"- {line}" for line in lines],
        "",
        "## Factors sampled",
        "",
        "| factor | range |",
        "|---|---|",
        *[f"| {n} | {lo:g} to {hi:g} |" for n, (lo, hi) in ranges.items()],
        "",
    ]
    for b in (rules.failure, rules.success):
        if b is None:
            continue
        out += [
            f"## PRIM box of {b.of}",
            "",
            f"Coverage {b.coverage:.0%} (share of all {b.of}s inside the box), density "
            f"{b.density:.0%} (share of the box's futures that are {b.of}s), mass "
            f"{b.mass:.0%} (share of all futures inside). Chosen at step {b.chosen} of the "
            "peeling trajectory: the largest coverage with density at least "
            f"{spec.density_threshold:.0%}.",
            "",
            "| factor | from | to |",
            "|---|---|---|",
            *[f"| {n} | {lo:.4g} | {hi:.4g} |" for n, (lo, hi) in b.limits.items()],
            "",
        ]
    out += [
        "## CART tree",
        "",
        "| rule | futures | share succeeding |",
        "|---|---|---|",
        *[f"| {r['rule']} | {r['points']} | {r['share_success']:.0%} |" for r in rules.tree_rules],
        "",
        "```",
        rules.tree_text.rstrip(),
        "```",
        "",
    ]
    return "\n".join(out)
