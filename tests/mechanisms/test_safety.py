"""The safety mechanism (Psychological safety): its declarations and the direction it moves its
measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.safety import Safety

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("safety", "safety", lever("safety_boost", 0.2), +1),
    ("safety", "unsafe_share", lever("safety_boost", 0.2), -1),
]


def test_declarations_match_the_code():
    check_declarations(Safety)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
