"""The decisions mechanism (Shared decisions): its declarations and the direction it moves its
measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.decisions import Decisions

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("decisions", "decision_latency", {"delegation": 0.9}, -1),
    ("decisions", "shared_decisions", lever("decision_matrix", 1.0), +1),
]


def test_declarations_match_the_code():
    check_declarations(Decisions)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
