"""The relationship network: candidate ties as plain arrays, exported to networkx on demand.

Directed ties: i's trust in j is not j's trust in i (model notes, section 2). The tie arrays
cover every *candidate* pair, every ordered pair that could ever be tied: any two
organisations of the same ICS (an ICS-wide event, programme or introduction can bring any of
them together), plus the pairs of different ICSs that share a forum. Which candidate ties
exist at a time is state (``State.active``, changed by the ties mechanism). They start as the
network of the forums and places (``Topology.initial``): two organisations are tied when they
sit in a forum together or serve the same place; the ICB is tied to every organisation of its
ICS. networkx is used to export and analyse the graph, never inside a weekly tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np

from .composition import Composition
from .kinds import SECTOR


@dataclass(frozen=True)
class Topology:
    """Index arrays describing who is tied to whom and who meets where."""

    n: int
    src: np.ndarray  # (E,) truster
    dst: np.ndarray  # (E,) trustee
    rev: np.ndarray  # (E,) index of the reverse edge j -> i
    out_start: np.ndarray  # (N+1,) edges of i are out_start[i]:out_start[i+1]
    mem_forum: np.ndarray  # (M,) forum of each membership
    mem_org: np.ndarray  # (M,) organisation of each membership
    n_forums: int
    pair_edge: np.ndarray  # (P,) edge of each ordered pair of co-members of a forum
    pair_m_src: np.ndarray  # (P,) membership index of the pair's truster
    pair_m_dst: np.ndarray  # (P,) membership index of the pair's trustee
    same_place: np.ndarray  # (E,) bool: both serve the same place (or one is system-wide)
    cross_sector: np.ndarray  # (E,) bool: the two ends are in different sectors
    forum_period: np.ndarray  # (F,) weeks between meetings
    forum_offset: np.ndarray  # (F,) week of the first meeting
    forum_rule: np.ndarray  # (F,) share of voice needed to decide
    org_ics: np.ndarray  # (N,) main ICS of each organisation
    forum_ics: np.ndarray  # (F,) ICS each forum belongs to
    n_ics: int
    keys: np.ndarray  # (E,) sorted src * n + dst, for looking ties up
    initial: np.ndarray  # (E,) bool: tied at the start (co-members of a forum or same place)

    @property
    def e(self) -> int:
        return len(self.src)

    def pair(self, u: np.ndarray) -> np.ndarray:
        """One draw per unordered pair: each tie takes the draw of its lower-index direction,
        so an event of the pair with probability p happens with probability p (not 2p)."""
        if u.ndim == 3:
            # Blocks of draws (k, R, E) from Streams.randoms are views of a contiguous
            # (R, k, E) buffer: gather from its rows, much faster than along a strided axis.
            k, R, E = u.shape
            rows = np.ascontiguousarray(u.transpose(1, 0, 2)).reshape(R * k, E)
            return np.take(rows, self.pair_draw, axis=1).reshape(R, k, E).transpose(1, 0, 2)
        return np.take(np.ascontiguousarray(u), self.pair_draw, axis=-1)

    @cached_property
    def tie_ics(self) -> np.ndarray:
        """(E,) the ICS a tie is counted in: its truster's main ICS."""
        return self.org_ics[self.src]

    @cached_property
    def pair_draw(self) -> np.ndarray:
        """(E,) the tie whose draw each tie uses: itself if src < dst, else its reverse."""
        return np.where(self.src < self.dst, np.arange(self.e), self.rev)

    @cached_property
    def pair_first(self) -> np.ndarray:
        """(P,) one tie per unordered pair: the direction whose draw the pair uses (src < dst)."""
        return np.flatnonzero(self.src < self.dst)

    def edge_index(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Edge ids of the ties i -> j (-1 where there is no tie)."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        if self._edge_table is not None:
            return self._edge_table[i, j]
        key = i * self.n + j
        if len(self.keys) == 0:
            return np.full(key.shape, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return np.where(self.keys[pos] == key, pos, -1)

    @cached_property
    def _edge_table(self) -> np.ndarray | None:
        """Dense (N, N) table of edge ids for systems small enough (up to 4,096 organisations,
        64 MB): a lookup instead of a binary search. None for larger systems."""
        if self.n > 4096:
            return None
        table = np.full((self.n, self.n), -1, dtype=np.int32)  # ids < 4096**2 fit
        table[self.src, self.dst] = np.arange(self.e)
        return table


def build_topology(comp: Composition) -> Topology:
    """Candidate ties and forum memberships of a composition (vectorised; no per-pair loop)."""
    n = comp.n
    mem_forum, mem_org = comp.membership()
    pairs = [_all_ordered_pairs(fm.members) for fm in comp.forums]
    # Same-place ties: organisations serving the same place, and system-wide organisations
    # with everyone in their ICS. Built group by group, so memory grows with the ties, not N^2.
    pairs += _same_place_pairs(comp)
    allp = np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)
    initial_keys = np.unique(allp[:, 0].astype(np.int64) * n + allp[:, 1])
    # Candidates: every ordered pair of one ICS, and the initial ties across ICSs.
    by_ics = [_all_ordered_pairs(np.flatnonzero(comp.ics == c)) for c in np.unique(comp.ics)]
    cand = np.concatenate(by_ics) if by_ics else np.empty((0, 2), dtype=np.int64)
    keys = np.union1d(initial_keys, cand[:, 0].astype(np.int64) * n + cand[:, 1])
    initial = np.isin(keys, initial_keys, assume_unique=True)
    src, dst = keys // n, keys % n
    out_start = np.searchsorted(src, np.arange(n + 1))
    rev = np.searchsorted(keys, dst * n + src)
    if not np.array_equal(keys[np.minimum(rev, len(keys) - 1)], dst * n + src):
        raise AssertionError("ties must be symmetric in existence")
    # Ordered pairs of co-members per forum, as membership indices.
    starts = np.searchsorted(mem_forum, np.arange(len(comp.forums) + 1))
    pm_src, pm_dst = [], []
    for f in range(len(comp.forums)):
        m = np.arange(starts[f], starts[f + 1])
        a, b = np.meshgrid(m, m, indexing="ij")
        off = a != b
        pm_src.append(a[off])
        pm_dst.append(b[off])
    pm_src_a = np.concatenate(pm_src) if pm_src else np.empty(0, np.int64)
    pm_dst_a = np.concatenate(pm_dst) if pm_dst else np.empty(0, np.int64)
    pair_edge = np.searchsorted(keys, mem_org[pm_src_a] * n + mem_org[pm_dst_a])
    return Topology(
        n=n,
        src=src.astype(np.int64),
        dst=dst.astype(np.int64),
        rev=rev.astype(np.int64),
        out_start=out_start.astype(np.int64),
        mem_forum=mem_forum,
        mem_org=mem_org,
        n_forums=len(comp.forums),
        pair_edge=pair_edge.astype(np.int64),
        pair_m_src=pm_src_a.astype(np.int64),
        pair_m_dst=pm_dst_a.astype(np.int64),
        same_place=_same_place(comp, src, dst),
        cross_sector=SECTOR[comp.kind][src] != SECTOR[comp.kind][dst],
        forum_period=np.array([f.period for f in comp.forums], dtype=np.int64),
        forum_offset=np.array([f.offset for f in comp.forums], dtype=np.int64),
        forum_rule=np.array([f.rule for f in comp.forums], dtype=float),
        org_ics=comp.ics.astype(np.int64),
        forum_ics=np.array([f.ics for f in comp.forums], dtype=np.int64),
        n_ics=len(comp.ics_names),
        keys=keys.astype(np.int64),
        initial=initial,
    )


def _same_place(comp: Composition, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """(E,) bool: both ends serve the same place, or one is system-wide in the other's ICS."""
    place, ics = comp.place, comp.ics
    sys_wide = place < 0
    same = (place[src] == place[dst]) & ~sys_wide[src]
    return same | ((sys_wide[src] | sys_wide[dst]) & (ics[src] == ics[dst]))


def _same_place_pairs(comp: Composition) -> list[np.ndarray]:
    """Ordered pairs of organisations tied by place (see :func:`_same_place`)."""
    idx = np.arange(comp.n)
    local = idx[comp.place >= 0]
    order = local[np.argsort(comp.place[local], kind="stable")]
    bounds = np.flatnonzero(np.diff(comp.place[order])) + 1
    pairs = [_all_ordered_pairs(g) for g in np.split(order, bounds) if len(g) > 1]
    for c in np.unique(comp.ics[comp.place < 0]):
        wide = idx[(comp.place < 0) & (comp.ics == c)]
        everyone = idx[comp.ics == c]
        a, b = np.meshgrid(wide, everyone, indexing="ij")
        off = a != b
        pairs += [np.stack([a[off], b[off]], axis=1), np.stack([b[off], a[off]], axis=1)]
    return pairs


def _all_ordered_pairs(members: np.ndarray) -> np.ndarray:
    a, b = np.meshgrid(members, members, indexing="ij")
    off = a != b
    return np.stack([a[off], b[off]], axis=1)


def to_networkx(
    comp: Composition,
    topo: Topology,
    node_attrs: dict[str, np.ndarray],
    edge_attrs: dict[str, np.ndarray],
    active: np.ndarray | None = None,
) -> nx.DiGraph:
    """A directed graph with the given per-organisation and per-tie attributes.

    ``active`` (E,) bool: export only these ties (the ties that exist now); default all."""
    from .kinds import Kind

    g = nx.DiGraph(name=comp.name)
    for i in range(comp.n):
        k = Kind(int(comp.kind[i]))
        p = int(comp.place[i])
        attrs = {
            "name": comp.org_names[i],
            "kind": k.key,
            "kind_label": k.label,
            "place": comp.place_names[p] if 0 <= p < len(comp.place_names) else "system-wide",
            "ics": comp.ics_names[int(comp.ics[i])],
        }
        attrs.update({name: float(v[i]) for name, v in node_attrs.items()})
        g.add_node(i, **attrs)
    cols = {name: v.tolist() for name, v in edge_attrs.items()}
    names = list(cols)
    keep = np.ones(topo.e, dtype=bool) if active is None else np.asarray(active, dtype=bool)
    for e, (s, d) in enumerate(zip(topo.src.tolist(), topo.dst.tolist(), strict=True)):
        if keep[e]:
            g.add_edge(s, d, **{name: cols[name][e] for name in names})
    return g


def size_estimate(comp: Composition) -> tuple[int, int]:
    """Upper bounds on (candidate ties, ordered co-member pairs) of ``comp``'s topology.

    Computed from the sizes of its forums and places alone, without allocating anything, so
    a caller can refuse a system too large for the machine before :func:`build_topology`
    builds its pair arrays (these grow with the square of the largest forum or place).
    """
    forum_pairs = sum(len(f.members) * (len(f.members) - 1) for f in comp.forums)
    local = comp.place[comp.place >= 0]
    groups = np.bincount(local).astype(object) if len(local) else np.zeros(0, dtype=object)
    place_pairs = int(sum(g * (g - 1) for g in groups))
    wide_pairs = 0
    for c in np.unique(comp.ics):
        in_c = comp.ics == c
        wide_pairs += 2 * int(((comp.place < 0) & in_c).sum()) * int(in_c.sum())
    n = int(comp.n)
    sizes = np.bincount(comp.ics).astype(object) if n else np.zeros(0, dtype=object)
    ics_pairs = int(sum(g * (g - 1) for g in sizes))  # candidates: every same-ICS pair
    return min(n * (n - 1), ics_pairs + forum_pairs + place_pairs + wide_pairs), forum_pairs
