"""Who is in the system: organisations, places and forums.

A :class:`Composition` is plain data (names, kind codes, place indices, forum memberships).
It is built from counts of each kind (:func:`from_counts`, :func:`default`) or from the real
composition of an English ICS (:mod:`ics_sim.england`). The model never reads files; it only
reads a Composition, so users can build their own.

Forums (Practice, Introduction and Figure 1; model notes section 2): the ICB board, the
integrated care partnership (ICP), one place partnership per local-authority footprint,
provider collaboratives, and one neighbourhood forum per primary care network. Each meets on a
schedule and decides by a rule (Practice 6; Choi and Robertson 2014): majority (at least 1/2
of voice), supermajority (>= 3/4) or consensus (all).

Neighbourhood forums: ICS leaders work "at a system, place or neighbourhood level" (Practice,
Introduction: "Organisations and teams at system, place and neighbourhood level are being
encouraged to combine skills and resources"); delegated authority is given "to whoever attends
the neighbourhood, place or system meeting" (Practice 6). Miller, MDTs: multidisciplinary
teams are "a structured forum in which practitioners from across health and social care can
come together", with "joint meetings to share insights and concerns" and "diversity of
professions and disciplines, including those from the Voluntary & Community Sector", and
"should also connect with other services and teams in their neighbourhoods and place". So each
PCN meets its place's council, the community services of its ICS and VCSE bodies of its place.
The monthly cadence and the consensus rule (a small team deciding together, as provider
collaboratives do) are assumptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..core.errors import ICSSimError
from .kinds import KIND_KEYS, Kind, parse_kind
from .observed import ObservedTies, TraitOverrides

MAJORITY, SUPERMAJORITY, CONSENSUS = 0.5, 0.75, 1.0
RULE_NAMES = {MAJORITY: "majority", SUPERMAJORITY: "supermajority", CONSENSUS: "consensus"}

#: Forum types: (meeting period in weeks, decision rule).
FORUM_TYPES: dict[str, tuple[int, float]] = {
    "icb_board": (4, MAJORITY),  # monthly board, statutory NHS body
    "icp": (13, CONSENSUS),  # quarterly joint committee of the ICB and local authorities
    "place_partnership": (4, SUPERMAJORITY),  # monthly place-based partnership
    "provider_collaborative": (2, CONSENSUS),  # fortnightly; trusts decide together
    "neighbourhood": (4, CONSENSUS),  # monthly neighbourhood (PCN-level) team; assumption
}


@dataclass(frozen=True)
class Forum:
    """A group of organisations that meets every ``period`` weeks and decides by ``rule``."""

    name: str
    type: str
    members: np.ndarray  # organisation indices
    period: int
    offset: int
    rule: float
    ics: int = 0  # which ICS the forum belongs to (England-wide compositions)


@dataclass
class Composition:
    """The organisations of one or more ICSs and the forums they meet in."""

    name: str
    org_names: list[str]
    kind: np.ndarray  # (N,) kind codes
    place: np.ndarray  # (N,) place index, -1 for system-wide organisations
    place_names: list[str]
    forums: list[Forum]
    ics: np.ndarray | None = None  # (N,) main ICS of each organisation
    ics_names: list[str] = field(default_factory=lambda: ["ICS"])
    codes: list[str] | None = None  # real ODS / ONS codes where known
    provenance: str = "synthetic (counts by kind)"
    # A partnership's own system file (ics_sim.scenarios.system_file): its surveyed ties and
    # known traits, applied by ics_sim.state.observed at the start. None: drawn by kind.
    observed_ties: ObservedTies | None = None
    trait_overrides: TraitOverrides | None = None

    def __post_init__(self) -> None:
        self.kind = np.asarray(self.kind, dtype=np.int8)
        self.place = np.asarray(self.place, dtype=np.int32)
        n = len(self.org_names)
        if self.ics is None:
            self.ics = np.zeros(n, dtype=np.int32)
        self.ics = np.asarray(self.ics, dtype=np.int32)
        if not (len(self.kind) == len(self.place) == len(self.ics) == n):
            raise ICSSimError("composition arrays must all have one entry per organisation")
        if n < 2:
            raise ICSSimError("an ICS needs at least 2 organisations")

    @property
    def n(self) -> int:
        return len(self.org_names)

    def counts(self) -> dict[str, int]:
        """Number of organisations of each kind."""
        c = np.bincount(self.kind, minlength=len(Kind))
        return {k: int(c[i]) for i, k in enumerate(KIND_KEYS)}

    def membership(self) -> tuple[np.ndarray, np.ndarray]:
        """Flat (forum index, organisation index) pairs, sorted by forum."""
        if not self.forums:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        f = np.concatenate([np.full(len(fm.members), i) for i, fm in enumerate(self.forums)])
        o = np.concatenate([fm.members for fm in self.forums])
        return f.astype(np.int64), o.astype(np.int64)


#: The default ICS: four places, each with a council, four PCNs and four VCSE bodies.
DEFAULT_COUNTS: dict[str, int] = {
    "icb": 1,
    "acute": 3,
    "community": 1,
    "mental_health": 1,
    "ambulance": 1,
    "primary_care": 16,
    "local_authority": 4,
    "vcse": 16,
}


def default() -> Composition:
    """A typical mid-sized ICS of 43 organisations (see ``DEFAULT_COUNTS``)."""
    return from_counts(DEFAULT_COUNTS, name="Default ICS")


def from_counts(
    counts: Mapping[str, int], name: str = "Custom ICS", place_names: list[str] | None = None
) -> Composition:
    """An ICS with ``counts[kind]`` organisations of each kind.

    Places are the local-authority footprints (one per local authority, at least one).
    Acute trusts, PCNs and VCSE bodies are spread over the places in turn; the ICB and the
    community, mental health and ambulance trusts serve the whole system.
    """
    n_by_kind = {parse_kind(k): int(v) for k, v in counts.items()}
    for k, v in n_by_kind.items():
        if v < 0:
            raise ICSSimError(f"count of {k.key!r} must be >= 0, got {v}")
    n_places = max(1, n_by_kind.get(Kind.LOCAL_AUTHORITY, 0))
    place_names = place_names or [
        f"Place {chr(65 + i)}" if i < 26 else f"Place {i + 1}" for i in range(n_places)
    ]
    names: list[str] = []
    kind: list[int] = []
    place: list[int] = []
    for k in Kind:
        for i in range(n_by_kind.get(k, 0)):
            spread = k in (Kind.ACUTE, Kind.PRIMARY_CARE, Kind.LOCAL_AUTHORITY, Kind.VCSE)
            p = i % n_places if spread else -1
            label = {Kind.ICB: "ICB", Kind.PRIMARY_CARE: "PCN", Kind.VCSE: "VCSE"}.get(k, k.label)
            names.append(f"{label} {i + 1}" if n_by_kind[k] > 1 or k != Kind.ICB else label)
            kind.append(int(k))
            place.append(p)
    kind_a = np.array(kind, dtype=np.int8)
    place_a = np.array(place, dtype=np.int32)
    return Composition(
        name=name,
        org_names=names,
        kind=kind_a,
        place=place_a,
        place_names=place_names,
        forums=standard_forums(kind_a, place_a, place_names),
    )


def standard_forums(
    kind: np.ndarray, place: np.ndarray, place_names: list[str], ics: int = 0, tag: str = ""
) -> list[Forum]:
    """The forums of one ICS whose organisations have these kinds and places.

    - ICB board: the ICB, the acute, community and mental health trusts, one PCN and one
      local authority as partner members.
    - ICP: the ICB, every local authority and trust, one PCN and one VCSE body per place.
    - Place partnership (one per place): the ICB, the place's council, acute trusts, PCNs and
      VCSE bodies, and the system-wide community and mental health trusts.
    - Provider collaboratives: the acute trusts (if two or more), and the community and mental
      health trusts (if two or more).
    - Neighbourhood forum (one per PCN): the PCN, its place's council, the system-wide
      community trusts (where the ICS has none, its mental health trusts, taken to provide
      community services as combined trusts often do: an assumption, the data do not say who
      does), and VCSE bodies of its place, dealt to the place's neighbourhoods in turn (each
      gets at least one when the place has any; a VCSE body sits in several when the place
      has fewer VCSE bodies than PCNs).
    """
    idx = np.arange(len(kind))

    def of(*ks: Kind, where: np.ndarray | None = None) -> np.ndarray:
        mask = np.isin(kind, [int(k) for k in ks])
        if where is not None:
            mask &= where
        return idx[mask]

    def first_per_place(k: Kind) -> np.ndarray:
        members = of(k)
        _, first = np.unique(place[members], return_index=True)
        return members[first]

    forums: list[Forum] = []

    def add(name: str, ftype: str, members: np.ndarray, offset: int) -> None:
        members = np.unique(members)
        if len(members) >= 2:
            period, rule = FORUM_TYPES[ftype]
            forums.append(Forum(f"{tag}{name}", ftype, members, period, offset % period, rule, ics))

    add(
        "ICB board",
        "icb_board",
        np.concatenate(
            [
                of(Kind.ICB, Kind.ACUTE, Kind.COMMUNITY, Kind.MENTAL_HEALTH),
                of(Kind.PRIMARY_CARE)[:1],
                of(Kind.LOCAL_AUTHORITY)[:1],
            ]
        ),
        0,
    )
    add(
        "Integrated care partnership",
        "icp",
        np.concatenate(
            [
                of(
                    Kind.ICB,
                    Kind.LOCAL_AUTHORITY,
                    Kind.ACUTE,
                    Kind.COMMUNITY,
                    Kind.MENTAL_HEALTH,
                    Kind.AMBULANCE,
                ),
                first_per_place(Kind.PRIMARY_CARE),
                first_per_place(Kind.VCSE),
            ]
        ),
        2,
    )
    system_wide = of(Kind.ICB, Kind.COMMUNITY, Kind.MENTAL_HEALTH)
    for p, pname in enumerate(place_names):
        here = place == p
        add(
            f"{pname} partnership",
            "place_partnership",
            np.concatenate(
                [
                    system_wide,
                    of(Kind.LOCAL_AUTHORITY, Kind.ACUTE, Kind.PRIMARY_CARE, Kind.VCSE, where=here),
                ]
            ),
            1 + p,
        )
    add("Acute provider collaborative", "provider_collaborative", of(Kind.ACUTE), 1)
    if len(of(Kind.COMMUNITY, Kind.MENTAL_HEALTH)) >= 2:
        add(
            "Community and mental health collaborative",
            "provider_collaborative",
            of(Kind.COMMUNITY, Kind.MENTAL_HEALTH),
            0,
        )
    return forums + neighbourhood_forums(kind, place, place_names, ics, tag)


def neighbourhood_forums(
    kind: np.ndarray, place: np.ndarray, place_names: list[str], ics: int = 0, tag: str = ""
) -> list[Forum]:
    """One neighbourhood forum per PCN (see :func:`standard_forums`), after the other forums.

    Neighbourhood ``i`` of a place (its ``i``-th PCN, in index order) of ``P`` neighbourhoods
    with ``V`` VCSE bodies gets the place's VCSE bodies ``j`` with ``j % P == i % P`` if
    ``V >= P``, else VCSE body ``i % V``. Meetings are spread over the weeks of the period by
    the neighbourhood's number in its place; it is named ``"<place> neighbourhood <i + 1>"``.
    """
    idx = np.arange(len(kind))
    pcn = idx[kind == int(Kind.PRIMARY_CARE)]
    if len(pcn) == 0:
        return []
    period, rule = FORUM_TYPES["neighbourhood"]
    community = idx[kind == int(Kind.COMMUNITY)]
    if len(community) == 0:  # community services from a combined trust (assumption)
        community = idx[kind == int(Kind.MENTAL_HEALTH)]
    council = idx[kind == int(Kind.LOCAL_AUTHORITY)]
    vcse = idx[kind == int(Kind.VCSE)]
    pcn_place = place[pcn]
    # the PCN's number within its place, and how many PCNs its place has
    order = np.argsort(pcn_place, kind="stable")
    sorted_place = pcn_place[order]
    first = np.searchsorted(sorted_place, sorted_place)
    nth = np.empty(len(pcn), dtype=np.int64)
    nth[order] = np.arange(len(pcn)) - first
    n_here = np.bincount(pcn_place[pcn_place >= 0], minlength=max(int(place.max()) + 1, 1))
    forums: list[Forum] = []
    for org, p, k in zip(pcn.tolist(), pcn_place.tolist(), nth.tolist(), strict=True):
        here = place == p
        local_vcse = vcse[here[vcse]] if p >= 0 else vcse[:0]
        n_p = int(n_here[p]) if p >= 0 else 1
        if len(local_vcse) >= n_p:
            chosen = local_vcse[np.arange(len(local_vcse)) % n_p == k % n_p]
        elif len(local_vcse):
            chosen = local_vcse[[k % len(local_vcse)]]
        else:
            chosen = local_vcse
        members = np.unique(
            np.concatenate([[org], council[here[council]] if p >= 0 else [], community, chosen])
        ).astype(np.int64)
        if len(members) >= 2:
            where = place_names[p] if 0 <= p < len(place_names) else "System"
            name = f"{tag}{where} neighbourhood {k + 1}"
            forums.append(Forum(name, "neighbourhood", members, period, k % period, rule, ics))
    return forums
