"""Pressure and silo retreat (``ics_sim.mechanisms.pressure``).

Budgets relax toward income, a budget below its usual level adds financial stress, pressure
relaxes toward its target with weekly noise, and the time leaders give to the system shrinks
with pressure and with last week's transaction costs.
"""

from __future__ import annotations

from ..maths import clip


def update(org, p, noise: float) -> None:
    """One organisation's budget, pressure and system time this week."""
    org.resources += p.resource_rate * (org.base_resources - org.resources)
    org.resources = max(org.resources, 0.0)
    stress = clip(1.0 - org.resources / org.base_resources, 0.0, 1.0)
    target = org.base_pressure + p.financial_weight * stress
    org.pressure += p.pressure_rate * (target - org.pressure) + noise
    org.pressure = clip(org.pressure, 0.0, 1.0)
    org.system_time = clip(
        org.capacity * (1.0 - p.silo_strength * org.pressure) - org.tc_burden, 0.0, 1.0
    )


def step(model, rng, week: int) -> None:
    p = model.p
    n = len(model.orgs)
    if p.pressure_noise:
        noise = [p.pressure_noise * z for z in rng.normal(n)[0].tolist()]
    else:
        noise = [0.0] * n
    # Each organisation on its own: Mesa's AgentSet.do, in the order agents were added.
    model.agents.do(lambda org: update(org, p, noise[org.index]))
