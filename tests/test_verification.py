"""Verification against analytic special cases (model notes, section 6).

With the ICS-specific mechanisms switched off, the model's own code paths reproduce DeGroot
consensus, the Friedkin-Johnsen equilibrium, mean conservation, the closed form of asymmetric
trust and the donation game's replicator dynamics. The cases live in ics_sim.verification so
that ``ics-sim validate`` reports exactly what these tests check.
"""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import verification as v
from ics_sim.mechanisms.purpose import friedkin_johnsen_step
from ics_sim.mechanisms.trust import asymmetric_update


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
    x = np.array(t)
    for _ in range(10):
        x = asymmetric_update(x, 1, 0, 0.05, 0.3)
    assert float(x) == pytest.approx(float(after_ten), abs=1e-12)


def test_asymmetric_trust_through_the_trust_mechanism():
    ten, breach, recover = v.asymmetric_trust()
    assert ten.got == pytest.approx(0.7006, abs=5e-5)
    assert breach.got == pytest.approx(0.4904, abs=5e-5)
    assert recover.got == 11


def test_donation_game_replicator_through_the_learning_mechanism():
    case = v.donation_game()
    assert case.expected == pytest.approx(0.549147, abs=5e-7)
    assert abs(case.got - case.expected) < 1e-12


def test_every_case_passes():
    failed = [c for c in v.all_cases() if not c.passed]
    assert not failed, failed
