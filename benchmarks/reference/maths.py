"""Small arithmetic helpers shared by the rules, on plain Python floats."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def clip(x: float, lo: float, hi: float) -> float:
    """``x`` bounded to [lo, hi]."""
    return lo if x < lo else hi if x > hi else x


def add_up(values: Iterable[float]) -> float:
    """Sum in order, one term at a time.

    The package sums over ties and seats with ``np.bincount``, which adds in index order; so
    does this. (Python 3.12's built-in ``sum`` compensates rounding errors, which would make the
    last bits differ from the package's.)
    """
    total = 0.0
    for v in values:
        total += v
    return total


def mean(values: Sequence[float]) -> float:
    """Mean in the order given (0 for no values)."""
    return add_up(values) / len(values) if len(values) else 0.0


def aim_distance(x: Sequence[float], y: Sequence[float]) -> float:
    """Mean absolute difference of two aim vectors, ``mean_d |x_d - y_d|``."""
    return add_up(abs(a - b) for a, b in zip(x, y, strict=True)) / len(x)


def logistic(z: float) -> float:
    """``1 / (1 + exp(-z))``, 0 where ``exp(-z)`` overflows (as numpy's inf would give)."""
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:
        return 0.0
