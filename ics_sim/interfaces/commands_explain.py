"""``ics-sim explain RUN_DIR`` and ``ics-sim report RUN_DIR``, and ``run --explain``.

Both read a run folder's ``manifest.json`` (what ``ics-sim run`` wrote) to rebuild the run: a
scenario run's manifest holds the whole scenario, its seeds and weeks; a plain run's holds
its system, seed, weeks and parameters. Nothing is taken from the folder but the manifest and
(for the report) its outcome table and pictures, so an explanation or a report is
reproducible from the manifest alone.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..core.errors import ICSSimError
from .argtypes import whole_number
from .progress import elapsed, progress_bar

#: Most orders of the events ``--samples`` may ask for.
MAX_SAMPLES = 10_000
#: Most replicates an explanation uses by default (each event subset is one run of them).
EXPLAIN_REPLICATES = 8


class RunFolderError(ICSSimError):
    """A run folder whose manifest cannot be used."""


def read_manifest(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / "manifest.json"
    if not Path(run_dir).is_dir():
        raise RunFolderError(
            f"{str(run_dir)!r} is not a folder (give an 'ics-sim run' --out folder)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunFolderError(
            f"{str(run_dir)!r} has no manifest.json; give the --out folder of 'ics-sim run'"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunFolderError(f"{path}: not a readable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") not in (
        "ics-sim run",
        "ics-sim run SCENARIO",
    ):
        raise RunFolderError(
            f"{path}: field 'kind' is {data.get('kind') if isinstance(data, dict) else None!r}; "
            "explain and report read folders written by 'ics-sim run' ('ics-sim run' or "
            "'ics-sim run SCENARIO')"
        )
    return data


def scenario_of(manifest: dict[str, Any], where: str = "manifest.json"):
    """(scenario, seeds, weeks) that rebuild the run a manifest describes."""
    from ..scenarios.schema import from_dict

    try:
        if manifest["kind"] == "ics-sim run SCENARIO":
            data = dict(manifest["scenario"])
            data.pop("extends", None)
            scn = from_dict(data, where)
            return scn, [int(s) for s in manifest["seeds"]], int(manifest["weeks"])
        params = dict(manifest.get("parameters") or {})
        scn = from_dict(
            {
                "name": manifest.get("composition", {}).get("name") or "run",
                "ics": manifest.get("ics") or "default",
                "weeks": int(manifest["weeks"]),
                "seed": int(manifest["seed"]),
                "replicates": 1,
                "parameters": params,
            },
            where,
        )
        return scn, [int(manifest["seed"])], int(manifest["weeks"])
    except KeyError as exc:
        raise RunFolderError(f"{where}: field {exc.args[0]!r} is missing") from None


def compute_explanation(scn, seeds, weeks, *, start=0, end=None, samples=None, show=False):
    from ..evaluation import explain as ex

    n = len(scn.interventions) + len(scn.shocks)
    runs = 2**n if n <= ex.EXACT_MAX else None
    label = f"explaining {scn.name}: {n} events"
    with progress_bar(runs or 0, label, "runs", show and runs is not None) as advance:
        return ex.explain(
            scn.composition(),
            seeds,
            weeks,
            events=scn.create_events(),
            params=scn.parameters,
            mechanisms_off=scn.mechanisms_off,
            start=start,
            end=end,
            samples=samples or ex.SAMPLES,
            progress=advance,
        )


def write_explanation(run: Any, result) -> dict[str, Path]:
    """explain.csv, organisations.csv, story.txt, comparison.csv and waterfall PNGs in a run."""
    from ..evaluation.explain import comparison
    from ..experiments.store import write_text
    from ..reporting.waterfall import plot_waterfall

    table = result.table()
    run.table("explain.csv", table, "explain.csv")
    run.table("explain_organisations.csv", result.organisations, "explain_organisations.csv")
    run.table("explain_comparison.csv", comparison(result), "explain_comparison.csv")
    run.files["explain_story.txt"] = write_text(
        run.work / "explain_story.txt", "\n\n".join(result.story()) + "\n"
    )
    for k in result.outcomes:
        name = "waterfall.png" if k == "collaboration_index" else f"waterfall_{k}.png"
        run.figure(name, plot_waterfall(table, k), name)
    return run.files


def explanation_fields(result) -> dict[str, Any]:
    return {
        "explain": {
            "start": result.start,
            "end": result.end,
            "seeds": result.seeds,
            "events": result.events,
            "exact": result.exact,
            "runs": result.runs,
            "total": dict(zip(result.outcomes, map(float, result.total), strict=True)),
            "baseline_drift": dict(zip(result.outcomes, map(float, result.drift), strict=True)),
        }
    }


# -- ics-sim explain ----------------------------------------------------------------------------
def add_explain_parser(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="explain a run: what each event and each mechanism changed",
        description="Rebuild the run in RUN_DIR from its manifest and split the change in the "
        "collaboration index and each practice between two weeks: by event (Shapley values "
        "of knock-out runs on the same seeds, the baseline drift shown) and by mechanism "
        "(a week-by-week ledger). Writes explain.csv, explain_organisations.csv, "
        "explain_story.txt, explain_comparison.csv and waterfall PNGs to --out.",
    )
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="folder of an 'ics-sim run'")
    p.add_argument(
        "--start",
        type=whole_number("--start", 0),
        default=0,
        metavar="W",
        help="first week of the change (default 0)",
    )
    p.add_argument(
        "--end",
        type=whole_number("--end", 1),
        default=None,
        metavar="W",
        help="last week of the change (default: the run's last week)",
    )
    p.add_argument(
        "--replicates",
        type=whole_number("--replicates", 1),
        default=None,
        metavar="R",
        help=f"replicates to use (default: the run's, at most {EXPLAIN_REPLICATES})",
    )
    p.add_argument(
        "--samples",
        type=whole_number("--samples", 1, MAX_SAMPLES),
        default=None,
        metavar="K",
        help="orders of the events sampled when there are more than 5 (default 64)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output folder (default: RUN_DIR-explain beside the run)",
    )
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    p.set_defaults(func=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> int:
    from ..experiments.store import RunWriter

    manifest = read_manifest(args.run_dir)
    scn, seeds, weeks = scenario_of(manifest, str(Path(args.run_dir) / "manifest.json"))
    seeds = seeds[: args.replicates or EXPLAIN_REPLICATES]
    out = args.out or Path(args.run_dir).with_name(Path(args.run_dir).name + "-explain")
    with RunWriter(out) as run:
        result = compute_explanation(
            scn,
            seeds,
            weeks,
            start=args.start,
            end=args.end,
            samples=args.samples,
            show=not args.no_progress,
        )
        write_explanation(run, result)
        run.finish(
            "ics-sim explain",
            ["ics-sim", *getattr(args, "argv", [])],
            run_dir=str(args.run_dir),
            run_manifest=_manifest_hash(args.run_dir),
            scenario=scn.model_dump(mode="json"),
            weeks=weeks,
            **explanation_fields(result),
            wall_time_seconds=round(elapsed(), 3),
        )
    print("\n\n".join(result.story()[: len(result.outcomes)]))
    print(f"\n{result.runs} runs; wrote the explanation and waterfall charts to {run.out}")
    return 0


def _manifest_hash(run_dir: Path) -> str:
    from ..experiments.manifest import sha256

    return sha256(Path(run_dir) / "manifest.json")


# -- ics-sim run --explain (called by the run commands) --------------------------------------
def explain_into_run(args: argparse.Namespace, run: Any, scn, seeds, weeks) -> dict[str, Any]:
    """Add the explanation files to a run being written; the manifest fields to add."""
    result = compute_explanation(
        scn, list(seeds)[:EXPLAIN_REPLICATES], weeks, show=not getattr(args, "no_progress", False)
    )
    write_explanation(run, result)
    return explanation_fields(result)


# -- ics-sim report -----------------------------------------------------------------------------
def add_report_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write a printable workshop report (HTML, and PDF if Chromium is installed)",
        description="Write a self-contained HTML report of the run in RUN_DIR for the people "
        "in the room: the system, what was switched on and when with its evidence, the six "
        "practices over time, the comparison with doing nothing, the explanation, the "
        "networks before and after, caveats, and how to reproduce it. At most four A4 pages "
        "when printed; a PDF beside it when /usr/bin/chromium exists.",
    )
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="folder of an 'ics-sim run'")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output folder (default: RUN_DIR-report beside the run)",
    )
    p.add_argument(
        "--replicates",
        type=whole_number("--replicates", 1),
        default=None,
        metavar="R",
        help=f"replicates for the explanation (default: the run's, at most {EXPLAIN_REPLICATES})",
    )
    p.add_argument("--no-pdf", action="store_true", help="do not try to print a PDF")
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from ..experiments.store import RunWriter
    from ..reporting.workshop_report import build_report, print_pdf

    manifest = read_manifest(args.run_dir)
    scn, seeds, weeks = scenario_of(manifest, str(Path(args.run_dir) / "manifest.json"))
    out = args.out or Path(args.run_dir).with_name(Path(args.run_dir).name + "-report")
    with RunWriter(out) as run:
        result = compute_explanation(
            scn,
            seeds[: args.replicates or EXPLAIN_REPLICATES],
            weeks,
            show=not args.no_progress,
        )
        html = build_report(Path(args.run_dir), manifest, scn, result)
        from ..experiments.store import write_text

        run.files["report.html"] = write_text(run.work / "report.html", html)
        pdf = None if args.no_pdf else print_pdf(run.work / "report.html", run.work / "report.pdf")
        if pdf is not None:
            run.files["report.pdf"] = pdf
        run.finish(
            "ics-sim report",
            ["ics-sim", *getattr(args, "argv", [])],
            run_dir=str(args.run_dir),
            run_manifest=_manifest_hash(args.run_dir),
            **explanation_fields(result),
            wall_time_seconds=round(elapsed(), 3),
        )
    made = "report.html and report.pdf" if pdf is not None else "report.html"
    why = "" if pdf is not None or args.no_pdf else " (no PDF: Chromium not found)"
    print(f"Wrote {made} to {run.out}{why}")
    return 0


# -- run SCENARIO --save-state / --explain (called by commands.run_scenario_files) ------------
#: Replicates of one batch of a scenario run (ics_sim.sim.runner.run_scenario_tables).
BATCH = 32


def check_scenario_state_options(args: argparse.Namespace, scn, reps: int, seed: int):
    """Refuse, before any work, the state options a scenario run cannot honour; with
    --from-state, the scenario whose engines continue from the file."""
    from ..sim.snapshot import check_target
    from .cli import UsageError

    if getattr(args, "save_state", None) is not None:
        check_target(args.save_state)
        if reps > BATCH:
            raise UsageError(
                f"--save-state: {reps} replicates run in several batches; save the state of at "
                f"most {BATCH} replicates (--replicates {BATCH})"
            )
    if getattr(args, "explain", False) and getattr(args, "from_state", None) is not None:
        raise UsageError(
            "--explain cannot be combined with --from-state (it explains a run from week 0)"
        )
    if getattr(args, "from_state", None) is None:
        return scn
    from ..core.params import resolve
    from ..sim import snapshot
    from ..sim.engine import all_params

    engines = snapshot.load(
        args.from_state,
        scn.composition(),
        interventions=scn.create_events(),
        params=resolve(all_params(), scn.parameters),
        mechanisms_off=scn.mechanisms_off,
        seeds=scn.seeds(reps, seed),
    )
    return Continued(scn, engines, str(args.from_state))


class Continued:
    """A scenario whose engines are the ones loaded from a state file (one per batch)."""

    def __init__(self, scn, engines, where: str):
        self._scn, self._where = scn, where
        self._engines = {tuple(e.seeds): e for e in engines}
        self.start_week = engines[0].week

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scn, name)

    def engine(self, seeds, comp=None):
        e = self._engines.pop(tuple(seeds), None)
        if e is None:
            raise ICSSimError(
                f"state file {self._where!r} holds no batch of seeds {seeds[0]}-{seeds[-1]}; "
                "continue with the replicates it was saved with"
            )
        return e


def scenario_run_extras(
    args: argparse.Namespace, run: Any, scn, engine, seeds, weeks: int
) -> dict[str, Any]:
    """What --save-state and --explain add to a scenario run; the manifest fields."""
    extra: dict[str, Any] = {}
    if isinstance(scn, Continued):
        extra["from_state"], extra["start_week"] = str(args.from_state), int(scn.start_week)
    if getattr(args, "save_state", None) is not None:
        from ..sim.snapshot import digest, save

        save(engine, args.save_state, scenario_hash=digest(scn.model_dump(mode="json")))
        extra["saved_state"] = str(args.save_state)
    if getattr(args, "explain", False):
        extra.update(explain_into_run(args, run, scn, seeds, weeks))
    return extra
