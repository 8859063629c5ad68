"""Every outcome of ``ics_sim.outcomes.OUTCOMES``, computed with Python loops.

Definitions: ``ics_sim.outcomes.OUTCOME_DOCS`` (docs/ODD.md, section 7.14).
"""

from __future__ import annotations

import math

from ics_sim.outcomes import PRACTICES
from ics_sim.state.people import PEOPLE_SPREAD, THRESHOLD
from ics_sim.system.kinds import PEOPLE, Kind

from .maths import add_up, aim_distance, clip, mean


def alignment(model) -> list[float]:
    """Each organisation's alignment with the mean aims of its ICS."""
    orgs = model.orgs
    ics = [int(x) for x in model.composition.ics]
    centre = {}
    for k in sorted(set(ics)):
        members = [org for org in orgs if ics[org.index] == k]
        dims = range(len(members[0].aims))
        centre[k] = [add_up(org.aims[d] for org in members) / len(members) for d in dims]
    return [
        clip(1.0 - 2.0 * aim_distance(org.aims, centre[ics[org.index]]), 0.0, 1.0) for org in orgs
    ]


def gini(values: list[float]) -> float:
    """Gini coefficient (0 equal, towards 1 concentrated)."""
    x = sorted(values)
    n = len(x)
    total = add_up(x)
    if total <= 0:
        return 0.0
    ranked = add_up(v * (rank + 1) for rank, v in enumerate(x))
    return (2.0 * ranked) / (n * total) - (n + 1) / n


def share_of_people_below(orgs, level: str) -> float:
    """Share of all senior leaders whose ``level`` (safety...) is below the threshold.

    Each organisation's leaders are its value moved by a normal offset on the logit scale, so
    the share of them below the threshold is ``Phi((logit(threshold) - logit(value)) / spread)``.
    """
    spread = PEOPLE_SPREAD.default
    cut = math.log(THRESHOLD / (1.0 - THRESHOLD))
    below, people = 0.0, 0.0
    for org in orgs:
        x = clip(getattr(org, level), 1e-12, 1.0 - 1e-12)
        z = (cut - math.log(x / (1.0 - x))) / spread
        n = float(PEOPLE[Kind(org.kind)])
        below += n * 0.5 * math.erfc(-z / math.sqrt(2.0))
        people += n
    return below / people


def compute(model) -> dict[str, float]:
    orgs, G, t = model.orgs, model.G, model.tally
    candidates = G.number_of_edges()
    ties = [(i, j, tie) for i, j, tie in G.edges(data=True) if tie["active"]]  # existing ties
    out = {
        "safety": mean([org.safety for org in orgs]),
        # per tie of the starting network, summed over the ties that exist now
        "relationships": add_up(math.sqrt(tie["trust"] * tie["familiarity"]) for *_, tie in ties)
        / max(sum(1 for *_, tie in G.edges(data=True) if tie["initial"]), 1),
        "shared_purpose": mean(alignment(model)),
        "power_sharing": mean([org.perceived_sharing for org in orgs]),
        # conflict off: no conflicts, only the prior (the share safe to voice difference)
        "conflict_health": t.get("conflict_health", 1.0 - share_of_people_below(orgs, "safety")),
        "shared_decisions": t.get("shared_decisions", 0.0),
    }
    out["collaboration_index"] = add_up(out[k] for k in PRACTICES) / len(PRACTICES)
    cross = [tie["trust"] for i, j, tie in ties if orgs[i].sector != orgs[j].sector]
    out.update(
        {
            "mean_trust": mean([tie["trust"] for *_, tie in ties]),
            "cross_sector_trust": mean(cross),
            "unsafe_share": share_of_people_below(orgs, "safety"),
            "power_not_shared_share": share_of_people_below(orgs, "perceived_sharing"),
            "power_gini": gini([org.power for org in orgs]),
            "decisions_made": t.get("decisions_made", 0.0),
            "decision_latency": t.get("decision_latency", 0.0),
            "decision_acceptability": t.get("decision_acceptability", 0.0),
            "decision_equity": t.get("decision_equity", 0.0),
            "conflicts_festering": sum(1 for *_, tie in ties if tie["conflict"] == 1) / 2.0,
            "system_time": mean([org.system_time for org in orgs]),
            "joint_value": t.get("joint_value", 0.0),
            "transaction_cost": mean([org.tc_burden for org in orgs]),
            "collaborative_orientation": mean([org.orientation for org in orgs]),
            "tie_density": len(ties) / candidates if candidates else 0.0,
        }
    )
    return out
