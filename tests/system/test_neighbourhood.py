"""Neighbourhood forums: one per PCN, where primary care, community services, the council and
VCSE bodies meet (ics_sim.system.composition.neighbourhood_forums)."""

from __future__ import annotations

import numpy as np
import pytest

from ics_sim.model import resolve_composition
from ics_sim.system.composition import CONSENSUS, FORUM_TYPES, from_counts
from ics_sim.system.kinds import Kind
from ics_sim.system.network import build_topology
from ics_sim.system.synthetic import system


def neighbourhoods(comp):
    return [f for f in comp.forums if f.type == "neighbourhood"]


def kinds_of(comp, forum) -> list[int]:
    return sorted(int(comp.kind[i]) for i in forum.members)


def test_forum_type_is_declared():
    assert FORUM_TYPES["neighbourhood"] == (4, CONSENSUS)


def test_default_ics_has_one_neighbourhood_per_pcn_with_the_right_members():
    comp = resolve_composition(None)
    nb = neighbourhoods(comp)
    pcns = np.flatnonzero(comp.kind == Kind.PRIMARY_CARE)
    assert len(nb) == len(pcns) == 16
    pcn_of = {}
    for f in nb:
        members = f.members.tolist()
        (pcn,) = [i for i in members if comp.kind[i] == Kind.PRIMARY_CARE]
        pcn_of[pcn] = f
        p = comp.place[pcn]
        council = [i for i in members if comp.kind[i] == Kind.LOCAL_AUTHORITY]
        vcse = [i for i in members if comp.kind[i] == Kind.VCSE]
        community = [i for i in members if comp.kind[i] == Kind.COMMUNITY]
        assert len(members) == 4
        assert (
            council
            == np.flatnonzero((comp.kind == Kind.LOCAL_AUTHORITY) & (comp.place == p)).tolist()
        )
        assert community == np.flatnonzero(comp.kind == Kind.COMMUNITY).tolist()
        assert len(vcse) == 1 and comp.place[vcse[0]] == p
        assert f.period == 4 and f.rule == CONSENSUS and f.name.startswith(comp.place_names[p])
    assert sorted(pcn_of) == pcns.tolist()
    # every VCSE body of the default ICS sits in exactly one neighbourhood
    vcse_seats = [i for f in nb for i in f.members.tolist() if comp.kind[i] == Kind.VCSE]
    assert sorted(vcse_seats) == np.flatnonzero(comp.kind == Kind.VCSE).tolist()
    # the meetings of a place's neighbourhoods are spread over the month
    offsets = [f.offset for f in nb if f.name.startswith("Place A")]
    assert sorted(offsets) == [0, 1, 2, 3]


def test_neighbourhoods_add_meetings_not_ties():
    """Their members already serve the same place (or one is system-wide)."""
    comp = resolve_composition(None)
    without = from_counts({"icb": 1, "acute": 3, "community": 1, "mental_health": 1,
                           "ambulance": 1, "local_authority": 4, "vcse": 16})  # fmt: skip
    assert not neighbourhoods(without)
    topo = build_topology(comp)
    keys = set(zip(topo.src.tolist(), topo.dst.tolist(), strict=True))
    for f in neighbourhoods(comp):
        m = f.members.tolist()
        assert all((i, j) in keys for i in m for j in m if i != j)


def test_a_real_ics_has_neighbourhoods_with_its_council_and_vcse():
    """QOX (Bath and North East Somerset, Swindon and Wiltshire): 18 PCNs in 3 places, no
    community trust in the data, so its mental health trust stands for community services."""
    comp = resolve_composition("QOX")
    nb = neighbourhoods(comp)
    assert len(nb) == int((comp.kind == Kind.PRIMARY_CARE).sum()) == 18
    mh = np.flatnonzero(comp.kind == Kind.MENTAL_HEALTH).tolist()
    assert not (comp.kind == Kind.COMMUNITY).any() and len(mh) == 1
    for f in nb:
        members = f.members.tolist()
        (pcn,) = [i for i in members if comp.kind[i] == Kind.PRIMARY_CARE]
        p = comp.place[pcn]
        (council,) = [i for i in members if comp.kind[i] == Kind.LOCAL_AUTHORITY]
        assert comp.place[council] == p and comp.org_names[council] == comp.place_names[p]
        vcse = [i for i in members if comp.kind[i] == Kind.VCSE]
        assert len(vcse) == 1 and comp.place[vcse[0]] == p  # 2 VCSE bodies for several PCNs
        assert [i for i in members if comp.kind[i] == Kind.MENTAL_HEALTH] == mh
        assert kinds_of(comp, f) == sorted(
            [Kind.MENTAL_HEALTH, Kind.PRIMARY_CARE, Kind.LOCAL_AUTHORITY, Kind.VCSE]
        )


@pytest.mark.parametrize("n", [30, 200])
def test_synthetic_systems_have_a_neighbourhood_per_pcn_in_its_ics(n):
    comp = system(n)
    nb = neighbourhoods(comp)
    assert len(nb) == int((comp.kind == Kind.PRIMARY_CARE).sum())
    for f in nb:
        assert len({int(comp.ics[i]) for i in f.members}) == 1
        assert f.ics == int(comp.ics[f.members[0]])
