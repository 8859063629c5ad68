"""The pressure mechanism (Pressure and silo retreat): its declarations and the direction it moves
its measures against a paired baseline."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.mechanisms.pressure import Pressure

from ..helpers import FixedStreams, mechanism, tiny_engine
from .declarations import check_declarations
from .directions import check_direction, lever

CASES = [
    ("pressure", "system_time", lever("extra_pressure", 0.3), -1),
    ("pressure", "system_time", {"silo_strength": 1.0}, -1),
    ("pressure", "collaboration_index", lever("income_factor", 0.6), -1),
]


def test_declarations_match_the_code():
    check_declarations(Pressure)


@pytest.mark.slow
@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    check_direction(mechanism, measure, change, sign)


# By hand on a tiny system ------------------------------------------------------------------


def _pressure_step(params, **levers):
    """One pressure step on three organisations with the state below and the given levers."""
    eng = tiny_engine(params={"pressure_noise": 0.0, **params})
    s, lv = eng.state, eng.levers
    lv.reset()
    s.base_resources = np.array([[2.0, 1.0, 1.0]])
    s.resources = np.array([[2.0, 1.0, 0.5]])
    s.base_pressure = np.full((1, 3), 0.3)
    s.pressure = np.full((1, 3), 0.5)
    s.capacity = np.full((1, 3), 0.8)
    s.tc_burden = np.array([[0.0, 0.1, 0.0]])
    for k, v in levers.items():
        lv.values[k][0] = v
    m = mechanism(eng, "pressure")
    m.rng = FixedStreams(normal=1.0)
    m.step(s, lv, 0)
    return s


def test_budget_pressure_and_system_time_by_hand():
    """resource_rate = pressure_rate = 0.5, financial_weight 0.6, silo_strength 0.6,
    leadership_week 50, attention_crowding 0.5, acute_week_budget 8000; org 0's income is
    halved, org 1 spends 800 thousand pounds, org 2's leader loses 10 hours."""
    s = _pressure_step(
        {"resource_rate": 0.5, "pressure_rate": 0.5},
        income_factor=[0.5, 1.0, 1.0],
        money_cost=[0.0, 800.0, 0.0],
        time_cost=[0.0, 0.0, 10.0],
    )
    # resources: 2 + 0.5 (2 * 0.5 - 2) = 1.5; 1 + 0.5 (1 - 800/8000 - 1) = 0.95;
    # 0.5 + 0.5 (1 - 0.5) = 0.75
    np.testing.assert_allclose(s.resources[0], [1.5, 0.95, 0.75], rtol=1e-12)
    # stress 1 - 1.5/2 = 0.25, 0.05, 0.25; target 0.3 + 0.6 stress = 0.45, 0.33, 0.45;
    # pressure 0.5 + 0.5 (target - 0.5) = 0.475, 0.415, 0.475
    np.testing.assert_allclose(s.pressure[0], [0.475, 0.415, 0.475], rtol=1e-12)
    # free 0.8 (1 - 0.6 * 0.475) = 0.572; 0.8 (1 - 0.6 * 0.415) - 0.1 = 0.5008;
    # 0.572 - 10/50 * (1 + 0.5 * 0.475) = 0.572 - 0.2475 = 0.3245
    np.testing.assert_allclose(s.system_time[0], [0.572, 0.5008, 0.3245], rtol=1e-12)


def test_extra_pressure_noise_capacity_boost_and_clipping_by_hand():
    """pressure_rate 0.5 with noise 0.1 x N(0,1) = +0.1 (a fixed normal draw of 1)."""
    s = _pressure_step(
        {"resource_rate": 0.0, "pressure_rate": 0.5, "pressure_noise": 0.1},
        extra_pressure=[0.2, 0.0, 2.0],
        capacity_boost=[0.0, 0.5, 0.0],
    )
    # resources unchanged (rate 0): stress 0, 0, 0.5; target 0.3 + 0.2 = 0.5, 0.3,
    # 0.3 + 0.6 * 0.5 + 2 = 2.6; pressure 0.5 + 0.5 (target - 0.5) + 0.1 = 0.6, 0.5, 1.65 -> 1
    np.testing.assert_allclose(s.pressure[0], [0.6, 0.5, 1.0], rtol=1e-12)
    # system time 0.8 (1 - 0.36) = 0.512; 0.8 (0.7) + 0.5 - 0.1 = 0.96; 0.8 (0.4) = 0.32
    np.testing.assert_allclose(s.system_time[0], [0.512, 0.96, 0.32], rtol=1e-12)
