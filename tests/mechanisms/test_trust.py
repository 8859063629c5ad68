"""The trust mechanism (Asymmetric trust and brokerage): its declarations and the direction it
moves its measures against a paired baseline, with its verification cases."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import verification as v
from ics_sim.composition import default
from ics_sim.engine import Engine
from ics_sim.mechanisms.trust import Trust, asymmetric_update

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
