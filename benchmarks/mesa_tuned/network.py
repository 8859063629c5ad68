"""The relationship network, built once: candidate pairs as objects that hold their state.

Two organisations of one ICS are a candidate pair (any pair may form a tie); so is every pair
that starts tied, across ICSs too. They start tied when they sit together in a forum, serve the
same place, or one of them is system-wide in the other's ICS (docs/ODD.md, section 2.2). What a
pair shares (whether the tie exists, contact, joint work, conflict, collaborative advantage)
lives on its :class:`Pair`; what each side holds (trust, familiarity, legacy...) on its two
directed :class:`Tie` objects. Nothing here changes in a tick but ``Pair.active``.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ics_sim.system.composition import Composition

    from .agents import Organisation


class Tie:
    """What ``owner`` holds about ``other``: one direction of a pair."""

    __slots__ = (
        "owner",
        "other",
        "back",
        "pair",
        "cross_sector",
        "trust",
        "trust_personal",
        "familiarity",
        "legacy",
        "brokered",
        "good",
        "bad",
        "helps",
    )

    def __init__(self, owner: Organisation, other: Organisation, pair: Pair):
        self.owner = owner
        self.other = other
        self.pair = pair
        self.back: Tie = self  # set when the reverse tie exists
        self.cross_sector = owner.sector != other.sector
        self.trust = self.trust_personal = self.familiarity = self.legacy = 0.0
        self.brokered = self.good = self.bad = 0.0
        self.helps = False


class Pair:
    """A candidate pair of organisations ``a < b`` and the state both sides share."""

    __slots__ = (
        "a",
        "b",
        "ab",
        "ba",
        "initial",
        "same_place",
        "active",
        "advantage",
        "contact",
        "encounter",
        "joint",
        "value",
        "conflict",
    )

    def __init__(self, a: Organisation, b: Organisation, initial: bool, same_place: bool):
        self.a, self.b = a, b
        self.ab, self.ba = Tie(a, b, self), Tie(b, a, self)
        self.ab.back, self.ba.back = self.ba, self.ab
        self.initial = self.active = initial
        self.same_place = same_place
        self.advantage = self.contact = self.encounter = self.value = 0.0
        self.joint = False
        self.conflict = 0  # 0 none, 1 latent, 2 surfaced


def pair_keys(comp: Composition) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(pairs tied at the start, candidate pairs) as ``(a, b)`` with ``a < b``."""
    place = [int(x) for x in comp.place]
    ics = [int(x) for x in comp.ics]
    initial: set[tuple[int, int]] = set()
    for forum in comp.forums:
        initial.update(combinations(sorted(int(i) for i in forum.members), 2))
    by_place: dict[int, list[int]] = defaultdict(list)
    by_ics: dict[int, list[int]] = defaultdict(list)
    for i in range(comp.n):
        by_ics[ics[i]].append(i)
        if place[i] >= 0:
            by_place[place[i]].append(i)
    for members in by_place.values():
        initial.update(combinations(members, 2))
    for i in range(comp.n):
        if place[i] < 0:  # system-wide: tied to everyone in its ICS
            initial.update((min(i, j), max(i, j)) for j in by_ics[ics[i]] if j != i)
    candidates = set(initial)
    for members in by_ics.values():
        candidates.update(combinations(members, 2))
    return initial, candidates


def build_pairs(comp: Composition, orgs: list[Organisation]) -> list[Pair]:
    """Every candidate pair, in a fixed order, wired into each organisation's tie lists."""
    initial, candidates = pair_keys(comp)
    place = [int(x) for x in comp.place]
    ics = [int(x) for x in comp.ics]
    pairs = []
    for a, b in sorted(candidates):
        same = (place[a] == place[b] and place[a] >= 0) or (
            (place[a] < 0 or place[b] < 0) and ics[a] == ics[b]
        )
        pair = Pair(orgs[a], orgs[b], (a, b) in initial, same)
        pairs.append(pair)
        for tie in (pair.ab, pair.ba):
            tie.owner.out_ties.append(tie)
            tie.owner.tie_to[tie.other.index] = tie
            tie.other.in_ties.append(tie)
            if pair.active:
                tie.owner.active_out.append(tie)
    return pairs
