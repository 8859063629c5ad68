"""The contact mechanism (Contact builds familiarity and trust): its declarations and the direction
it moves its measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.contact import Contact

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("contact", "relationships", {"informal_rate": 0.4}, +1),
    ("contact", "mean_trust", lever("extra_contact", 0.5), +1),
]


def test_declarations_match_the_code():
    check_declarations(Contact)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
