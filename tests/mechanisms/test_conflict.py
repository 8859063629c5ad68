"""The conflict mechanism (Conflict: surface and resolve, or fester): its declarations and the
direction it moves its measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.conflict import Conflict

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("conflict", "conflict_health", {"surface_rate": 0.9}, +1),
    ("conflict", "conflicts_festering", lever("conflict_skill", 1.0), -1),
]


def test_declarations_match_the_code():
    check_declarations(Conflict)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
