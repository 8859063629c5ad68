"""Reusing warm-ups: an engine just after its warm-up, kept for the next identical engine.

Every run starts with ``warmup_weeks`` weeks without intervention (260 at the defaults), and
what they produce depends only on the system, the seeds, the parameters, the mechanisms
switched off, the mechanisms registered and the checking mode: never on interventions, which
are bound after it. So a second engine with all of these equal can start from a copy of the
first one's state just after its warm-up, including every random stream, and continue bit for
bit as if it had run the warm-up itself. Tests, the dashboard (a new model per browser tab and
per reset) and comparisons of scenarios on common random numbers build many such engines.

Only small systems are kept (at most :data:`MAX_TIE_REPLICATES` tie-replicates, a few
megabytes each), and only the :data:`SIZE` most recently used.
"""

from __future__ import annotations

import copy
import hashlib
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np

from ..system.composition import Composition

#: How many warmed-up engines are kept.
SIZE = 16
#: Largest engine kept, in ties x replicates (the default ICS with 32 replicates is 58,000).
MAX_TIE_REPLICATES = 100_000


def fingerprint(comp: Composition) -> str:
    """A digest of everything in a composition the model reads."""
    h = hashlib.blake2b(digest_size=16)

    def add(x: Any) -> None:
        if isinstance(x, np.ndarray):
            h.update(str(x.dtype).encode())
            h.update(np.ascontiguousarray(x).tobytes())
        else:
            h.update(repr(x).encode())
        h.update(b"\x00")

    for x in (comp.name, comp.org_names, comp.kind, comp.place, comp.place_names, comp.ics):
        add(x)
    add(comp.ics_names)
    for f in comp.forums:
        for x in (f.name, f.type, np.asarray(f.members, dtype=np.int64), f.period, f.offset):
            add(x)
        add((f.rule, f.ics))
    # A partnership's own survey and traits (system files): two waves differ only here.
    for extra in (comp.observed_ties, comp.trait_overrides):
        add(extra is None)
        for x in extra.digest_parts() if extra is not None else ():
            add(x)
    return h.hexdigest()


def key(
    comp: Composition,
    seeds: Iterable[int],
    params: Any,
    mechanisms_off: Iterable[str],
    plan: Iterable[type],
    check: bool,
) -> Hashable:
    """What a warm-up depends on, as a dictionary key."""
    return (
        fingerprint(comp),
        tuple(int(s) for s in seeds),
        tuple(sorted((k, repr(v)) for k, v in params.items())),
        tuple(sorted(mechanisms_off)),
        tuple(f"{c.__module__}.{c.__qualname__}" for c in plan),
        bool(check),
    )


#: Attributes an engine never changes, shared by every copy instead of copied: its system, its
#: topology (a frozen record of index arrays) and its resolved parameters (read-only).
SHARED = ("composition", "topo", "params")


def _copy(attrs: dict[str, Any]) -> dict[str, Any]:
    memo = {id(attrs[k]): attrs[k] for k in SHARED if k in attrs}
    return copy.deepcopy(attrs, memo)


class WarmUps:
    """The most recently used warmed-up engines (each stored as a private copy)."""

    def __init__(self, size: int = SIZE):
        self.size = size
        self._kept: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()

    def take(self, k: Hashable) -> dict[str, Any] | None:
        """A fresh copy of the engine's attributes stored under ``k``, or None."""
        kept = self._kept.get(k)
        if kept is None:
            return None
        self._kept.move_to_end(k)
        return _copy(kept)

    def keep(self, k: Hashable, attrs: dict[str, Any], tie_replicates: int) -> None:
        """Store a copy of a just-warmed engine's attributes (small systems only)."""
        if self.size <= 0 or tie_replicates > MAX_TIE_REPLICATES:
            return
        self._kept[k] = _copy(attrs)
        self._kept.move_to_end(k)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        self._kept.clear()


#: The process's warm-ups (each worker process of a sweep has its own).
WARM_UPS = WarmUps()
