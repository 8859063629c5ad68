"""Command-line commands for scenarios: check, schema, list, run a scenario, compare, validate.

Each ``add_*`` function adds one subcommand to the CLI's argparse subparsers and sets ``func``;
handlers return an exit code and raise :class:`ICSSimError` for input the user can fix.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ICSSimError
from ..core.outcome_table import label_of
from ..state.outcomes import OUTCOMES, PRACTICES
from .argtypes import whole_number
from .progress import elapsed, progress_bar

REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


# -- check, schema, list ---------------------------------------------------------------------
def add_check_parser(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="validate scenario files without running them",
        description="Validate scenario files: exit 0 if all are valid, 2 if any "
        "is not (each problem is printed with its file and field).",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from ..scenarios.schema import load

    bad = 0
    for f in args.files:
        try:
            s = load(f)
            s.check()
        except ICSSimError as e:
            for line in e.lines() if hasattr(e, "lines") else [str(e)]:  # every problem
                print(f"ics-sim: error: {line}", file=sys.stderr)
            bad += 1
        else:
            events = len(s.interventions) + len(s.shocks)
            print(
                f"ok: {f} ({s.name}: {s.weeks} weeks, {s.replicates} replicates, "
                f"{events} interventions and shocks)"
            )
    return 2 if bad else 0


def add_schema_parser(sub: Any) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="Print the JSON Schema of scenario files, for editors' "
        "autocompletion and validation (e.g. YAML language servers).",
    )
    p.add_argument(
        "--system", action="store_true", help="the schema of system files (your own partnership)"
    )
    p.set_defaults(func=cmd_schema)


def cmd_schema(args: argparse.Namespace) -> int:
    from ..scenarios.schema import json_schema

    if getattr(args, "system", False):  # system files: docs/own-partnership.md
        from .commands_system import cmd_schema_system

        return cmd_schema_system()

    print(json.dumps(json_schema(), indent=2))
    return 0


def add_list_parser(sub: Any) -> None:
    p = sub.add_parser(
        "list",
        help="list scenarios, interventions, shocks, mechanisms and the 42 ICSs",
        description="List what a scenario can name. On a terminal, tables; piped or "
        "redirected, plain untruncated text; --format json or csv for scripts. 'mechanisms' "
        "is the weekly plan in order, with what each mechanism reads, writes and which "
        "levers it reads.",
    )
    p.add_argument(
        "what",
        nargs="?",
        default="all",
        choices=["all", "scenarios", "interventions", "shocks", "mechanisms", "ics"],
    )
    p.add_argument(
        "--scenarios-dir",
        type=Path,
        default=None,
        help="folder of scenario files (default: ./scenarios or the shipped ones)",
    )
    p.add_argument(
        "--format",
        choices=["text", "json", "csv"],
        default="text",
        help="text (default: a table on a terminal, plain text otherwise), json or csv",
    )
    p.set_defaults(func=cmd_list)


#: One listing: title, column names, rows (a cell is text, a number or a list of names).
Section = tuple[str, list[str], list[list[Any]]]


def _list_sections(what: str, scenarios_dir: Path | None) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    if what in ("all", "scenarios"):
        folder = scenarios_dir or next(
            (d for d in (Path.cwd() / "scenarios", REPO_SCENARIOS) if d.is_dir()), None
        )
        rows = []
        if folder:
            from ..scenarios.schema import load

            for f in sorted(Path(folder).glob("*.yaml")):
                try:
                    scn = load(f)
                    rows.append([f.name, scn.name, " ".join(scn.description.split())])
                except ICSSimError as e:
                    rows.append([f.name, "invalid", str(e)])
        title = f"Scenarios ({folder})" if folder else "Scenarios (none found)"
        sections["scenarios"] = (title, ["file", "name", "description"], rows)
    from ..interventions import INTERVENTIONS, SHOCKS

    for label, reg in (("interventions", INTERVENTIONS), ("shocks", SHOCKS)):
        if what in ("all", label):
            rows = [
                [
                    name,
                    cls.summary,
                    list(cls.acts_through),
                    [f"{p.name} ({p.default:g})" for p in cls.params],
                ]
                for name, cls in reg.items()
            ]
            cols = ["type", "what it is", "acts through", "parameters (default)"]
            sections[label] = (label.capitalize(), cols, rows)
    if what in ("all", "mechanisms"):
        from ..sim.plan import plan_table

        cols = ["order", "name", "title", "reads", "writes", "levers", "parameters", "source"]
        rows = [[r[c] for c in cols] for r in plan_table()]
        sections["mechanisms"] = ("Mechanisms: the weekly plan, in order", cols, rows)
    if what in ("all", "ics"):
        from ..system.england import list_icss

        df = list_icss()
        cols = [c for c in df.columns if pd.api.types.is_string_dtype(df[c])][:3]
        cols += [c for c in df.columns if c not in cols and "pop" in c][:1]
        rows = [
            [int(v) if isinstance(v, int | np.integer) else str(v) for v in row]
            for row in df[cols].itertuples(index=False)
        ]
        title = f"The {len(df)} integrated care systems of England (--ics CODE)"
        sections["ics"] = (title, cols, rows)
    return sections


def _cell(value: Any, sep: str = ", ") -> str:
    if isinstance(value, list):
        return sep.join(map(str, value)) or "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def cmd_list(args: argparse.Namespace) -> int:
    sections = _list_sections(args.what, args.scenarios_dir)
    if args.format == "json":
        data = {
            k: [dict(zip(cols, row, strict=True)) for row in rows]
            for k, (_, cols, rows) in sections.items()
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        import csv

        several = len(sections) > 1
        header = ["section"] * several + list(
            dict.fromkeys(c for _, cols, _ in sections.values() for c in cols)
        )
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(header)
        for key, (_, cols, rows) in sections.items():
            for row in rows:
                cells = dict(zip(cols, row, strict=True))
                values = [
                    ";".join(map(str, v)) if isinstance(v, list) else v
                    for v in (cells.get(c, "") for c in header[several:])
                ]
                w.writerow([key] * several + values)
    elif sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        console = Console()
        for title, cols, rows in sections.values():
            t = Table(title=title)
            for c in cols:
                t.add_column(c, overflow="fold")
            for row in rows:
                t.add_row(*(_cell(v) for v in row))
            console.print(t)
    else:  # piped or redirected: plain text, every cell in full
        out = []
        for title, cols, rows in sections.values():
            cells = [cols] + [[_cell(v) for v in row] for row in rows]
            widths = [max(len(r[i]) for r in cells) for i in range(len(cols))]
            out += [title, ""]
            out += [
                "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                for r in cells
            ]
            out.append("")
        print("\n".join(out).rstrip())
    return 0


# -- run a scenario ----------------------------------------------------------------------------
def run_scenario_files(args: argparse.Namespace) -> int:
    """``ics-sim run SCENARIO.yaml``: replicates, tidy outputs, manifest and plots."""
    from ..experiments.store import RunWriter
    from ..scenarios.schema import load

    scn = load(args.scenario)
    reps = args.replicates or scn.replicates
    weeks = args.weeks if args.weeks is not None else scn.weeks
    seed = args.seed if args.seed is not None else scn.seed
    scn.check(reps, weeks, seed)  # seeds fit, and the machine can hold it, before any work
    from . import commands_ensemble  # --ensemble: read and checked before anything is written
    from .commands_explain import check_scenario_state_options  # issue 18

    args.ensemble_draw = commands_ensemble.resolve(args, [scn], reps, seed)
    one_world = [
        opt
        for opt, given in (
            ("--from-state", getattr(args, "from_state", None) is not None),
            ("--save-state", getattr(args, "save_state", None) is not None),
            ("--explain", bool(getattr(args, "explain", False))),
        )
        if given
    ]
    if args.ensemble_draw[0] is not None and one_world:
        raise ICSSimError(
            f"{', '.join(one_world)} work on one parameter set, and an ensemble runs many; "
            "run without the ensemble (or pick one set's values as the scenario's parameters)"
        )
    scn = check_scenario_state_options(args, scn, reps, seed)  # --from-state: its engines
    with RunWriter(args.out) as run:
        return _run_scenario(args, run, scn, reps, weeks, seed)


def _run_scenario(args: argparse.Namespace, run: Any, scn: Any, reps: int, weeks: int, seed: int):
    from ..reporting import plots
    from ..sim.runner import run_scenario_tables

    out = run.out
    graphs: list = []  # replicate 0's network at week 0 and at the end, from the run itself
    params: dict = {}

    engines: list = []  # issue 18: the engine at the end, for --save-state

    def snapshot(engine) -> None:
        graphs.append(engine.graph(0))
        params.update(engine.params)
        engines.append(engine)

    t0 = time.perf_counter()
    show = not getattr(args, "no_progress", False)
    ens, drawn, ens_path = getattr(args, "ensemble_draw", None) or (None, None, None)
    n_sets = len(drawn) if drawn is not None else 1
    what = (
        f"{scn.name}: {n_sets} sets x {reps} replicates"
        if ens
        else f"{scn.name}: {reps} replicates"
    )
    with progress_bar(n_sets * reps * weeks, what, "weeks", show) as advance:
        if ens is not None:  # every drawn parameter set (ics_sim.experiments.ensemble_runs)
            from ..experiments.ensemble_runs import run_ensemble

            df, df_ics = run_ensemble(scn, ens, drawn, reps, weeks, seed, advance, snapshot)
        else:
            df, df_ics = run_scenario_tables(
                scn, replicates=reps, weeks=weeks, seed=seed, progress=advance, snapshot=snapshot
            )
    wall = time.perf_counter() - t0
    run.table("outcomes.parquet", df, "outcomes.parquet")
    run.table("outcomes.csv", df, "outcomes.csv")
    if df_ics is not None:  # several ICSs in one model: outcomes per ICS as well
        run.table("outcomes_by_ics.parquet", df_ics, "outcomes_by_ics.parquet")
        run.table("outcomes_by_ics.csv", df_ics, "outcomes_by_ics.csv")
        fig = plots.plot_by_ics(df_ics, title=f"{scn.name}: collaboration index by ICS")
        run.figure("by_ics.png", fig, "by_ics.png")
    events = [
        (
            e.start,
            e.type.replace("_", " "),
            "shock" if path.startswith("shocks") else "intervention",
        )
        for path, e in scn.events()
        if 0 < e.start <= weeks
    ]
    fig = plots.plot_outcomes(
        df, [*PRACTICES, "collaboration_index"], title=scn.name, events=events
    )
    run.figure("outcomes.png", fig, "outcomes.png")
    measures = [k for k in OUTCOMES if k not in PRACTICES and k != "collaboration_index"]
    fig = plots.plot_outcomes(df, measures, title=f"{scn.name}: measures", events=events)
    run.figure("measures.png", fig, "measures.png")
    med = df.groupby("week")[list(PRACTICES)].median()
    fig = plots.plot_radar(
        med.iloc[-1].to_dict(),
        med.iloc[0].to_dict(),
        title=scn.name,
        now_label=f"Week {weeks} (median)",
        start_label="Week 0 (median)",
    )
    run.figure("radar.png", fig, "radar.png")
    g0, g1 = graphs
    pos = plots.network_layout(g0)
    fig = plots.plot_network(g0, title=f"{scn.name}: week 0 (replicate 0)", pos=pos)
    run.figure("network_start.png", fig, "network_start.png")
    fig = plots.plot_network(g1, title=f"{scn.name}: week {weeks} (replicate 0)", pos=pos)
    run.figure("network_end.png", fig, "network_end.png")
    comp = scn.composition()
    from .commands_explain import scenario_run_extras  # issue 18: --save-state, --explain

    extra = scenario_run_extras(args, run, scn, engines[-1], scn.seeds(reps, seed), weeks)
    run.finish(
        "ics-sim run SCENARIO",
        _command(args),
        scenario_file=str(args.scenario),
        scenario=scn.model_dump(mode="json"),
        replicates=reps,
        weeks=weeks,
        seeds=scn.seeds(n_sets * reps, seed),
        parameters=params,
        **(
            {
                "ensemble": {
                    "file": str(ens_path),
                    "meta": ens.meta,
                    "sets": list(drawn.sets),
                    "weights": list(drawn.weights),
                    "parameters": ens.parameters,
                    "seeds": "replicate r of the set at position j: seed + j * replicates + r",
                }
            }
            if ens is not None
            else {}
        ),
        composition={"name": comp.name, "counts": comp.counts()},
        simulation_seconds=round(wall, 3),
        wall_time_seconds=round(elapsed(), 3),
        **extra,
    )
    last = df[df["week"] == df["week"].max()]  # weeks, or later after --from-state
    if ens is not None:
        print(f"{scn.name}: {n_sets} parameter sets of {ens_path} (outcomes have a 'set' column)")
    print(
        f"{scn.name}: {reps} replicate{'s' * (reps != 1)} x {weeks} weeks; simulation "
        f"{wall:.1f} s, "
        f"whole command {elapsed():.1f} s (wall clock)"
    )
    for k in (*PRACTICES, "collaboration_index"):
        q = last[k].quantile([0.1, 0.5, 0.9])
        runs = f"{reps} replicates" if ens is None else f"{n_sets} sets x {reps} replicates"
        band = f"  (10-90% of {runs}: {q[0.1]:.3f}-{q[0.9]:.3f})" if n_sets * reps > 1 else ""
        print(f"  {label_of(k):34s} {q[0.5]:.3f} {band}".rstrip())
    if df_ics is not None:
        _print_ics_ranking(df_ics, weeks, reps)
    print(f"Wrote outcomes, manifest and plots to {out}")
    return 0


#: Replicates needed before the ICSs of one model are ranked at all.
RANK_MIN_REPLICATES = 5


def _print_ics_ranking(df_ics: pd.DataFrame, weeks: int, reps: int) -> None:
    """Highest and lowest ICSs by collaboration index, with 95% intervals, or why not shown.

    With few replicates a ranking is noise (between two seeds the per-ICS index hardly
    correlates), so it is printed only with intervals and a verdict on whether they separate.
    """
    end = df_ics[df_ics["week"] == weeks]
    n_ics = end["ics"].nunique()
    if reps < RANK_MIN_REPLICATES:
        print(
            f"  by ICS: {n_ics} ICSs; no ranking shown with {reps} replicate"
            f"{'s' * (reps != 1)} (it would be noise): run --replicates "
            f"{RANK_MIN_REPLICATES} or more for a ranking with 95% intervals "
            "(outcomes_by_ics.csv has every value)"
        )
        return
    from scipy import stats

    g = end.groupby("ics")["collaboration_index"]
    mean, sem = g.mean(), g.std(ddof=1) / np.sqrt(g.count())
    half = sem * stats.t.ppf(0.975, reps - 1)
    order = mean.sort_values().index
    print(f"  by ICS (collaboration index, mean of {reps} replicates [95% CI], {n_ics} ICSs):")
    for title, names in (("highest", order[::-1][:3]), ("lowest", order[:3])):
        print(f"  {title}")
        for name in names:
            m, h = mean[name], half[name]
            print(f"    {name:30s} {m:.3f} [{m - h:.3f}, {m + h:.3f}]")
    top, bottom = order[-1], order[0]
    if mean[top] - half[top] <= mean[bottom] + half[bottom]:
        print(
            f"  the highest and lowest ICSs' intervals overlap: with {reps} replicates no ICS "
            "stands out; run more replicates before reading anything into the order"
        )


def _command(args: argparse.Namespace) -> list[str]:
    return ["ics-sim", *args.argv] if hasattr(args, "argv") else list(sys.argv)


# -- compare -----------------------------------------------------------------------------------
def add_compare_parser(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="compare scenarios on the same seeds, with confidence intervals",
        description="Run scenarios on the same seeds (common random numbers) and report, for "
        "each outcome at the end and over the run, the paired difference from the first "
        "scenario with a 95%% confidence interval.",
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml")
    p.add_argument(
        "--replicates",
        type=whole_number("--replicates", 1),
        default=None,
        help="replicates per scenario (default: the first file's)",
    )
    p.add_argument(
        "--weeks",
        type=whole_number("--weeks", 1),
        default=None,
        help="weeks (default: the first file's)",
    )
    p.add_argument(
        "--seed", type=whole_number("--seed", 0), default=None, help="seed of replicate 0"
    )
    p.add_argument("--out", type=Path, default=Path("ics-sim-compare"), help="output folder")
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    from .commands_ensemble import add_ensemble_options

    add_ensemble_options(p)
    p.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    from ..experiments.store import RunWriter
    from ..scenarios.schema import load

    if len(args.scenarios) < 2:
        raise ICSSimError("compare needs at least two scenario files")
    scns = [load(f) for f in args.scenarios]
    names = [s.name for s in scns]
    if len(set(names)) < len(names):
        raise ICSSimError("scenarios to compare must have different names: " + ", ".join(names))
    reps = args.replicates or scns[0].replicates
    weeks = args.weeks or scns[0].weeks
    seed = scns[0].seed if args.seed is None else args.seed
    for s in scns:
        s.check(reps, weeks, seed)
    from . import commands_ensemble

    ens, drawn, ens_path = commands_ensemble.resolve(args, scns, reps, seed)
    with RunWriter(args.out) as run:
        if ens is not None:  # across plausible worlds: docs/ensembles-and-discovery.md
            return commands_ensemble.compare_ensemble(
                args, run, scns, names, reps, weeks, seed, ens, drawn, ens_path
            )
        return _compare(args, run, scns, names, reps, weeks, seed)


def _compare(args, run, scns, names, reps, weeks, seed) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..evaluation.compare import paired_differences, replicates_needed
    from ..reporting import plots
    from ..sim.runner import run_scenario

    out = run.out
    frames = []
    show = not args.no_progress
    t0 = time.perf_counter()
    with progress_bar(
        len(scns) * reps * weeks, f"{len(scns)} scenarios x {reps}", "weeks", show
    ) as advance:
        for s in scns:
            frames.append(
                run_scenario(s, replicates=reps, weeks=weeks, seed=seed, progress=advance)
            )
    wall = time.perf_counter() - t0
    table = paired_differences(frames)
    both = pd.concat(frames, ignore_index=True)
    run.table("outcomes.parquet", both, "outcomes.parquet")
    run.table("compare.csv", table, "compare.csv")
    fig = plots.plot_outcomes(both, [*PRACTICES, "collaboration_index"], title="Scenarios compared")
    run.figure("outcomes.png", fig, "outcomes.png")
    run.figure("compare.png", plots.plot_paired_differences(table), "compare.png")
    run.finish(
        "ics-sim compare",
        _command(args),
        scenario_files=[str(f) for f in args.scenarios],
        scenarios=[s.model_dump(mode="json") for s in scns],
        replicates=reps,
        weeks=weeks,
        seeds=list(range(seed, seed + reps)),
        simulation_seconds=round(wall, 3),
        wall_time_seconds=round(elapsed(), 3),
    )
    console = Console(highlight=False)
    console.print(
        f"[bold]Paired differences from '{names[0]}'[/bold]: {reps} replicates "
        f"on seeds {seed}-{seed + reps - 1}, {weeks} weeks; 95% intervals. Simulation "
        f"{wall:.1f} s, whole command {elapsed():.1f} s (wall clock)."
    )
    headline = [*PRACTICES, "collaboration_index"]
    for name in names[1:]:
        t = Table(title=f"{name}  minus  {names[0]}")
        for col in ("outcome", "end: difference [95% CI]", "over the run: difference [95% CI]"):
            t.add_column(col)
        sub = table[table["scenario"] == name]
        for k in OUTCOMES:
            cells = []
            for measure in ("end", "run mean"):
                r = sub[(sub.outcome == k) & (sub.measure == measure)].iloc[0]
                text = f"{r.difference:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]"
                cells.append(f"[bold]{text}[/bold]" if r.distinguishable else text)
            t.add_row(label_of(k), *cells)
        console.print(t)
        wide = []
        for k in headline:
            r = sub[(sub.outcome == k) & (sub.measure == "end")].iloc[0]
            if not r.distinguishable and r.ci_high - r.ci_low > 1e-9:
                need = replicates_needed(r)
                wide.append(
                    f"{label_of(k)} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]"
                    + (f" (about {need} replicates)" if need and need > reps else "")
                )
        if wide:
            console.print(
                f"[yellow]warning:[/yellow] with {reps} replicates the intervals of {name} "
                f"minus {names[0]} include zero, too wide to tell the scenarios apart on: "
                + "; ".join(wide)
                + ". Run more replicates (--replicates)."
            )
    console.print(
        f"Wrote compare.csv, compare.png, outcomes.parquet, outcomes.png and manifest.json to {out}"
    )
    return 0


# -- validate ---------------------------------------------------------------------------------
def add_validate_parser(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="write the validation report",
        description="Run verification, calibration, pattern and sensitivity "
        "checks and write validation.md with plots. Exits 1 if a "
        "verification case fails.",
    )
    p.add_argument("--out", type=Path, default=Path("ics-sim-validation"))
    p.add_argument("--quick", action="store_true", help="reduced size (as in CI)")
    p.add_argument(
        "--sobol", type=Path, default=None, help="results folder of a Sobol sweep to include"
    )
    p.add_argument("--no-progress", action="store_true", help="do not report each stage")
    from .commands_system import add_wave2_options

    add_wave2_options(p)  # validate --system FILE --wave2 SURVEY2 (docs/own-partnership.md)
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from ..reporting.validation_report import validate

    if args.system is not None or args.wave2 is not None:
        from .commands_system import cmd_validate_wave2

        return cmd_validate_wave2(args)

    def say(stage: str) -> None:
        if not args.no_progress:
            print(f"validate: {stage}... ({elapsed():.0f} s so far)", file=sys.stderr, flush=True)

    rep = validate(args.out, quick=args.quick, sobol=args.sobol, progress=say)
    print(f"Wrote {Path(args.out) / 'validation.md'} in {elapsed():.0f} s (wall clock)")
    if not rep.verification_passed:
        print("ics-sim: verification FAILED (see the report)", file=sys.stderr)
        return 1
    return 0
