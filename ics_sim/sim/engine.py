"""The weekly tick: numpy state, mechanisms in a fixed, documented order, outcomes.

The engine is the fast core; :class:`ics_sim.sim.model.ICSModel` is its Mesa face. An engine
holds R replicates of one scenario (one seed each) and steps them together. The mechanisms and
their order come from the registry (:mod:`ics_sim.core.registry`): the built-ins and any
plugins. ``Engine(..., check=True)`` is the checking mode the tests use: each step fails if a
mechanism commits a state variable it did not declare in ``writes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import networkx as nx
import numpy as np

from .. import mechanisms as _builtins  # noqa: F401  (registers the built-in mechanisms)
from ..core.errors import ICSSimError, ParameterError
from ..core.params import Param, Params, resolve, suggest
from ..core.registry import REGISTRY
from ..core.rng import Streams
from ..mechanisms.base import Mechanism
from ..state import outcomes
from ..state.levers import Levers
from ..state.variables import State, initialise
from ..system.composition import Composition
from ..system.network import Topology, build_topology, to_networkx
from . import warmup


class Intervention(Protocol):
    """Anything that sets levers each week (see :mod:`ics_sim.levers`)."""

    def apply(self, engine: Engine, week: int) -> None: ...


def all_params() -> tuple[Param, ...]:
    """Every declared parameter: initialisation first, then each mechanism's in tick order."""
    return REGISTRY.parameters()


def check_mechanisms(names: Iterable[str]) -> frozenset[str]:
    """Validated names of mechanisms to switch off."""
    names = frozenset(names)
    known = REGISTRY.mechanism_names()
    for n in names:
        if n not in known:
            raise ParameterError(
                f"unknown mechanism {n!r}{suggest(n, known)}; valid mechanisms: " + ", ".join(known)
            )
    return names


class UndeclaredWrite(ICSSimError):
    """A mechanism committed a state variable it does not declare (checking mode)."""


def _snapshot(s: State) -> dict[str, tuple[Any, Any]]:
    """(object, copy) of every state variable and tally entry, to compare after a step."""
    snap = {k: (v, v.copy()) for k, v in vars(s).items() if isinstance(v, np.ndarray)}
    snap.update({f"tally.{k}": (v, np.copy(v)) for k, v in s.tally.items()})
    return snap


def written(before: dict[str, tuple[Any, Any]], s: State) -> set[str]:
    """Names of the state variables and tally entries a step replaced or changed."""
    now = {k: v for k, v in vars(s).items() if isinstance(v, np.ndarray)}
    now.update({f"tally.{k}": v for k, v in s.tally.items()})
    out = set(now.keys() ^ before.keys())
    for k, v in now.items():
        if k in before:
            obj, copy = before[k]
            if v is not obj or not np.array_equal(v, copy, equal_nan=True):
                out.add(k)
    return out


