"""Shocks: budget squeezes, workforce shortages, winters, strikes, churn, consolidation, blame."""

from __future__ import annotations

from ..core.params import Param
from .base import Intervention

NHS_PROVIDERS = ("acute", "community", "mental_health", "ambulance")


class Shock(Intervention):
    kind = "shock"


class FinancialSqueeze(Shock):
    name = "financial_squeeze"
    title = "Financial squeeze"
    summary = "Income is cut in real terms: budgets shrink and pressure rises."
    evidence = (
        "Practice, Where next: 'Inflation is hitting local government finances and eroding the "
        "real-terms spending increases that the NHS was meant to be receiving ... there is "
        "limited capacity for collaborative working'; 'when times are tough and there are a "
        "lack of resources, staff and leaders will revert into their organisational silos'."
    )
    costs = ("recovery_hours",)
    acts_through = ("pressure",)
    claims = (
        ("system_time", -1),
        ("collaboration_index", -1),
    )
    params = (
        Param("cut", 0.15, 0.0, 1.0, "share", "Real-terms cut to income.", "assumption"),
        Param(
            "recovery_hours",
            1.0,
            0.0,
            10.0,
            "hours/week",
            "Hours a week each leader spends on savings plans and financial recovery meetings.",
            "assumption",
        ),
    )

    def act(self, engine, weeks_in):
        engine.levers.income_factor[:, self.mask] *= 1.0 - self.p.cut
        self.spend_time(engine, self.mask, self.p.recovery_hours)


class WorkforceShortage(Shock):
    name = "workforce_shortage"
    title = "Workforce shortage"
    summary = "Vacancies rise: operational pressure goes up and leaders have less spare time."
    evidence = (
        "Practice, Introduction: 'The health and care workforce are tired and there are chronic "
        "staff shortages in many areas'; Where next: 'big staff shortages in both health and "
        "social care'."
    )
    acts_through = ("pressure",)
    claims = (
        ("system_time", -1),
        ("collaboration_index", -1),
    )
    params = (
        Param("pressure", 0.15, 0.0, 1.0, "pressure", "Added operational pressure.", "assumption"),
        Param("capacity", 0.05, 0.0, 1.0, "share", "Capacity for system work lost.", "assumption"),
    )

    def act(self, engine, weeks_in):
        engine.levers.extra_pressure[:, self.mask] += self.p.pressure
        engine.levers.capacity_boost[:, self.mask] -= self.p.capacity


class WinterPressure(Shock):
    name = "winter_pressure"
    title = "Winter pressure"
    summary = "Each winter, urgent care demand surges for the front-line services."
    evidence = (
        "Practice, Where next: 'Record numbers of people are waiting for treatment'; 'we are "
        "utterly being driven by performance'; Practice 5: 'a conversation about emergency "
        "pressures'."
    )
    acts_through = ("pressure",)
    claims = (("system_time", -1),)
    default_targets = {"kinds": ("acute", "ambulance", "primary_care", "community")}
    params = (
        Param("pressure", 0.2, 0.0, 1.0, "pressure", "Added pressure in winter.", "assumption"),
        Param(
            "from_week",
            44,
            0,
            51,
            "week of year",
            "First week of winter (week 0 of a run "
            "is taken as early April, the NHS financial year).",
            "assumption",
            integer=True,
        ),
        Param(
            "length",
            20,
            1,
            52,
            "weeks",
            "Weeks of winter pressure each year.",
            "assumption",
            integer=True,
        ),
    )

    def act(self, engine, weeks_in):
        if (engine.week - self.p.from_week) % 52 < self.p.length:
            engine.levers.extra_pressure[:, self.mask] += self.p.pressure


class IndustrialAction(Shock):
    name = "industrial_action"
    title = "Industrial action"
    summary = (
        "Strikes: services run on cover, pressure peaks and leaders are pulled into "
        "operations, missing system meetings."
    )
    evidence = (
        "Practice, Introduction: interviews 'at a time of unprecedented pressures on the health "
        "and care system, including nurses and paramedics taking part in industrial action'."
    )
    costs = ("hours",)
    acts_through = ("pressure", "contact")
    claims = (("shared_decisions", -1),)
    default_targets = {"kinds": NHS_PROVIDERS}
    params = (
        Param(
            "pressure", 0.25, 0.0, 1.0, "pressure", "Added pressure during action.", "assumption"
        ),
        Param(
            "attendance",
            0.3,
            0.0,
            1.0,
            "probability",
            "Drop in the chance a leader attends forums in person.",
            "assumption",
        ),
        Param(
            "hours",
            6.0,
            0.0,
            30.0,
            "hours/week",
            "Hours a week each leader spends in strike planning and incident command.",
            "assumption (Practice, Introduction: 'nurses and paramedics taking part in "
            "industrial action')",
        ),
    )

    def act(self, engine, weeks_in):
        engine.levers.extra_pressure[:, self.mask] += self.p.pressure
        engine.levers.attendance_boost[:, self.mask] -= self.p.attendance
        self.spend_time(engine, self.mask, self.p.hours)


