"""What every mechanism is: a named component that declares its parameters and steps state."""

from __future__ import annotations

from typing import ClassVar

from ..core.params import Param, Params
from ..core.rng import Streams
from ..state.levers import Levers
from ..state.variables import State
from ..system.network import Topology


class Mechanism:
    """One process of the weekly tick.

    Subclasses set ``name`` (also the name of its random stream and of its switch), ``params``
    (declared parameters) and ``reads_levers``, and implement :meth:`step`. A step computes
    from the current state and commits only the variables it owns.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    params: ClassVar[tuple[Param, ...]] = ()

    def __init__(self, topo: Topology, p: Params, rng: Streams, off: frozenset[str] = frozenset()):
        self.topo = topo
        self.p = p
        self.rng = rng
        self.off = off  # mechanisms switched off in this run

    def init(self, s: State, lv: Levers) -> None:
        """Bring the mechanism's own variables to their starting values (default: as built)."""

    def step(self, s: State, lv: Levers, week: int) -> None:
        raise NotImplementedError
