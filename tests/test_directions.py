"""Each mechanism moves its measure the way its source says, against a paired baseline.

Paired runs share seeds (common random numbers), so differences are the mechanism's effect,
not noise. Effects are large enough that a handful of replicates settles the direction.
"""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim import simulate
from ics_sim.composition import default
from ics_sim.engine import Engine
from ics_sim.sim.plan import lever_table
from ics_sim.state.levers import LEVERS

from .helpers import SetLever, late_mean

pytestmark = pytest.mark.slow

SEEDS = [101, 202, 303, 404]
WEEKS = 156


def pair(column: str, base: dict | None = None, **changed) -> tuple[float, float]:
    """(baseline, changed) late means of ``column`` on the same seeds."""
    base = base or {}
    a = simulate(SEEDS, WEEKS, **base)
    b = simulate(SEEDS, WEEKS, **{**base, **changed})
    return late_mean(a, column), late_mean(b, column)


def lever(name: str, value: float, where=slice(None)) -> dict:
    return {"interventions": [SetLever(name, value, where)]}


CASES = [
    # (mechanism, measure, change, expected sign of changed - baseline)
    ("pressure", "system_time", lever("extra_pressure", 0.3), -1),
    ("pressure", "system_time", {"silo_strength": 1.0}, -1),
    ("pressure", "collaboration_index", lever("income_factor", 0.6), -1),
    ("contact", "relationships", {"informal_rate": 0.4}, +1),
    ("contact", "mean_trust", lever("extra_contact", 0.5), +1),
    ("trust", "mean_trust", {"trust_loss": 0.6}, -1),
    ("trust", "mean_trust", {"legacy_drag": 0.0}, +1),
    ("safety", "safety", lever("safety_boost", 0.2), +1),
    ("safety", "unsafe_share", lever("safety_boost", 0.2), -1),
    ("transaction_costs", "transaction_cost", {"tc_rate": 0.2}, +1),
    ("transaction_costs", "system_time", {"tc_rate": 0.2}, -1),
    ("purpose", "shared_purpose", lever("purpose_anchor", 0.2), +1),
    ("purpose", "shared_purpose", {"confidence_bound": 0.05}, -1),
    ("joint_work", "joint_value", {"joint_rate": 0.4}, +1),
    ("joint_work", "joint_value", {"cost": 3.0, "coop_steepness": 50.0}, -1),
    ("power", "power_sharing", lever("power_equalisation", 0.4), +1),
    ("power", "power_not_shared_share", {"power_voice_exponent": 0.0}, -1),
    ("conflict", "conflict_health", {"surface_rate": 0.9}, +1),
    ("conflict", "conflicts_festering", lever("conflict_skill", 1.0), -1),
    ("decisions", "decision_latency", {"delegation": 0.9}, -1),
    ("decisions", "shared_decisions", lever("decision_matrix", 1.0), +1),
    ("turnover", "relationships", {"turnover_hazard": 0.03}, -1),
    (
        "turnover",
        "relationships",
        lever("succession", 0.9, slice(None)) | {"turnover_hazard": 0.03},
        +1,
    ),
]


@pytest.mark.parametrize(
    "mechanism,measure,change,sign", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_direction(mechanism, measure, change, sign):
    base = {"turnover_hazard": 0.03} if "succession" in str(change) else {}
    change = {k: v for k, v in change.items() if not (base and k == "turnover_hazard")}
    before, after = pair(measure, base, **change)
    assert np.sign(after - before) == sign, (mechanism, measure, before, after)


def test_learning_reward_spreads_collaborative_orientation():
    comp = default()
    a = Engine(comp, SEEDS)
    b = Engine(comp, SEEDS, interventions=[SetLever("reward", 1.0)])
    for _ in range(WEEKS):
        a.step()
        b.step()
    assert b.state.orientation.mean() > a.state.orientation.mean()


def test_brokerage_never_lowers_working_trust():
    eng = Engine(default(), [5])
    for _ in range(30):
        eng.step()
        assert (eng.state.brokered >= eng.state.trust).all()
    assert (eng.state.brokered > eng.state.trust).any()


@pytest.mark.parametrize("name", sorted(LEVERS))
def test_a_lever_does_nothing_when_its_mechanism_is_off(name):
    """Interventions act only through mechanisms: with the reader off, a lever is inert."""
    _, neutral, reader, _ = lever_table()[name]
    value = neutral + 0.5 if neutral == 0 else neutral * 0.5
    off = [reader]
    a = simulate([9], 30, mechanisms_off=off)
    b = simulate([9], 30, mechanisms_off=off, interventions=[SetLever(name, value)])
    assert a.equals(b), name
    # And with the mechanism on, it does something.
    c = simulate([9], 30)
    d = simulate([9], 30, interventions=[SetLever(name, value)])
    assert not c.equals(d), name
