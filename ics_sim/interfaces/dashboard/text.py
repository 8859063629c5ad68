"""Plain-language words for the workshop dashboard: labels, explanations and time.

Everything the audience reads comes from here, so it can be checked in one place for
programmers' words. The six practices are those of The King's Fund report "The practice of
collaborative leadership across health and care services" (Walsh and de Sarandy, 2023).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...core.outcome_table import OUTCOME_TABLE
from ...core.registry import REGISTRY
from ...state.outcomes import PRACTICES

#: Short names of every outcome, as the dashboard shows them (from the one outcome table).
LABELS: dict[str, str] = {k: o.words for k, o in OUTCOME_TABLE.items()}

#: One sentence per practice and the index: what the number means, for a non-specialist.
MEANINGS: dict[str, str] = {k: o.meaning for k, o in OUTCOME_TABLE.items() if o.meaning}

#: The order the charts show the outcomes in: the overall index first, then the practices.
CHART_OUTCOMES: tuple[str, ...] = ("collaboration_index", *PRACTICES)


def mechanism_words() -> dict[str, str]:
    """What each mechanism of the weekly plan is about, in plain words (its own ``summary``,
    so a plugin mechanism brings its words with it)."""
    return {m.name: m.summary for m in REGISTRY.plan()}


#: Sentence case names of the kinds, plural, for targets ("the acute trusts").
KIND_PLURALS: dict[str, str] = {
    "icb": "the integrated care board",
    "acute": "the acute trusts",
    "community": "the community trusts",
    "mental_health": "the mental health trusts",
    "ambulance": "the ambulance trust",
    "primary_care": "primary care",
    "local_authority": "the councils",
    "vcse": "the voluntary sector",
}


def label(outcome: str) -> str:
    """The dashboard's name for an outcome."""
    return LABELS.get(outcome, outcome.replace("_", " ").capitalize())


def months(week: int) -> int:
    """Whole months in ``week`` weeks (52 weeks = 12 months)."""
    return round(week * 12 / 52)


def duration(weeks: int) -> str:
    """``weeks`` as months or years and months: '7 months', '2 years 6 months'."""
    if weeks < 9:
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    m = months(weeks)
    years, rest = divmod(m, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)


def when(week: int) -> str:
    """The time shown with the week number: 'Week 34 (8 months)', 'Week 0 (the start)'."""
    if week == 0:
        return "Week 0 (the start)"
    return f"Week {week} ({duration(week)})"


def level(x: float) -> str:
    """A number in [0, 1] as a word."""
    if x < 0.2:
        return "very low"
    if x < 0.4:
        return "low"
    if x < 0.6:
        return "moderate"
    if x < 0.8:
        return "high"
    return "very high"


def change(delta: float, threshold: float = 0.005) -> str:
    """A change as 'up 0.04', 'down 0.02' or 'no change'."""
    if abs(delta) < threshold:
        return "no change"
    return f"{'up' if delta > 0 else 'down'} {abs(delta):.2f}"


def join(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class Explanation:
    """What an intervention or shock is and why the model has it, for the audience."""

    name: str
    kind: str  # "intervention" or "shock"
    title: str
    summary: str
    evidence: str
    works_through: str
    effects: tuple[tuple[str, int], ...]  # (outcome label, +1 up or -1 down)
    who: str

    @property
    def expected(self) -> str:
        """'What the reports suggest: up: Healthy relationships; down: ...' (plain text)."""
        if not self.effects:
            return ""
        parts = [f"{'up' if s > 0 else 'down'}: {name}" for name, s in self.effects]
        return "What the reports suggest it does: " + "; ".join(parts) + "."


def explain(cls: type) -> Explanation:
    """The plain-language explanation of a registered intervention or shock class."""
    words = mechanism_words()
    through = [words.get(m, m.replace("_", " ")) for m in cls.acts_through]
    effects = tuple((label(o), 1 if sign > 0 else -1) for o, sign in cls.claims)
    kinds = tuple(dict(cls.default_targets).get("kinds", ()))
    if kinds:
        who = "Reaches " + join([KIND_PLURALS.get(k, k) for k in kinds]) + "."
    else:
        who = "Reaches every organisation in the system."
    return Explanation(
        name=cls.name,
        kind=cls.kind,
        title=cls.title,
        summary=cls.summary,
        evidence=cls.evidence,
        works_through="Works through " + join(through) + ".",
        effects=effects,
        who=who,
    )


def started_label(title: str, kind: str) -> str:
    """Marker text on the charts when an intervention starts or a shock hits."""
    return f"{title} {'starts' if kind == 'intervention' else 'hits'}"


def stopped_label(title: str, kind: str) -> str:
    """Marker text when an intervention stops or a shock ends."""
    return f"{title} {'stops' if kind == 'intervention' else 'ends'}"
