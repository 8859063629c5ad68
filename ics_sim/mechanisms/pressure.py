"""Pressure and silo retreat.

Practice, Where next: "when times are tough and there are a lack of resources, staff and leaders
will revert into their organisational silos"; operational and financial pressures mean "there is
limited capacity for collaborative working"; a leader spends "at least half of my time on
system stuff" and finds it "exhausting". Lessons, The context: organisations "under extreme
pressure ... it can be tempting ... to look after their own interests". Nothing is free: "if
there are lots of meetings and no demonstrable changes, staff may perceive this as an
inefficient use of resources" (Practice 1); systems "trying to collaborate on everything ...
are ending up in endless meetings ... time, money and energy are being consumed with little, if
any, gain" (Practice, Where next).

Each organisation's budget relaxes toward its income (cut by a financial squeeze); a budget
below its usual level adds financial stress. Pressure relaxes toward a target made of the
kind's operational baseline, financial stress and shocks. The time its leaders give to the
system is its capacity for system work, pulled inward in proportion to pressure and eaten by
the transaction costs of low trust, and by the hours that interventions and shocks take
(``time_cost``, hours this week over a ``leadership_week``). Under pressure those hours bite
harder: the operational work that waits is caught up out of the time left for the system
(``attention_crowding``). Money spent hosting, on venues and fees (``money_cost``, thousand
pounds; an acute trust's week is ``acute_week_budget``) is income the organisation no longer has
for its own work, so the same sum weighs far more on a small body::

    resources += resource_rate * (base * income_factor - money_cost / acute_week_budget
                                  - resources)
    stress     = max(0, 1 - resources / base)
    pressure  += pressure_rate * (base_pressure + financial_weight * stress + extra - pressure)
                 + pressure_noise * N(0, 1)
    meetings   = time_cost / leadership_week * (1 + attention_crowding * pressure)
    system_time = clip(capacity * (1 - silo_strength * pressure) + boost - tc_burden
                       - meetings, 0, 1)

System time is what forums, informal contact and joint projects draw on downstream, so an hour
in a meeting is an hour not spent with partners elsewhere.

Null model (pattern-oriented modelling, Grimm et al. 2005; Railsback and Grimm 2019):
``pressure_feedback`` (default 1, the model as described) at 0 cuts every path by which the
system's own state reaches pressure and system time: financial stress is read from the income
set from outside (``1 - income_factor``, the cut a squeeze imposes, at once) instead of from
budgets that joint work and hosting move, and the transaction costs of low trust no longer eat
system time. Pressure then follows its operational baseline, noise and shocks only::

    stress      = max(0, 1 - income_factor)                      (pressure_feedback = 0)
    system_time = clip(capacity * (1 - silo_strength * pressure) + boost - meetings, 0, 1)
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
    reads_levers = (
        "capacity_boost",
        "extra_pressure",
        "income_factor",
        "money_cost",
        "time_cost",
    )
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
        Param(
            "leadership_week",
            50.0,
            35.0,
            80.0,
            "hours",
            "A leader's working week: an intervention's hours are taken from it (system "
            "time is a share of it).",
            "assumption (Practice, Where next: a chief executive 'spending at least half of "
            "my time on system stuff')",
        ),
        Param(
            "attention_crowding",
            0.5,
            0.0,
            2.0,
            "share",
            "Extra share of an intervention's hours lost from system time at full pressure "
            "(the operational work that waits is caught up out of the system's share).",
            "assumption (Practice, Where next: 'It's exhausting ... there are increasing "
            "demands from the system'; 'limited capacity for collaborative working')",
        ),
        Param(
            "acute_week_budget",
            8000.0,
            1000.0,
            50000.0,
            "thousand pounds/week",
            "An acute trust's weekly budget (budgets are relative to an acute trust's): "
            "converts money spent hosting and on fees into lost income.",
            "assumption (an acute trust's income of the order of 400 million pounds a year)",
        ),
        Param(
            "pressure_feedback",
            1,
            0,
            1,
            "switch",
            "Null-model switch: 0 makes pressure and system time ignore the system's state "
            "(budgets as joint work and hosting move them, transaction costs of low trust); "
            "1: the model as described.",
            "assumption (null model: Grimm et al. 2005, pattern-oriented modelling)",
            integer=True,
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        p = self.p
        income = s.base_resources * lv.income_factor
        if lv.money_cost.any():
            income = income - lv.money_cost / p.acute_week_budget
        s.resources += p.resource_rate * (income - s.resources)
        np.maximum(s.resources, 0.0, out=s.resources)
        if p.pressure_feedback:
            stress = np.clip(1.0 - s.resources / s.base_resources, 0.0, 1.0)
        else:
            stress = np.clip(1.0 - lv.income_factor, 0.0, 1.0)
        target = s.base_pressure + p.financial_weight * stress + lv.extra_pressure
        noise = p.pressure_noise * self.rng.normal(s.n) if p.pressure_noise else 0.0
        s.pressure += p.pressure_rate * (target - s.pressure) + noise
        np.clip(s.pressure, 0.0, 1.0, out=s.pressure)
        burden = s.tc_burden if p.pressure_feedback else 0.0
        free = s.capacity * (1.0 - p.silo_strength * s.pressure) + lv.capacity_boost - burden
        if lv.time_cost.any():
            crowding = 1.0 + p.attention_crowding * s.pressure
            free = free - lv.time_cost / p.leadership_week * crowding
        s.system_time = np.clip(free, 0.0, 1.0)
