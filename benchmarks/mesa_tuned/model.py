"""TunedModel: the Mesa model (AgentSet for the per-organisation rules, DataCollector for the
outcomes, network structure cached once)."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import mesa

from ics_sim.composition import Composition
from ics_sim.core.params import resolve
from ics_sim.engine import all_params
from ics_sim.model import resolve_composition
from ics_sim.outcomes import OUTCOMES
from ics_sim.state.variables import AIM_DIMENSIONS
from ics_sim.system.kinds import SECTOR

from . import rules
from .agents import Forum, Organisation, Seat
from .decisions import decisions
from .initial import initialise
from .measures import measure
from .network import Pair, Tie, build_pairs


class TunedModel(mesa.Model):
    """The ICS model as a Mesa author would write it for speed.

    Args:
        composition: who is in the system (None: the default ICS of 43 organisations).
        seed: seeds Mesa's ``random`` and ``rng`` (its own streams: the draws are not the
            package's, the distributions are).
        params: overrides of declared parameters (``ics_sim.parameters()``).

    The constructor runs the warm-up (``warmup_weeks``) and then collects week 0.
    """

    def __init__(
        self,
        composition: Composition | None = None,
        seed: int = 1,
        params: Mapping[str, Any] | None = None,
    ):
        super().__init__(rng=seed)
        comp = composition if composition is not None else resolve_composition(None)
        self.p = SimpleNamespace(**dict(resolve(all_params(), params or {})))
        ics = [int(x) for x in comp.ics]
        for i, kind in enumerate(comp.kind):
            Organisation(self, i, int(kind), int(SECTOR[int(kind)]), ics[i])
        self.orgs: list[Organisation] = list(self.agents)
        self.by_ics = [[o for o in self.orgs if o.ics == c] for c in sorted(set(ics))]
        self.ics_standing = {c: 0.0 for c in set(ics)}
        self.pairs: list[Pair] = build_pairs(comp, self.orgs)
        self.ties = [t for pair in self.pairs for t in (pair.ab, pair.ba)]
        self.active: dict[Pair, None] = {pair: None for pair in self.pairs if pair.active}
        self.n_initial_ties = 2 * len(self.active)
        self.same_place = [pair for pair in self.pairs if pair.same_place]
        self.met_pairs: list[Pair] = []
        self.encounters: list[Pair] = []
        self.joint_pairs: list[Pair] = []
        self.conflicted: dict[Pair, None] = {}
        self.decision_ties: list[Tie] = []  # ties that forum decisions gave experiences
        dims = len(AIM_DIMENSIONS)
        self.forums = []
        for fm in comp.forums:
            forum = Forum(int(fm.period), int(fm.offset), float(fm.rule), dims)
            for i in fm.members:
                seat = Seat(forum, self.orgs[int(i)])
                forum.seats.append(seat)
                seat.org.seats.append(seat)
            self.forums.append(forum)
        initialise(self.rng, self.p, self.orgs, self.pairs)
        self.tally = dict(
            joint_value=0.0,
            conflict_health=1.0,
            resolved_recent=0.0,
            decisions_made=0.0,
            decision_latency=0.0,
            decision_acceptability=0.5,
            decision_equity=0.5,
            inclusion=0.5,
            throughput=0.5,
            shared_decisions=0.5,
        )
        for org in self.orgs:
            org.safety = org.safety_target()
        self.update_voice()
        for org in self.orgs:
            felt = [org.felt(seat) for seat in org.seats]
            org.perceived_sharing = sum(felt) / len(felt) if felt else 1.0
        self.week = 0
        self.datacollector: mesa.DataCollector | None = None
        for _ in range(int(self.p.warmup_weeks)):
            self.step()
        self.week = 0
        for org in self.orgs:
            org.leader_changes = 0.0
        self.outcomes: dict[str, float] = measure(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={k: (lambda m, k=k: m.outcomes[k]) for k in OUTCOMES}
        )
        self.datacollector.collect(self)

    def update_voice(self) -> None:
        """Sharing dispositions, each forum's sharing level and every seat's voice."""
        self.agents.do("update_sharing")
        e = self.p.power_voice_exponent
        for forum in self.forums:
            seats = forum.seats
            power = [s.org.power for s in seats]
            rho = sum([s.org.power * s.org.sharing for s in seats]) / max(sum(power), 1e-12)
            rho = min(max(rho, 0.0), 1.0)
            pa = [x**e for x in power]
            mean_pa = max(sum(pa) / max(len(seats), 1), 1e-12)
            for seat, a in zip(seats, pa, strict=True):
                seat.voice = (1.0 - rho) * a / mean_pa + rho
            forum.biggest_voice = max(s.voice for s in seats)
            forum.mean_voice = sum([s.voice for s in seats]) / max(len(seats), 1)

    def power(self) -> None:
        agents = self.agents
        agents.do("update_standing")
        for members in self.by_ics:
            self.ics_standing[members[0].ics] = sum([o.standing for o in members]) / len(members)
        agents.do("update_power")
        self.update_voice()
        agents.do("perceive_sharing")

    def step(self) -> None:
        """One week: every rule in the package's order."""
        agents = self.agents
        rules.turnover(self)
        agents.do("update_pressure")
        rules.contact(self, self.week)
        agents.do("update_safety")
        agents.do("pool_aims")
        agents.do("commit_aims")
        self.power()
        rules.joint_work(self)
        rules.conflict(self)
        decisions(self)
        rules.trust(self)
        rules.transaction_costs(self)
        agents.do("reinforce")
        agents.do("imitate")
        agents.do("commit_orientation")
        rules.ties(self)
        self.week += 1
        if self.datacollector is not None:
            self.outcomes = measure(self)
            self.datacollector.collect(self)

    def run(self, weeks: int) -> dict[str, list[float]]:
        """Step ``weeks`` times; each outcome as a list from week 0 (like ``Engine.run``)."""
        for _ in range(weeks):
            self.step()
        table = self.datacollector.model_vars
        return {k: list(table[k]) for k in OUTCOMES}
