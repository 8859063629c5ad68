"""The ``ics-sim`` command line.

Subcommands are registered in :data:`COMMANDS`: each entry is a function that adds its parser
to the argparse subparsers and sets ``func`` (called with the parsed arguments, returning an
exit code). ``run`` is defined here; the scenario commands (``check``, ``schema``, ``list``,
``compare``, ``validate`` and ``run SCENARIO.yaml``) live in :mod:`ics_sim.commands`.

Exit codes: 0 success, 2 bad input (usage errors and :class:`ics_sim.errors.ICSSimError`, one
line ``ics-sim: error: ...`` on stderr), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from .._version import __version__
from ..core.errors import ICSSimError
from .argtypes import whole_number
from .progress import elapsed, progress_bar

PROG = "ics-sim"
DEFAULT_WEEKS = 260
DEFAULT_SEED = 1
DEFAULT_OUT = "ics-sim-output"
#: Largest values any command accepts: the same limits as scenario and experiment files.
MAX_WEEKS = 5200
MAX_REPLICATES = 100_000
MAX_SEED = 2**63 - 1
MAX_WORKERS = 1024


class UsageError(ICSSimError):
    """Bad command-line syntax (reported like any other user error)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# --------------------------------------------------------------------------------------------
# ics-sim run


def add_run(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run the model and write outcomes, plots and a manifest",
        description="Run the model for one ICS and one seed (or, given a scenario file, its "
        "replicates). Writes outcomes.csv, outcomes.parquet, manifest.json and PNG plots to "
        "the output folder.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        default=None,
        metavar="SCENARIO.yaml",
        help="optional scenario file (see 'ics-sim list scenarios'); without it, one run of "
        "the default or --ics system with no interventions",
    )
    p.add_argument(
        "--weeks",
        type=whole_number("--weeks", 0, MAX_WEEKS),
        default=None,
        metavar="N",
        help=f"weeks to simulate (default {DEFAULT_WEEKS}, five years, or the scenario's)",
    )
    p.add_argument(
        "--seed",
        type=whole_number("--seed", 0, MAX_SEED),
        default=None,
        metavar="S",
        help="random seed: the same seed gives the same results "
        f"(default {DEFAULT_SEED}, or the scenario's)",
    )
    p.add_argument(
        "--ics",
        default=None,
        metavar="CODE",
        help="an English ICS by ICB code (ODS, e.g. QOX, or ONS, e.g. E54000040) or name "
        "(default: the built-in default ICS of 43 organisations)",
    )
    p.add_argument(
        "--replicates",
        type=whole_number("--replicates", 1, MAX_REPLICATES),
        default=None,
        metavar="R",
        help="with a scenario file: number of replicates (default: the scenario's)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        metavar="DIR",
        help=f"output folder, created if needed (default ./{DEFAULT_OUT})",
    )
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="never show the progress bar (it is only shown when stderr is a terminal)",
    )
    from .commands_ensemble import add_ensemble_options

    add_ensemble_options(p)
    _add_state_options(p)
    p.set_defaults(func=cmd_run)


# -- run: save, continue, explain (issue 18) ---------------------------------------------------
def _add_state_options(p: Any) -> None:
    p.add_argument(
        "--save-state",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the model's state at the end (every random stream included) to FILE "
        "(.npz), to continue from later with --from-state",
    )
    p.add_argument(
        "--from-state",
        type=Path,
        default=None,
        metavar="FILE",
        help="continue from a state file written by --save-state (same system, parameters "
        "and seeds; no warm-up): --weeks more weeks",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="also explain the run: what each event and each mechanism changed (explain.csv, "
        "waterfall.png, explain_story.txt; see 'ics-sim explain')",
    )


def _single_scenario(args: argparse.Namespace, model: Any):
    """The scenario of a plain run (for --explain)."""
    from .commands_explain import scenario_of

    manifest = {
        "kind": "ics-sim run",
        "seed": args.seed,
        "weeks": args.weeks,
        "ics": args.ics,
        "parameters": dict(model.params),
        "composition": {"name": model.composition.name},
    }
    return scenario_of(manifest, "the command line")


