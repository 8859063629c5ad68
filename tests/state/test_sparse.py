"""The sparse helpers give bit for bit what the whole-array expressions give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_sim.state import sparse as sp
from ics_sim.state.variables import mean_abs_gap, segment_sum
from ics_sim.synthetic import system
from ics_sim.system.network import build_topology

TOPO = build_topology(system(43))
TWO = build_topology(system(80))  # two ICSs: forum ties across them


def _arrays(seed: int, R: int, topo, density: float):
    rng = np.random.default_rng(seed)
    mask = rng.random((R, topo.e)) < density
    values = np.where(mask, rng.random((R, topo.e)), 0.0)
    return rng, mask, values


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    R=st.sampled_from([1, 2, 5]),
    density=st.sampled_from([0.0, 0.01, 0.3, 1.0]),
    two=st.booleans(),
)
def test_sums_over_entries_equal_whole_array_sums(seed, R, density, two):
    topo = TWO if two else TOPO
    rng, mask, values = _arrays(seed, R, topo, density)
    x = sp.entries(mask)
    assert np.array_equal(x.flat, np.flatnonzero(mask))
    r, e = np.nonzero(mask)
    assert np.array_equal(x.r, r) and np.array_equal(x.e, e)
    for index, size in ((topo.src, topo.n), (topo.dst, topo.n), (topo.tie_ics, topo.n_ics)):
        whole = segment_sum(values, index, size)
        assert np.array_equal(sp.sum_by(x, sp.at(values, x), index, size, R), whole)
        counts = segment_sum(mask * 1.0, index, size)
        assert np.array_equal(sp.sum_by(x, None, index, size, R), counts)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), R=st.sampled_from([1, 3]), two=st.booleans())
def test_gathers_equal_whole_array_gathers(seed, R, two):
    topo = TWO if two else TOPO
    rng, mask, values = _arrays(seed, R, topo, 0.2)
    x = sp.entries(mask)
    orgs = rng.random((R, topo.n))
    assert np.array_equal(sp.node(orgs, x, topo.src), orgs[:, topo.src][mask])
    assert np.array_equal(sp.node(orgs, x, topo.dst), orgs[:, topo.dst][mask])
    assert np.array_equal(sp.at(values, sp.reverse(x, topo)), values[:, topo.rev][mask])
    # Pair draws, also from a block of draws (a strided view, as Streams.randoms gives).
    block = rng.random((R, 3, topo.e)).transpose(1, 0, 2)
    for u in block:
        assert np.array_equal(sp.pair_draw(u, x, topo), topo.pair(u)[mask])
    aims = rng.random((R, topo.n, 3))
    gap = mean_abs_gap(aims, topo.src, aims, topo.dst)
    assert np.array_equal(sp.aim_gap_at(aims, x, topo), gap[mask])


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), R=st.sampled_from([1, 4]))
def test_union_and_add_at(seed, R):
    rng, mask, values = _arrays(seed, R, TOPO, 0.1)
    x = sp.entries(mask)
    both = sp.union(x, sp.reverse(x, TOPO), TOPO.e)
    assert np.array_equal(both.flat, np.flatnonzero(mask | mask[:, TOPO.rev]))
    target = rng.random((R, TOPO.e))
    expected = target + 0.25 * mask
    sp.add_at(target, x, 0.25)
    assert np.array_equal(target, expected)
    at = sp.entries_at(x.flat, TOPO.e)
    assert np.array_equal(at.r, x.r) and np.array_equal(at.e, x.e)
