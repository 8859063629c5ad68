"""Learned collaborative behaviour (``ics_sim.mechanisms.learning``).

Leaders who worked jointly reinforce their propensity to help by what helping was worth (the
replicator dynamic of cross learning, integrated over the week). Then each leader imitates one
partner it met this week, drawn at random, with the Fermi rule weighted by the partner's power.
"""

from __future__ import annotations

import math

from ..maths import clip, logistic


def step(model, rng, week: int) -> None:
    p, G, orgs = model.p, model.G, model.orgs
    if G.number_of_edges() == 0:
        return
    u = rng.random(G.number_of_edges())[0].tolist()
    # Each leader's partner to imitate: the one met this week with the largest draw.
    partner = {}
    for org in orgs:
        met = [(u[tie["eid"]], j) for j, tie in org.ties() if tie["contact"] > 0]
        if met:
            best = max(key for key, _ in met)
            partner[org.index] = [j for key, j in met if key == best][-1]
    # Individual reinforcement (every leader's formula; delta = 0 if it did no joint work).
    for org in orgs:
        delta = p.learning_rate * org.payoff if org.workload > 0 else 0.0
        grow = math.exp(delta)
        o = org.orientation
        org.orientation = o * grow / (1.0 - o + o * grow)
    # Social learning, synchronous: everyone compares with orientations after reinforcement.
    new = {}
    for org in orgs:
        j = partner.get(org.index)
        if j is None:
            new[org.index] = org.orientation
            continue
        other = orgs[j]
        pull = logistic(p.selection * (other.payoff - org.payoff))
        delta = p.imitation_rate * other.power * (other.orientation - org.orientation)
        new[org.index] = org.orientation + delta * pull
    for org in orgs:
        org.orientation = clip(new[org.index], 0.0, 1.0)
