"""Interventions that work on relationships: who meets whom, how, and how they handle conflict."""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from .base import Intervention


class BigBreakfast(Intervention):
    name = "big_breakfast"
    title = "Big breakfast"
    summary = (
        "An informal breakfast, 8 to 10am, hosted by a VCSE body and paid for by a statutory "
        "one, open to leaders from every sector. People get to know each other in a relaxed "
        "setting, sometimes with a topic ('the big think about x')."
    )
    evidence = (
        "Practice 1: 'hosting our big breakfast between 8.00am and 10.00am. One of the VCSE "
        "organisations would host it and one of the statutory organisations would pay for it "
        "... This informal breakfast space enabled different people with different views to "
        "come together in a relaxed setting'."
    )
    costs = ("hours", "hosting")
    acts_through = ("contact", "safety", "pressure")
    claims = (
        ("relationships", +1),
        ("cross_sector_trust", +1),
        ("safety", +1),
    )
    params = (
        Param("every", 2, 1, 52, "weeks", "Weeks between breakfasts.", "assumption", integer=True),
        Param(
            "attendance",
            0.6,
            0.0,
            1.0,
            "probability",
            "Chance a target leader comes.",
            "assumption",
        ),
        Param(
            "quality",
            0.6,
            0.0,
            5.0,
            "contact units",
            "Value of meeting at breakfast (informal, in person).",
            "Practice 2; as informal_quality",
        ),
        Param(
            "safety",
            0.05,
            0.0,
            1.0,
            "safety",
            "Lift to attendees' safety target while the breakfasts run.",
            "Practice 1: 'a relaxed setting'",
        ),
        Param(
            "per_week",
            1,
            1,
            5,
            "breakfasts",
            "Breakfasts in each breakfast week (5: every working day).",
            "assumption",
            integer=True,
        ),
        Param(
            "hours",
            2.0,
            0.0,
            8.0,
            "hours",
            "Hours of each attendee's week one breakfast takes.",
            "Practice 1: 'between 8.00am and 10.00am'",
        ),
        Param(
            "hosting",
            0.5,
            0.0,
            20.0,
            "thousand pounds",
            "Cost of one breakfast (room, food), shared by the statutory targets.",
            "assumption (Practice 1: 'one of the statutory organisations would pay for it')",
        ),
        Param(
            "conversations",
            5.0,
            1.0,
            100.0,
            "people",
            "Others each attendee talks with at one breakfast (two hours, informal).",
            "Practice 2: 'getting to know each other as people'; assumption (size)",
        ),
    )

    def act(self, engine, weeks_in):
        if weeks_in % self.p.every == 0:
            for _ in range(self.p.per_week):
                self.meet(
                    engine, self.p.attendance, self.p.quality, self.p.hours, self.p.conversations
                )
                self.spend_money(engine, self.payers, self.p.hosting)
        engine.levers.safety_boost[:, self.mask] += self.p.safety


class OpenSpace(Intervention):
    name = "open_space"
    title = "Open space: meetings with no agenda"
    summary = (
        "Leaders meet with no agenda and no papers, to talk and understand each other's "
        "reality; disagreements come out and get explored rather than restated."
    )
    evidence = (
        "Practice 2: 'holding meetings where there is no agenda and no papers ... they have got "
        "much better at working through the complexity of issues'; Lessons factor 2: released "
        "'from a list of a dozen agenda items allowed them to explore, disagree and have time to "
        "find new solutions'."
    )
    costs = ("hours", "hosting")
    acts_through = ("contact", "conflict", "pressure")
    claims = (
        ("relationships", +1),
        ("conflict_health", +1),
    )
    params = (
        Param(
            "every",
            6,
            1,
            52,
            "weeks",
            "Weeks between sessions (Lessons: 'every six weeks').",
            "Lessons factor 2",
            integer=True,
        ),
        Param(
            "attendance",
            0.7,
            0.0,
            1.0,
            "probability",
            "Chance a target leader comes.",
            "assumption",
        ),
        Param(
            "quality",
            1.0,
            0.0,
            5.0,
            "contact units",
            "Value of an afternoon and evening together.",
            "Lessons factor 2",
        ),
        Param(
            "skill",
            0.3,
            0.0,
            3.0,
            "skill",
            "Added skill in naming and working through conflict while sessions run.",
            "Practice 2",
        ),
        Param(
            "hours",
            6.0,
            0.0,
            16.0,
            "hours",
            "Hours of each attendee's week one session takes.",
            "Lessons factor 2: 'an afternoon and evening to spend together'",
        ),
        Param(
            "hosting",
            1.0,
            0.0,
            20.0,
            "thousand pounds",
            "Cost of one session (venue, food), shared by the statutory targets.",
            "assumption",
        ),
        Param(
            "conversations",
            8.0,
            1.0,
            100.0,
            "people",
            "Others each attendee talks with at one session (an afternoon and evening).",
            "Practice 2: 'getting to know each other as people'; assumption (size)",
        ),
    )

    def act(self, engine, weeks_in):
        if weeks_in % self.p.every == 0:
            self.meet(engine, self.p.attendance, self.p.quality, self.p.hours, self.p.conversations)
            self.spend_money(engine, self.payers, self.p.hosting)
        engine.levers.conflict_skill[:, self.mask] += self.p.skill


