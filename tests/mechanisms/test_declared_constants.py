"""Numbers that used to be written into the mechanisms and the initial state are declared
parameters (issue 13, "no undeclared constants").

Their defaults are the old values, so trajectories did not move (``tests/test_golden.py``
holds that bit for bit). Here: each one acts (moving it moves the run, so the declaration is
the number the code uses), and the reference implementation reads the same parameters.
"""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.engine import all_params
from ics_sim.model import resolve_composition
from ics_sim.scenarios.schema import from_dict

#: Each formerly written-in number, and a value away from its default.
MOVED = {
    "successor_noise": 0.3,
    "unsafe_sharing": 0.2,
    "purpose_selectivity": 0.8,
    "proposal_noise": 0.2,
    "orientation_tolerance": 0.5,
    "proposal_value_min": 0.2,
    "decision_smoothing": 0.3,
    "difference_weight": 4.0,
    "distrust_resolve": 0.1,
    "damage_breach": 3.0,
    "conflict_memory": 4.0,
    "secure_tenure": 100.0,
    "resource_power_exponent": 1.0,
    "legacy_noise": 0.2,
    "trust_noise": 0.15,
    "familiarity_noise": 0.6,
    "advantage_base": 0.8,
    "cross_kind_advantage": 0.1,
    "cross_sector_advantage": 0.5,
}
#: Defaults: the values that were written into the code before they were declared.
OLD = {
    "successor_noise": 0.1,
    "unsafe_sharing": 0.5,
    "purpose_selectivity": 0.3,
    "proposal_noise": 0.05,
    "orientation_tolerance": 0.2,
    "proposal_value_min": 0.5,
    "decision_smoothing": 0.1,
    "difference_weight": 2.0,
    "distrust_resolve": 0.5,
    "damage_breach": 1.0,
    "conflict_memory": 52.0,  # issue 14: a year (was 13), as conflict health was redefined
    "secure_tenure": 260.0,
    "resource_power_exponent": 0.5,
    "legacy_noise": 0.1,
    "trust_noise": 0.05,
    "familiarity_noise": 0.3,
    "advantage_base": 0.5,
    "cross_kind_advantage": 0.3,
    "cross_sector_advantage": 0.2,
}
#: Constants whose effect needs a rare event, and the run long enough to see one (a surfaced
#: conflict handled damagingly: with ties that fade, later than week 40 for seed 1).
LONGER = {"damage_breach": 80}
STATE = ("trust", "familiarity", "orientation", "power", "safety", "aims", "prop_pos", "prop_value")


def final_state(params: dict, weeks: int = 40) -> dict[str, np.ndarray]:
    """State after ``weeks`` weeks of the default ICS, seed 1, with a shared purpose agreed
    (so the purpose lever, which only an intervention sets, is exercised too)."""
    scn = from_dict(
        {
            "name": "constants",
            "parameters": {"warmup_weeks": 20, **params},
            "interventions": [{"type": "shared_purpose", "start": 0}],
        }
    )
    eng = scn.engine([1])
    eng.run(weeks)
    out = {k: getattr(eng.state, k).copy() for k in STATE}
    out.update({f"tally.{k}": np.asarray(v).copy() for k, v in eng.state.tally.items()})
    out["outcomes"] = np.array([float(v[0]) for v in eng.outcomes().values()])
    return out


@pytest.fixture(scope="module")
def baseline() -> dict[str, np.ndarray]:
    return final_state({})


def test_declared_with_the_old_values_ranges_units_and_sources():
    declared = {p.name: p for p in all_params()}
    for name, old in OLD.items():
        p = declared[name]
        assert p.default == old, name
        assert p.lo <= MOVED[name] <= p.hi and p.lo <= old <= p.hi, name
        assert p.unit and p.source and p.doc, name


@pytest.mark.parametrize("name", list(MOVED))
def test_each_declared_constant_acts(name, baseline):
    weeks = LONGER.get(name, 40)
    if weeks != 40:
        baseline = final_state({}, weeks)
    moved = final_state({name: MOVED[name]}, weeks)
    changed = [k for k in baseline if not np.array_equal(baseline[k], moved[k])]
    assert changed, f"moving {name} changed nothing: the code does not read it"


def test_resource_power_exponent_at_one_half_is_the_square_root():
    from ics_sim.mechanisms.power import root

    x = np.linspace(0.0, 3.0, 301)
    assert np.array_equal(root(x, 0.5), np.sqrt(x))
    assert np.allclose(root(x, 1.5), x**1.5)


def test_reference_reads_the_same_constants():
    """The Mesa reference with every moved constant (but the purpose lever, which it has not)
    goes through the same weeks as the package."""
    from tests.sim.test_reference import SMALL, lockstep

    params = {k: v for k, v in MOVED.items() if k != "purpose_selectivity"}
    assert lockstep(SMALL, 3, 30, {**params, "warmup_weeks": 10}) == []
    assert lockstep(resolve_composition(None), 2, 20, {**params, "warmup_weeks": 10}) == []
