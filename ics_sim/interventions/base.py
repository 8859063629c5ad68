"""What every intervention and shock is: a declared object that sets levers while active.

An intervention has a start week, an optional end week (exclusive), targets (organisations by
kind, place or name) and its own declared parameters. Each week it is active it sets levers
(:mod:`ics_sim.levers`) for its targets; it never writes state or an outcome, so with the
mechanisms it acts through switched off it has no effect.

Nothing is free. An intervention declares what it costs as parameters (hours of leaders' time
per meeting, module or coaching session; thousands of pounds for hosting and fees) and charges
them through the ``time_cost`` and ``money_cost`` levers, which the pressure mechanism turns
into less time for the system and a smaller budget: "time, money and energy are being consumed
with little, if any, gain" when systems collaborate on everything (Practice, Where next).

An intervention is a value: what it holds for a run (its targets resolved, its random stream,
a cohort drawn) belongs to a private copy made for each engine and each use in it, so one
object used in two engines, or twice in one, gives exactly what fresh objects give.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..core.errors import ICSSimError
from ..core.params import Param, resolve, suggest
from ..core.rng import Streams
from ..system.composition import Composition
from ..system.kinds import Kind, parse_kind

if TYPE_CHECKING:
    from ..sim.engine import Engine


#: Kinds that pay for hosting when a statutory body pays (Practice 1: "One of the VCSE
#: organisations would host it and one of the statutory organisations would pay for it").
STATUTORY = (
    Kind.ICB,
    Kind.ACUTE,
    Kind.COMMUNITY,
    Kind.MENTAL_HEALTH,
    Kind.AMBULANCE,
    Kind.LOCAL_AUTHORITY,
)


@dataclass(frozen=True)
class Targets:
    """Organisations an intervention reaches: those matching any kind, place or name given.

    No criteria at all means every organisation.
    """

    kinds: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, spec: Mapping[str, Iterable[str]] | Targets | None) -> Targets:
        if spec is None:
            return cls()
        if isinstance(spec, Targets):
            return spec
        return cls(**{k: tuple(v) for k, v in spec.items()})

    @property
    def everyone(self) -> bool:
        return not (self.kinds or self.places or self.names)

    def mask(self, comp: Composition) -> np.ndarray:
        """Boolean mask over the composition's organisations; error if nothing matches."""
        if self.everyone:
            return np.ones(comp.n, dtype=bool)
        m = np.zeros(comp.n, dtype=bool)
        for k in self.kinds:
            m |= comp.kind == int(parse_kind(k))
        place_index = {p.lower(): i for i, p in enumerate(comp.place_names)}
        for p in self.places:
            if p.lower() not in place_index:
                raise ICSSimError(
                    f"targets.places: no place {p!r} in {comp.name}{suggest(p, comp.place_names)}"
                    f"; places: {', '.join(comp.place_names) or '(none)'}"
                )
            m |= comp.place == place_index[p.lower()]
        names = {n.lower(): i for i, n in enumerate(comp.org_names)}
        for n in self.names:
            if n.lower() not in names:
                raise ICSSimError(
                    f"targets.names: no organisation {n!r} in {comp.name}"
                    f"{suggest(n, comp.org_names)}"
                )
            m[names[n.lower()]] = True
        if not m.any():
            raise ICSSimError(
                f"targets {self.describe()} match no organisation in {comp.name} "
                f"(it has: {', '.join(k for k, c in comp.counts().items() if c)})"
            )
        return m

    def describe(self) -> str:
        parts = [
            f"{k}={list(v)}"
            for k, v in (("kinds", self.kinds), ("places", self.places), ("names", self.names))
            if v
        ]
        return "{" + ", ".join(parts) + "}" if parts else "everyone"


@dataclass
class _Uses:
    """The copies of one intervention bound to one engine, one per use in its list."""

    copies: list[Intervention] = field(default_factory=list)
    week: int = -1
    next: int = 0


