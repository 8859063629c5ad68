"""The safety mechanism (Psychological safety): its declarations and the direction it moves its
measures against a paired baseline."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.mechanisms.safety import Safety

from ..helpers import mechanism, tiny_engine
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


# By hand on a tiny system ------------------------------------------------------------------
# Ties 0:0->1 1:0->2 2:1->0 3:1->2 4:2->0 5:2->1.


def _safety_engine():
    eng = tiny_engine()
    s = eng.state
    eng.levers.reset()
    s.trust = np.array([[0.7, 0.5, 0.5, 0.5, 0.2, 0.4]])  # held: 0.6, 0.5, 0.3
    s.power = np.array([[0.8, 0.4, 0.2]])  # partners' mean 0.3, 0.5, 0.6: gaps 0, 0.1, 0.4
    s.pressure = np.array([[0.5, 0.7, 0.3]])
    s.safety = np.full((1, 3), 0.5)
    return eng, s


def test_safety_target_and_relaxation_by_hand():
    eng, s = _safety_engine()
    m = mechanism(eng, "safety")
    # 0.64 + 0.8 (0.6 - 0.5) = 0.72; 0.64 - 0.4 (0.7 - 0.5) - 0.5 * 0.1 = 0.51;
    # 0.64 + 0.8 (0.3 - 0.5) - 0.4 (0.3 - 0.5) - 0.5 * 0.4 = 0.36
    np.testing.assert_allclose(m.target(s, eng.levers)[0], [0.72, 0.51, 0.36], rtol=1e-12)
    m.step(s, eng.levers, 0)
    # 0.5 + 0.05 (target - 0.5) = 0.511, 0.5005, 0.493
    np.testing.assert_allclose(s.safety[0], [0.511, 0.5005, 0.493], rtol=1e-12)


def test_safety_boost_clipping_and_existing_ties_only_by_hand():
    eng, s = _safety_engine()
    eng.levers.safety_boost[0] = [0.5, 0.0, -0.5]
    s.active[0, [0, 2]] = False  # no tie between 0 and 1
    # held: 0.5, 0.5, 0.3; partners' power 0.2, 0.2, 0.6: gaps 0, 0, 0.4
    # 0.64 + 0.5 = 1.14 -> 1; 0.64 - 0.08 = 0.56; 0.36 - 0.5 = -0.14 -> 0
    target = mechanism(eng, "safety").target(s, eng.levers)
    np.testing.assert_allclose(target[0], [1.0, 0.56, 0.0], rtol=1e-12, atol=1e-15)
