"""Model-level outcomes, computed from the state every week; each is one number per replicate.

What each outcome is (label, unit, bounds, definition) is in the one outcome table,
:data:`ics_sim.core.outcome_table.OUTCOME_TABLE`; its names are re-exported here
(``OUTCOMES``, ``PRACTICES``, ``PRACTICE_LABELS``, ``OUTCOME_DOCS``).
"""

from __future__ import annotations

import numpy as np

from ..core.outcome_table import (  # noqa: F401  (re-exported)
    OUTCOME_DOCS,
    OUTCOME_TABLE,
    OUTCOMES,
    PRACTICE_LABELS,
    PRACTICES,
)
from ..system.network import Topology
from .people import people_share, people_share_by
from .sparse import at, entries
from .variables import State, row_mean, row_sum, segment_sum


def _on_ties(on: np.ndarray, f, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.where(on, f(a * b), 0.0)``, computing ``f`` only on the existing ties."""
    x = entries(on)
    out = np.zeros(on.shape)
    out.reshape(-1)[x.flat] = f(at(a, x) * at(b, x))
    return out


def gini(x: np.ndarray) -> np.ndarray:
    """Gini coefficient of each row of an (R, N) array (0 equal, towards 1 concentrated)."""
    x = np.sort(x, axis=-1)
    n = x.shape[-1]
    total = row_sum(x)
    ranks = np.arange(1, n + 1)
    g = (2.0 * row_sum(x * ranks)) / (n * np.where(total > 0, total, 1.0)) - (n + 1) / n
    return np.where(total > 0, g, 0.0)


def alignment(s: State, ics: np.ndarray, n_ics: int) -> np.ndarray:
    """Each organisation's alignment with the centre of its ICS's aims: (R, N)."""
    R, N, D = s.aims.shape
    counts = np.bincount(ics, minlength=n_ics).astype(float)
    centre = np.stack(
        [segment_sum(s.aims[:, :, d], ics, n_ics) / counts for d in range(D)], axis=-1
    )
    dev = np.abs(s.aims - centre[:, ics, :]).mean(axis=-1)
    return np.clip(1.0 - 2.0 * dev, 0.0, 1.0)


def compute(s: State, topo: Topology, ics: np.ndarray, n_ics: int) -> dict[str, np.ndarray]:
    """Every outcome, as an array over replicates."""
    t = s.tally
    R = s.r
    cross = topo.cross_sector
    on = s.active  # outcomes over ties count the ties that exist now
    n_on = np.maximum(row_sum(on), 1.0)
    out = {
        "safety": row_mean(s.safety),
        # Summed over existing ties, per tie of the starting network: a new tie adds to it
        # and a tie that fades takes from it (a mean over existing ties would fall whenever
        # new, still weak ties form).
        "relationships": row_sum(_on_ties(on, np.sqrt, s.trust, s.familiarity))
        / max(float(np.count_nonzero(topo.initial)), 1.0),
        "shared_purpose": row_mean(alignment(s, ics, n_ics)),
        "power_sharing": row_mean(s.perceived_sharing),
        # With the conflict mechanism off there are no conflicts: health is only the prior,
        # the share safe to voice difference (ics_sim.mechanisms.conflict).
        "conflict_health": t.get("conflict_health", 1.0 - people_share(s.safety, s.kind)),
        "shared_decisions": t.get("shared_decisions", np.zeros(R)),
    }
    out["collaboration_index"] = sum(out[k] for k in PRACTICES) / len(PRACTICES)
    out.update(
        {
            "mean_trust": row_sum(np.where(on, s.trust, 0.0)) / n_on,
            "cross_sector_trust": row_sum(np.where(on & cross, s.trust, 0.0))
            / np.maximum(row_sum(on & cross), 1.0),
            "unsafe_share": people_share(s.safety, s.kind),
            "power_not_shared_share": people_share(s.perceived_sharing, s.kind),
            "power_gini": gini(s.power),
            "decisions_made": t.get("decisions_made", np.zeros(R)),
            "decision_latency": t.get("decision_latency", np.zeros(R)),
            "decision_acceptability": t.get("decision_acceptability", np.zeros(R)),
            "decision_equity": t.get("decision_equity", np.zeros(R)),
            "conflicts_festering": row_sum((s.conflict == 1) & on) / 2.0,
            "system_time": row_mean(s.system_time),
            "joint_value": t.get("joint_value", np.zeros(R)),
            "transaction_cost": row_mean(s.tc_burden),
            "collaborative_orientation": row_mean(s.orientation),
            "tie_density": row_mean(on),
        }
    )
    return {k: np.asarray(out[k], dtype=float) for k in OUTCOMES}


def by_ics(s: State, topo: Topology) -> dict[str, np.ndarray]:
    """Every outcome for each ICS of the system: arrays (R, number of ICSs).

    Organisations count in their main ICS, ties in their truster's; forum decisions in the
    forum's ICS. The definitions are those of :func:`compute` restricted to one ICS, so for a
    single-ICS system the one column equals the whole-system outcome.
    """
    t, R, K = s.tally, s.r, topo.n_ics
    org, tie = topo.org_ics, topo.tie_ics
    n_org = np.maximum(np.bincount(org, minlength=K), 1)
    on = s.active  # outcomes over ties count the ties that exist now
    n_tie = np.maximum(segment_sum(on * 1.0, tie, K), 1)

    def orgs(x: np.ndarray) -> np.ndarray:
        return segment_sum(x * 1.0, org, K) / n_org

    def ties(x: np.ndarray) -> np.ndarray:
        return segment_sum(np.where(on, x, 0.0), tie, K) / n_tie

    def tally(name: str) -> np.ndarray:
        if K == 1:
            return t.get(name, np.zeros(R))[:, None]
        return t.get(name + "_by_ics", np.zeros((R, K)))

    cross = topo.cross_sector
    n_cross = segment_sum((on & cross) * 1.0, tie, K)
    out = {
        "safety": orgs(s.safety),
        "relationships": segment_sum(_on_ties(on, np.sqrt, s.trust, s.familiarity), tie, K)
        / np.maximum(np.bincount(tie[topo.initial], minlength=K), 1),
        "shared_purpose": orgs(alignment(s, topo.org_ics, K)),
        "power_sharing": orgs(s.perceived_sharing),
        "conflict_health": tally("conflict_health")
        if "conflict_health" in t
        else 1.0 - people_share_by(s.safety, s.kind, org, K),
        "shared_decisions": tally("shared_decisions"),
    }
    out["collaboration_index"] = sum(out[k] for k in PRACTICES) / len(PRACTICES)
    out.update(
        {
            "mean_trust": ties(s.trust),
            "cross_sector_trust": np.where(
                n_cross > 0,
                segment_sum(np.where(on & cross, s.trust, 0.0), tie, K) / np.maximum(n_cross, 1),
                0.0,
            ),
            "unsafe_share": people_share_by(s.safety, s.kind, org, K),
            "power_not_shared_share": people_share_by(s.perceived_sharing, s.kind, org, K),
            "power_gini": np.stack([gini(s.power[:, org == k]) for k in range(K)], axis=-1),
            "decisions_made": tally("decisions_made"),
            "decision_latency": tally("decision_latency"),
            "decision_acceptability": tally("decision_acceptability"),
            "decision_equity": tally("decision_equity"),
            "conflicts_festering": segment_sum(((s.conflict == 1) & on) * 1.0, tie, K) / 2.0,
            "system_time": orgs(s.system_time),
            "joint_value": tally("joint_value"),
            "transaction_cost": orgs(s.tc_burden),
            "collaborative_orientation": orgs(s.orientation),
            "tie_density": segment_sum(on * 1.0, tie, K)
            / np.maximum(np.bincount(tie, minlength=K), 1),
        }
    )
    return {k: np.asarray(out[k], dtype=float) for k in OUTCOMES}
