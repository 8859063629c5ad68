"""Invariants over random ICS sizes, compositions, parameters and seeds (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics_sim import OUTCOMES, PRACTICES, parameters
from ics_sim.composition import from_counts
from ics_sim.engine import Engine
from ics_sim.kinds import KIND_KEYS
from ics_sim.state.variables import mean_abs_gap, row_sum

PARAMS = {p.name: p for p in parameters()}
BOUNDED_STATE = (
    "pressure",
    "system_time",
    "safety",
    "orientation",
    "perceived_sharing",
    "sharing",
    "power",
    "tc_burden",
    "capacity",
)
BOUNDED_TIES = ("trust", "familiarity", "legacy", "advantage", "brokered")
SHARES = PRACTICES + (
    "collaboration_index",
    "mean_trust",
    "cross_sector_trust",
    "unsafe_share",
    "power_not_shared_share",
    "power_gini",
    "decision_acceptability",
    "decision_equity",
    "system_time",
    "transaction_cost",
)

counts = st.fixed_dictionaries({k: st.integers(0, 5) for k in KIND_KEYS}).filter(
    lambda c: sum(c.values()) >= 2
)


@st.composite
def overrides(draw):
    names = draw(st.lists(st.sampled_from(sorted(PARAMS)), max_size=8, unique=True))
    out = {}
    for n in names:
        p = PARAMS[n]
        if n == "warmup_weeks":
            out[n] = draw(st.integers(0, 8))
        elif p.integer:
            out[n] = draw(st.integers(int(p.lo), int(p.hi)))
        else:
            out[n] = draw(
                st.one_of(st.just(p.lo), st.just(p.hi), st.floats(p.lo, p.hi, allow_nan=False))
            )
    out.setdefault("warmup_weeks", draw(st.integers(0, 4)))
    return out


def run(c, params, seeds, weeks):
    eng = Engine(from_counts(c), seeds, params)
    rows = [eng.outcomes()]
    for _ in range(weeks):
        eng.step()
        rows.append(eng.outcomes())
    return eng, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts, overrides(), st.integers(0, 2**32), st.integers(1, 25))
def test_state_and_outcomes_stay_in_bounds(c, params, seed, weeks):
    eng, rows = run(c, params, [seed], weeks)
    s = eng.state
    for name in BOUNDED_STATE + BOUNDED_TIES:
        a = getattr(s, name)
        assert np.isfinite(a).all(), name
        assert (a >= 0).all() and (a <= 1).all(), name
    assert np.isfinite(s.aims).all() and (s.aims >= 0).all() and (s.aims <= 1).all()
    assert (s.resources >= 0).all() and np.isfinite(s.resources).all()
    for row in rows:
        for k in OUTCOMES:
            assert np.isfinite(row[k]).all(), k
        for k in SHARES:
            assert ((row[k] >= 0) & (row[k] <= 1)).all(), (k, row[k])
        assert (row["decisions_made"] >= 0).all() and (row["conflicts_festering"] >= 0).all()
        assert (row["decision_latency"] >= 0).all() and (row["joint_value"] >= 0).all()


@settings(max_examples=20, deadline=None)
@given(counts, overrides(), st.integers(0, 2**32), st.integers(1, 15))
def test_same_seed_same_results_bit_for_bit(c, params, seed, weeks):
    _, a = run(c, params, [seed], weeks)
    _, b = run(c, params, [seed], weeks)
    for ra, rb in zip(a, b, strict=True):
        for k in OUTCOMES:
            assert np.array_equal(ra[k], rb[k]), k


@settings(max_examples=15, deadline=None)
@given(
    counts, overrides(), st.lists(st.integers(0, 2**32), min_size=2, max_size=4), st.integers(1, 15)
)
def test_batched_replicates_equal_single_runs(c, params, seeds, weeks):
    eng, batch = run(c, params, seeds, weeks)
    for r, seed in enumerate(seeds):
        _, single = run(c, params, [seed], weeks)
        for rb, rs in zip(batch, single, strict=True):
            for k in OUTCOMES:
                assert rb[k][r] == rs[k][0], (k, seed)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 3000), st.integers(0, 2**32), st.booleans())
def test_row_sums_do_not_depend_on_the_batch(R, K, seed, as_bool):
    """Each replicate's sum is what the replicate alone would give, bit for bit."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal((R, K)) * 10.0 ** rng.uniform(-3, 3, (R, 1))
    if as_bool:
        values = values > 0
    whole = row_sum(values)
    for r in range(R):
        assert whole[r] == row_sum(values[r : r + 1])[0]
    assert np.allclose(whole, values.sum(axis=1))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 50), st.integers(1, 400), st.integers(0, 2**32))
def test_mean_abs_gap_is_the_plain_numpy_expression_bit_for_bit(R, N, K, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.random((R, N, 3)), rng.random((R, N, 3))
    i, j = rng.integers(0, N, K), rng.integers(0, N, K)
    expected = np.abs(a[:, i, :] - b[:, j, :]).mean(axis=-1)
    assert np.array_equal(mean_abs_gap(a, i, b, j), expected)
