"""Levers: the only handles interventions and shocks have on the model.

An intervention never writes state or an outcome. It sets levers (extra contact on some ties,
a boost to a safety target, a cut to income...), and each lever is read by exactly one
mechanism, the one that lists it in its ``reads_levers`` (the table of who reads what is built
from those declarations: :func:`ics_sim.sim.plan.lever_table`). With that mechanism switched off
the lever is never read, so the intervention has no effect. Levers are reset to neutral every
week and re-set by whatever is active.

Nothing is free: an intervention or shock that takes leaders' time (meetings, programme days,
coaching) or money (hosting, fees) says so through ``time_cost`` and ``money_cost``, which the
pressure mechanism turns into less time for the system and a smaller budget (Practice, Where
next: "time, money and energy are being consumed with little, if any, gain").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: lever name -> (shape key, neutral value, meaning)
LEVERS: dict[str, tuple[str, float, str]] = {
    "extra_pressure": ("org", 0.0, "added to the pressure an organisation tends to"),
    "income_factor": ("org", 1.0, "multiplies the organisation's income"),
    "capacity_boost": ("org", 0.0, "added to capacity for system work"),
    "hazard_factor": ("org", 1.0, "multiplies the leader's weekly hazard of leaving"),
    "succession": ("org", 0.0, "share of relationships handed on to a successor"),
    "extra_contact": ("edge", 0.0, "quality-weighted contact added on a tie"),
    "attendance_boost": ("org", 0.0, "added to the chance the leader attends"),
    "safety_boost": ("org", 0.0, "added to the safety an organisation is pulled to"),
    "purpose_anchor": ("org", 0.0, "weight of the agreed shared purpose in aims"),
    "purpose_clarity": (
        "org",
        0.0,
        "how clearly the shared purpose says what "
        "to collaborate on (raises the bar for low-advantage joint work)",
    ),
    "selectivity": ("org", 0.0, "minimum advantage before joint work starts"),
    "power_factor": ("org", 1.0, "multiplies an organisation's formal authority and resources"),
    "power_equalisation": ("forum", 0.0, "added to the forum's power-sharing level"),
    "conflict_skill": ("org", 0.0, "added skill in surfacing and resolving conflict"),
    "delegation": ("org", 0.0, "added chance a deputy may decide"),
    "decision_matrix": ("forum", 0.0, "who must be involved is agreed (0 or 1)"),
    "reward": ("org", 0.0, "reward for collaborative behaviour (its 'currency')"),
    "development": (
        "org",
        0.0,
        "share of the gap to a fully collaborative "
        "orientation closed this week by leadership development",
    ),
    "time_cost": (
        "org",
        0.0,
        "hours of the leader's week taken this week by an intervention's meetings, programme "
        "days or coaching (or a shock's extra meetings)",
    ),
    "money_cost": ("org", 0.0, "thousand pounds spent this week on hosting, venues and fees"),
}


@dataclass
class Levers:
    """Current lever settings, with the same leading replicate axis as the state."""

    values: dict[str, np.ndarray]

    @classmethod
    def neutral(cls, r: int, n: int, e: int, f: int) -> Levers:
        size = {"org": n, "edge": e, "forum": f}
        return cls({k: np.full((r, size[s]), v) for k, (s, v, _) in LEVERS.items()})

    def reset(self) -> None:
        for k, a in self.values.items():
            a.fill(LEVERS[k][1])

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None
