"""The transaction_costs mechanism (Transaction costs of low trust): its declarations and the
direction it moves its measures against a paired baseline."""

from __future__ import annotations

import pytest

from ics_sim.mechanisms.transaction_costs import TransactionCosts

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
