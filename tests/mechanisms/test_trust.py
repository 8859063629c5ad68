"""The trust mechanism (Asymmetric trust and brokerage): its declarations and the direction it
moves its measures against a paired baseline, with its verification cases."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import verification as v
from ics_sim.composition import default
from ics_sim.engine import Engine
from ics_sim.mechanisms.trust import Trust, asymmetric_update

from ..helpers import mechanism, tiny_engine
from .declarations import check_declarations
from .directions import check_direction

CASES = [
    ("trust", "mean_trust", {"trust_loss": 0.6}, -1),
    ("trust", "mean_trust", {"legacy_drag": 0.0}, +1),
]


def test_declarations_match_the_code():
    check_declarations(Trust)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


@pytest.mark.slow
def test_brokerage_never_lowers_working_trust():
    eng = Engine(default(), [5])
    for _ in range(30):
        eng.step()
        assert (eng.state.brokered >= eng.state.trust).all()
    assert (eng.state.brokered > eng.state.trust).any()


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


# By hand on a tiny system ------------------------------------------------------------------
# Ties 0:0->1 1:0->2 2:1->0 3:1->2 4:2->0 5:2->1.


def _trust_engine():
    eng = tiny_engine()
    s = eng.state
    s.trust = np.array([[0.5, 0.5, 0.5, 0.05, 0.5, 0.5]])
    s.trust_personal = np.array([[0.1, 0.1, 0.1, 0.0, 0.0, 0.0]])
    s.familiarity = np.array([[0.6, 0.5, 1.0, 0.5, 0.5, 0.5]])
    s.legacy = np.array([[0.2, 0.0, 0.0, 0.0, 0.0, 0.0]])
    s.good = np.array([[2.0, 0.0, 1.0, 0.0, 0.0, 0.0]])
    s.bad = np.array([[0.0, 1.0, 1.0, 0.0, 0.0, 0.0]])
    s.active[:] = True
    return eng, s


def test_gains_losses_personal_part_and_brokerage_by_hand():
    eng, s = _trust_engine()
    mechanism(eng, "trust").step(s, eng.levers, 0)
    # tie 0: gain 0.05 (1 - 0.5 * 0.4)(1 - 0.5 * 0.2) = 0.036; 0.5 + 0.5 (1 - 0.964^2) = 0.535352
    # tie 1: one breach: 0.5 * 0.7 = 0.35; tie 2: gain 0.05, (0.5 + 0.5 * 0.05) * 0.7 = 0.3675
    t0 = 0.5 + 0.5 * (1 - 0.964**2)
    np.testing.assert_allclose(s.trust[0], [t0, 0.35, 0.3675, 0.05, 0.5, 0.5], rtol=1e-12)
    assert t0 == pytest.approx(0.535352, abs=1e-12)
    # personal: 0.1 + 0.5 * 0.6 * (t0 - 0.5) = 0.1106056; 0.1 * 0.7 = 0.07;
    # (0.1 + 0.5 * 1 * 0.025) * 0.7 = 0.07875
    np.testing.assert_allclose(
        s.trust_personal[0], [0.1 + 0.3 * (t0 - 0.5), 0.07, 0.07875, 0, 0, 0], rtol=1e-12
    )
    # 1 -> 2 is below 0.3: 1's most trusted partner is 0 (0.3675), and 0 trusts 2 at 0.35:
    # brokered = max(0.05, 0.8 * 0.3675 * 0.35) = 0.1029; every other tie is its own trust
    np.testing.assert_allclose(s.brokered[0], [t0, 0.35, 0.3675, 0.1029, 0.5, 0.5], rtol=1e-12)


def test_no_brokerage_through_a_tie_that_does_not_exist_by_hand():
    eng, s = _trust_engine()
    s.active[0, [0, 2]] = False  # 0 and 1 are not tied: 1's only partner is 2 itself
    mechanism(eng, "trust").step(s, eng.levers, 0)
    assert s.brokered[0, 3] == 0.05