class ConflictCoaching(Intervention):
    name = "conflict_coaching"
    title = "Conflict coaching"
    summary = (
        "Leaders who must make hard decisions together take up coaching and agree principles "
        "for tough conversations, and protect time to meet. By default: the acute trusts."
    )
    evidence = (
        "Practice 5: 'three hospital chief executives ... protecting time to regularly meet ... "
        "embarked on some coaching together, to develop some frameworks that will help us get "
        "through the tough conversations'; 'external facilitation is being used'; 'co-creating "
        "some principles'."
    )
    costs = ("hours", "coach_fee")
    acts_through = ("conflict", "contact", "pressure")
    claims = (
        ("conflict_health", +1),
        ("conflicts_festering", -1),
    )
    default_targets = {"kinds": ("acute",)}
    params = (
        Param(
            "skill",
            1.0,
            0.0,
            3.0,
            "skill",
            "Added skill in surfacing and resolving conflict.",
            "Practice 5",
        ),
        Param(
            "every",
            4,
            1,
            52,
            "weeks",
            "Weeks between protected meetings.",
            "assumption",
            integer=True,
        ),
        Param(
            "quality", 1.0, 0.0, 5.0, "contact units", "Value of a coached meeting.", "assumption"
        ),
        Param(
            "hours",
            3.0,
            0.0,
            16.0,
            "hours",
            "Hours of each leader's week one protected, coached meeting takes.",
            "assumption (Practice 5: 'protecting time to regularly meet')",
        ),
        Param(
            "coach_fee",
            1.5,
            0.0,
            20.0,
            "thousand pounds",
            "Fee for the external coach or facilitator at one meeting, shared by the targets.",
            "assumption (Practice 5: 'external facilitation is being used')",
        ),
    )

    def act(self, engine, weeks_in):
        engine.levers.conflict_skill[:, self.mask] += self.p.skill
        if weeks_in % self.p.every == 0:
            self.meet(engine, 1.0, self.p.quality, self.p.hours)
            self.spend_money(engine, self.mask, self.p.coach_fee)


class LeadershipProgramme(Intervention):
    name = "leadership_programme"
    title = "Collaborative leadership programme"
    summary = (
        "A cohort of at most 16 senior leaders from across the system attends four two-day "
        "modules over seven to nine months: principles for working together, dialogue skills, "
        "power and decision-making, collective impact."
    )
    evidence = (
        "BCL (2023 page): 'The programme will run over seven months and comprises four modules "
        "– each will be two days long. There will be a maximum of 16 participants.' BCL (STP "
        "era): 'over nine months'. Practice, Where next: joint programmes 'build the "
        "foundations for healthier relationships'."
    )
    costs = ("day_hours", "fee")
    acts_through = ("contact", "learning", "conflict", "pressure")
    claims = (
        ("collaborative_orientation", +1),
        ("cross_sector_trust", +1),
    )
    params = (
        Param(
            "cohort",
            16,
            1,
            16,
            "leaders",
            "Leaders in the cohort (at most 16), drawn at random from the targets.",
            "BCL: 'a maximum of 16 participants'",
            integer=True,
        ),
        Param(
            "months",
            7,
            7,
            9,
            "months",
            "Length of the programme.",
            "BCL: seven (2023) or nine (STP era) months",
            integer=True,
        ),
        Param(
            "modules", 4, 1, 8, "modules", "Number of modules.", "BCL: four modules", integer=True
        ),
        Param(
            "quality",
            3.0,
            0.0,
            10.0,
            "contact units",
            "Value of a two-day module together.",
            "assumption",
        ),
        Param(
            "development",
            0.15,
            0.0,
            1.0,
            "share",
            "Share of the gap to a fully collaborative orientation closed by one module.",
            "BCL module two: 'developing a collaborative leadership mindset'",
        ),
        Param(
            "skill",
            0.3,
            0.0,
            3.0,
            "skill",
            "Lasting added skill in dialogue and conflict.",
            "BCL module one: 'shift stuck patterns of behaviour'",
        ),
        Param(
            "days",
            2.0,
            0.5,
            5.0,
            "days",
            "Length of one module (the STP-era programme: one two-day and three "
            "one-and-a-half-day modules).",
            "BCL (2023 page): 'each will be two days long'",
        ),
        Param(
            "day_hours",
            8.0,
            0.0,
            12.0,
            "hours",
            "Hours of a participant's week one programme day takes.",
            "assumption",
        ),
        Param(
            "fee",
            6.0,
            0.0,
            30.0,
            "thousand pounds",
            "Fee for one participant's place on the whole programme, paid by its "
            "organisation in equal parts at each module.",
            "assumption (no fee is given in the sources)",
        ),
    )

    def bind(self, engine):
        super().bind(engine)
        idx = np.flatnonzero(self.mask)
        keys = self.rng.random(len(idx))  # (R, k): each replicate draws its own cohort
        size = min(self.p.cohort, len(idx))
        chosen = np.argsort(keys, axis=1, kind="stable")[:, :size]
        self.cohort = np.zeros((len(engine.seeds), engine.topo.n), dtype=bool)
        np.put_along_axis(self.cohort, idx[chosen], True, axis=1)
        length = round(self.p.months * 52 / 12)
        self.module_weeks = {
            round(i * length / max(self.p.modules - 1, 1)) for i in range(self.p.modules)
        }

    def act(self, engine, weeks_in):
        t, lv = engine.topo, engine.levers
        if weeks_in in self.module_weeks:
            both = self.cohort[:, t.src] & self.cohort[:, t.dst]
            lv.extra_contact[both] += self.p.quality
            lv.development[self.cohort] += self.p.development
            self.spend_time(engine, self.cohort, self.p.days * self.p.day_hours)
            lv.money_cost[self.cohort] += self.p.fee / self.p.modules
        if weeks_in >= min(self.module_weeks):
            lv.conflict_skill[self.cohort] += self.p.skill
