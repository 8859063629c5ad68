"""Builders shared by the tests."""

from __future__ import annotations

from ics_sim.mechanisms import MECHANISMS
from ics_sim.verification import clique  # noqa: F401  (re-exported for tests)


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