def _make_model(seed: int, ics: str | None):
    from ..sim.model import ICSModel

    try:
        return ICSModel(rng=seed, ics=ics)
    except ImportError as exc:  # real ICS data not installed in this version
        if ics is not None and (exc.name or "").startswith("ics_sim"):
            raise ICSSimError(
                f"--ics {ics}: real ICS compositions are not available in this version of "
                "ics-sim; leave out --ics to run the default ICS"
            ) from None
        raise


def cmd_run(args: argparse.Namespace) -> int:
    if args.save_state is not None:  # issue 18: refuse a bad target before any work
        from ..sim.snapshot import check_target

        check_target(args.save_state)
    if args.ics is not None and not args.ics.strip():
        raise UsageError("--ics: give an ICB code or name (see 'ics-sim list ics'), not ''")
    if args.scenario is not None:
        if args.ics is not None:
            raise UsageError("--ics cannot be combined with a scenario file (set 'ics:' in it)")
        from .commands import run_scenario_files

        return run_scenario_files(args)
    if args.replicates is not None:
        raise UsageError("--replicates needs a scenario file: ics-sim run SCENARIO.yaml")
    if args.ensemble is not None or args.sets is not None:
        raise UsageError("--ensemble and --sets need a scenario file: ics-sim run SCENARIO.yaml")
    args.weeks = DEFAULT_WEEKS if args.weeks is None else args.weeks
    args.seed_given = args.seed is not None
    args.seed = DEFAULT_SEED if args.seed is None else args.seed
    _check_single(args)
    return run_single(args)


def _check_single(args: argparse.Namespace) -> None:
    """Refuse a plain run this machine cannot hold, before building it (see --force)."""
    from ..scenarios.limits import check_run
    from ..system.lookup import resolve_composition

    try:
        comp = resolve_composition(args.ics)
    except ImportError:
        return  # no real ICS data: _make_model says so
    check_run(comp, 1, args.weeks, what=f"a run of {comp.name}")


def run_single(args: argparse.Namespace) -> int:
    """One run of one system: outcomes, plots, manifest and a summary."""
    from ..core.outcome_table import PRACTICE_LABELS, PRACTICES
    from ..experiments.store import RunWriter
    from ..reporting import plots

    run = RunWriter(args.out)
    out = run.out
    if args.from_state is not None:  # continue a saved run (issue 18)
        if args.explain:
            raise UsageError(
                "--explain cannot be combined with --from-state (it explains a run from week 0)"
            )
        from ..sim.model import ICSModel
        from ..sim.snapshot import header

        saved = header(args.from_state)["seeds"][0]
        if args.seed_given and args.seed != saved:
            raise UsageError(
                f"--seed {args.seed}: the state file {str(args.from_state)!r} was "
                f"saved with seed {saved}"
            )
        args.seed = saved
        model = ICSModel(state=args.from_state, ics=args.ics)
    else:
        model = _make_model(args.seed, args.ics)
    graph_start = model.graph()

    t0 = time.perf_counter()
    label = model.composition.name
    with progress_bar(args.weeks, label, "weeks", not args.no_progress) as advance:
        df = model.run(args.weeks, progress=advance)
    wall = time.perf_counter() - t0
    graph_end = model.graph()

    name = model.composition.name
    where = f"{name}, seed {args.seed}"
    run.table("outcomes_csv", df, "outcomes.csv")
    run.table("outcomes_parquet", df, "outcomes.parquet")
    pos = plots.network_layout(graph_start)  # shared, so organisations stay in place
    fig = plots.plot_outcomes(
        df, PRACTICES, title=f"The six practices over {args.weeks} weeks ({where})"
    )
    run.figure("practices_png", fig, "practices.png")
    fig = plots.plot_radar(
        df.iloc[-1].to_dict(),
        df.iloc[0].to_dict(),
        title=f"The six practices at week 0 and week {args.weeks}",
        now_label=f"Week {args.weeks}",
    )
    run.figure("radar_png", fig, "radar.png")
    for key, graph, week in (("start", graph_start, 0), ("end", graph_end, args.weeks)):
        fig = plots.plot_network(graph, title=f"Relationships at week {week} ({where})", pos=pos)
        run.figure(f"network_{key}_png", fig, f"network_{key}.png")

    comp = model.composition
    extra: dict[str, Any] = {}  # issue 18: --save-state, --from-state, --explain
    if args.save_state is not None:
        from ..sim.snapshot import save

        save(model.engine, args.save_state, ics=args.ics)
        extra["saved_state"] = str(args.save_state)
    if args.from_state is not None:
        extra["from_state"] = str(args.from_state)
        extra["start_week"] = int(model._first_week)
    if args.explain:
        from .commands_explain import explain_into_run

        scn, seeds, weeks = _single_scenario(args, model)
        extra.update(explain_into_run(args, run, scn, seeds, weeks))
    run.finish(
        "ics-sim run",
        [PROG, *args.argv],
        seed=int(args.seed),
        weeks=int(args.weeks),
        ics=args.ics,
        composition={
            "name": comp.name,
            "organisations": int(comp.n),
            "counts": comp.counts(),
            "provenance": getattr(comp, "provenance", None),
        },
        parameters=dict(model.params),
        simulation_seconds=round(float(wall), 3),
        wall_time_seconds=round(elapsed(), 3),
        final={k: float(v) for k, v in df.iloc[-1].items() if k != "week"},
        **extra,
    )
    files = run.files

    _print_summary(df, model, args, wall, out, files, PRACTICES, PRACTICE_LABELS)
    return 0


