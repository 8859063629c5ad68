"""Leadership turnover and continuity (``ics_sim.mechanisms.turnover``).

Each leader leaves with hazard ``turnover_hazard * (1 + pressure_hazard * pressure)``. A
successor starts with tenure 0 and a fresh orientation; the ties of its organisation, in and
out, keep only the familiarity and the personal part of trust a succession hands on (the
successor inherits the rest of trust, the organisation's reputation: trust never rises).
"""

from __future__ import annotations

from ics_sim.kinds import trait_table

from ..maths import clip

KIND_ORIENTATION = [float(x) for x in trait_table()["orientation"]]


def step(model, rng, week: int) -> None:
    p, G = model.p, model.G
    n = len(model.orgs)
    u = rng.random(n)[0].tolist()
    z = rng.normal(n)[0].tolist()
    left = set()
    for org in model.orgs:
        i = org.index
        org.tenure += 1.0
        org.hazard = p.turnover_hazard * (1.0 + p.pressure_hazard * org.pressure)
        if u[i] < org.hazard:
            fresh = KIND_ORIENTATION[org.kind] * (1.0 + p.successor_noise * z[i])
            org.tenure = 0.0
            org.leader_changes += 1.0
            org.orientation = clip(fresh, 0.0, 1.0)
            left.add(i)
    if not left:
        return
    keep = clip(p.baseline_succession, 0.0, 1.0)  # no succession plan (lever neutral)
    touched = {(i, j) for i in left for j in G.successors(i)}
    touched |= {(j, i) for i in left for j in G.predecessors(i)}
    for i, j in touched:
        # If both leaders left, both handovers apply.
        keep_ij = (keep if i in left else 1.0) * (keep if j in left else 1.0)
        tie = G[i][j]
        tie["familiarity"] = tie["familiarity"] * keep_ij
        lost = (1.0 - keep_ij) * tie["trust_personal"]
        tie["trust"] = tie["trust"] - lost
        tie["trust_personal"] = tie["trust_personal"] - lost
