"""Model-level outcomes, computed from the state every week; each is one number per replicate.

The six practices of Practice (Key messages) are six indicators in [0, 1]; the
``collaboration_index`` is their mean. The measures behind them are defined in
``OUTCOME_DOCS`` (rendered into docs/ODD.md) so the definitions cannot drift from the code.
"""

from __future__ import annotations

import numpy as np

from ..system.network import Topology
from .variables import State, row_mean, row_sum, segment_sum

PRACTICES: tuple[str, ...] = (
    "safety",
    "relationships",
    "shared_purpose",
    "power_sharing",
    "conflict_health",
    "shared_decisions",
)

PRACTICE_LABELS: dict[str, str] = {
    "safety": "Safe, inclusive, trusting environment",
    "relationships": "Healthy relationships",
    "shared_purpose": "Shared purpose and identity",
    "power_sharing": "Power shared",
    "conflict_health": "Conflict surfaced and managed",
    "shared_decisions": "Shared decision-making",
}

OUTCOME_DOCS: dict[str, str] = {
    "safety": "Mean psychological safety of the organisations: how safe each feels to voice a "
    "different perspective in system forums (Practice 1).",
    "relationships": "Mean over directed ties of sqrt(trust x familiarity): healthy "
    "relationships need both trust and knowing the person behind the role (Practice 2).",
    "shared_purpose": "Mean alignment of the organisations' aims: alignment_i = "
    "max(0, 1 - 2 mean_d |aim_id - centre_d|), centre = mean aim of the organisation's ICS "
    "(Practice 3).",
    "power_sharing": "Mean perceived power sharing: each organisation's voice relative to the "
    "largest voice in the forums it attends ('equal-size dots'), smoothed over meetings "
    "(Practice 4).",
    "conflict_health": "(surfaced + recently resolved) / (surfaced + festering + recently "
    "resolved) conflicts; 1 when there are none. Recently resolved = resolutions smoothed over "
    "about 13 weeks (Practice 5).",
    "shared_decisions": "Mean of three smoothed measures of forum decisions: throughput "
    "(decisions per proposal considered), acceptability, and inclusion (share of affected "
    "organisations present with authority when decided) (Practice 6).",
    "collaboration_index": "Mean of the six practice indicators.",
    "mean_trust": "Mean trust over all directed ties.",
    "cross_sector_trust": "Mean trust over ties between different sectors (NHS, local "
    "government, VCSE).",
    "unsafe_share": "Share of organisations whose safety is below 0.5: they do not feel safe "
    "to voice a different perspective (survey, Practice 1: about half).",
    "power_not_shared_share": "Share of organisations whose perceived power sharing is below "
    "0.5 (survey, Practice 4: more than half).",
    "power_gini": "Gini coefficient of organisations' power.",
    "decisions_made": "Number of forum decisions made this week.",
    "decision_latency": "Smoothed weeks from a proposal being tabled to its decision.",
    "decision_acceptability": "Smoothed mean acceptability of decisions to the affected "
    "organisations (1 - mean |aim - decision|, Choi and Robertson 2014).",
    "decision_equity": "Smoothed 1 - 2 x standard deviation of acceptability among the "
    "affected organisations (Choi and Robertson 2014).",
    "conflicts_festering": "Number of pairs of organisations in a conflict that has arisen and "
    "not been surfaced.",
    "system_time": "Mean share of leaders' time spent on system work.",
    "joint_value": "Value of successful joint work this week, per organisation.",
    "transaction_cost": "Mean share of system time lost to transaction costs of low trust.",
    "collaborative_orientation": "Mean collaborative orientation of leaders (altruism versus "
    "self-interest, Lessons factor 4).",
}

OUTCOMES: tuple[str, ...] = tuple(OUTCOME_DOCS)


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
    out = {
        "safety": row_mean(s.safety),
        "relationships": row_mean(np.sqrt(s.trust * s.familiarity)),
        "shared_purpose": row_mean(alignment(s, ics, n_ics)),
        "power_sharing": row_mean(s.perceived_sharing),
        "conflict_health": t.get("conflict_health", np.ones(R)),
        "shared_decisions": t.get("shared_decisions", np.zeros(R)),
    }
    out["collaboration_index"] = sum(out[k] for k in PRACTICES) / len(PRACTICES)
    out.update(
        {
            "mean_trust": row_mean(s.trust),
            "cross_sector_trust": row_mean(s.trust[:, cross]) if cross.any() else np.zeros(R),
            "unsafe_share": row_mean(s.safety < 0.5),
            "power_not_shared_share": row_mean(s.perceived_sharing < 0.5),
            "power_gini": gini(s.power),
            "decisions_made": t.get("decisions_made", np.zeros(R)),
            "decision_latency": t.get("decision_latency", np.zeros(R)),
            "decision_acceptability": t.get("decision_acceptability", np.zeros(R)),
            "decision_equity": t.get("decision_equity", np.zeros(R)),
            "conflicts_festering": row_sum(s.conflict == 1) / 2.0,
            "system_time": row_mean(s.system_time),
            "joint_value": t.get("joint_value", np.zeros(R)),
            "transaction_cost": row_mean(s.tc_burden),
            "collaborative_orientation": row_mean(s.orientation),
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
    n_tie = np.maximum(np.bincount(tie, minlength=K), 1)

    def orgs(x: np.ndarray) -> np.ndarray:
        return segment_sum(x * 1.0, org, K) / n_org

    def ties(x: np.ndarray) -> np.ndarray:
        return segment_sum(x * 1.0, tie, K) / n_tie

    def tally(name: str) -> np.ndarray:
        if K == 1:
            return t.get(name, np.zeros(R))[:, None]
        return t.get(name + "_by_ics", np.zeros((R, K)))

    cross = topo.cross_sector
    n_cross = np.bincount(tie[cross], minlength=K)
    out = {
        "safety": orgs(s.safety),
        "relationships": ties(np.sqrt(s.trust * s.familiarity)),
        "shared_purpose": orgs(alignment(s, topo.org_ics, K)),
        "power_sharing": orgs(s.perceived_sharing),
        "conflict_health": tally("conflict_health") if "conflict_health" in t else np.ones((R, K)),
        "shared_decisions": tally("shared_decisions"),
    }
    out["collaboration_index"] = sum(out[k] for k in PRACTICES) / len(PRACTICES)
    out.update(
        {
            "mean_trust": ties(s.trust),
            "cross_sector_trust": np.where(
                n_cross > 0,
                segment_sum(s.trust * cross, tie, K) / np.maximum(n_cross, 1),
                0.0,
            ),
            "unsafe_share": orgs(s.safety < 0.5),
            "power_not_shared_share": orgs(s.perceived_sharing < 0.5),
            "power_gini": np.stack([gini(s.power[:, org == k]) for k in range(K)], axis=-1),
            "decisions_made": tally("decisions_made"),
            "decision_latency": tally("decision_latency"),
            "decision_acceptability": tally("decision_acceptability"),
            "decision_equity": tally("decision_equity"),
            "conflicts_festering": segment_sum((s.conflict == 1) * 1.0, tie, K) / 2.0,
            "system_time": orgs(s.system_time),
            "joint_value": tally("joint_value"),
            "transaction_cost": orgs(s.tc_burden),
            "collaborative_orientation": orgs(s.orientation),
        }
    )
    return {k: np.asarray(out[k], dtype=float) for k in OUTCOMES}
