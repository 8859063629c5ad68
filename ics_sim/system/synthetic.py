"""Synthetic systems of any size, for benchmarks and scaling studies.

A system of ``n`` organisations is made of ICSs shaped like the default one (about 43
organisations: the proportions of ``DEFAULT_COUNTS``), each with its own ICB, places and
forums, as England is made of 42 ICSs. The number of ties then grows in proportion to the
number of organisations, as it does across real ICSs. Real compositions are in
:mod:`ics_sim.england`; these are for measuring how cost grows with size.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..core.errors import ICSSimError
from .composition import DEFAULT_COUNTS, Composition, from_counts

#: Organisations in the default ICS, the size each synthetic ICS is close to.
ICS_SIZE = sum(DEFAULT_COUNTS.values())


def scaled_counts(n: int) -> dict[str, int]:
    """Counts by kind for one ICS of ``n`` organisations in the default ICS's proportions.

    One ICB and at least one local authority; the rest shared by largest remainder.
    """
    if n < 3:
        raise ICSSimError(f"a synthetic ICS needs at least 3 organisations, got {n}")
    rest = {k: v for k, v in DEFAULT_COUNTS.items() if k != "icb"}
    total = sum(rest.values())
    share = {k: (n - 1) * v / total for k, v in rest.items()}
    counts = {k: int(np.floor(x)) for k, x in share.items()}
    by_remainder = sorted(rest, key=lambda k: (counts[k] - share[k], list(rest).index(k)))
    for k in by_remainder[: n - 1 - sum(counts.values())]:
        counts[k] += 1
    if counts["local_authority"] == 0:
        donor = max(counts, key=counts.get)
        counts[donor] -= 1
        counts["local_authority"] = 1
    return {"icb": 1, **counts}


def system(n: int, ics_size: int = ICS_SIZE) -> Composition:
    """``n`` organisations as ICSs of about ``ics_size`` organisations each."""
    if n < 3:
        raise ICSSimError(f"a synthetic system needs at least 3 organisations, got {n}")
    k = max(1, round(n / ics_size))
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    if k == 1:
        comp = from_counts(scaled_counts(n), name=f"Synthetic ICS of {n}")
        comp.provenance = "synthetic: the default ICS's proportions, scaled"
        return comp
    return combine(
        [from_counts(scaled_counts(int(m)), name=f"ICS {c + 1}") for c, m in enumerate(sizes)],
        name=f"Synthetic system of {n} organisations in {k} ICSs",
    )


def combine(parts: list[Composition], name: str) -> Composition:
    """One composition holding several single-ICS compositions side by side (no shared
    organisations): ICS ``c`` is ``parts[c]``, its places and forums renamed ``"<ICS>: ..."``."""
    org_start = np.cumsum([0] + [p.n for p in parts])
    place_start = np.cumsum([0] + [len(p.place_names) for p in parts])
    forums = [
        replace(f, name=f"{p.name}: {f.name}", members=f.members + org_start[c], ics=c)
        for c, p in enumerate(parts)
        for f in p.forums
    ]
    return Composition(
        name=name,
        org_names=[f"{p.name}: {o}" for p in parts for o in p.org_names],
        kind=np.concatenate([p.kind for p in parts]),
        place=np.concatenate(
            [np.where(p.place >= 0, p.place + place_start[c], -1) for c, p in enumerate(parts)]
        ),
        place_names=[f"{p.name}: {x}" for p in parts for x in p.place_names],
        forums=forums,
        ics=np.concatenate([np.full(p.n, c) for c, p in enumerate(parts)]),
        ics_names=[p.name for p in parts],
        provenance=f"synthetic: {len(parts)} ICSs in the default ICS's proportions",
    )
