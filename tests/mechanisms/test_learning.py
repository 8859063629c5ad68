"""The learning mechanism (Learned collaborative behaviour): its declarations and the direction it
moves its measures against a paired baseline, with its verification cases."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import verification as v
from ics_sim.composition import default
from ics_sim.engine import Engine
from ics_sim.mechanisms.learning import Learning

from ..helpers import FixedStreams, SetLever, mechanism, tiny_engine
from .declarations import check_declarations
from .directions import SEEDS, WEEKS

CASES = []


def test_declarations_match_the_code():
    check_declarations(Learning)


@pytest.mark.slow
def test_learning_reward_spreads_collaborative_orientation():
    comp = default()
    a = Engine(comp, SEEDS)
    b = Engine(comp, SEEDS, interventions=[SetLever("reward", 1.0)])
    for _ in range(WEEKS):
        a.step()
        b.step()
    assert b.state.orientation.mean() > a.state.orientation.mean()


def test_donation_game_replicator_through_the_learning_mechanism():
    case = v.donation_game()
    assert case.expected == pytest.approx(0.549147, abs=5e-7)
    assert abs(case.got - case.expected) < 1e-12


# By hand on a tiny system ------------------------------------------------------------------
# Ties 0:0->1 1:0->2 2:1->0 3:1->2 4:2->0 5:2->1. Organisation 0 met 1 and 2, 1 met 0, 2 met
# nobody; each leader compares itself with the partner it met with the largest draw.


def _learning_engine(**params):
    eng = tiny_engine(params=params)
    s = eng.state
    eng.levers.reset()
    s.contact = np.array([[0.5, 0.5, 0.5, 0.0, 0.0, 0.0]])
    s.orientation = np.array([[0.5, 0.4, 0.8]])
    s.payoff = np.array([[0.2, -0.3, 0.5]])
    s.workload = np.array([[1.0, 1.0, 0.0]])  # 2 did no joint work this week
    s.power = np.array([[0.5, 0.5, 0.6]])
    m = mechanism(eng, "learning")
    m.rng = FixedStreams(queue=[[0.3, 0.7, 0.5, 0.5, 0.5, 0.5]])  # 0 picks 2 (0.7 > 0.3)
    return eng, s, m


def test_replicator_step_is_exact_by_hand():
    eng, s, m = _learning_engine(learning_rate=0.5, imitation_rate=0.0)
    eng.levers.reward[0] = [0.0, 1.0, 0.0]
    m.step(s, eng.levers, 0)
    # delta = 0.5 (payoff + reward) = 0.1, 0.35, (not played) 0
    # 0.5 e^0.1 / (0.5 + 0.5 e^0.1) = 0.524979; 0.4 e^0.35 / (0.6 + 0.4 e^0.35) = 0.486137
    e1, e35 = np.exp(0.1), np.exp(0.35)
    expected = [e1 / (1 + e1), 0.4 * e35 / (0.6 + 0.4 * e35), 0.8]
    np.testing.assert_allclose(s.orientation[0], expected, rtol=1e-12)
    np.testing.assert_allclose(s.orientation[0, :2], [0.524979, 0.486137], atol=1e-6)


def test_fermi_imitation_and_development_by_hand():
    eng, s, m = _learning_engine(learning_rate=0.0, imitation_rate=0.5, selection=5.0)
    eng.levers.development[0] = [0.0, 0.0, 0.5]
    m.step(s, eng.levers, 0)
    # 0 copies 2: 0.5 + 0.5 * 0.6 * (0.8 - 0.5) / (1 + e^(-5 (0.5 - 0.2))) = 0.5 + 0.09 * 0.81757
    # 1 copies 0: 0.4 + 0.5 * 0.5 * (0.5 - 0.4) / (1 + e^(-5 (0.2 + 0.3))) = 0.4 + 0.025 * 0.92414
    # 2 met nobody; development closes half its gap: 0.8 + 0.5 * 0.2 = 0.9
    expected = [0.5 + 0.09 / (1 + np.exp(-1.5)), 0.4 + 0.025 / (1 + np.exp(-2.5)), 0.9]
    np.testing.assert_allclose(s.orientation[0], expected, rtol=1e-12)
    np.testing.assert_allclose(s.orientation[0, :2], [0.573582, 0.423104], atol=1e-6)
