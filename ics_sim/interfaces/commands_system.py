"""Commands for a partnership's own system: ``import-survey`` and ``validate --system``.

``ics-sim import-survey SURVEY --map MAP.yaml --out my_partnership.yaml`` turns a
relationship survey into a system file (docs/own-partnership.md). Everything is read,
checked and computed before the first file is written, and each file is written atomically,
so a bad survey leaves nothing behind. ``--anonymise`` replaces every organisation's name by
its kind and a number ("Acute trust 2"), the same in every file the command writes.

Nothing here (or anywhere in ics-sim) sends data over the network: survey data stay on the
user's machine.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ICSSimError
from .argtypes import whole_number


def add_import_survey_parser(sub: Any) -> None:
    p = sub.add_parser(
        "import-survey",
        help="turn a relationship survey (CSV or Excel) into a system file",
        description="Read a relationship survey (long or wide; CSV or Excel) with a mapping "
        "file, check every name and answer, impute missing answers (flagged), and write the "
        "system file, its relationship table (OUT_relationships.csv), a coverage report "
        "(OUT_coverage.md and .csv) and a picture of the surveyed network (OUT_network.png). "
        "Nothing is written if anything is wrong; nothing is sent anywhere.",
    )
    p.add_argument("survey", type=Path, metavar="SURVEY", help="survey export (.csv, .xlsx)")
    p.add_argument("--map", type=Path, required=True, metavar="MAP.yaml", help="mapping file")
    p.add_argument(
        "--out", type=Path, required=True, metavar="OUT.yaml", help="system file to write"
    )
    p.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="replace names by kind and number in every file written",
    )
    p.add_argument("--no-picture", action="store_true", help="do not draw the network picture")
    p.set_defaults(func=cmd_import_survey)


def outputs(out: Path) -> dict[str, Path]:
    """The files ``import-survey --out OUT.yaml`` writes."""
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise ICSSimError(f"--out {out}: the system file must end in .yaml or .yml")
    stem = out.with_suffix("")
    return {
        "system": out,
        "relationships": Path(f"{stem}_relationships.csv"),
        "coverage_md": Path(f"{stem}_coverage.md"),
        "coverage_csv": Path(f"{stem}_coverage.csv"),
        "picture": Path(f"{stem}_network.png"),
    }


def cmd_import_survey(args: argparse.Namespace) -> int:
    from ..experiments.store import prepare_dir, write_csv, write_text
    from ..scenarios import survey as sv
    from ..scenarios import system_file as sf
    from ..scenarios.files import yaml_value

    files = outputs(args.out)
    imp = sv.import_survey(args.survey, args.map)  # every check; nothing written yet
    spec = imp.survey.spec
    per_org, totals = sv.coverage(imp)
    names: dict[str, str] = {o.name: o.name for o in spec.organisations}
    if args.anonymise:
        spec, names = sf.anonymise(spec)
        per_org["organisation"] = per_org["organisation"].map(names)
    spec = spec.model_copy(
        update={
            "relationships": files["relationships"].name,
            "provenance": (spec.provenance + "; " if spec.provenance else "")
            + f"relationships imported from {'a survey' if args.anonymise else args.survey.name}"
            f" by ics-sim import-survey ({totals['ties_observed']} of {totals['ties']} ties "
            "surveyed, the rest imputed and flagged)",
        }
    )
    table = sf.ties_table(spec, imp.ties, imp.methods)
    header = (
        "# SYNTHETIC example data (not real)\n" if spec.synthetic else ""
    ) + "# Written by ics-sim import-survey; see docs/own-partnership.md\n"
    text = sf.dump(spec, header)
    # Check the output reads back before anything is written (round trip).
    sf.validated(yaml_value(text, files["system"], ""), files["system"])
    report = coverage_markdown(spec, per_org, totals, files, picture=not args.no_picture)
    fig = None
    if not args.no_picture:
        from ..reporting.survey_plots import plot_surveyed_network
        from ..system.kinds import parse_kind

        fig = plot_surveyed_network(
            [o.name for o in spec.organisations],
            [int(parse_kind(o.kind)) for o in spec.organisations],
            imp.ties.src,
            imp.ties.dst,
            imp.ties.values.get("trust", np.full(len(imp.ties), np.nan)),
            imp.ties.observed,
            f"{spec.name}: surveyed and imputed ties",
        )
    prepare_dir(files["system"].parent if str(files["system"].parent) else Path("."))
    write_csv(table, files["relationships"])
    write_csv(per_org, files["coverage_csv"])
    write_text(files["coverage_md"], report)
    if fig is not None:
        from ..experiments.store import save_figure

        save_figure(fig, files["picture"])
    write_text(files["system"], text)  # last: the system file names the others
    print(
        f"{spec.name}: {totals['organisations']} organisations, {totals['respondents']} "
        f"responded; {totals['ties_observed']} of {totals['ties']} ties surveyed, "
        f"{totals['ties_imputed']} imputed (flagged); reciprocity {totals['reciprocity']:.2f}"
    )
    written = [files[k] for k in files if k != "picture" or fig is not None]
    print("Wrote " + ", ".join(str(f) for f in written))
    return 0


def coverage_markdown(
    spec: Any, per_org: pd.DataFrame, totals: dict, files: dict, picture: bool = True
) -> str:
    """The coverage report: totals, then the response rate of each organisation."""
    lines = [
        f"# Survey coverage: {spec.name}",
        "",
        "SYNTHETIC example data (not real)." if spec.synthetic else "",
        "",
        f"- organisations: {totals['organisations']}; responded: {totals['respondents']}",
        f"- directed ties: {totals['ties']}; surveyed (every mapped item answered): "
        f"{totals['ties_observed']}; imputed in part or whole: {totals['ties_imputed']} "
        "(flagged in the relationship table: column `observed`, and `imputed` says how)",
        f"- ties with any answer: {totals['ties_answered_any_item']}; reciprocity (share of "
        f"answered ties whose reverse was answered too): {totals['reciprocity']}",
        f"- correlation of trust i->j with j->i where both answered: "
        f"{totals['reciprocal_trust_correlation']}",
        f"- answers read: {totals['answers_read']}; self-ratings skipped: "
        f"{totals['self_ratings_skipped']}",
    ]
    if totals["ignored_questions"]:
        ignored = ", ".join(f"{q!r} ({n})" for q, n in totals["ignored_questions"].items())
        lines.append(f"- questions not in the mapping file, ignored: {ignored}")
    if picture:
        lines += ["", f"Picture of the surveyed network: {files['picture'].name}"]
    lines += [
        "",
        "## Response rate per organisation",
        "",
        "| organisation | kind | responded | partners rated | response rate | rated by |",
        "|---|---|---|---:|---:|---:|",
    ]
    for r in per_org.itertuples(index=False):
        lines.append(
            f"| {r.organisation} | {r.kind} | {'yes' if r.responded else 'no'} | "
            f"{r.partners_rated} | {r.response_rate:.2f} | {r.rated_by} |"
        )
    return "\n".join(lines) + "\n"


# -- validate --system FILE --wave2 SURVEY2 -----------------------------------------------------
def add_wave2_options(p: argparse.ArgumentParser) -> None:
    """Options of ``ics-sim validate`` for the two-wave validation of an own system."""
    g = p.add_argument_group("two-wave validation of your own system (--system and --wave2)")
    g.add_argument("--system", type=Path, default=None, metavar="FILE", help="system file (wave 1)")
    g.add_argument("--wave2", type=Path, default=None, metavar="SURVEY2", help="later wave")
    g.add_argument(
        "--map",
        type=Path,
        default=None,
        metavar="MAP.yaml",
        help="mapping file of wave 2 (default: map.yaml beside the system file)",
    )
    g.add_argument(
        "--weeks",
        type=whole_number("--weeks", 1, 520),
        default=None,
        help="weeks between the waves (default: the system file's or map's weeks_between_waves)",
    )
    g.add_argument(
        "--replicates", type=whole_number("--replicates", 1, 1000), default=10, help="replicates"
    )
    g.add_argument("--seed", type=whole_number("--seed", 0), default=1, help="seed of replicate 0")
    g.add_argument(
        "--warmup-weeks",
        type=whole_number("--warmup-weeks", 0, 1040),
        default=None,
        help="warm-up before wave 1 (default: the model's; the survey is set after it)",
    )
    g.add_argument("--anonymise", "--anonymize", action="store_true", help="names by kind")


def cmd_validate_wave2(args: argparse.Namespace) -> int:
    """Run the model from wave 1 and score it against wave 2 and the persistence null."""
    from ..evaluation.wave2 import validate_wave2
    from ..experiments.store import RunWriter, write_text
    from ..scenarios import survey as sv
    from ..scenarios import system_file as sf

    if args.system is None or args.wave2 is None:
        raise ICSSimError("the two-wave validation needs both --system FILE and --wave2 SURVEY2")
    spec, comp = sf.load(args.system)
    mapfile = args.map or args.system.parent / "map.yaml"
    mapping = sv.load_map(mapfile)
    weeks = args.weeks or spec.weeks_between_waves or mapping.weeks_between_waves
    if weeks is None:
        raise ICSSimError(
            f"{args.system}: say how many weeks lie between the waves: --weeks N, or "
            "weeks_between_waves in the system or mapping file"
        )
    wave2 = sv.read_survey(args.wave2, mapping, spec, mapfile)
    params = {} if args.warmup_weeks is None else {"warmup_weeks": args.warmup_weeks}
    out = Path(args.out) if args.out != Path("ics-sim-validation") else Path("ics-sim-wave2")
    with RunWriter(out) as run:
        res = validate_wave2(comp, wave2.answers, weeks, args.replicates, args.seed, params)
        ties = res.ties
        title = spec.name
        if args.anonymise:
            anon, names = sf.anonymise(spec)
            ties = ties.assign(rater=ties.rater.map(names), ratee=ties.ratee.map(names))
            title = anon.name
        run.table("wave2_scores.csv", res.scores, "wave2_scores.csv")
        run.table("wave2_ties.csv", ties, "wave2_ties.csv")
        md = res.markdown(title)
        run.files["wave2.md"] = write_text(run.work / "wave2.md", md)
        run.finish(
            "ics-sim validate --system",
            ["ics-sim", *getattr(args, "argv", [])],
            system_file="(anonymised)" if args.anonymise else str(args.system),
            wave2="(anonymised)" if args.anonymise else str(args.wave2),
            weeks=weeks,
            replicates=args.replicates,
            seeds=list(range(args.seed, args.seed + args.replicates)),
        )
    print(md)
    print(f"Wrote wave2.md, wave2_scores.csv and wave2_ties.csv to {out}")
    return 0


def cmd_schema_system() -> int:
    from ..scenarios.system_file import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0
