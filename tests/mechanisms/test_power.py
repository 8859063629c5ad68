"""The power mechanism (Power and power sharing): its declarations and the direction it moves its
measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.power import Power

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("power", "power_sharing", lever("power_equalisation", 0.4), +1),
    ("power", "power_not_shared_share", {"power_voice_exponent": 0.0}, -1),
]


def test_declarations_match_the_code():
    check_declarations(Power)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
