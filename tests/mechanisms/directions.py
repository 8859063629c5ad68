"""Checking a mechanism's direction: paired runs against a baseline on the same seeds.

Paired runs share seeds (common random numbers), so differences are the mechanism's effect,
not noise. Effects are large enough that a handful of replicates settles the direction.
"""

from __future__ import annotations

import numpy as np

from ics_sim import simulate

from ..helpers import SetLever, late_mean

SEEDS = [101, 202, 303, 404]
WEEKS = 156


def pair(column: str, base: dict | None = None, **changed) -> tuple[float, float]:
    """(baseline, changed) late means of ``column`` on the same seeds."""
    base = base or {}
    a = simulate(SEEDS, WEEKS, **base)
    b = simulate(SEEDS, WEEKS, **{**base, **changed})
    return late_mean(a, column), late_mean(b, column)


def lever(name: str, value: float, where=slice(None)) -> dict:
    return {"interventions": [SetLever(name, value, where)]}


def check_direction(mechanism: str, measure: str, change: dict, sign: int) -> None:
    """The changed run moves ``measure`` in the direction ``sign`` (+1 or -1)."""
    base = {"turnover_hazard": 0.03} if "succession" in str(change) else {}
    change = {k: v for k, v in change.items() if not (base and k == "turnover_hazard")}
    before, after = pair(measure, base, **change)
    assert np.sign(after - before) == sign, (mechanism, measure, before, after)
