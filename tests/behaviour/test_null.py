"""The null scenario: results are not built into a single update rule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ics_sim import ICSModel
from ics_sim.composition import default
from ics_sim.engine import Engine, all_params
from ics_sim.mechanisms import MECHANISMS


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


# --- Null-model switches (issue 14): off at their defaults, and each does what it says. ---

SWITCHES_OFF = {
    "trust_symmetry": 0.0,
    "random_mixing": 0,
    "legacy_scale": 1.0,
    "pressure_feedback": 1,
}


def _engine(params=None, off=(), seeds=(1, 2)):
    return Engine(default(), list(seeds), {"warmup_weeks": 0, **(params or {})}, off)


def test_null_switches_default_to_the_model_as_described():
    defaults = {p.name: p.default for p in all_params() if p.name in SWITCHES_OFF}
    assert defaults == SWITCHES_OFF
    # Every switch at its default: trajectories bit-identical to a run that never names them
    # (the golden file, tests/test_golden.py, pins the same for the default run).
    a = ICSModel(rng=5, warmup_weeks=20, **SWITCHES_OFF).run(30)
    b = ICSModel(rng=5, warmup_weeks=20).run(30)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_symmetric_trust_makes_every_pair_trust_alike():
    eng = _engine({"trust_symmetry": 1.0})
    rev = eng.topo.rev
    assert not np.array_equal(eng.state.trust, eng.state.trust[:, rev])  # directed at the start
    for _ in range(3):
        eng.step()
        np.testing.assert_array_equal(eng.state.trust, eng.state.trust[:, rev])
        np.testing.assert_array_equal(eng.state.trust_personal, eng.state.trust_personal[:, rev])


def test_partial_symmetry_by_hand():
    eng = _engine({"trust_symmetry": 0.5})
    trust = next(m for m in eng.mechanisms if m.name == "trust")
    x = np.zeros((1, eng.topo.e))
    e = int(np.flatnonzero(np.arange(eng.topo.e) < eng.topo.rev)[0])
    x[0, e], x[0, eng.topo.rev[e]] = 0.8, 0.2
    y = trust.symmetrised(x)
    assert y[0, e] == 0.5 * 0.8 + 0.5 * 0.5 and y[0, eng.topo.rev[e]] == 0.5 * 0.2 + 0.5 * 0.5


def test_random_mixing_moves_the_same_contact_to_random_pairs():
    base, mixed = _engine(), _engine({"random_mixing": 1})
    base.step()
    mixed.step()
    met = base.state.contact + base.state.encounter
    met_mixed = mixed.state.contact + mixed.state.encounter
    # The same amounts this week (the forum draws come first, so they are the same) ...
    np.testing.assert_array_equal(np.sort(met, axis=1), np.sort(met_mixed, axis=1))
    # ... symmetric in each pair, but on other pairs: forum co-members no longer get most.
    np.testing.assert_array_equal(met_mixed, met_mixed[:, mixed.topo.rev])
    assert not np.array_equal(met, met_mixed)
    assert (met_mixed[:, ~mixed.topo.initial] > 0).sum() > (met[:, ~base.topo.initial] > 0).sum()


def test_no_legacy_starts_every_pair_without_history():
    eng = _engine({"legacy_scale": 0.0})
    assert not eng.state.legacy.any()
    # Initial trust is then the truster's propensity plus the same noise draws as with the
    # legacy kept but given no weight.
    ref = _engine({"legacy_trust_weight": 0.0})
    assert ref.state.legacy.any()
    np.testing.assert_array_equal(eng.state.trust, ref.state.trust)


def test_no_pressure_feedback_ignores_budgets_and_transaction_costs():
    off = [m for m in MECHANISMS if m != "pressure"]
    params = {"pressure_feedback": 0, "pressure_noise": 0.0}
    eng = _engine(params, off)
    s = eng.state
    s.resources[:] = 0.0  # budgets exhausted: full financial stress if it were read
    s.tc_burden[:] = 0.3
    p0 = s.pressure.copy()
    eng.step()
    p = eng.params
    expected = np.clip(p0 + p.pressure_rate * (s.base_pressure - p0), 0, 1)
    np.testing.assert_allclose(s.pressure, expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(
        s.system_time, np.clip(s.capacity * (1 - p.silo_strength * s.pressure), 0, 1), atol=1e-15
    )
    # With the feedback (the default) the same state raises pressure and loses the time.
    fb = _engine({"pressure_noise": 0.0}, off)
    fb.state.resources[:] = 0.0
    fb.state.tc_burden[:] = 0.3
    fb.step()
    assert (fb.state.pressure > s.pressure).any() and (fb.state.system_time < s.system_time).any()
