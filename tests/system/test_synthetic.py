"""Synthetic systems of a given size (used by the benchmarks and scaling studies)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_sim.composition import DEFAULT_COUNTS, default
from ics_sim.errors import ICSSimError
from ics_sim.synthetic import ICS_SIZE, scaled_counts, system
from ics_sim.system.network import build_topology


def test_the_default_size_gives_the_default_counts():
    assert scaled_counts(ICS_SIZE) == DEFAULT_COUNTS


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 400))
def test_counts_add_up_with_one_icb_and_a_council(n):
    c = scaled_counts(n)
    assert sum(c.values()) == n
    assert c["icb"] == 1 and c["local_authority"] >= 1
    assert min(c.values()) >= 0


@pytest.mark.parametrize("n", [30, 43, 200, 2000])
def test_systems_have_the_size_asked_for_and_one_icb_per_ics(n):
    comp = system(n)
    assert comp.n == n
    k = len(comp.ics_names)
    assert k == max(1, round(n / ICS_SIZE))
    assert comp.counts()["icb"] == k
    # Every forum and every tie stays within one ICS: the parts are side by side.
    topo = build_topology(comp)
    assert np.array_equal(comp.ics[topo.src], comp.ics[topo.dst])
    for f in comp.forums:
        assert len(set(comp.ics[f.members].tolist())) == 1


def test_one_synthetic_ics_of_default_size_has_the_default_ties():
    a, b = build_topology(system(ICS_SIZE)), build_topology(default())
    assert np.array_equal(a.src, b.src) and np.array_equal(a.dst, b.dst)


def test_ties_grow_in_proportion_to_organisations():
    e = [build_topology(system(n)).e for n in (430, 4300)]
    assert e[1] == pytest.approx(10 * e[0], rel=0.02)


def test_too_small_a_system_is_refused():
    with pytest.raises(ICSSimError, match="at least 3"):
        system(2)
