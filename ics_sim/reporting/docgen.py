"""Markdown tables generated from the code, so the documentation cannot drift from the model.

A document marks where each table goes::

    <!-- BEGIN GENERATED: parameters -->
    (anything here is replaced)
    <!-- END GENERATED: parameters -->

``python -m ics_sim.docgen docs/ODD.md`` rewrites every marked region in place;
``python -m ics_sim.docgen --check docs/ODD.md`` changes nothing and exits 1, listing the stale
tables, if any region differs from what the code gives now (exit 2: malformed markers or an
unknown table). Table names are the keys of :data:`TABLES`. Numbers are printed with up to 4
significant digits.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from ..core.errors import ICSSimError
from ..core.outcome_table import OUTCOME_DOCS, PRACTICES
from ..experiments.store import write_text
from ..interventions import REGISTRY
from ..mechanisms import ORDER
from ..sim.engine import all_params
from ..sim.plan import lever_table
from ..state.variables import AIM_DIMENSIONS, INIT_PARAMS, KIND_AIMS
from ..system.composition import DEFAULT_COUNTS, FORUM_TYPES, RULE_NAMES, default
from ..system.kinds import (
    LABELS,
    SECTOR,
    SECTOR_NAMES,
    SOURCES,
    TRAITS,
    Kind,
    KindTraits,
    legacy_matrix,
)
from ..system.network import build_topology

#: A generated region; markers stand on lines of their own (a mention in prose is not one).
MARKER = re.compile(
    r"^<!-- BEGIN GENERATED: (?P<name>[\w:-]+) -->\n(?P<body>.*?)"
    r"^<!-- END GENERATED: (?P=name) -->$",
    re.S | re.M,
)
_BEGIN = re.compile(r"^<!-- BEGIN GENERATED: (.*?) -->$", re.M)
_END = re.compile(r"^<!-- END GENERATED: (.*?) -->$", re.M)


class DocgenError(ValueError):
    """Malformed or unknown markers in a document."""


def fmt(x: float) -> str:
    """A number as people write it: ``1``, ``0.25``, ``0.00641``, ``520`` (4 significant digits)."""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int | np.integer):
        return str(int(x))
    s = f"{float(x):.4g}"
    return "0" if s == "-0" else s


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _summary(obj: object) -> str:
    """First paragraph of an object's docstring, on one line."""
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _owner() -> dict[str, str]:
    """Parameter name -> the component that declares it."""
    owner = {p.name: "initialisation" for p in INIT_PARAMS}
    for m in ORDER:
        owner.update({p.name: m.name for p in m.params})
    return owner


def parameters() -> str:
    owner = _owner()
    return _table(
        ("parameter", "default", "range", "unit", "mechanism", "meaning", "source"),
        (
            (
                f"`{p.name}`",
                fmt(p.default),
                f"[{fmt(p.lo)}, {fmt(p.hi)}]" + (" integer" if p.integer else ""),
                p.unit,
                f"`{owner[p.name]}`",
                p.doc,
                p.source,
            )
            for p in all_params()
        ),
    )


def outcomes() -> str:
    return _table(
        ("outcome", "definition"),
        (
            (f"`{k}`" + (" (practice)" if k in PRACTICES else ""), v)
            for k, v in OUTCOME_DOCS.items()
        ),
    )


def mechanisms() -> str:
    return _table(
        ("step", "mechanism", "title", "module", "summary"),
        (
            (
                i,
                f"`{m.name}`",
                m.title,
                f"`{m.__module__}`",
                _summary(inspect.getmodule(m)),
            )
            for i, m in enumerate(ORDER, 1)
        ),
    )


_SHAPES = {"org": "organisation", "edge": "tie", "forum": "forum"}


def levers() -> str:
    return _table(
        ("lever", "per", "neutral", "read by", "meaning"),
        (
            (f"`{k}`", _SHAPES[shape], fmt(neutral), f"`{mech}`", meaning)
            for k, (shape, neutral, mech, meaning) in lever_table().items()
        ),
    )


def kinds() -> str:
    traits = tuple(KindTraits.__dataclass_fields__)
    return _table(
        ("kind", "label", "sector", "in default ICS", *traits, "source"),
        (
            (
                f"`{k.key}`",
                LABELS[k],
                SECTOR_NAMES[SECTOR[k]],
                DEFAULT_COUNTS.get(k.key, 0),
                *(fmt(getattr(TRAITS[k], t)) for t in traits),
                SOURCES[k],
            )
            for k in Kind
        ),
    )


def legacy() -> str:
    m = legacy_matrix()
    return _table(
        ("truster \\ trustee", *(f"`{k.key}`" for k in Kind)),
        ((f"`{a.key}`", *(fmt(m[a, b]) for b in Kind)) for a in Kind),
    )


def aims() -> str:
    return _table(
        ("kind", *(f"`{d}`" for d in AIM_DIMENSIONS)),
        ((f"`{k.key}`", *(fmt(v) for v in KIND_AIMS[k])) for k in Kind),
    )


