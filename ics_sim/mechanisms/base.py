"""What every mechanism is: one class that declares everything about itself, then steps state.

A mechanism's class says what the rest of the package needs to know about it, so nothing else
has to be edited to add one (see docs/tutorials/06-write-a-plugin.md):

- ``name`` (also its random stream and its switch in ``mechanisms_off``), ``title``, and
  ``summary``, its plain-words description for the dashboard;
- ``evidence``: the passage of the source documents it rests on (by default the second
  paragraph of its module's docstring);
- ``params``: its declared parameters (:class:`ics_sim.core.params.Param`);
- ``reads`` and ``writes``: the state variables it reads and the ones it commits (an entry of
  the weekly tallies as ``"tally.<key>"``); the engine's checking mode fails a step that
  writes anything else;
- ``reads_levers``: the levers it reads (the lever table is built from these);
- ``after``: for a plugin, the mechanism it runs after (default: last).
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import ClassVar

from ..core.errors import ICSSimError
from ..core.params import Param, Params
from ..core.rng import Streams
from ..state.levers import LEVERS, Levers
from ..state.variables import State
from ..system.network import Topology

#: Names a mechanism may declare in ``reads`` and ``writes``.
STATE_VARIABLES: frozenset[str] = frozenset(
    f.name for f in dataclasses.fields(State) if f.name not in ("tally", "derived")
)


class DeclarationError(ICSSimError):
    """A mechanism class that declares a state variable or lever that does not exist."""


def _module_evidence(cls: type) -> str:
    doc = inspect.getdoc(inspect.getmodule(cls)) or ""
    paras = [p for p in doc.split("\n\n") if p.strip()]
    return " ".join(paras[1].split()) if len(paras) > 1 else ""


class Mechanism:
    """One process of the weekly tick (see the module docstring for what a subclass declares).

    A step computes from the current state and commits only the variables in ``writes``.
    """

    group: ClassVar[str] = "mechanism"
    name: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str] = ""
    evidence: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = ()
    writes: ClassVar[tuple[str, ...]] = ()
    reads_levers: ClassVar[tuple[str, ...]] = ()
    after: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("evidence"):
            cls.evidence = _module_evidence(cls)
        where = f"{cls.__module__}.{cls.__qualname__}"
        for field in ("reads", "writes"):
            for v in getattr(cls, field):
                if v not in STATE_VARIABLES and not v.startswith("tally."):
                    raise DeclarationError(
                        f"{where}.{field}: {v!r} is not a state variable; valid: "
                        + ", ".join(sorted(STATE_VARIABLES))
                        + " (or 'tally.<key>')"
                    )
        for lever in cls.reads_levers:
            if lever not in LEVERS:
                raise DeclarationError(
                    f"{where}.reads_levers: no lever {lever!r}; levers: " + ", ".join(LEVERS)
                )

    def __init__(self, topo: Topology, p: Params, rng: Streams, off: frozenset[str] = frozenset()):
        self.topo = topo
        self.p = p
        self.rng = rng
        self.off = off  # mechanisms switched off in this run

    def init(self, s: State, lv: Levers) -> None:
        """Bring the mechanism's own variables to their starting values (default: as built)."""

    def step(self, s: State, lv: Levers, week: int) -> None:
        raise NotImplementedError
