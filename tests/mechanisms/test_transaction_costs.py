"""The transaction_costs mechanism (Transaction costs of low trust): its declarations and the
direction it moves its measures against a paired baseline."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.mechanisms.transaction_costs import TransactionCosts

from ..helpers import mechanism, tiny_engine
from .declarations import check_declarations
from .directions import check_direction

CASES = [
    ("transaction_costs", "transaction_cost", {"tc_rate": 0.2}, +1),
    ("transaction_costs", "system_time", {"tc_rate": 0.2}, -1),
]


def test_declarations_match_the_code():
    check_declarations(TransactionCosts)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


# By hand on a tiny system ------------------------------------------------------------------


def test_burden_is_distrust_summed_over_joint_projects_by_hand():
    eng = tiny_engine()
    s = eng.state
    s.joint = np.array([[True, True, False, False, False, True]])
    s.brokered = np.array([[0.4, 0.9, 0.0, 0.0, 0.5, 0.75]])
    m = mechanism(eng, "transaction_costs")
    m.step(s, eng.levers, 0)
    # org 0: 0.03 ((1 - 0.4) + (1 - 0.9)) = 0.021; org 1: no project; org 2: 0.03 * 0.25
    np.testing.assert_allclose(s.tc_burden[0], [0.021, 0.0, 0.0075], rtol=1e-12)
    eng2 = tiny_engine(params={"tc_rate": 0.5})
    s2 = eng2.state
    s2.joint[:] = True
    s2.brokered[:] = 0.0
    mechanism(eng2, "transaction_costs").step(s2, eng2.levers, 0)
    np.testing.assert_array_equal(s2.tc_burden[0], [1.0, 1.0, 1.0])  # 0.5 * 2 = 1, the cap