def forums() -> str:
    comp = default()
    rows = []
    for f in comp.forums:
        counts: dict[str, int] = {}
        for i in f.members:
            key = Kind(int(comp.kind[i])).key
            counts[key] = counts.get(key, 0) + 1
        members = ", ".join(f"{n} {k}" for k, n in counts.items())
        row = (f.name, f"`{f.type}`", f"{len(f.members)}: {members}", f.period, f.offset)
        rows.append((*row, RULE_NAMES[f.rule]))
    types = ", ".join(
        f"`{t}` every {p} weeks by {RULE_NAMES[r]}" for t, (p, r) in FORUM_TYPES.items()
    )
    topo = build_topology(comp)
    degree = np.bincount(topo.src[topo.initial], minlength=comp.n)
    size = (
        f"{comp.name}: {comp.n} organisations in {len(comp.place_names)} places, "
        f"{int(topo.initial.sum())} directed ties at the start ({degree.min()} to "
        f"{degree.max()} per organisation) of {topo.e} candidate ties, "
        f"{len(topo.mem_org)} forum seats."
    )
    return (
        _table(("forum", "type", "members", "period (weeks)", "first week", "rule"), rows)
        + f"\n\nForum types: {types}. {size}"
    )


def interventions() -> str:
    return _table(
        ("name", "kind", "title", "acts through", "default targets"),
        (
            (
                f"`{name}`",
                cls.kind,
                cls.title,
                ", ".join(f"`{m}`" for m in cls.acts_through),
                "; ".join(f"{k}: {', '.join(v)}" for k, v in cls.default_targets.items())
                or "every organisation",
            )
            for name, cls in REGISTRY.items()
        ),
    )


#: Every table a document can embed, by marker name.
TABLES: dict[str, Callable[[], str]] = {
    "parameters": parameters,
    "outcomes": outcomes,
    "mechanisms": mechanisms,
    "levers": levers,
    "kinds": kinds,
    "legacy": legacy,
    "aims": aims,
    "forums": forums,
    "interventions": interventions,
}


def render(name: str) -> str:
    """The Markdown of table ``name`` (a key of :data:`TABLES`)."""
    if name not in TABLES:
        raise DocgenError(f"unknown generated table {name!r}; tables: {', '.join(TABLES)}")
    return TABLES[name]()


def _body(name: str) -> str:
    # Blank lines around the table: Python-Markdown (MkDocs) needs them after an HTML comment.
    return "\n" + render(name) + "\n\n"


def _check_markers(text: str) -> None:
    begins, ends = _BEGIN.findall(text), _END.findall(text)
    pairs = [m.group("name") for m in MARKER.finditer(text)]
    if begins != pairs or ends != pairs:
        raise DocgenError(
            "unbalanced or nested GENERATED markers: each BEGIN needs its own END, on its own "
            f"line (BEGIN: {begins}; END: {ends})"
        )
    unknown = [n for n in pairs if n not in TABLES]
    if unknown:
        raise DocgenError(f"unknown generated tables {unknown}; tables: {', '.join(TABLES)}")
    if len(set(pairs)) != len(pairs):
        raise DocgenError(f"a table is embedded twice: {pairs}")


def refresh(text: str) -> tuple[str, list[str]]:
    """``text`` with every generated region rewritten, and the names of those that changed."""
    _check_markers(text)
    changed: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name = m.group("name")
        body = _body(name)
        if m.group("body") != body:
            changed.append(name)
        return f"<!-- BEGIN GENERATED: {name} -->\n{body}<!-- END GENERATED: {name} -->"

    return MARKER.sub(sub, text), changed


def embedded(text: str) -> list[str]:
    """Names of the tables a document embeds, in order."""
    return [m.group("name") for m in MARKER.finditer(text)]


def stale(path: str | Path) -> list[str]:
    """Names of the tables in ``path`` that differ from what the code gives now."""
    return refresh(Path(path).read_text())[1]


def update(path: str | Path) -> bool:
    """Rewrite the generated regions of ``path``; whether anything changed."""
    path = Path(path)
    new, changed = refresh(path.read_text())
    if changed:
        write_text(path, new)
    return bool(changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ics_sim.docgen",
        description="Refresh the generated tables of each Markdown FILE from the code.",
    )
    parser.add_argument("paths", nargs="+", metavar="FILE.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if any table is stale")
    ns = parser.parse_args(argv)
    check, paths = ns.check, ns.paths
    status = 0
    for path in paths:
        try:
            if check:
                names = stale(path)
                if names:
                    print(
                        f"{path}: stale generated tables: {', '.join(names)}; "
                        f"run python -m ics_sim.docgen {path}"
                    )
                    status = 1
            elif update(path):
                print(f"{path}: updated")
        except (OSError, ICSSimError, DocgenError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    raise SystemExit(main())
