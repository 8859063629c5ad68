"""An example ics-sim plugin: a mechanism and an intervention, written outside the package.

Lessons factor 1: confidence grows "based on tangible accomplishments achieved together".
Celebrating a small win turns each joint project into an extra good experience for the pair.
"""

from __future__ import annotations

from ics_sim.interventions import Intervention
from ics_sim.mechanisms import Mechanism, Param


class SmallWins(Mechanism):
    """Each week, every tie with joint work gains ``small_wins_boost`` good experiences."""

    name = "small_wins"
    title = "Celebrating small wins"
    summary = "celebrating what was done together"
    after = "joint_work"  # after the week's joint work, before trust applies experiences
    reads = ("joint",)
    writes = ("good",)
    params = (
        Param(
            "small_wins_boost",
            0.5,
            0.0,
            2.0,
            "events per project",
            "Extra good experiences on a tie for each joint project celebrated.",
            "assumption; Lessons factor 1",
        ),
    )

    def step(self, s, lv, week: int) -> None:
        s.good += self.p.small_wins_boost * s.joint


class WalkingMeetings(Intervention):
    """Leaders of the targeted organisations walk and talk in pairs each week."""

    name = "walking_meetings"
    title = "Walking meetings"
    summary = "Leaders meet in pairs, away from the table, once a week."
    evidence = "Lessons factor 2: 'understanding the person behind the role'"
    acts_through = ("contact",)
    claims = (("relationships", +1),)
    params = (
        Param(
            "attendance", 0.5, 0.0, 1.0, "share", "Chance a leader joins in a week.", "assumption"
        ),
        Param("quality", 0.4, 0.0, 1.0, "contact", "Contact quality of one walk.", "assumption"),
    )

    def act(self, engine, weeks_in: int) -> None:
        self.meet(engine, self.p.attendance, self.p.quality)
