"""The pressure mechanism (Pressure and silo retreat): its declarations and the direction it moves
its measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.pressure import Pressure

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("pressure", "system_time", lever("extra_pressure", 0.3), -1),
    ("pressure", "system_time", {"silo_strength": 1.0}, -1),
    ("pressure", "collaboration_index", lever("income_factor", 0.6), -1),
]


def test_declarations_match_the_code():
    check_declarations(Pressure)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
