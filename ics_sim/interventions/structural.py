"""Interventions that change how the system is organised: purpose, decisions, power, rewards."""

from __future__ import annotations

from ..core.params import Param
from .base import Intervention


class SharedPurpose(Intervention):
    name = "shared_purpose"
    title = "Agree a clear shared purpose"
    summary = (
        "Partners agree a short, clear purpose that says why they work together and what on, "
        "and keep using it: aims converge, and they stop collaborating on everything."
    )
    evidence = (
        "Practice 3: 'a shared purpose should succinctly capture the essence of why "
        "organisations or groups are working together' (Canterbury: 'a connected system "
        "centred around people'); without one, 'a lot of time, money and energy may be used "
        "with little gain'. Lessons factor 1."
    )
    costs = ("workshop_hours", "upkeep_hours")
    acts_through = ("purpose", "joint_work", "pressure")
    claims = (("shared_purpose", +1),)
    params = (
        Param(
            "anchor",
            0.03,
            0.0,
            1.0,
            "share/week",
            "Weekly pull of the agreed purpose on adopters' aims (the narrative).",
            "Practice 3: 'the narrative is about partnership'",
        ),
        Param(
            "clarity",
            1.0,
            0.0,
            1.0,
            "share",
            "How clearly the purpose says what to "
            "collaborate on (0: 'a statement full of compromises').",
            "Practice 3",
        ),
        Param(
            "workshops",
            3,
            0,
            12,
            "workshops",
            "Workshops to agree the purpose, one every workshop_every weeks from the start.",
            "assumption (Practice 3: 'people have spent time and energy on developing a "
            "shared purpose')",
            integer=True,
        ),
        Param(
            "workshop_every",
            4,
            1,
            26,
            "weeks",
            "Weeks between the workshops that agree the purpose.",
            "assumption",
            integer=True,
        ),
        Param(
            "workshop_hours",
            4.0,
            0.0,
            16.0,
            "hours",
            "Hours of each target leader's week one workshop takes.",
            "assumption",
        ),
        Param(
            "upkeep_hours",
            0.25,
            0.0,
            8.0,
            "hours/week",
            "Hours a week each target leader gives to keeping the purpose alive (communicating "
            "it, checking work against it).",
            "assumption (Practice 1: a purpose 'communicated widely')",
        ),
    )

    def act(self, engine, weeks_in):
        every = self.p.workshop_every
        workshop = weeks_in % every == 0 and weeks_in // every < self.p.workshops
        hours = self.p.upkeep_hours + (self.p.workshop_hours if workshop else 0.0)
        self.spend_time(engine, self.mask, hours)
        engine.levers.purpose_anchor[:, self.mask] += self.p.anchor
        engine.levers.purpose_clarity[:, self.mask] += self.p.clarity


class DecisionMatrix(Intervention):
    name = "decision_matrix"
    title = "Decision-making matrix"
    summary = (
        "A matrix agreed by all partners says who must be involved in which decisions, so "
        "affected organisations are at the table and decisions stop going back and forth."
    )
    evidence = (
        "Practice 6: 'One ICS is developing a decision-making matrix that considers who needs "
        "to be involved in what decisions to ensure greater transparency'; otherwise decisions "
        "'go back and forth between the various groups'."
    )
    costs = ("setup_hours",)
    acts_through = ("decisions", "pressure")
    claims = (("shared_decisions", +1),)
    params = (
        Param(
            "setup_hours",
            6.0,
            0.0,
            24.0,
            "hours",
            "Hours of each target leader's week taken, in the first week, by agreeing the matrix.",
            "assumption (Practice 6: 'considers who needs to be involved in what decisions')",
        ),
    )

    def act(self, engine, weeks_in):
        self.setup_and_upkeep(engine, weeks_in, self.p.setup_hours, 0.0)
        engine.levers.decision_matrix[:, self.forum_mask] = 1.0


class DelegatedAuthority(Intervention):
    name = "delegated_authority"
    title = "Delegated authority to whoever attends"
    summary = (
        "Partners agree that whoever attends a neighbourhood, place or system meeting may "
        "decide, so deputies no longer stall decisions."
    )
    evidence = (
        "Practice 6: 'some ICSs have agreed a principle beforehand that delegated "
        "decision-making powers are given automatically to whoever attends ... so that "
        "decisions can be made in a timely manner'."
    )
    costs = ("setup_hours", "upkeep_hours")
    acts_through = ("decisions", "pressure")
    claims = (
        ("decision_latency", -1),
        ("shared_decisions", +1),
    )
    params = (
        Param(
            "delegation",
            0.7,
            0.0,
            1.0,
            "probability",
            "Added chance a deputy may decide.",
            "Practice 6",
        ),
        Param(
            "setup_hours",
            2.0,
            0.0,
            24.0,
            "hours",
            "Hours of each target leader's week taken, in the first week, by agreeing the "
            "principle.",
            "assumption (Practice 6: 'agreed a principle beforehand')",
        ),
        Param(
            "upkeep_hours",
            0.5,
            0.0,
            8.0,
            "hours/week",
            "Hours a week each target leader gives to briefing the deputies who may decide.",
            "assumption",
        ),
    )

    def act(self, engine, weeks_in):
        self.setup_and_upkeep(engine, weeks_in, self.p.setup_hours, self.p.upkeep_hours)
        engine.levers.delegation[:, self.mask] += self.p.delegation


