"""The candidate ties: every pair that could ever be tied, and the initial network among them."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.engine import Engine
from ics_sim.model import resolve_composition
from ics_sim.system.england import england
from ics_sim.system.network import build_topology, size_estimate


def old_rule(comp) -> set[tuple[int, int]]:
    """The ties of the fixed network: forum co-members, same place, system-wide in an ICS."""
    pairs = {(a, b) for f in comp.forums for a in f.members for b in f.members if a != b}
    place, ics = comp.place, comp.ics
    for a in range(comp.n):
        for b in range(comp.n):
            same = place[a] == place[b] >= 0
            wide = (place[a] < 0 or place[b] < 0) and ics[a] == ics[b]
            if a != b and (same or wide):
                pairs.add((a, b))
    return {(int(a), int(b)) for a, b in pairs}


@pytest.mark.parametrize("code", [None, "QOX"])
def test_candidates_are_every_same_ics_pair_and_the_initial_ties(code):
    comp = resolve_composition(code)
    t = build_topology(comp)
    edges = set(zip(t.src.tolist(), t.dst.tolist(), strict=True))
    same_ics = {(a, b) for a in range(comp.n) for b in range(comp.n) if a != b}
    same_ics = {(a, b) for a, b in same_ics if comp.ics[a] == comp.ics[b]}
    initial = {e for e, on in zip(sorted(edges), t.initial.tolist(), strict=True) if on}
    assert initial == old_rule(comp)
    assert edges == same_ics | initial
    assert np.array_equal(t.keys, np.sort(t.keys))
    assert np.array_equal(t.src[t.rev], t.dst) and np.array_equal(t.initial[t.rev], t.initial)
    assert size_estimate(comp)[0] >= t.e


def test_england_candidates():
    comp = england()
    t = build_topology(comp)
    sizes = np.bincount(comp.ics)
    across = int((comp.ics[t.src] != comp.ics[t.dst]).sum())
    assert int(t.initial.sum()) == 45_870  # the fixed network, unchanged
    assert t.e == int((sizes * (sizes - 1)).sum()) + across == 100_744
    assert across and t.initial[comp.ics[t.src] != comp.ics[t.dst]].all()


def test_state_starts_with_the_initial_network_and_strangers_unknown():
    comp = resolve_composition(None)
    eng = Engine(comp, [1, 2], {"warmup_weeks": 0})
    t, s = eng.topo, eng.state
    assert (s.active == t.initial).all()
    assert (s.familiarity[:, ~t.initial] == 0).all()
    assert (s.familiarity[:, t.initial] > 0).mean() > 0.95
    assert eng.outcomes()["tie_density"] == pytest.approx(t.initial.mean())


def test_the_graph_shows_the_ties_that_exist_now():
    comp = resolve_composition(None)
    eng = Engine(comp, [1], {"warmup_weeks": 0, "tie_fade_rate": 0.5})
    start = eng.graph()
    assert start.number_of_edges() == int(eng.topo.initial.sum())
    eng.run(30)
    now = eng.graph()
    on = eng.state.active[0]
    assert set(now.edges()) == {
        (int(a), int(b)) for a, b in zip(eng.topo.src[on], eng.topo.dst[on], strict=True)
    }
    assert set(now.edges()) != set(start.edges())
