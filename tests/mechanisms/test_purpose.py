"""The purpose mechanism (Shared purpose and identity): its declarations and the direction it moves
its measures against a paired baseline, with its verification cases."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import verification as v
from ics_sim.mechanisms.purpose import Purpose, friedkin_johnsen_step

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("purpose", "shared_purpose", lever("purpose_anchor", 0.2), +1),
    ("purpose", "shared_purpose", {"confidence_bound": 0.05}, -1),
]


def test_declarations_match_the_code():
    check_declarations(Purpose)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


def test_degroot_consensus_through_the_model():
    case, errors = v.degroot()
    assert case.passed, case
    assert np.abs(np.array(case.got) - 13 / 28).max() < 1e-9
    # The error shrinks by |lambda_2| = 0.6 per step.
    ratios = np.array(errors[20:30]) / np.array(errors[19:29])
    assert ratios == pytest.approx(0.6, abs=1e-5)


def test_friedkin_johnsen_equilibrium_through_the_model():
    case = v.friedkin_johnsen()
    assert case.got == pytest.approx([0.409218, 0.129888, 0.5], abs=5e-7)
    s = np.diag([0.9, 0.5, 0.0])
    exact = np.linalg.solve(np.eye(3) - s @ v.W, (np.eye(3) - s) @ v.X0)
    assert np.abs(np.array(case.got) - exact).max() < 1e-9


def test_reference_fj_step_matches_the_model_step():
    sus = np.array([0.9, 0.5, 0.0])
    eng = v.pooling_engine(sus)
    x = v.X0.copy()
    for _ in range(5):
        eng.step()
        x = friedkin_johnsen_step(x, v.W, sus, v.X0)
    assert np.abs(eng.state.aims[0, :, 0] - x).max() < 1e-15


def test_pooling_conserves_the_mean_when_w_is_doubly_stochastic():
    case = v.mean_conservation()
    assert abs(case.got - case.expected) < 1e-12