def _print_summary(df, model, args, wall, out, files, practices, labels) -> None:
    first, last = df.iloc[0], df.iloc[-1]
    comp = model.composition
    rows = [("Collaboration index", "collaboration_index")]
    rows += [(f"  {labels[p]}", p) for p in practices]
    width = max(len(label) for label, _ in rows) + 2

    def fmt(x: Any) -> str:
        x = float(x)
        return f"{x:8.3f}" if math.isfinite(x) else f"{'n/a':>8}"

    lines = [
        f"ics-sim {__version__}: {comp.name} ({comp.n} organisations), seed {args.seed}, "
        f"{args.weeks} weeks; simulation {wall:.1f} s, whole command {elapsed():.1f} s "
        "(wall clock)",
        "",
        f"{'':<{width}}{'week 0':>8}  {f'week {args.weeks}':>10}",
    ]
    for label, key in rows:
        if key in df.columns:
            lines.append(f"{label:<{width}}{fmt(first[key])}  {fmt(last[key]):>10}")
    try:
        shown = out.relative_to(Path.cwd())
    except ValueError:
        shown = out
    lines += ["", f"Wrote {len(files)} files to {shown}{os.sep}:"]
    lines += [f"  {Path(p).name}" for p in files.values()]
    print("\n".join(lines))


# --------------------------------------------------------------------------------------------
# The parser and main


def _commands() -> list[Callable[[Any], None]]:
    from . import commands as c
    from . import commands_calibrate as cal
    from . import commands_discover as disc
    from . import commands_ensemble as ens
    from . import commands_explain as ce
    from . import commands_sweep as sw
    from . import commands_system as cs
    from .dashboard.launch import add_dashboard_parser

    return [
        add_run,
        c.add_compare_parser,
        c.add_check_parser,
        c.add_list_parser,
        c.add_schema_parser,
        sw.add_sweep_parser,
        sw.add_analyse_parser,
        cal.add_calibrate_parser,
        disc.add_discover_parser,
        ens.add_ensemble_parser,
        c.add_validate_parser,
        cs.add_import_survey_parser,
        ce.add_explain_parser,
        ce.add_report_parser,
        add_dashboard_parser,
    ]


#: Functions that each add one subcommand, in the order ``--help`` lists them.
COMMANDS: list[Callable[[Any], None]] = _commands()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Agent-based simulation of how the organisations of an English integrated "
        "care system (ICS) come to collaborate.",
        epilog=f"Run '{PROG} COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    _add_shared_options(sub.choices)
    return parser