class Engine:
    """R replicates of one system, stepped one week at a time."""

    # -- observer hook (ics_sim.evaluation.explain) ---------------------------------------
    #: None, or ``observer(engine, part)`` called during :meth:`step` after the interventions
    #: have set the levers (``part`` is ``"interventions"``) and after each mechanism's step
    #: (``part`` is its name): what the per-mechanism ledger of a run is built from.
    observer: Callable[[Engine, str], None] | None = None

    def __init__(
        self,
        composition: Composition,
        seeds: Sequence[int],
        params: Mapping[str, Any] | Params | None = None,
        mechanisms_off: Iterable[str] = (),
        interventions: Iterable[Intervention] = (),
        check: bool = False,
    ):
        self.composition = composition
        self.check = check
        #: mechanism name -> state variables it wrote (filled in checking mode only)
        self.writes_seen: dict[str, set[str]] = {}
        self.seeds = [int(s) for s in seeds]
        self.params = params if isinstance(params, Params) else resolve(all_params(), params or {})
        self.mechanisms_off = check_mechanisms(mechanisms_off)
        plan = REGISTRY.plan()
        warm_key = warmup.key(
            composition, self.seeds, self.params, self.mechanisms_off, plan, check
        )
        warm = warmup.WARM_UPS.take(warm_key)
        if warm is not None:  # an identical engine was warmed up before: continue from it
            self.__dict__.update(warm)
            self.composition = composition
            self.interventions = list(interventions)
            return
        self.topo: Topology = build_topology(composition)
        self.state: State = initialise(composition, self.topo, self.params, self.seeds)
        t = self.topo
        self.levers = Levers.neutral(len(self.seeds), t.n, t.e, t.n_forums)
        self.mechanisms: list[Mechanism] = [
            cls(t, self.params, Streams(self.seeds, cls.name), self.mechanisms_off)
            for cls in plan
            if cls.name not in self.mechanisms_off
        ]
        for m in self.mechanisms:
            m.init(self.state, self.levers)
        self.interventions: list[Intervention] = []
        self.ics = composition.ics.astype(np.int64)
        self.n_ics = len(composition.ics_names)
        self.week = 0
        self.warm_up(int(self.params.warmup_weeks))
        if composition.observed_ties is not None and self.params.warmup_weeks > 0:
            # A partnership's own survey describes its ties at week 0, after the warm-up.
            from ..state.observed import apply_observed

            apply_observed(self.state, composition, self.topo, self.params, traits=False)
        warmup.WARM_UPS.keep(warm_key, self.__dict__, self.topo.e * len(self.seeds))
        self.interventions = list(interventions)

    def warm_up(self, weeks: int) -> None:
        """Run ``weeks`` weeks with no intervention, then call the result week 0."""
        for _ in range(weeks):
            self.step()
        self.week = 0
        self.state.leader_changes.fill(0.0)

    def step(self) -> None:
        """Advance every replicate by one week."""
        self.levers.reset()
        for iv in self.interventions:
            iv.apply(self, self.week)
        s = self.state
        s.good.fill(0.0)
        s.bad.fill(0.0)
        obs = self.observer
        if obs is not None:
            obs(self, "interventions")
        for m in self.mechanisms:
            if self.check:
                self._checked_step(m, s)
            else:
                m.step(s, self.levers, self.week)
            if obs is not None:
                obs(self, m.name)
        self.week += 1

    def _checked_step(self, m: Mechanism, s: State) -> None:
        before = _snapshot(s)
        m.step(s, self.levers, self.week)
        done = written(before, s)
        self.writes_seen.setdefault(m.name, set()).update(done)
        declared = set(m.writes) | {w + "_by_ics" for w in m.writes if w.startswith("tally.")}
        extra = sorted(done - declared)
        if extra:
            raise UndeclaredWrite(
                f"mechanism {m.name!r} wrote {', '.join(extra)} in week {self.week}, which it "
                f"does not declare (writes: {', '.join(m.writes) or 'nothing'})"
            )

    def outcomes(self) -> dict[str, np.ndarray]:
        """Every outcome now, one value per replicate."""
        return outcomes.compute(self.state, self.topo, self.ics, self.n_ics)

    def outcomes_by_ics(self) -> dict[str, np.ndarray]:
        """Every outcome now for each ICS of the system, arrays (R, number of ICSs)."""
        return outcomes.by_ics(self.state, self.topo)

    def graph(self, replicate: int = 0) -> nx.DiGraph:
        """The relationship network of one replicate now, with organisations' and ties' state
        as attributes (what the network pictures draw: no second run is needed). Only the ties
        that exist now are exported, so pictures show the network changing."""
        s = self.state
        nodes = {
            k: getattr(s, k)[replicate]
            for k in (
                "power",
                "resources",
                "pressure",
                "capacity",
                "system_time",
                "safety",
                "orientation",
                "perceived_sharing",
            )
        }
        nodes["tenure_weeks"] = s.tenure[replicate]
        edges = {
            "trust": s.trust[replicate],
            "familiarity": s.familiarity[replicate],
            "legacy": s.legacy[replicate],
            "contact": s.contact[replicate],
            "conflict": s.conflict[replicate].astype(float),
        }
        return to_networkx(self.composition, self.topo, nodes, edges, s.active[replicate])

    def run(self, weeks: int) -> dict[str, np.ndarray]:
        """Step ``weeks`` times; each outcome as an array (weeks + 1, R), week 0 first."""
        rows = [self.outcomes()]
        for _ in range(weeks):
            self.step()
            rows.append(self.outcomes())
        return {k: np.stack([r[k] for r in rows]) for k in outcomes.OUTCOMES}