class PowerSharing(Intervention):
    name = "power_sharing"
    title = "Share power in forums"
    summary = (
        "Forums balance voice: a rotating chair, 'equal-size dots', naming the power "
        "differences in the room. Smaller partners get a real say."
    )
    evidence = (
        "Practice 4: 'Most of us wanted equal-size dots and a network that holds them all "
        "together'; Lessons factor 3: 'acknowledging the perceived power differentials in the "
        "room at the outset'."
    )
    costs = ("setup_hours", "upkeep_hours")
    acts_through = ("power", "pressure")
    claims = (
        ("power_sharing", +1),
        ("power_not_shared_share", -1),
    )
    params = (
        Param(
            "equalisation",
            0.4,
            0.0,
            1.0,
            "share",
            "Added power-sharing level of the forums the targets sit in.",
            "Practice 4",
        ),
        Param(
            "setup_hours",
            4.0,
            0.0,
            24.0,
            "hours",
            "Hours of each target leader's week taken, in the first week, by naming the power "
            "differences in the room.",
            "assumption (Lessons factor 3: 'acknowledging the perceived power differentials in "
            "the room at the outset')",
        ),
        Param(
            "upkeep_hours",
            0.25,
            0.0,
            8.0,
            "hours/week",
            "Hours a week each target leader gives to a rotating chair and balancing voice.",
            "assumption",
        ),
    )

    def act(self, engine, weeks_in):
        self.setup_and_upkeep(engine, weeks_in, self.p.setup_hours, self.p.upkeep_hours)
        engine.levers.power_equalisation[:, self.forum_mask] += self.p.equalisation


class RewardCollaboration(Intervention):
    name = "reward_collaboration"
    title = "Reward collaborative behaviour"
    summary = (
        "Leaders at the top make collaboration the currency: collaborative behaviour is "
        "visibly recognised and rewarded, so others learn it."
    )
    evidence = (
        "Practice 3: 'people will emulate the behaviours that are rewarded. It must start from "
        "the top'; Practice, Where next: 'collaborative behaviours need to be rewarded'."
    )
    costs = ("upkeep_hours",)
    acts_through = ("learning", "pressure")
    claims = (
        ("collaborative_orientation", +1),
        ("collaboration_index", +1),
    )
    params = (
        Param(
            "reward",
            0.5,
            0.0,
            5.0,
            "payoff",
            "Reward for a fully collaborative orientation, in donation-game payoff units.",
            "Practice 3",
        ),
        Param(
            "upkeep_hours",
            0.5,
            0.0,
            8.0,
            "hours/week",
            "Hours a week each target leader gives to noticing and rewarding collaborative "
            "behaviour.",
            "assumption (Practice 3: 'It must start from the top')",
        ),
    )

    def act(self, engine, weeks_in):
        self.setup_and_upkeep(engine, weeks_in, 0.0, self.p.upkeep_hours)
        engine.levers.reward[:, self.mask] += self.p.reward


class CollaborateSelectively(Intervention):
    name = "collaborate_selectively"
    title = "Collaborate selectively"
    summary = (
        "Partners decide what not to collaborate on: joint work starts only where there is a "
        "real collaborative advantage, ending the endless meetings."
    )
    evidence = (
        "Practice, Where next: 'too often, people ... are trying to collaborate on everything "
        "and are ending up in endless meetings'; systems 'need to be more realistic and "
        "discerning about when to collaborate and when not to'."
    )
    costs = ("setup_hours",)
    acts_through = ("joint_work", "pressure")
    claims = (
        ("transaction_cost", -1),
        ("system_time", +1),
    )
    params = (
        Param(
            "min_advantage",
            0.35,
            0.0,
            1.0,
            "advantage",
            "Least collaborative advantage worth a joint project.",
            "Practice, Introduction (Huxham and Vangen 2005)",
        ),
        Param(
            "setup_hours",
            4.0,
            0.0,
            24.0,
            "hours",
            "Hours of each target leader's week taken, in the first week, by deciding what not to "
            "collaborate on.",
            "assumption (Practice, Where next: 'more realistic and discerning about when to "
            "collaborate')",
        ),
    )

    def act(self, engine, weeks_in):
        self.setup_and_upkeep(engine, weeks_in, self.p.setup_hours, 0.0)
        lv = engine.levers.selectivity
        lv[:, self.mask] = max(self.p.min_advantage, 0.0)


class SuccessionPlanning(Intervention):
    name = "succession_planning"
    title = "Succession planning"
    summary = (
        "Organisations plan who follows their leaders and hand on relationships, so a "
        "departure does not reset years of trust-building."
    )
    evidence = (
        "Miller, To conclude: 'succession planning is rarely done but is vital to avoid "
        "dependency on one or two individuals'; Lessons (Canterbury): 'continuity in the "
        "leadership community, familiarity developed over many years'."
    )
    costs = ("upkeep_hours",)
    acts_through = ("turnover", "pressure")
    claims = (("relationships", +1),)
    params = (
        Param(
            "handover",
            0.6,
            0.0,
            1.0,
            "share",
            "Added share of relationships handed on to a successor.",
            "Miller",
        ),
        Param(
            "upkeep_hours",
            0.5,
            0.0,
            8.0,
            "hours/week",
            "Hours a week each target leader gives to developing successors and introducing them "
            "to partners.",
            "assumption (Miller: succession planning 'is rarely done')",
        ),
    )

    def act(self, engine, weeks_in):
        self.setup_and_upkeep(engine, weeks_in, 0.0, self.p.upkeep_hours)
        engine.levers.succession[:, self.mask] += self.p.handover
