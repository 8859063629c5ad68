"""Working on the few ties a rule touches, with results bit for bit those of the whole arrays.

The tie arrays hold every candidate tie (``ics_sim.system.network``), of which about a
quarter exist and only a few per cent meet, work together or are in conflict in a week. A rule
that changes only those entries is computed on their indices and scattered back. This gives
the same numbers as the whole-array expression, bit for bit, because

- every elementwise operation is the same operation on the same operands;
- a sum by ``np.bincount`` adds its terms one by one in index order, and leaving out terms
  that are exactly zero does not change such a sum (``x + 0.0 == x``, and an accumulator that
  starts at +0.0 is never -0.0);
- a random draw is read, not drawn: every draw is still made for every candidate tie.

Index sets are flat positions ``r * E + e`` of an (R, E) array, in row-major order (the order
``np.nonzero`` gives), so sums over them add in the same order as over the whole array.
Pairwise sums (``row_sum`` of floats) are not of this kind and stay on whole arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..system.network import Topology


class Entries(NamedTuple):
    """Entries of an (R, E) array: flat position, replicate and tie of each, row-major."""

    flat: np.ndarray
    r: np.ndarray
    e: np.ndarray

    def __len__(self) -> int:
        return len(self.flat)

    def take(self, keep: np.ndarray) -> Entries:
        """The entries where ``keep`` (bool, one per entry) holds."""
        return Entries(self.flat[keep], self.r[keep], self.e[keep])


def entries(mask: np.ndarray) -> Entries:
    """The True entries of an (R, E) boolean array."""
    flat = np.flatnonzero(mask)
    if mask.shape[0] == 1:
        return Entries(flat, np.zeros(len(flat), dtype=np.int64), flat)
    r, e = np.divmod(flat, mask.shape[1])
    return Entries(flat, r, e)


def entries_at(flat: np.ndarray, width: int) -> Entries:
    """Entries at the given flat positions (sorted, each once) of arrays ``width`` ties wide."""
    r, e = np.divmod(flat, width)
    return Entries(flat, r, e)


def union(a: Entries, b: Entries, width: int) -> Entries:
    """Entries in ``a`` or ``b`` (of arrays ``width`` ties wide), row-major, each once."""
    flat = np.union1d(a.flat, b.flat)
    r, e = np.divmod(flat, width)
    return Entries(flat, r, e)


def reverse(x: Entries, topo: Topology) -> Entries:
    """The reverse tie of each entry (same replicate), in the same order (not sorted)."""
    e = topo.rev[x.e]
    return Entries(x.flat + (e - x.e), x.r, e)


def gather(values: np.ndarray, r: np.ndarray, col: np.ndarray) -> np.ndarray:
    """``values[r, col]`` for a 2-D array (fast path for one replicate and contiguous rows)."""
    if values.shape[0] == 1:
        return np.take(values[0], col)
    if values.flags.c_contiguous:
        return np.take(values, r * values.shape[1] + col)
    return values[r, col]


def at(values: np.ndarray, x: Entries) -> np.ndarray:
    """The (R, E) array ``values`` at the entries ``x``."""
    return gather(values, x.r, x.e)


def pair_draw(u: np.ndarray, x: Entries, topo: Topology) -> np.ndarray:
    """``topo.pair(u)`` at the entries ``x`` (the draw of each tie's pair), without
    gathering the whole array."""
    return gather(u, x.r, topo.pair_draw[x.e])


def node(values: np.ndarray, x: Entries, ends: np.ndarray) -> np.ndarray:
    """An (R, N) organisation array at one end of each entry's tie (``ends`` is
    ``topo.src`` or ``topo.dst``)."""
    return gather(values, x.r, ends[x.e])


def aim_gap_at(aims: np.ndarray, x: Entries, topo: Topology) -> np.ndarray:
    """``aim_gap(s, topo)`` at the entries ``x``: the same sums in the same order (dimension
    by dimension, then divided by the number of dimensions)."""
    R, N, D = aims.shape
    i = topo.src[x.e] + N * x.r if R > 1 else topo.src[x.e]
    j = topo.dst[x.e] + N * x.r if R > 1 else topo.dst[x.e]
    cols = [np.ascontiguousarray(aims[..., d]).reshape(-1) for d in range(D)]
    gap = np.abs(np.take(cols[0], i) - np.take(cols[0], j))
    for c in cols[1:]:
        gap += np.abs(np.take(c, i) - np.take(c, j))
    gap /= D
    return gap


def add_at(target: np.ndarray, x: Entries, values: np.ndarray | float) -> None:
    """``target[x] += values`` in place, for entries each listed once."""
    flat = target.reshape(-1)
    flat[x.flat] += values


def sum_by(
    x: Entries, values: np.ndarray | None, index: np.ndarray, size: int, R: int
) -> np.ndarray:
    """``segment_sum`` of an (R, E) array that is zero outside ``x``: (R, size), bit for bit.

    ``values`` are the array at ``x`` (None: ones, a count); ``index`` (E,) the bin of each tie.
    """
    bins = index[x.e] if R == 1 else index[x.e] + size * x.r
    out = np.bincount(bins, weights=values, minlength=R * size)
    if values is None:
        out = out.astype(float)
    return out.reshape(R, size)
