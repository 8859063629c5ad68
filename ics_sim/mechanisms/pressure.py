"""Pressure and silo retreat.

Practice, Where next: "when times are tough and there are a lack of resources, staff and leaders
will revert into their organisational silos"; operational and financial pressures mean "there is
limited capacity for collaborative working"; a leader spends "at least half of my time on
system stuff" and finds it "exhausting". Lessons, The context: organisations "under extreme
pressure ... it can be tempting ... to look after their own interests".

Each organisation's budget relaxes toward its income (cut by a financial squeeze); a budget
below its usual level adds financial stress. Pressure relaxes toward a target made of the
kind's operational baseline, financial stress and shocks. The time its leaders give to the
system is its capacity for system work, pulled inward in proportion to pressure and eaten by
the transaction costs of low trust::

    resources += resource_rate * (base * income_factor - resources)
    stress     = max(0, 1 - resources / base)
    pressure  += pressure_rate * (base_pressure + financial_weight * stress + extra - pressure)
                 + pressure_noise * N(0, 1)
    system_time = clip(capacity * (1 - silo_strength * pressure) + boost - tc_burden, 0, 1)
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state.levers import Levers
from ..state.variables import State
from .base import Mechanism


class Pressure(Mechanism):
    name = "pressure"
    title = "Pressure and silo retreat"
    summary = "pressure and budgets"
    reads = (
        "base_pressure",
        "base_resources",
        "capacity",
        "pressure",
        "resources",
        "tc_burden",
    )
    writes = ("pressure", "resources", "system_time")
    reads_levers = ("capacity_boost", "extra_pressure", "income_factor")
    params = (
        Param(
            "pressure_rate",
            0.1,
            0.0,
            1.0,
            "1/week",
            "Speed at which pressure moves to its target.",
            "assumption",
        ),
        Param(
            "pressure_noise",
            0.02,
            0.0,
            0.2,
            "sd/week",
            "Week-to-week operational noise in pressure.",
            "assumption",
        ),
        Param(
            "financial_weight",
            0.6,
            0.0,
            2.0,
            "pressure per unit stress",
            "Pressure added by a budget below its usual level.",
            "Practice, Where next: 'financial pressures "
            "mean there is limited capacity for collaborative working'",
        ),
        Param(
            "resource_rate",
            0.05,
            0.0,
            1.0,
            "1/week",
            "Speed at which a budget follows a change in income.",
            "assumption",
        ),
        Param(
            "silo_strength",
            0.6,
            0.0,
            1.0,
            "share",
            "Share of capacity for system work withdrawn at full pressure.",
            "Practice, Where next: leaders 'revert into their organisational silos'",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        p = self.p
        s.resources += p.resource_rate * (s.base_resources * lv.income_factor - s.resources)
        np.maximum(s.resources, 0.0, out=s.resources)
        stress = np.clip(1.0 - s.resources / s.base_resources, 0.0, 1.0)
        target = s.base_pressure + p.financial_weight * stress + lv.extra_pressure
        noise = p.pressure_noise * self.rng.normal(s.n) if p.pressure_noise else 0.0
        s.pressure += p.pressure_rate * (target - s.pressure) + noise
        np.clip(s.pressure, 0.0, 1.0, out=s.pressure)
        s.system_time = np.clip(
            s.capacity * (1.0 - p.silo_strength * s.pressure) + lv.capacity_boost - s.tc_burden,
            0.0,
            1.0,
        )
