"""One calibration task: one parameter set, a few replicates, every target read off the run.

Tasks carry their own seeds (drawn up front from the master seed), so a task's result does
not depend on which worker runs it or when: results are put back in order of ``index``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..sim.engine import Engine
from ..system.composition import Composition
from ..system.lookup import resolve_composition


@dataclass(frozen=True)
class Reading:
    """What one target reads: an outcome, in a system, averaged over weeks [first, last]."""

    outcome: str
    system: str
    first: int
    last: int


@dataclass(frozen=True)
class Task:
    index: int
    settings: tuple[tuple[str, Any], ...]
    seeds: tuple[int, ...]
    weeks: int
    readings: tuple[Reading, ...]


@lru_cache(maxsize=8)
def _composition(system: str) -> Composition:
    return resolve_composition(system)


def run_task(task: Task) -> tuple[int, np.ndarray]:
    """(index, values) with values of shape (replicates, targets)."""
    settings = dict(task.settings)
    out = np.zeros((len(task.seeds), len(task.readings)))
    for system in dict.fromkeys(r.system for r in task.readings):
        cols = [j for j, r in enumerate(task.readings) if r.system == system]
        engine = Engine(_composition(system), list(task.seeds), settings)
        sums = np.zeros((len(task.seeds), len(cols)))
        for week in range(task.weeks + 1):
            if week:
                engine.step()
            now = [j for j in cols if task.readings[j].first <= week <= task.readings[j].last]
            if now:
                o = engine.outcomes()
                for j in now:
                    sums[:, cols.index(j)] += o[task.readings[j].outcome]
        for c, j in enumerate(cols):
            r = task.readings[j]
            out[:, j] = sums[:, c] / (r.last - r.first + 1)
    return task.index, out