@dataclass
class Intervention:
    """Base class. Subclasses declare the class variables and implement :meth:`act`."""

    group: ClassVar[str] = "intervention"  # what the registry files it under
    name: ClassVar[str]
    kind: ClassVar[str] = "intervention"  # or "shock"
    title: ClassVar[str]
    summary: ClassVar[str]  # plain language, for workshops
    evidence: ClassVar[str]  # the passage of the source documents it rests on
    acts_through: ClassVar[tuple[str, ...]]  # mechanisms whose levers it sets
    #: (outcome, +1 or -1): what the documents claim it does to the system, tested against the
    #: baseline with the same seeds.
    claims: ClassVar[tuple[tuple[str, int], ...]] = ()
    params: ClassVar[tuple[Param, ...]] = ()
    #: names of the parameters that are what it costs (leaders' hours, thousands of pounds),
    #: charged through the time_cost and money_cost levers (read by the pressure mechanism)
    costs: ClassVar[tuple[str, ...]] = ()
    default_targets: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    start: int = 0
    end: int | None = None
    targets: Targets | Mapping[str, Any] | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""

    def __post_init__(self) -> None:
        if self.start < 0:
            raise ICSSimError(f"{self.name}: start must be >= 0, got {self.start}")
        if self.end is not None and self.end <= self.start:
            raise ICSSimError(f"{self.name}: end ({self.end}) must be after start ({self.start})")
        self.targets = Targets.of(
            self.targets if self.targets is not None else self.default_targets
        )
        self.p = resolve(self.params, self.settings)
        self.key = self.key or f"{self.name}@{self.start}"
        #: engine -> its uses of this intervention (a bound copy each)
        self._bound: weakref.WeakKeyDictionary[Engine, _Uses] = weakref.WeakKeyDictionary()

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_bound"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._bound = weakref.WeakKeyDictionary()

    def active(self, week: int) -> bool:
        return week >= self.start and (self.end is None or week < self.end)

    def bind(self, engine: Engine) -> None:
        """Resolve targets against the engine's composition and open a random stream.

        Called on the private copy that :meth:`apply` makes for each engine and use.
        """
        self.mask = self.targets.mask(engine.composition)
        self.rng = Streams(engine.seeds, f"intervention/{self.key}")
        t = engine.topo
        self.tie_mask = self.mask[t.src] & self.mask[t.dst]
        member = self.mask[t.mem_org]
        self.forum_mask = np.bincount(t.mem_forum, weights=member, minlength=t.n_forums) > 0
        statutory = np.isin(engine.composition.kind, np.array(STATUTORY, dtype=np.int8))
        #: who pays for hosting: the statutory targets, or every target if there are none
        self.payers = self.mask & statutory if (self.mask & statutory).any() else self.mask

    def apply(self, engine: Engine, week: int) -> None:
        """Set this week's levers in ``engine`` (through the copy bound to this use)."""
        uses = self._bound.get(engine)
        if uses is None:
            uses = self._bound[engine] = _Uses()
        if week != uses.week:  # a new week: the first use again
            uses.week, uses.next = week, 0
        if uses.next == len(uses.copies):
            bound = copy.copy(self)
            bound._bound = weakref.WeakKeyDictionary()
            bound.bind(engine)
            uses.copies.append(bound)
        bound = uses.copies[uses.next]
        uses.next += 1
        if bound.active(week):
            bound.act(engine, week - bound.start)

    def bound(self, engine: Engine, use: int = 0) -> Intervention:
        """The copy of this intervention bound to ``engine`` for its ``use``-th use there
        (its mask, random stream, cohort...); an error before the engine has applied it."""
        uses = self._bound.get(engine)
        if uses is None or use >= len(uses.copies):
            raise ICSSimError(f"{self.key} has not been applied in this engine (use {use})")
        return uses.copies[use]

    def act(self, engine: Engine, weeks_in: int) -> None:
        raise NotImplementedError

    # Helpers for subclasses -------------------------------------------------------------
    def meet(
        self,
        engine: Engine,
        attendance: float,
        quality: float,
        hours: float = 0.0,
        conversations: float | None = None,
    ) -> np.ndarray:
        """Target leaders meet; each attends with probability ``attendance``.

        Adds ``quality`` contact between two attendees, charges each attendee ``hours`` of its
        leader's week, and returns the (R, N) attendance mask. In a small meeting everyone
        talks with everyone; at a large event (``conversations`` given) each attendee talks
        with about that many others, so each pair of attendees meets with probability
        ``min(1, conversations / (attendees - 1))`` (one draw per pair).
        """
        t = engine.topo
        here = self.mask & (self.rng.random(t.n) < attendance)
        both = here[:, t.src] & here[:, t.dst]
        if conversations is not None:
            others = np.maximum(here.sum(axis=1, keepdims=True) - 1.0, 1.0)
            both &= t.pair(self.rng.random(t.e)) < np.minimum(1.0, conversations / others)
        engine.levers.extra_contact[both] += quality
        self.spend_time(engine, here, hours)
        return here

    def spend_time(self, engine: Engine, who: np.ndarray, hours: float) -> None:
        """Charge ``hours`` of this week to the leaders in ``who`` ((N,) or (R, N) mask)."""
        if hours:
            lv = engine.levers.time_cost
            if who.ndim == 1:
                lv[:, who] += hours
            else:
                lv[who] += hours

    def spend_money(self, engine: Engine, who: np.ndarray, thousands: float) -> None:
        """Charge ``thousands`` of pounds this week, in equal shares, to the (N,) mask ``who``."""
        k = int(who.sum())
        if thousands and k:
            engine.levers.money_cost[:, who] += thousands / k

    def setup_and_upkeep(
        self, engine: Engine, weeks_in: int, setup_hours: float, upkeep_hours: float
    ) -> None:
        """Charge the targets' leaders the hours of agreeing something (its first week) and of
        keeping it going (every week it runs)."""
        self.spend_time(engine, self.mask, upkeep_hours + (setup_hours if weeks_in == 0 else 0))
