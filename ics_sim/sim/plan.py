"""The weekly plan as a table: each mechanism in order, what it reads, writes and which levers.

Built from the mechanisms' own declarations in the registry, so the table cannot drift from
the code: ``ics-sim list mechanisms`` prints it, and the lever table (which mechanism reads
each lever) is derived from it.
"""

from __future__ import annotations

from typing import Any

from .. import mechanisms as _builtins  # noqa: F401  (registers the built-in mechanisms)
from ..core.registry import REGISTRY
from ..state.levers import LEVERS


def plan_table() -> list[dict[str, Any]]:
    """One row per mechanism in the order it runs each week."""
    plugins = {r["name"]: r for r in REGISTRY.plugin_records() if r["group"] == "mechanism"}
    return [
        {
            "order": i,
            "name": m.name,
            "title": m.title,
            "summary": m.summary,
            "reads": list(m.reads),
            "writes": list(m.writes),
            "levers": list(m.reads_levers),
            "parameters": [p.name for p in m.params],
            "source": plugins[m.name]["source"] if m.name in plugins else "built in",
        }
        for i, m in enumerate(REGISTRY.plan(), 1)
    ]


def lever_readers() -> dict[str, list[str]]:
    """Lever -> the mechanisms that declare they read it (each should have exactly one)."""
    readers: dict[str, list[str]] = {k: [] for k in LEVERS}
    for m in REGISTRY.plan():
        for lever in m.reads_levers:
            readers[lever].append(m.name)
    return readers


def lever_table() -> dict[str, tuple[str, float, str, str]]:
    """Lever -> (shape, neutral value, the mechanism that reads it, meaning)."""
    readers = lever_readers()
    return {
        k: (shape, neutral, ", ".join(readers[k]) or "(none)", meaning)
        for k, (shape, neutral, meaning) in LEVERS.items()
    }
