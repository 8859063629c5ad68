"""Psychological safety (``ics_sim.mechanisms.safety``).

Safety relaxes toward a target that rises with the trust an organisation holds in its partners
and falls with its pressure and with how far its partners out-power it. It starts at its target.
"""

from __future__ import annotations

from ..maths import add_up, clip


def target(org) -> float:
    p, orgs = org.model.p, org.model.orgs
    ties = [(j, tie) for j, tie in org.ties() if tie["active"]]  # existing ties only
    deg = max(len(ties), 1)
    held = add_up(tie["trust"] for _, tie in ties) / deg
    partner_power = add_up(orgs[j].power for j, _ in ties) / deg
    gap = max(0.0, partner_power - org.power)
    value = (
        p.safety_base
        + p.safety_trust_weight * (held - 0.5)
        - p.safety_pressure_weight * (org.pressure - 0.5)
        - p.safety_power_weight * gap
    )
    return clip(value, 0.0, 1.0)


def init(model) -> None:
    for org in model.orgs:
        org.safety = target(org)


def step(model, rng, week: int) -> None:
    # Safety reads trust, power and pressure, none of which it changes: in place is synchronous.
    for org in model.orgs:
        org.safety = org.safety + model.p.safety_rate * (target(org) - org.safety)