class LeadershipChurn(Shock):
    name = "leadership_churn"
    title = "Leadership churn"
    summary = "Leaders move on far more often than usual; relationships restart each time."
    evidence = (
        "Lessons, factor 1: progress 'more challenging in areas where leaders have moved on "
        "frequently'; model notes, mechanism 11."
    )
    acts_through = ("turnover",)
    claims = (("relationships", -1),)
    params = (
        Param(
            "factor",
            3.0,
            1.0,
            20.0,
            "factor",
            "Multiplier on the weekly hazard that a leader leaves.",
            "assumption",
        ),
    )

    def act(self, engine, weeks_in):
        engine.levers.hazard_factor[:, self.mask] *= self.p.factor


class ProviderCollaborative(Shock):
    name = "provider_collaborative"
    title = "Provider collaborative concentrates power"
    summary = (
        "Trusts form a collaborative or group model: they meet often and gain power together, "
        "while partners outside it lose ground. By default: the acute trusts."
    )
    evidence = (
        "Practice 4: 'the power dynamics are shifting as local NHS foundation trusts come "
        "together to form a provider collaborative or a group model ... This may not "
        "necessarily be supportive of system working ... There is a chess game going on'."
    )
    costs = ("hours",)
    acts_through = ("power", "contact", "pressure")
    claims = (
        ("power_gini", +1),
        ("power_sharing", -1),
    )
    default_targets = {"kinds": ("acute",)}
    params = (
        Param(
            "concentration", 1.3, 1.0, 3.0, "factor", "Multiplier on members' power.", "assumption"
        ),
        Param(
            "others",
            0.9,
            0.1,
            1.0,
            "factor",
            "Multiplier on the power of everyone else.",
            "assumption",
        ),
        Param(
            "every",
            2,
            1,
            52,
            "weeks",
            "Weeks between members' meetings.",
            "assumption",
            integer=True,
        ),
        Param(
            "quality", 0.5, 0.0, 5.0, "contact units", "Value of a members' meeting.", "assumption"
        ),
        Param(
            "hours",
            2.0,
            0.0,
            16.0,
            "hours",
            "Hours of each member leader's week one members' meeting takes.",
            "assumption (Practice 4: trusts 'come together to form a provider collaborative')",
        ),
    )

    def act(self, engine, weeks_in):
        lv = engine.levers
        lv.power_factor[:, self.mask] *= self.p.concentration
        lv.power_factor[:, ~self.mask] *= self.p.others
        if weeks_in % self.p.every == 0:
            self.meet(engine, 1.0, self.p.quality, self.p.hours)


class BlameCulture(Shock):
    name = "blame_culture"
    title = "Shame and blame culture"
    summary = "Regulators and boards hunt for culprits: leaders stop speaking up."
    evidence = (
        "Practice 1: 'the shame and blame environment that some NHS organisations are operating "
        "in means that some NHS leaders do not feel safe enough to fully participate'."
    )
    costs = ("hours",)
    acts_through = ("safety", "pressure")
    claims = (
        ("safety", -1),
        ("unsafe_share", +1),
    )
    default_targets = {"kinds": ("icb", *NHS_PROVIDERS, "primary_care")}
    params = (
        Param("safety", 0.2, 0.0, 1.0, "safety", "Drop in the safety targets feel.", "assumption"),
        Param(
            "hours",
            1.0,
            0.0,
            10.0,
            "hours/week",
            "Hours a week each leader spends answering inquiries and preparing defences.",
            "assumption (Practice 1: 'the shame and blame environment')",
        ),
    )

    def act(self, engine, weeks_in):
        engine.levers.safety_boost[:, self.mask] -= self.p.safety
        self.spend_time(engine, self.mask, self.p.hours)
