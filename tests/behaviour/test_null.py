"""The null scenario: results are not built into a single update rule."""

from __future__ import annotations

import numpy as np

from ics_sim import ICSModel
from ics_sim.composition import default
from ics_sim.engine import Engine


def test_trust_does_not_drift_without_contact_joint_work_or_conflict():
    off = ["contact", "joint_work", "conflict"]
    eng = Engine(default(), [1, 2, 3], mechanisms_off=off)
    start = eng.state.trust.copy()
    for _ in range(260):
        eng.step()
    np.testing.assert_array_equal(eng.state.trust, start)
    # Unused ties fade, which changes which ties mean trust counts; with the network fixed
    # as well (ties off), the outcome is constant too.
    df = ICSModel(rng=4, mechanisms_off=[*off, "ties"]).run(260)
    assert df["mean_trust"].nunique() == 1
    df = ICSModel(rng=4, mechanisms_off=off).run(260)
    assert df["tie_density"].iloc[-1] < 0.5 * df["tie_density"].iloc[0]  # unused ties fade


def test_without_contact_trust_moves_only_through_other_experiences():
    """Contact off alone: joint work and conflict still change trust (nothing is frozen)."""
    df = ICSModel(rng=4, mechanisms_off=["contact"]).run(104)
    assert df["mean_trust"].nunique() > 1
