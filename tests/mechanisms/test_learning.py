"""The learning mechanism (Learned collaborative behaviour): its declarations and the direction it
moves its measures against a paired baseline, with its verification cases."""

from __future__ import annotations

import pytest

from ics_sim import verification as v
from ics_sim.composition import default
from ics_sim.engine import Engine
from ics_sim.mechanisms.learning import Learning

from ..helpers import SetLever
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
