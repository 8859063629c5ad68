"""ReferenceModel: the Mesa model of the reference implementation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa
import networkx as nx

from ics_sim.composition import Composition
from ics_sim.core.params import resolve
from ics_sim.engine import all_params
from ics_sim.model import resolve_composition
from ics_sim.outcomes import OUTCOMES
from ics_sim.rng import Streams
from ics_sim.state.variables import initialise
from ics_sim.system.network import build_topology

from . import outcomes
from .agents import Organisation
from .forums import Forum, Seat
from .mechanisms import ORDER

#: Edge attributes copied from the package's initial state.
TIE_STATE = (
    "trust",
    "trust_base",
    "trust_personal",
    "familiarity",
    "legacy",
    "advantage",
    "brokered",
)


def build_network(comp: Composition) -> nx.DiGraph:
    """The network of candidate ties of a composition (docs/ODD.md, section 2.2).

    Every ordered pair of organisations of one ICS is a candidate tie, and so is every pair
    that starts tied; ``active`` says whether the tie exists. At the start two organisations
    are tied, in both directions, when they sit together in a forum, or serve the same place,
    or one of them is system-wide (place -1) and both belong to the same ICS. Edges are added
    in (truster, trustee) order, so ``G[i]`` lists i's candidate ties in the package's edge
    order; each edge's ``eid`` is its index in the package.
    """
    n = comp.n
    pairs = set()
    for forum in comp.forums:
        members = [int(i) for i in forum.members]
        pairs.update((a, b) for a in members for b in members if a != b)
    place = [int(x) for x in comp.place]
    ics = [int(x) for x in comp.ics]
    candidates = set()
    for a in range(n):
        for b in range(n):
            same_place = place[a] == place[b] and place[a] >= 0
            system_wide = (place[a] < 0 or place[b] < 0) and ics[a] == ics[b]
            if a != b and (same_place or system_wide):
                pairs.add((a, b))
            if a != b and ics[a] == ics[b]:
                candidates.add((a, b))
    G = nx.DiGraph(name=comp.name)
    G.add_nodes_from(range(n))
    for eid, (a, b) in enumerate(sorted(pairs | candidates)):
        same_place = (place[a] == place[b] and place[a] >= 0) or (
            (place[a] < 0 or place[b] < 0) and ics[a] == ics[b]
        )
        G.add_edge(
            a, b, eid=eid, same_place=same_place, active=(a, b) in pairs, initial=(a, b) in pairs
        )
    for a, b, tie in G.edges(data=True):
        # Events of a pair share one draw: that of its lower-index direction.
        tie["pair_eid"] = tie["eid"] if a < b else G[b][a]["eid"]
    return G


class ReferenceModel(mesa.Model):
    """The ICS model, one agent per organisation and tie state on networkx edges.

    Args:
        composition: who is in the system (None: the default ICS of 43 organisations).
        seed: the seed of every random stream (the same seed as ``Engine(comp, [seed])``).
        params: overrides of declared parameters (see ``ics_sim.parameters()``).

    The constructor runs the warm-up (``warmup_weeks``), then calls the result week 0.
    """

    def __init__(
        self,
        composition: Composition | None = None,
        seed: int = 1,
        params: Mapping[str, Any] | None = None,
    ):
        super().__init__(rng=seed)
        comp = composition if composition is not None else resolve_composition(None)
        self.composition = comp
        self.seed = int(seed)
        self.p = resolve(all_params(), params or {})
        self.G = build_network(comp)

        # Initial state: the package's, for the same seed, copied into agents and edges.
        topo = build_topology(comp)
        ours = [(a, b) for a, b in self.G.edges()]
        if ours != list(zip(topo.src.tolist(), topo.dst.tolist(), strict=True)):
            raise AssertionError("the reference network differs from the package's")
        state = initialise(comp, topo, self.p, [self.seed])
        self.orgs = [Organisation(self, i, state) for i in range(comp.n)]
        for _, _, tie in self.G.edges(data=True):
            e = tie["eid"]
            for name in TIE_STATE:
                tie[name] = float(getattr(state, name)[0, e])
            tie.update(contact=0.0, encounter=0.0, joint=False, good=0.0, bad=0.0, conflict=0)
        self.forums: list[Forum] = []
        m = 0
        for f, fm in enumerate(comp.forums):
            forum = Forum(f, fm.name, int(fm.period), int(fm.offset), float(fm.rule))
            forum.prop_pos = [0.0] * len(self.orgs[0].aims)
            for i in fm.members:
                seat = Seat(m, forum, self.orgs[int(i)])
                forum.seats.append(seat)
                seat.org.seats.append(seat)
                m += 1
            self.forums.append(forum)
        self.n_seats = m
        self.tally: dict[str, float] = {}  # smoothed measures behind some outcomes

        # One random stream per mechanism, as in the package; then each mechanism's start.
        self.streams = {name: Streams([self.seed], name) for name, _ in ORDER}
        for _, rule in ORDER:
            if hasattr(rule, "init"):
                rule.init(self)
        self.week = 0
        for _ in range(int(self.p.warmup_weeks)):
            self.step()
        self.week = 0
        for org in self.orgs:
            org.leader_changes = 0.0

    def step(self) -> None:
        """Advance one week: this week's experiences start at 0, then every rule in order."""
        for _, _, tie in self.G.edges(data=True):
            tie["good"] = 0.0
            tie["bad"] = 0.0
        for name, rule in ORDER:
            rule.step(self, self.streams[name], self.week)
        self.week += 1

    def outcomes(self) -> dict[str, float]:
        """Every outcome of ``ics_sim.outcomes.OUTCOMES`` now."""
        return outcomes.compute(self)

    def run(self, weeks: int) -> dict[str, list[float]]:
        """Step ``weeks`` times; each outcome as a list, week 0 first (like ``Engine.run``)."""
        rows = [self.outcomes()]
        for _ in range(weeks):
            self.step()
            rows.append(self.outcomes())
        return {k: [row[k] for row in rows] for k in OUTCOMES}
