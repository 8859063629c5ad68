"""Joint work and collaborative advantage (``ics_sim.mechanisms.joint_work``).

A pair starts a project with probability ``joint_rate * sqrt(st_i st_j)`` if each prefers the
other above ``joint_threshold`` (preference mixes brokered trust and the advantage of the pair,
discounted by the partner's shadow of the future). Each side helps with a probability that
rises with its orientation and with the returns of reciprocity; a project succeeds with
probability advantage x quality x share helping x safety x aim alignment, where a leader's
quality is ``1 - exp(-system_time / (projects * joint_time_cost))``. Successes are good
experiences, a partner who did not help is a breach, and budgets pay for help and gain from
successes. With neutral levers the selectivity bar is 0, which every advantage clears.
"""

from __future__ import annotations

import math

from ..maths import add_up, aim_distance, logistic


def step(model, rng, week: int) -> None:
    p, G, orgs = model.p, model.G, model.orgs
    u, u_help, v = rng.randoms(3, G.number_of_edges())[:, 0, :].tolist()
    # The chance each partner's leader is still there (hazard as set by turnover this week).
    shadow = [math.exp(-org.hazard * p.shadow_horizon) for org in orgs]
    for org in orgs:
        for j, tie in org.ties():
            pref = (
                p.trust_weight * tie["brokered"]
                + (1 - p.trust_weight) * tie["advantage"] * shadow[j]
            )
            tie["wants"] = pref > p.joint_threshold
    # Pairs that start a project (both want it; one draw per pair).
    for org in orgs:
        i = org.index
        for j, tie in org.ties():
            rate = p.joint_rate * math.sqrt(org.system_time * orgs[j].system_time)
            tie["joint"] = (
                u[tie["pair_eid"]] < rate and tie["wants"] and G[j][i]["wants"] and tie["active"]
            )
    # Projects share each leader's system time, with diminishing returns to the time each gets.
    quality = []
    for org in orgs:
        org.workload = float(sum(1 for _, tie in org.ties() if tie["joint"]))
        per_project = org.system_time / max(org.workload * p.joint_time_cost, 1e-12)
        quality.append(1.0 - math.exp(-per_project))
    # Who helps: altruism, or the returns of reciprocity from a partner who stays.
    worth = [p.reciprocity * shadow[j] * p.benefit - p.cost for j in range(len(orgs))]
    selfish = [logistic(p.coop_steepness * w) for w in worth]
    for org in orgs:
        o = org.orientation
        for j, tie in org.ties():
            p_help = o + (1.0 - o) * selfish[j]
            tie["helps"] = tie["joint"] and u_help[tie["eid"]] < p_help
    # Success, experiences and value.
    for org in orgs:
        i = org.index
        for j, tie in org.ties():
            tie["success"] = False
            if not tie["joint"]:
                continue
            partner, back = orgs[j], G[j][i]
            both_help = 0.5 * (float(tie["helps"]) + float(back["helps"]))
            share_safe = p.unsafe_sharing + (1.0 - p.unsafe_sharing) * min(
                org.safety, partner.safety
            )
            aligned = 1.0 - aim_distance(org.aims, partner.aims)
            tie["value"] = (
                tie["advantage"] * min(quality[i], quality[j]) * both_help * share_safe * aligned
            )
            tie["success"] = v[tie["pair_eid"]] < tie["value"]
            if tie["success"]:
                tie["good"] += p.win_evidence
            if tie["helps"] and not back["helps"]:
                tie["bad"] += p.defection_breach
    # What helping was worth this week, and what it cost and returned to the budget.
    joint_value = 0.0
    for org in orgs:
        ties = org.ties()
        payoff = add_up(worth[j] for j, tie in ties if tie["joint"])
        org.payoff = payoff / max(org.workload, 1)
        spend = p.resource_cost * sum(1 for _, tie in ties if tie["helps"])
        gained = add_up(tie["value"] for _, tie in ties if tie["success"])
        ret = p.resource_return * gained
        org.resources = max(org.resources + org.base_resources * (ret - spend), 0.0)
        for _, tie in ties:
            if tie["success"]:
                joint_value += tie["value"]
    model.tally["joint_value"] = 0.5 * joint_value / len(orgs)
