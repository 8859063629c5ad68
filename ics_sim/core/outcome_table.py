"""The one outcome table: every outcome's name, labels, unit, bounds and definition.

Plots, reports, the generated docs (docs/ODD.md) and the dashboard all read their words about
an outcome from :data:`OUTCOME_TABLE`, so a label or a definition is written once. The values
are computed from the state each week by :mod:`ics_sim.state.outcomes`.

The six practices of Practice (Key messages) are six indicators in [0, 1]; the
``collaboration_index`` is their mean.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """One outcome and everything said about it."""

    name: str
    label: str  # plain-language title for figures and reports
    words: str  # the dashboard's short words for a workshop audience
    unit: str  # axis label
    lo: float  # lowest possible value
    hi: float | None  # highest possible value (None: unbounded)
    definition: str  # how it is measured (rendered into docs/ODD.md)
    meaning: str = ""  # one sentence for a non-specialist audience (practices and index)
    practice: bool = False  # one of the six practices

    @property
    def unit_interval(self) -> bool:
        """A level in [0, 1]: figures always show the whole range."""
        return self.unit == LEVEL


#: The unit of levels in [0, 1].
LEVEL = "Level (0 to 1)"

#: Every outcome, in the order of the output columns.
OUTCOME_TABLE: dict[str, Outcome] = {
    "safety": Outcome(
        name="safety",
        label="Safe, inclusive, trusting environment",
        words="Safe to speak up",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Mean psychological safety of the organisations: how safe each feels to voice a "
            "different perspective in system forums (Practice 1)."
        ),
        meaning=(
            "How safe leaders feel to voice a different view in system meetings (Practice 1). In "
            "the King's Fund survey, half said it was not safe enough."
        ),
        practice=True,
    ),
    "relationships": Outcome(
        name="relationships",
        label="Healthy relationships",
        words="Healthy relationships",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Sum over existing directed ties of sqrt(trust x familiarity), per directed tie of "
            "the starting network (so a new tie adds and a faded one takes away, rather than "
            "new weak ties diluting a mean): healthy relationships need both trust and knowing "
            "the person behind the role (Practice 2)."
        ),
        meaning=(
            "How well leaders know and trust the people behind the roles in other organisations "
            "(Practice 2)."
        ),
        practice=True,
    ),
    "shared_purpose": Outcome(
        name="shared_purpose",
        label="Shared purpose and identity",
        words="Shared purpose",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Mean alignment of the organisations' aims: alignment_i = max(0, 1 - 2 mean_d |aim_id "
            "- centre_d|), centre = mean aim of the organisation's ICS (Practice 3)."
        ),
        meaning="How far the organisations' aims point the same way (Practice 3).",
        practice=True,
    ),
    "power_sharing": Outcome(
        name="power_sharing",
        label="Power shared",
        words="Power shared",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Mean perceived power sharing: each organisation's voice relative to the largest voice "
            "in the forums it attends ('equal-size dots'), smoothed over meetings (Practice 4)."
        ),
        meaning=(
            "How much of a say each organisation feels it has in the forums it sits in, compared "
            "with the loudest voice (Practice 4)."
        ),
        practice=True,
    ),
    "conflict_health": Outcome(
        name="conflict_health",
        label="Conflict surfaced and managed",
        words="Conflict surfaced and managed",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "(surfaced_credit x surfaced + recently resolved + voice_prior x voice) / (surfaced "
            "+ recently resolved + festering + voice_prior) conflicts (pairs), voice = 1 - "
            "unsafe_share; so it is the share safe to voice difference when there are none "
            "(Lessons factor 3: 'The absence of conflicts can be more worrying than their "
            "presence'). Recently resolved = resolutions smoothed over about 52 weeks; surfaced "
            "but unresolved conflicts count half (Practice 5: 'resolving them quickly and fairly')."
        ),
        meaning=(
            "Of the disagreements between organisations, the share brought into the open and "
            "worked through rather than left to fester (Practice 5)."
        ),
        practice=True,
    ),
    "shared_decisions": Outcome(
        name="shared_decisions",
        label="Shared decision-making",
        words="Decisions made together",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Mean of three smoothed measures of forum decisions: throughput (decisions per "
            "proposal considered), acceptability, and inclusion (share of affected organisations "
            "present with authority when decided) (Practice 6)."
        ),
        meaning=(
            "Whether forums reach decisions, whether those affected can accept them, and whether "
            "they were at the table (Practice 6)."
        ),
        practice=True,
    ),
    "collaboration_index": Outcome(
        name="collaboration_index",
        label="Collaboration index (mean of the six practices)",
        words="Collaboration overall",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition="Mean of the six practice indicators.",
        meaning=(
            "The average of the six practices: a single summary of how well the system is "
            "collaborating."
        ),
    ),
    "mean_trust": Outcome(
        name="mean_trust",
        label="Mean trust",
        words="Trust between organisations",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition="Mean trust over all existing directed ties.",
    ),
    "cross_sector_trust": Outcome(
        name="cross_sector_trust",
        label="Trust across sectors",
        words="Trust across NHS, council and voluntary sector",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Mean trust over existing ties between different sectors (NHS, local government, VCSE)."
        ),
    ),
    "unsafe_share": Outcome(
        name="unsafe_share",
        label="Share not feeling safe to speak up",
        words="Leaders not feeling safe to speak up",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Share of senior leaders whose safety is below 0.5: they do not feel safe to voice a "
            "different perspective (survey, Practice 1: about half of respondents). Each "
            "organisation stands for its leaders (by kind), whose safety varies around the "
            "organisation's (ics_sim.state.people)."
        ),
    ),
    "power_not_shared_share": Outcome(
        name="power_not_shared_share",
        label="Share feeling power is not shared",
        words="Leaders feeling power is not shared",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Share of senior leaders whose perceived power sharing is below 0.5 (survey, Practice "
            "4: more than half of respondents); leaders vary around their organisation as for "
            "unsafe_share."
        ),
    ),
    "power_gini": Outcome(
        name="power_gini",
        label="Concentration of power (Gini)",
        words="How concentrated power is",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition="Gini coefficient of organisations' power.",
    ),
    "decisions_made": Outcome(
        name="decisions_made",
        label="Decisions made",
        words="Decisions made this week",
        unit="Decisions per week",
        lo=0.0,
        hi=None,
        definition="Number of forum decisions made this week.",
    ),
    "decision_latency": Outcome(
        name="decision_latency",
        label="Time from proposal to decision",
        words="Weeks from proposal to decision",
        unit="Weeks",
        lo=0.0,
        hi=None,
        definition="Smoothed weeks from a proposal being tabled to its decision.",
    ),
    "decision_acceptability": Outcome(
        name="decision_acceptability",
        label="Acceptability of decisions",
        words="How acceptable decisions are to those affected",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Smoothed mean acceptability of decisions to the affected organisations (1 - mean |aim "
            "- decision|, Choi and Robertson 2014)."
        ),
    ),
    "decision_equity": Outcome(
        name="decision_equity",
        label="Equity of decisions",
        words="How evenly decisions suit those affected",
        unit="Level",
        lo=0.0,
        hi=1.0,
        definition=(
            "Smoothed 1 - 2 x standard deviation of acceptability among the affected organisations "
            "(Choi and Robertson 2014)."
        ),
    ),
    "conflicts_festering": Outcome(
        name="conflicts_festering",
        label="Conflicts festering",
        words="Conflicts left to fester",
        unit="Pairs of organisations",
        lo=0.0,
        hi=None,
        definition=(
            "Number of tied pairs of organisations in a conflict that has arisen and not been "
            "surfaced."
        ),
    ),
    "system_time": Outcome(
        name="system_time",
        label="Leaders' time on system work",
        words="Leaders' time given to the system",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition="Mean share of leaders' time spent on system work.",
    ),
    "joint_value": Outcome(
        name="joint_value",
        label="Value of joint work",
        words="Value of joint work",
        unit="Value per organisation",
        lo=0.0,
        hi=None,
        definition="Value of successful joint work this week, per organisation.",
    ),
    "transaction_cost": Outcome(
        name="transaction_cost",
        label="Time lost to transaction costs",
        words="Time lost to low trust",
        unit="Share of system time",
        lo=0.0,
        hi=1.0,
        definition="Mean share of system time lost to transaction costs of low trust.",
    ),
    "collaborative_orientation": Outcome(
        name="collaborative_orientation",
        label="Collaborative orientation of leaders",
        words="Leaders' collaborative outlook",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Mean collaborative orientation of leaders (altruism versus self-interest, Lessons "
            "factor 4)."
        ),
    ),
    "tie_density": Outcome(
        name="tie_density",
        label="Density of the relationship network",
        words="How connected organisations are",
        unit=LEVEL,
        lo=0.0,
        hi=1.0,
        definition=(
            "Share of the candidate pairs (every pair of organisations of one ICS, and pairs of "
            "different ICSs that share a forum) that are tied now: ties form through contact "
            "and introductions and fade when unused."
        ),
    ),
}

#: Names of every outcome, in column order.
OUTCOMES: tuple[str, ...] = tuple(OUTCOME_TABLE)
#: The six practices.
PRACTICES: tuple[str, ...] = tuple(k for k, o in OUTCOME_TABLE.items() if o.practice)
#: Label of each practice.
PRACTICE_LABELS: dict[str, str] = {k: OUTCOME_TABLE[k].label for k in PRACTICES}
#: Definition of each outcome (rendered into docs/ODD.md).
OUTCOME_DOCS: dict[str, str] = {k: o.definition for k, o in OUTCOME_TABLE.items()}


def label_of(outcome: str) -> str:
    """The plain-language label of an outcome (its name, spelt out, if it is not one)."""
    o = OUTCOME_TABLE.get(outcome)
    return o.label if o else outcome.replace("_", " ").capitalize()


def unit_of(outcome: str) -> str:
    """The axis label of an outcome's values."""
    o = OUTCOME_TABLE.get(outcome)
    return o.unit if o else "Value"
