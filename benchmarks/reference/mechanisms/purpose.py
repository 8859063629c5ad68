"""Shared purpose and identity (``ics_sim.mechanisms.purpose``).

Aims pool by Friedkin-Johnsen over the week's contact, weighted by trust: an organisation keeps
weight ``1 - safety`` on its own aims and spreads the rest over the partners it met, in
proportion to trust x contact; then it is pulled back to its own interests by ``1 -
orientation``. Partners further than ``confidence_bound`` are not listened to.
"""

from __future__ import annotations

from ..maths import aim_distance, clip


def pooled_aims(org) -> list[float]:
    """The organisation's aims after this week's pooling (from everyone's current aims)."""
    p, orgs = org.model.p, org.model.orgs
    influence = []  # (partner, weight) in edge order
    total = 0.0
    for j, tie in org.ties():
        w = tie["trust"] * tie["contact"]
        if p.confidence_bound < 1.0 and aim_distance(org.aims, orgs[j].aims) > p.confidence_bound:
            w = 0.0
        influence.append((orgs[j], w))
        total += w
    listens = total > 0
    self_w = 1.0 - org.safety if listens else 1.0
    scale = (1.0 - self_w) / total if listens else 0.0
    o = org.orientation
    new = []
    for d, x in enumerate(org.aims):
        heard = 0.0
        for partner, w in influence:
            heard += w * scale * partner.aims[d]
        pooled = self_w * x + heard
        new.append(clip(o * pooled + (1.0 - o) * org.interests[d], 0.0, 1.0))
    return new


def step(model, rng, week: int) -> None:
    # Synchronous: every organisation pools from last week's aims, then all commit.
    new = {org.index: pooled_aims(org) for org in model.orgs}
    for org in model.orgs:
        org.aims = new[org.index]
