"""Generate docs/evidence.md: the passage behind every mechanism, intervention, kind and number.

Everything comes from the code (docstrings, ``evidence`` texts, declared parameter sources), so
the evidence document cannot drift from what the model does. ``python -m ics_sim.evidence
docs/evidence.md`` rewrites it; ``--check`` exits 1 if it is stale.
"""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path

from ..core.outcome_table import OUTCOME_DOCS
from ..core.params import Param
from ..experiments.store import write_text
from ..interventions import REGISTRY
from ..mechanisms import ORDER
from ..state.variables import INIT_PARAMS
from ..system.kinds import SOURCES, Kind

SOURCE_DOCUMENTS = (
    (
        "Practice",
        "Walsh N, de Sarandy S (2023). *The practice of collaborative leadership across "
        "health and care services*. The King's Fund. The main source: six key practices, survey "
        "of more than 50 leaders, 15 interviews.",
    ),
    (
        "Lessons",
        "Hulks S, Walsh N, Powell M, Ham C, Alderwick H (2017). *Leading across the "
        "health and care system: lessons from experience*. The King's Fund. Five factors.",
    ),
    (
        "Miller",
        "Miller R (2023). *Promises, pitfalls and processes of collaborative "
        "leadership*. Slides, University of Birmingham.",
    ),
    (
        "BCL",
        "The King's Fund. *Building collaborative leadership across health and care "
        "organisations*, programme pages (ICS era: four modules over seven months; STP era: over "
        "nine months; at most 16 participants).",
    ),
    (
        "model notes",
        "The project's design notes (`shared/design/model.md`), which map the "
        "documents to published model forms.",
    ),
)


def _is_assumption(p: Param) -> bool:
    return p.source.lower().startswith(("assumption", "calibrated"))


def _evidence_paragraph(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    paras = [p for p in doc.split("\n\n") if p.strip()]
    return " ".join(paras[1].split()) if len(paras) > 1 else ""


def _param_rows(params: tuple[Param, ...]) -> list[str]:
    rows = ["| parameter | default | source |", "|---|---|---|"]
    for p in params:
        rows.append(f"| `{p.name}` | {p.default:.4g} | {p.source} |")
    return rows


def _people_section() -> list[str]:
    """Who the survey shares count: senior leaders per kind and their spread (a measurement
    constant of ``ics_sim.state.people``, not a swept parameter)."""
    from ..state import people
    from ..system.kinds import PEOPLE

    return [
        "## People inside organisations",
        "",
        _evidence_paragraph(people),
        "",
        "| kind | senior leaders |",
        "|---|---:|",
        *[f"| {k.label} | {PEOPLE[k]} |" for k in Kind],
        "",
        *_param_rows((people.PEOPLE_SPREAD,)),
        "",
    ]


def render() -> str:
    out = [
        "# Evidence behind ics-sim",
        "",
        "_Generated from the code by `python -m ics_sim.evidence docs/evidence.md`; do not "
        "edit by hand._",
        "",
        "Each mechanism, intervention and organisation kind rests on a passage of the source "
        "documents or on a published model; every number is either sourced or marked as an "
        "assumption. Quotations are from the source documents; section names follow them.",
        "",
        "## Source documents",
        "",
        "| short name | document |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in SOURCE_DOCUMENTS),
        "",
        "## Mechanisms",
        "",
        "In the order they run each week.",
        "",
    ]
    for m in ORDER:
        out += [
            f"### {m.title} (`{m.name}`)",
            "",
            "> " + _evidence_paragraph(inspect.getmodule(m)),
            "",
            f"Module: `{m.__module__}`.",
            "",
        ]
        out += _param_rows(m.params) + [""] if m.params else []
    out += ["### Initialisation", ""] + _param_rows(INIT_PARAMS) + [""]
    out += [
        "## Interventions and shocks",
        "",
        "Each acts only by setting levers read by the mechanisms it names; with those "
        "mechanisms switched off it has no effect (tested). 'Claims' are the directions the "
        "documents give, tested against the baseline on the same seeds. 'Costs' are the "
        "parameters that say what it takes: leaders' hours (through the `time_cost` lever) "
        "and money (`money_cost`), both read by the pressure mechanism, so that time given to "
        "an intervention is time not given to partners elsewhere.",
        "",
    ]
    for name, cls in REGISTRY.items():
        claims = ", ".join(f"{m} {'up' if d > 0 else 'down'}" for m, d in cls.claims)
        targets = ", ".join(f"{k}: {', '.join(v)}" for k, v in cls.default_targets.items())
        out += [
            f"### {cls.title} (`{name}`, {cls.kind})",
            "",
            cls.summary,
            "",
            f"> {cls.evidence}",
            "",
            f"Acts through: {', '.join(cls.acts_through)}. Claims: {claims}. "
            f"Default targets: {targets or 'every organisation'}.",
            "",
        ]
        by_name = {p.name: p for p in cls.params}
        if cls.costs:
            costs = ", ".join(
                f"`{c}` ({by_name[c].default:g} {by_name[c].unit})" for c in cls.costs
            )
            out += [f"Costs: {costs}.", ""]
        out += _param_rows(cls.params) + [""] if cls.params else []
    out += [
        "## Organisation kinds",
        "",
        "| kind | why its defaults are ordered as they are |",
        "|---|---|",
    ]
    out += [f"| {k.label} | {SOURCES[k]} |" for k in Kind] + [""]
    out += _people_section()
    out += ["## Outcomes", "", "| outcome | definition |", "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in OUTCOME_DOCS.items()] + [""]
    assumed = [p for m in ORDER for p in m.params if _is_assumption(p)] + [
        p for p in INIT_PARAMS if _is_assumption(p)
    ]
    out += [
        "## What is assumption",
        "",
        f"{len(assumed)} of the model's numbers have no source beyond judgement (or were "
        "calibrated to the survey); they are the first candidates for sensitivity analysis "
        "(see the validation report and `experiments/sobol_mechanisms.yaml`):",
        "",
        ", ".join(f"`{p.name}`" for p in assumed) + ".",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ics_sim.evidence",
        description="Write the evidence table (every parameter with its source) to FILE.",
    )
    parser.add_argument("file", nargs="?", default="docs/evidence.md", type=Path)
    parser.add_argument("--check", action="store_true", help="exit 1 if FILE is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not args.file.exists() or args.file.read_text() != text:
            print(f"{args.file} is stale: run python -m ics_sim.evidence {args.file}")
            return 1
        return 0
    write_text(args.file, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
