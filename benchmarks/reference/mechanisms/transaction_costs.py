"""Transaction costs of low trust (``ics_sim.mechanisms.transaction_costs``).

Every joint project with a partner the organisation does not trust (brokered trust) costs system
time in bureaucracy; next week the pressure mechanism takes it out of system time.
"""

from __future__ import annotations

from ..maths import add_up, clip


def step(model, rng, week: int) -> None:
    for org in model.orgs:
        distrust = add_up(1.0 - tie["brokered"] for _, tie in org.ties() if tie["joint"])
        org.tc_burden = clip(model.p.tc_rate * distrust, 0.0, 1.0)
