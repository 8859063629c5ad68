"""Forums and seats as plain Python objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .agents import Organisation


@dataclass(eq=False)
class Seat:
    """One organisation's seat in one forum (a membership)."""

    m: int  # the package's membership index: which draw this seat uses
    forum: Forum
    org: Organisation
    present: bool = False  # someone from the organisation attends this week
    leader_present: bool = False  # the leader attends in person
    voice: float = 1.0  # voice weight in the forum (mean 1 over its seats)
    affected: bool = False  # the organisation is affected by the live proposal
    loss: float = 0.0  # what the live proposal costs it (income, power or status)
    # Its stance at this week's meeting (set by the decisions rule).
    authority: bool = False  # present with authority to decide: the leader, or a deputy who may
    accepts: bool = False  # the proposal is close enough to its aims (or it is the proposer)
    fit: float = 0.0  # 1 - mean |aims - proposal|
    suits: float = 0.0  # fit less loss


@dataclass(eq=False)
class Forum:
    """A forum that meets every ``period`` weeks and decides by ``rule``, with its agenda."""

    index: int  # the package's forum index: which draw this forum uses
    name: str
    period: int
    offset: int
    rule: float  # share of voice needed to pass a proposal
    seats: list[Seat] = field(default_factory=list)
    meets: bool = False
    sharing: float = 0.0  # power-sharing level rho_f
    biggest_voice: float = 0.0
    # The live proposal: its position in aim space, value (0: none), age and proposer.
    prop_pos: list[float] = field(default_factory=list)
    prop_value: float = 0.0
    prop_age: float = 0.0
    chair: Seat | None = None

    def meets_in(self, week: int) -> bool:
        return week % self.period == self.offset
