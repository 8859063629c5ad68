"""Generate docs/evidence.md: the passage behind every mechanism, intervention, kind and number.

Everything comes from the code (docstrings, ``evidence`` texts, declared parameter sources), so
the evidence document cannot drift from what the model does. ``python -m ics_sim.evidence
docs/evidence.md`` rewrites it; ``--check`` exits 1 if it is stale.
"""

from __future__ import annotations

import inspect
import sys
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
        "documents give, tested against the baseline on the same seeds.",
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
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"] or ["docs/evidence.md"]
    path = Path(paths[0])
    text = render()
    if check:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is stale: run python -m ics_sim.evidence {path}")
            return 1
        return 0
    write_text(path, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
