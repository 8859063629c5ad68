"""The turnover mechanism (Leadership turnover and continuity): its declarations and the direction
it moves its measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.turnover import Turnover

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("turnover", "relationships", {"turnover_hazard": 0.03}, -1),
    (
        "turnover",
        "relationships",
        lever("succession", 0.9, slice(None)) | {"turnover_hazard": 0.03},
        +1,
    ),
]


def test_declarations_match_the_code():
    check_declarations(Turnover)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
