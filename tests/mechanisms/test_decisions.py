"""The decisions mechanism (Shared decisions): its declarations and the direction it moves its
measures against a paired baseline."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.composition import default
from ics_sim.engine import Engine
from ics_sim.mechanisms.decisions import Decisions

from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("decisions", "decision_latency", {"delegation": 0.9}, -1),
    ("decisions", "shared_decisions", lever("decision_matrix", 1.0), +1),
]


def test_declarations_match_the_code():
    check_declarations(Decisions)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


def _failed_votes(params: dict, weeks: int = 104) -> tuple[float, int]:
    """Share of forum meetings that considered a proposal and compromised on it (a failed
    vote: its value fell by exactly ``compromise_cost``), and how many compromises also
    shared out the members' losses by exactly ``compromise_step``."""
    eng = Engine(default(), [11, 12, 13], params)
    p, mf = eng.params, eng.topo.mem_forum
    considered = failed = shared = 0
    for _ in range(weeks):
        s = eng.state
        value, loss = s.prop_value.copy(), s.prop_loss.copy()
        eng.step()
        s = eng.state
        live = s.meets & (value > 0)
        considered += int(live.sum())
        shrunk = live & np.isclose(
            s.prop_value, value * (1 - p.compromise_cost), rtol=0, atol=1e-15
        )
        failed += int(shrunk.sum())
        for r, f in zip(*np.nonzero(shrunk), strict=True):
            seats = mf == f
            shared += bool(
                np.allclose(s.prop_loss[r, seats], loss[r, seats] * (1 - p.compromise_step))
            )
    return failed / max(considered, 1), shared


def test_votes_fail_at_the_defaults_and_compromise_shares_the_costs():
    """Proposals that cost some affected members income, power or status make votes fail, so
    compromise (and with it compromise_step, compromise_cost, min_value) acts at the defaults;
    with no stakes almost every vote passes, as before issue 13."""
    share, shared = _failed_votes({})
    assert share > 0.05, share
    none, _ = _failed_votes({"proposal_stake": 0.0})
    assert none < share / 2, (none, share)
    assert shared > 0