#: Commands that read scenario or experiment files (and so follow ``extends``/``scenario:``).
READS_FILES = ("run", "check", "compare", "list", "sweep", "discover")


#: Commands that start simulations (and so may be too big for the machine).
RUNS_MODEL = ("run", "compare", "sweep", "calibrate", "discover", "explain", "report")
#: Upper bounds of the numeric options every command shares, by option name.
BOUNDS = {"seed": MAX_SEED, "weeks": MAX_WEEKS, "replicates": MAX_REPLICATES}


def _bounded(parse: Callable[[str], Any], name: str, hi: int) -> Callable[[str], Any]:
    def bounded(text: str) -> Any:
        value = parse(text)
        if isinstance(value, int) and value > hi:
            raise argparse.ArgumentTypeError(f"must be at most {hi}, got {value}")
        return value

    bounded.__name__ = name
    return bounded


def _add_shared_options(parsers: dict[str, argparse.ArgumentParser]) -> None:
    """Options and limits every command shares, defined once.

    Every ``--seed``, ``--weeks`` and ``--replicates`` gets the same upper bound as the files
    (whatever its command's own parser checks), and ``--workers`` at most
    :data:`MAX_WORKERS`; every path must be a non-empty name.
    """
    bounds = {**BOUNDS, "workers": MAX_WORKERS}
    for parser in parsers.values():
        for action in parser._actions:
            if action.dest in bounds and action.type is not None:
                action.type = _bounded(action.type, action.dest, bounds[action.dest])
            elif action.type is Path:
                action.type = _path
    for name in RUNS_MODEL:
        if name in parsers:
            parsers[name].add_argument(
                "--force",
                action="store_true",
                help="start even when the memory or time estimate says this machine cannot "
                "finish it (by default such a run is refused before it starts)",
            )
    sweep = parsers.get("sweep")
    if sweep is not None:
        sweep.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="replace a key of the experiment file for this sweep, checked like the file "
            "(repeatable), e.g. --set samples=8 --set weeks=26 --set replicates=2",
        )
    for name in READS_FILES:
        if name in parsers:
            parsers[name].add_argument(
                "--allow-outside",
                action="store_true",
                help="let 'extends' and 'scenario:' name files outside the project (the "
                "folder of the file given and the working directory)",
            )


def _error(message: str) -> int:
    message = " ".join(str(message).split()) or "unknown error"
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        _check_text(argv)
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version print, then exit 0
            return exc.code if isinstance(exc.code, int) else 0
        if args.command is None:
            raise UsageError(
                f"no command given; choose one of: {', '.join(_command_names(parser))} "
                f"(see '{PROG} --help')"
            )
        args.argv = argv
        from ..scenarios.files import outside_allowed
        from ..scenarios.limits import forced

        with (
            outside_allowed(bool(getattr(args, "allow_outside", False))),
            forced(bool(getattr(args, "force", False))),
        ):
            return int(args.func(args))
    except ICSSimError as exc:
        for line in exc.lines() if hasattr(exc, "lines") else [str(exc)]:  # every problem
            code = _error(line)
        return code
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted; files already written are complete", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `ics-sim run | head -3`
        _silence_stdout()
        return 141


def _path(text: str) -> Path:
    """A path argument: a non-empty name (``--out ''`` would mean the working directory)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must be a file or folder name, not empty")
    if "\0" in text:
        raise argparse.ArgumentTypeError("must not contain a NUL character")
    return Path(text)


def _check_text(argv: list[str]) -> None:
    """Every argument is text: bytes that are not UTF-8 (``--out $'\\xff'``) are refused here,
    before they can reach a file name, a manifest or a message."""
    for i, arg in enumerate(argv):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            raise UsageError(
                f"argument {i + 1} ({shown[:60]}) is not valid UTF-8 text; rename the file or "
                "folder, or give another name"
            ) from None


def _command_names(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at devnull so Python's exit flush does not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
