"""Verification against analytic special cases (model notes, section 6).

With the ICS-specific mechanisms switched off, the model's own code paths reproduce DeGroot
consensus, the Friedkin-Johnsen equilibrium, and the closed form of asymmetric trust.
"""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.engine import Engine
from ics_sim.mechanisms.purpose import friedkin_johnsen_step
from ics_sim.mechanisms.trust import asymmetric_update

from .helpers import all_but, clique

W = np.array([[0.5, 0.3, 0.2], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]])
X0 = np.array([1.0, 0.0, 0.5])


def pooling_engine(susceptibility: np.ndarray) -> Engine:
    """Three organisations whose trust, safety and orientation encode W and susceptibility.

    The purpose mechanism sets W_ii = 1 - safety_i and spreads the rest over partners in
    proportion to trust, so trust_ij = W_ij and safety_i = 1 - W_ii give exactly W.
    """
    eng = Engine(clique(3), [7], {"warmup_weeks": 0}, mechanisms_off=all_but("purpose"))
    s, t = eng.state, eng.topo
    s.trust[0] = W[t.src, t.dst]
    s.safety[0] = 1.0 - np.diag(W)
    s.orientation[0] = susceptibility
    s.aims[0] = X0[:, None]
    s.interests[0] = X0[:, None]
    return eng


def test_degroot_consensus_through_the_model():
    eng = pooling_engine(np.ones(3))
    errors = []
    for _ in range(200):
        eng.step()
        errors.append(np.abs(eng.state.aims[0, :, 0] - 13 / 28).max())
    assert np.abs(eng.state.aims[0] - 13 / 28).max() < 1e-9
    # The error shrinks by |lambda_2| = 0.6 per step.
    ratios = np.array(errors[20:30]) / np.array(errors[19:29])
    assert ratios == pytest.approx(0.6, abs=1e-5)


def test_friedkin_johnsen_equilibrium_through_the_model():
    eng = pooling_engine(np.array([0.9, 0.5, 0.0]))
    for _ in range(400):
        eng.step()
    x = eng.state.aims[0, :, 0]
    assert x == pytest.approx([0.409218, 0.129888, 0.5], abs=5e-7)
    # And the exact fixed point (I - S W)^-1 (I - S) x0 to 1e-9.
    s = np.diag([0.9, 0.5, 0.0])
    exact = np.linalg.solve(np.eye(3) - s @ W, (np.eye(3) - s) @ X0)
    assert np.abs(x - exact).max() < 1e-9


def test_reference_fj_step_matches_the_model_step():
    eng = pooling_engine(np.array([0.9, 0.5, 0.0]))
    x = X0.copy()
    for _ in range(5):
        eng.step()
        x = friedkin_johnsen_step(x, W, np.array([0.9, 0.5, 0.0]), X0)
    assert np.abs(eng.state.aims[0, :, 0] - x).max() < 1e-15


def test_asymmetric_trust_closed_form():
    t = 0.5
    after_ten = asymmetric_update(np.array(t), 10, 0, 0.05, 0.3)
    assert float(after_ten) == pytest.approx(0.7006, abs=5e-5)
    after_breach = asymmetric_update(after_ten, 0, 1, 0.05, 0.3)
    assert float(after_breach) == pytest.approx(0.4904, abs=5e-5)
    needed = next(
        n for n in range(1, 100) if asymmetric_update(after_breach, n, 0, 0.05, 0.3) >= after_ten
    )
    assert needed == 11
    # One event at a time is the same as ten at once (the update composes).
    x = np.array(t)
    for _ in range(10):
        x = asymmetric_update(x, 1, 0, 0.05, 0.3)
    assert float(x) == pytest.approx(float(after_ten), abs=1e-12)


def test_asymmetric_trust_through_the_trust_mechanism():
    """The model's trust step, fed one good experience a week, follows the closed form."""
    eng = Engine(
        clique(2),
        [3],
        {"warmup_weeks": 0, "legacy_drag": 0.0, "familiarity_weight": 0.0},
        mechanisms_off=all_but("trust"),
    )
    (trust_mech,) = eng.mechanisms
    s = eng.state
    s.trust[:] = 0.5
    for _ in range(10):
        s.good[:] = 1.0
        s.bad[:] = 0.0
        trust_mech.step(s, eng.levers, 0)
    assert s.trust[0] == pytest.approx(0.7006, abs=5e-5)
    s.good[:] = 0.0
    s.bad[:] = 1.0
    trust_mech.step(s, eng.levers, 0)
    assert s.trust[0] == pytest.approx(0.4904, abs=5e-5)
    weeks = 0
    while s.trust[0, 0] < 0.7006 - 5e-5:
        s.good[:] = 1.0
        s.bad[:] = 0.0
        trust_mech.step(s, eng.levers, 0)
        weeks += 1
    assert weeks == 11


def test_donation_game_replicator_through_the_learning_mechanism():
    """Well mixed, no reciprocity: x(t) = x0 e^-ct / (1 - x0 + x0 e^-ct); 0.549147 at t=20."""
    c, x0 = 0.1, 0.9
    eng = Engine(
        clique(4), [2],
        {"warmup_weeks": 0, "learning_rate": 1.0, "imitation_rate": 0.0},
        mechanisms_off=all_but("learning"),
    )
    (learning,) = eng.mechanisms
    s = eng.state
    s.orientation[:] = x0
    for _ in range(20):
        s.workload[:] = 1.0  # everyone plays every week (well mixed)
        s.payoff[:] = -c  # helping costs c and brings nothing back
        learning.step(s, eng.levers, 0)
    expected = x0 * np.exp(-c * 20) / (1 - x0 + x0 * np.exp(-c * 20))
    assert expected == pytest.approx(0.549147, abs=5e-7)
    assert np.abs(s.orientation - expected).max() < 1e-12
