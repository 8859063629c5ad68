"""The purpose mechanism (Shared purpose and identity): its declarations and the direction it moves
its measures against a paired baseline, with its verification cases."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import verification as v
from ics_sim.mechanisms.purpose import Purpose, friedkin_johnsen_step

from ..helpers import mechanism, tiny_engine
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


# By hand on a tiny system ------------------------------------------------------------------
# Ties 0:0->1 1:0->2 2:1->0 3:1->2 4:2->0 5:2->1. Only organisation 0 had contact this week
# (with 1 and 2), so only it listens; 1 and 2 keep their own aims as the pooled view.


def _purpose_engine(**params):
    eng = tiny_engine(params=params)
    s = eng.state
    eng.levers.reset()
    s.aims = np.array([[[0.2, 0.2, 0.2], [0.8, 0.6, 0.4], [0.5, 0.5, 0.5]]])
    s.interests = np.array([[[0.0, 0.0, 0.0], [0.3, 0.3, 0.3], [1.0, 1.0, 1.0]]])
    s.trust = np.full((1, 6), 0.5)
    s.contact = np.array([[1.0, 1.0, 0.0, 0.0, 0.0, 0.0]])
    s.safety = np.array([[0.6, 0.5, 0.5]])  # org 0 keeps weight 1 - 0.6 = 0.4 on itself
    s.orientation = np.array([[0.5, 1.0, 0.5]])  # susceptibility
    return eng, s


def test_friedkin_johnsen_pooling_by_hand():
    eng, s = _purpose_engine()
    mechanism(eng, "purpose").step(s, eng.levers, 0)
    # org 0: influence 0.5 on each partner, W_01 = W_02 = 0.6 * 0.5 = 0.3;
    # pooled = 0.4 * 0.2 + 0.3 * x_1 + 0.3 * 0.5 = 0.47, 0.41, 0.35; aims = 0.5 pooled + 0.5 * 0
    # org 1: susceptibility 1, pooled = own aims; org 2: 0.5 * 0.5 + 0.5 * 1 = 0.75
    expected = [[0.235, 0.205, 0.175], [0.8, 0.6, 0.4], [0.75, 0.75, 0.75]]
    np.testing.assert_allclose(s.aims[0], expected, rtol=1e-12)


def test_bounded_confidence_ignores_a_partner_too_far_away_by_hand():
    eng, s = _purpose_engine(confidence_bound=0.35)
    mechanism(eng, "purpose").step(s, eng.levers, 0)
    # gap to 1: (0.6 + 0.4 + 0.2)/3 = 0.4 > 0.35 (ignored); to 2: 0.3 <= 0.35, so W_02 = 0.6:
    # pooled 0.4 * 0.2 + 0.6 * 0.5 = 0.38; aims 0.5 * 0.38 = 0.19
    np.testing.assert_allclose(s.aims[0, 0], [0.19, 0.19, 0.19], rtol=1e-12)


def test_an_agreed_purpose_pulls_adopters_to_its_authors_mean_by_hand():
    eng, s = _purpose_engine()
    eng.levers.purpose_anchor[0] = [0.5, 0.5, 0.0]
    mechanism(eng, "purpose").step(s, eng.levers, 0)
    # centre = anchor-weighted mean of this week's aims of 0 and 1: 0.5, 0.4, 0.3
    # org 0: 0.5 (0.235, 0.205, 0.175) + 0.5 centre; org 1: 0.5 (0.8, 0.6, 0.4) + 0.5 centre
    expected = [[0.3675, 0.3025, 0.2375], [0.65, 0.5, 0.35], [0.75, 0.75, 0.75]]
    np.testing.assert_allclose(s.aims[0], expected, rtol=1e-12)
