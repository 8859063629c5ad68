"""The joint_work mechanism (Joint work and collaborative advantage): its declarations and the
direction it moves its measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.joint_work import JointWork

from .declarations import check_declarations
from .directions import check_direction

CASES = [
    ("joint_work", "joint_value", {"joint_rate": 0.4}, +1),
    ("joint_work", "joint_value", {"cost": 3.0, "coop_steepness": 50.0}, -1),
]


def test_declarations_match_the_code():
    check_declarations(JointWork)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)
