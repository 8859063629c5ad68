"""Builders shared by the tests."""

from __future__ import annotations

import numpy as np

from ics_sim.composition import CONSENSUS, Composition, Forum
from ics_sim.mechanisms import MECHANISMS


def clique(n: int, kinds: list[int] | None = None) -> Composition:
    """n organisations that all sit in one forum meeting every week (all pairs tied)."""
    kinds = kinds if kinds is not None else [1] * n
    forum = Forum("All", "provider_collaborative", np.arange(n), 1, 0, CONSENSUS)
    return Composition(
        name=f"clique of {n}",
        org_names=[f"Org {i}" for i in range(n)],
        kind=np.array(kinds),
        place=np.full(n, -1),
        place_names=[],
        forums=[forum],
    )


def all_but(*keep: str) -> list[str]:
    """Names of every mechanism except ``keep``."""
    return [m for m in MECHANISMS if m not in keep]


class SetLever:
    """A minimal intervention for tests: holds one lever at a value on some organisations."""

    def __init__(self, name: str, value: float, where=slice(None), start: int = 0):
        self.name, self.value, self.where, self.start = name, value, where, start

    def apply(self, engine, week: int) -> None:
        if week >= self.start:
            engine.levers.values[self.name][:, self.where] = self.value


def late_mean(df, column: str, weeks: int = 52) -> float:
    """Mean of ``column`` over the last ``weeks`` weeks, pooled over replicates."""
    last = df["week"].max()
    return float(df.loc[df["week"] > last - weeks, column].mean())
