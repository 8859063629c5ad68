"""Validation as tables: calibration targets, patterns, local sensitivity, replicates.

What the validation report (:mod:`ics_sim.reporting.validation_report`, ``ics-sim validate``)
shows is computed here and returned as tables; drawing and writing are the report's. It follows
TRACE (Grimm et al. 2014) for the evidence that the model was verified and analysed, and
STRESS-ABS (Monks et al. 2019) for replicates, warm-up and seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..core.outcome_table import OUTCOMES
from ..mechanisms import MECHANISMS
from ..scenarios.schema import from_dict
from ..sim.engine import all_params
from ..sim.runner import run_scenario

CALIBRATION = {
    "unsafe_share": (
        "about one half",
        0.4,
        0.6,
        "Half of our survey respondents stated they are working in a system where "
        "it is not safe enough to voice a different perspective (Practice 1)",
    ),
    "power_not_shared_share": (
        "more than one half",
        0.5,
        1.0,
        "More than 50 per cent of our survey respondents felt that power "
        "was not being well shared (Practice 4)",
    ),
}


#: Why an effect of 0.01 on a level in [0, 1] is the smallest that counts (``Pattern.min_effect``).
LEVEL_CRITERION = (
    "0.01 on a level in [0, 1]: one point on a 100-point scale. Smaller differences cannot be "
    "seen in the evidence the model answers to (the survey's 50 or so respondents resolve a "
    "share to about +/-0.14) and would not change what a leader does"
)


#: The third survey figure the main report gives in its text (Figures 3 and 4 are images
#: without numbers), checked as the two above are. It sets ``surface_rate`` (docs/calibration.py,
#: issue 14), so no survey figure is held out.
CONFLICT_TARGET = {
    "conflict_health": (
        "most (more than one half)",
        0.5,
        1.0,
        "Most survey respondents indicated they are surfacing and managing conflict "
        "(see Figure 4) (Practice 5)",
    ),
}


@dataclass(frozen=True)
class Pattern:
    """A stylised fact shown as a paired comparison of two scenarios.

    It is shown when the paired difference is in the expected direction, its 95% interval
    excludes zero, and its mean is at least ``min_effect`` (the smallest meaningful effect,
    justified in ``criterion``): an interval that excludes zero is not enough. ``encoding``
    names the mechanisms that directly encode the claim; the same comparison is run with only
    them on, so a reader sees whether the pattern needs the other mechanisms (issue 14).
    """

    name: str
    source: str
    outcome: str
    sign: int
    baseline: dict
    changed: dict
    encoding: tuple[str, ...] = ()
    min_effect: float = 0.01
    criterion: str = LEVEL_CRITERION
    #: Replicates as a multiple of the report's (more where the effect is small).
    reps_factor: int = 1
    #: How the two arms are matched in dose, where they compare interventions.
    dose: str = ""
    #: Why the revised model is not expected to show it (empty: it is expected to).
    caveat: str = ""

    def shown(self, mean: float, lo: float, hi: float) -> bool:
        """In the expected direction, interval excluding zero, effect at least the criterion."""
        if self.sign > 0:
            return bool(lo > 0 and mean >= self.min_effect)
        return bool(hi < 0 and mean <= -self.min_effect)


def _scn(name: str, **kw) -> dict:
    return {"name": name, **kw}


#: Four peripheral organisations of the default ICS, one of each kind that has a leader of
#: its own, to match the four of the powerful arm (the ICB and the three acute trusts).
PERIPHERAL_FOUR = ("Community trust 1", "Mental health trust 1", "Local authority 1", "VCSE 1")

SIX_PRACTICES = (
    "big_breakfast",
    "open_space",
    "shared_purpose",
    "power_sharing",
    "conflict_coaching",
    "decision_matrix",
    "delegated_authority",
)

PATTERNS = (
    Pattern(
        "Resource scarcity drives retreat into silos",
        "Practice, Where next: 'staff and leaders will revert into their organisational silos'",
        "system_time",
        -1,
        _scn("Baseline"),
        _scn("Financial squeeze", shocks=[{"type": "financial_squeeze"}]),
        encoding=("pressure",),
        criterion=(
            "0.01 of a leader's week taken from system work (half an hour of a 50-hour "
            "`leadership_week`): less would not be noticed as a retreat"
        ),
    ),
    Pattern(
        "Continuity of leadership matters",
        "Lessons factor 1: harder 'where leaders have moved on frequently'",
        "relationships",
        -1,
        _scn("Baseline"),
        _scn("Leadership churn", shocks=[{"type": "leadership_churn"}]),
        encoding=("turnover", "contact"),
    ),
    Pattern(
        "Collaborating on everything wastes capacity",
        "Practice, Where next: 'endless meetings ... with little, if any, gain'",
        "transaction_cost",
        +1,
        _scn("Baseline"),
        _scn("Collaborate on everything", parameters={"joint_threshold": 0.05, "joint_rate": 0.5}),
        encoding=("joint_work", "transaction_costs"),
        criterion=(
            "0.01 of system time lost to transaction costs (half an hour of a 50-hour week, "
            "as for the squeeze)"
        ),
    ),
    Pattern(
        "Small wins feed trust",
        "Lessons factor 1: confidence 'based on tangible accomplishments achieved together'",
        "mean_trust",
        -1,
        _scn("Baseline"),
        _scn("No credit for small wins", parameters={"win_evidence": 0.0}),
        encoding=("joint_work", "trust"),
        reps_factor=2,
    ),
    Pattern(
        "Informal contact between peripheral organisations does more than more meetings "
        "among the powerful",
        "Model notes, section 7 (the project's own notes); Practice 1",
        "collaboration_index",
        +1,
        _scn(
            "Powerful meet more",
            interventions=[
                {
                    "type": "big_breakfast",
                    "targets": {"kinds": ["icb", "acute"]},
                    "params": {"safety": 0.0},
                }
            ],
        ),
        _scn(
            "Peripheral partners meet",
            interventions=[
                {
                    "type": "big_breakfast",
                    "targets": {"names": list(PERIPHERAL_FOUR)},
                    "params": {"safety": 0.0},
                }
            ],
        ),
        encoding=("contact", "trust"),
        reps_factor=2,
        dose=(
            "dose-matched: four organisations in each arm (the ICB and the three acute trusts; "
            "a community, a mental health trust, a council and a voluntary organisation), the "
            "same breakfasts, so the same attendee-hours and at most 12 directed ties among "
            "attendees in each arm"
        ),
    ),
    Pattern(
        "Unsafe systems look calm but conflicts fester",
        "Lessons factor 3: 'the absence of conflicts can be more worrying than their presence'",
        "conflict_health",
        -1,
        _scn("Baseline"),
        _scn("Blame culture", shocks=[{"type": "blame_culture"}]),
        encoding=("safety", "conflict"),
    ),
    Pattern(
        "The six practices work together",
        "Practice, section 3: the practices 'should be viewed together'",
        "collaboration_index",
        +1,
        _scn("Baseline"),
        _scn("All six practices", interventions=[{"type": t} for t in SIX_PRACTICES]),
        # What the seven interventions act through (their ``acts_through``).
        encoding=(
            "contact",
            "safety",
            "pressure",
            "conflict",
            "purpose",
            "joint_work",
            "power",
            "decisions",
            "learning",
        ),
    ),
)

#: The identity check: with contact, joint work, conflict and the changing network off no
#: experience reaches any tie, so zero drift in trust is algebra. It verifies the code; it is
#: not a null model that could fail.
IDENTITY = _scn("Identity check", mechanisms_off=["contact", "joint_work", "conflict", "ties"])
NULL = IDENTITY  # the name the report used before issue 14


@dataclass(frozen=True)
class NullModel:
    """A null model that can fail (pattern-oriented modelling, Grimm et al. 2005): the model
    with one structural assumption removed through a declared switch, its scenario file
    ``scenarios/null_<key>.yaml``, and for each pattern the expectation, written before any
    run: ``True`` when the pattern should survive, with the reason."""

    key: str
    name: str
    removes: str
    parameters: dict
    expect: dict[str, tuple[bool, str]]
    mechanisms_off: tuple[str, ...] = ()

    def apply(self, spec: dict) -> dict:
        """``spec`` with this null's switches added."""
        out = dict(spec)
        out["parameters"] = {**spec.get("parameters", {}), **self.parameters}
        off = [*spec.get("mechanisms_off", []), *self.mechanisms_off]
        if off:
            out["mechanisms_off"] = off
        return out


_P = [p.name for p in PATTERNS]

NULL_MODELS = (
    NullModel(
        "symmetric_trust",
        "Symmetric trust",
        "the direction of trust: i's trust in j is made j's in i every week",
        {"trust_symmetry": 1.0},
        {
            _P[0]: (True, "the squeeze acts on pressure and system time, not on trust"),
            _P[1]: (True, "churn removes familiarity and personal trust in both directions"),
            _P[2]: (True, "the distrust on joint projects is averaged, not removed"),
            _P[3]: (True, "a win is a good experience for both partners; the mean is kept"),
            _P[4]: (
                False,
                "the small partners' extra gain rests on their low trust in each other and the "
                "powerful's low trust in them differing; averaged, the two arms should converge",
            ),
            _P[5]: (True, "blame acts through safety, which reads trust only as a mean"),
            _P[6]: (True, "the practices act on contact, safety, power and decisions"),
        },
    ),
    NullModel(
        "random_mixing",
        "Random mixing without forums",
        "who meets whom: the week's forum and informal contact goes to random pairs",
        {"random_mixing": 1},
        {
            _P[0]: (True, "system time does not depend on who meets whom"),
            _P[1]: (True, "a successor still loses what the predecessor knew"),
            _P[2]: (True, "joint projects still form between trusted partners"),
            _P[3]: (True, "wins still come from joint work"),
            _P[4]: (
                False,
                "with no forums the powerful no longer meet each other more than anyone else, "
                "so their breakfast adds as much new contact as the small partners'",
            ),
            _P[5]: (True, "blame acts through safety"),
            _P[6]: (True, "the practices do not need forum structure to add contact"),
        },
    ),
    NullModel(
        "no_legacy",
        "No legacy",
        "the history of past relationships: every pair starts with legacy zero",
        {"legacy_scale": 0.0},
        {
            _P[0]: (True, "the squeeze does not act through legacy"),
            _P[1]: (True, "churn removes what was built, whatever the history"),
            _P[2]: (True, "distrust on joint projects remains; only its start is higher"),
            _P[3]: (True, "wins still build trust, faster without legacy drag"),
            _P[4]: (
                True,
                "weaker, since legacy mistrust across sectors is what the small partners' "
                "contact repairs, but their contact still adds",
            ),
            _P[5]: (True, "blame acts through safety"),
            _P[6]: (True, "the practices do not act through legacy"),
        },
    ),
    NullModel(
        "no_pressure_feedback",
        "No pressure feedback",
        "feedback from the system to pressure: stress follows imposed income only and "
        "transaction costs do not take system time",
        {"pressure_feedback": 0},
        {
            _P[0]: (True, "the squeeze's cut still raises pressure, now at once"),
            _P[1]: (True, "churn does not act through pressure"),
            _P[2]: (True, "transaction costs are still counted, they just cost no time"),
            _P[3]: (True, "wins do not act through pressure"),
            _P[4]: (True, "contact does not act through pressure feedback"),
            _P[5]: (True, "blame acts through safety"),
            _P[6]: (
                True,
                "larger if anything: hosting no longer strains budgets",
            ),
        },
    ),
)

#: The mechanisms the calibration null switches off: everything by which organisations gain
#: experience of each other, decide together or share purpose (issue 14).
NO_INTERACTION_OFF = (
    "contact",
    "joint_work",
    "conflict",
    "decisions",
    "purpose",
    "learning",
    "trust",
)

#: Written before the run: what the calibration null should show if the targets were emergent.
CALIBRATION_NULL_EXPECTATION = (
    "If the survey shares were emergent, switching off every mechanism by which organisations "
    "meet, work and decide together should move them out of their targets. Expected (issue 14 "
    "measured unsafe 0.422, not shared 0.509): both stay within, because the unsafe share is "
    "set by `safety_base` and the initial traits through the safety mechanism's own target, "
    "and the power share by `power_voice_exponent` and the initial power, both calibrated; the "
    "targets are then properties of the initialisation and calibration, not emergent."
)


def ci(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of ``x``."""
    m = float(np.mean(x))
    if len(x) < 2:
        return m, np.nan, np.nan
    h = float(stats.t.ppf(0.975, len(x) - 1) * np.std(x, ddof=1) / np.sqrt(len(x)))
    return m, m - h, m + h


def paired(a: pd.DataFrame, b: pd.DataFrame, outcome: str) -> np.ndarray:
    """Per seed, b minus a: the mean of ``outcome`` over the last 52 weeks."""
    last = a["week"].max()
    sa = a[a["week"] > last - 52].groupby("seed")[outcome].mean()
    sb = b[b["week"] > last - 52].groupby("seed")[outcome].mean()
    return (sb - sa).to_numpy()


def baseline(reps: int, weeks: int) -> pd.DataFrame:
    """The baseline's outcomes, ``reps`` replicates of ``weeks`` weeks."""
    return run_scenario(from_dict(_scn("Baseline")), replicates=reps, weeks=weeks)


def calibration_table(base: pd.DataFrame, targets: dict | None = None) -> pd.DataFrame:
    """Each survey target (:data:`CALIBRATION`, or ``targets``) at week 0, half way and the
    end: mean, 95% CI, within target."""
    W = int(base["week"].max())
    rows = []
    for k, (label, lo, hi, quote) in (CALIBRATION if targets is None else targets).items():
        for w in (0, W // 2, W):
            m, a, b = ci(base.loc[base["week"] == w, k].to_numpy())
            rows.append(
                {
                    "measure": k,
                    "target": label,
                    "quote": quote,
                    "week": w,
                    "mean": m,
                    "lo": a,
                    "hi": b,
                    "within": lo <= m <= hi,
                }
            )
    return pd.DataFrame(rows)


class Runs:
    """Scenario runs shared between the tables, each run once per (spec, replicates)."""

    def __init__(self, weeks: int):
        self.weeks = weeks
        self.cache: dict[tuple[str, int], pd.DataFrame] = {}

    def __call__(self, spec: dict, reps: int) -> pd.DataFrame:
        key = (repr(sorted(spec.items())), reps)
        if key not in self.cache:
            self.cache[key] = run_scenario(from_dict(spec), replicates=reps, weeks=self.weeks)
        return self.cache[key]


def only(spec: dict, keep: tuple[str, ...]) -> dict:
    """``spec`` with every mechanism but ``keep`` switched off."""
    return {**spec, "mechanisms_off": [m for m in MECHANISMS if m not in keep]}


def compare(pat: Pattern, a: pd.DataFrame, b: pd.DataFrame) -> dict:
    """One pattern's paired difference: mean, 95% CI, standardised effect, and verdict."""
    m, lo, hi = ci(paired(a, b, pat.outcome))
    last = a["week"].max()
    sd = float(a[a["week"] > last - 52].groupby("seed")[pat.outcome].mean().std(ddof=1))
    return {
        "difference": m,
        "lo": lo,
        "hi": hi,
        "d": m / sd if sd > 0 else np.nan,
        "shown": pat.shown(m, lo, hi),
        "verdict": verdict(pat, m, lo, hi),
    }


def verdict(pat: Pattern, mean: float, lo: float, hi: float) -> str:
    """``shown``; ``absent`` when the mean falls short of the criterion (or has the wrong
    sign); ``unresolved`` when the mean reaches it but the interval still includes zero (too
    few replicates to tell)."""
    if pat.shown(mean, lo, hi):
        return "shown"
    if pat.sign * mean >= pat.min_effect:
        return "unresolved"
    return "absent"


def interaction(
    pat: Pattern, full: float, enc: float, enc_shown: bool, full_shown: bool = True
) -> str:
    """Whether the pattern needs mechanisms beyond those that encode it."""
    if not full_shown:
        return "not shown in the full model"
    if not enc_shown:
        return "needs the interaction"
    if abs(enc - full) <= max(pat.min_effect, 0.25 * abs(full)):
        return "encoded directly"
    return "encoded, changed by the rest"


def patterns_table(reps: int, weeks: int, runs: Runs | None = None) -> tuple[pd.DataFrame, float]:
    """Each pattern's paired difference (changed minus baseline arm) with its 95% CI,
    standardised effect ``d`` (over the baseline arm's spread between replicates), whether it
    is shown (:meth:`Pattern.shown`), and the same with only its encoding mechanisms on
    (``enc_*``); and the identity check's largest drift in mean trust (zero by algebra)."""
    run = runs or Runs(weeks)
    rows = []
    for pat in PATTERNS:
        n = reps * pat.reps_factor
        full = compare(pat, run(pat.baseline, n), run(pat.changed, n))
        enc = compare(
            pat, run(only(pat.baseline, pat.encoding), n), run(only(pat.changed, pat.encoding), n)
        )
        rows.append(
            {
                "pattern": pat.name,
                "source": pat.source,
                "outcome": pat.outcome,
                "sign": pat.sign,
                "min_effect": pat.min_effect,
                "replicates": n,
                **full,
                "encoding": ", ".join(pat.encoding),
                **{f"enc_{k}": v for k, v in enc.items()},
                "interaction": interaction(
                    pat, full["difference"], enc["difference"], enc["shown"], full["shown"]
                ),
            }
        )
    ident = run(IDENTITY, reps)
    drift = float(ident.groupby("seed")["mean_trust"].agg(lambda x: x.max() - x.min()).max())
    return pd.DataFrame(rows), drift


def null_table(
    reps: int,
    weeks: int,
    runs: Runs | None = None,
    nulls: tuple[NullModel, ...] = NULL_MODELS,
    patterns: tuple[Pattern, ...] = PATTERNS,
) -> pd.DataFrame:
    """For each null model and pattern: the expectation (fixed before the run), the paired
    difference under the null, whether the pattern survives and whether that was expected."""
    run = runs or Runs(weeks)
    rows = []
    for null in nulls:
        for pat in patterns:
            n = reps * pat.reps_factor
            got = compare(pat, run(null.apply(pat.baseline), n), run(null.apply(pat.changed), n))
            expected, why = null.expect[pat.name]
            rows.append(
                {
                    "null": null.name,
                    "pattern": pat.name,
                    "outcome": pat.outcome,
                    "expected": expected,
                    "why": why,
                    **got,
                    "survives": got["shown"],
                    # An unresolved pattern neither survives nor disappears: no verdict.
                    "as_expected": None
                    if got["verdict"] == "unresolved"
                    else got["shown"] == expected,
                }
            )
    return pd.DataFrame(rows)


def calibration_null_table(reps: int, weeks: int) -> pd.DataFrame:
    """The calibration targets with every interaction mechanism off
    (:data:`NO_INTERACTION_OFF`), beside the baseline's: ``within`` for each."""
    null = run_scenario(
        from_dict(_scn("No interaction", mechanisms_off=list(NO_INTERACTION_OFF))),
        replicates=reps,
        weeks=weeks,
    )
    return calibration_table(null)


#: The null-model switches (their defaults are the model as described; issue 14).
NULL_SWITCHES = frozenset({"trust_symmetry", "random_mixing", "legacy_scale", "pressure_feedback"})

#: Parameters of the initial state's noise, the warm-up and the null-model switches, left out
#: of local sensitivity.
NOT_SCREENED = (
    frozenset(
        {
            "warmup_weeks",
            "trait_noise",
            "aim_noise",
            "legacy_noise",
            "trust_noise",
            "familiarity_noise",
        }
    )
    | NULL_SWITCHES
)

#: A parameter is inert at its defaults when moving it by 10% of its range either side moves
#: no outcome by more than this share of the outcome's spread between baseline replicates.
INERT_SHARE = 0.1

#: Why a parameter is (nearly) inert at the defaults: ``intended`` when the mechanism means it
#: to act only in some settings (the validation report shows it acting in that setting: see
#: :data:`INERT_CONTEXTS`), ``limitation`` when the mechanism as built rarely engages it and the
#: reason is known (left as it is, and said so), ``next`` when it has not been examined.
INERT_REASONS: dict[str, tuple[str, str]] = {
    "proposal_value_min": (
        "limitation",
        "a proposal's value matters only once failed votes wear it down to `min_value`; about "
        "one vote in ten fails at the defaults, and even under a blame culture few proposals "
        "are worn that far before they pass or time out (`patience`)",
    ),
    "patience": (
        "intended",
        "few proposals are still live after 26 weeks in the baseline; where votes fail (a "
        "blame culture) how long a proposal is kept alive matters",
    ),
    "purpose_selectivity": (
        "intended",
        "acts only through an agreed shared purpose (the `purpose_clarity` lever), which the "
        "baseline has not",
    ),
    "initial_familiarity": (
        "intended",
        "an initial value: the warm-up is there to wash initial values out (Monks et al. 2019)",
    ),
    "financial_weight": (
        "intended",
        "acts through a budget below its usual level, which only a financial squeeze brings",
    ),
    "power_rate": (
        "intended",
        "power follows its sources, and in the baseline they stay near their usual level "
        "(resources, and influence, which is relative to the ICS's mean standing); a provider "
        "collaborative moves the sources",
    ),
    "authority_weight": (
        "intended",
        "in the baseline budgets stay near their usual level, so formal authority and resources "
        "give the same power; their mix matters under a squeeze or a provider collaborative",
    ),
    "resource_weight": ("intended", "as `authority_weight`"),
    "influence_weight": (
        "intended",
        "influence is relative to the ICS's mean standing and stays within a few per cent of "
        "the base power in the baseline; when structure moves power (a provider "
        "collaborative) earned influence is what holds the others' share",
    ),
    "influence_rate": ("intended", "as `influence_weight`"),
    "resource_power_exponent": (
        "intended",
        "as `power_rate`: budgets stay near their usual level in the baseline",
    ),
    "confidence_bound": (
        "intended",
        "at its default of 1 every partner is listened to; bounded confidence is an option "
        "(no shipped scenario uses it)",
    ),
    "leadership_week": (
        "intended",
        "converts an intervention's hours into a share of system time; the baseline has no "
        "intervention, so nothing costs hours",
    ),
    "attention_crowding": (
        "intended",
        "makes an intervention's hours cost more under pressure; no intervention, no hours",
    ),
    "acute_week_budget": (
        "intended",
        "converts money spent hosting into lost income; the baseline spends none, and the "
        "shipped interventions' sums are tiny against budgets (a breakfast's 0.5 thousand "
        "pounds is under 0.01% of an acute trust's week), as in the seeds, where time and "
        "attention, not money, are what collaboration costs",
    ),
    "pressure_noise": (
        "intended",
        "zero-mean week-to-week noise around a pressure that relaxes toward its target: it "
        "spreads pressure (stationary sd about 2.3 times `pressure_noise`) without moving its "
        "mean, so outcomes respond only through the curvature of the mechanisms",
    ),
    "coop_steepness": (
        "intended",
        "how sharply self-interested leaders respond to the shadow of the future; at the "
        "defaults helping pays (reciprocity times shadow times benefit well above cost) and "
        "the logistic is near 1 either side; it bites where trust and contact fall",
    ),
    "resource_return": (
        "intended",
        "what a successful project returns to budgets; budgets stay near their usual level in "
        "the baseline, and it matters when a squeeze makes money scarce",
    ),
    "compromise_cost": (
        "intended",
        "acts only on votes that fail; few do at the defaults, more under a blame culture or "
        "when a decision matrix changes who decides",
    ),
    "strong_hand": ("intended", "as `compromise_cost`"),
    "broker_threshold": (
        "limitation",
        "brokered trust replaces direct trust only where `broker_weight * T_ib * T_bj` beats "
        "it: at trust levels of about 0.5 the chain gives about 0.2, below almost every "
        "direct tie, so working 'through someone else' (Practice 2) is rare even when trust "
        "is damaged; making it matter would need a different rule (for example a broker "
        "chosen for the partner), left as it is",
    ),
    "broker_weight": ("limitation", "as `broker_threshold`"),
    "selection": (
        "intended",
        "how strongly imitation follows payoff differences; in the baseline partners' payoffs "
        "differ little, and a reward for collaboration makes them differ",
    ),
}

#: Where each parameter that is inert in the baseline is meant to act: a setting (events as a
#: scenario file would switch them on, named after the shipped scenario they mirror) in which
#: the validation report moves it again, to show it is not dead code.
INERT_CONTEXTS: dict[str, tuple[str, dict]] = {}


def _ctx(scenario: str, interventions=(), shocks=()) -> tuple[str, dict]:
    return scenario, {
        "interventions": [{"type": t, "start": s} for t, s in interventions],
        "shocks": [{"type": t, "start": s} for t, s in shocks],
    }


_SQUEEZE_BREAKFAST = _ctx(
    "squeeze_with_breakfast", [("big_breakfast", 0)], [("financial_squeeze", 26)]
)
_PROGRAMME = _ctx(
    "full_programme",
    [
        (t, 26)
        for t in (
            "big_breakfast",
            "open_space",
            "shared_purpose",
            "power_sharing",
            "conflict_coaching",
            "decision_matrix",
            "delegated_authority",
        )
    ],
)
_SQUEEZE = _ctx("financial_squeeze", shocks=[("financial_squeeze", 26)])
_COLLABORATIVE = _ctx("provider_collaborative_power", shocks=[("provider_collaborative", 26)])
_BLAME = _ctx("blame_culture", shocks=[("blame_culture", 26)])
INERT_CONTEXTS.update(
    {
        "leadership_week": _SQUEEZE_BREAKFAST,
        "attention_crowding": _SQUEEZE_BREAKFAST,
        "acute_week_budget": _PROGRAMME,
        "pressure_noise": _SQUEEZE,
        "financial_weight": _SQUEEZE,
        "resource_weight": _SQUEEZE,
        "resource_power_exponent": _SQUEEZE,
        "resource_return": _SQUEEZE,
        "power_rate": _COLLABORATIVE,
        "authority_weight": _COLLABORATIVE,
        "influence_weight": _COLLABORATIVE,
        "influence_rate": _COLLABORATIVE,
        "coop_steepness": _BLAME,
        "strong_hand": _BLAME,
        "patience": _BLAME,
        "proposal_value_min": _BLAME,
        "broker_threshold": _BLAME,
        "broker_weight": _BLAME,
        "compromise_cost": _ctx("decision_matrix", [("decision_matrix", 26)]),
        "selection": _ctx("reward_collaboration", [("reward_collaboration", 26)]),
        "purpose_selectivity": _ctx("shared_purpose", [("shared_purpose", 26)]),
    }
)


UNEXAMINED = "not yet examined: left for the next increment"


def _screened():
    for p in all_params():
        if p.name in NOT_SCREENED or p.hi == p.lo:
            continue
        step = 0.1 * (p.hi - p.lo)
        hi = min(p.hi, p.default + step)
        lo = max(p.lo, p.default - step)
        if p.integer:
            hi, lo = round(hi), round(lo)
        if hi != lo:
            yield p, lo, hi


def local_effects(reps: int, weeks: int) -> pd.DataFrame:
    """Each parameter moved 10% of its range either side of its default: the paired effect on
    every outcome (mean of the last 52 weeks) per 10% of range, with its 95% CI.

    Columns: parameter, outcome, effect, lo, hi, sd (the outcome's spread between baseline
    replicates: the sd over seeds of its last-52-week mean) and scaled (effect / sd).
    """
    base = run_scenario(from_dict(_scn("Baseline")), replicates=reps, weeks=weeks)
    last = base["week"].max()
    sd = base[base["week"] > last - 52].groupby("seed")[list(OUTCOMES)].mean().std(ddof=1)
    rows = []
    for p, lo, hi in _screened():
        up = run_scenario(
            from_dict(_scn("up", parameters={p.name: hi})), replicates=reps, weeks=weeks
        )
        down = run_scenario(
            from_dict(_scn("down", parameters={p.name: lo})), replicates=reps, weeks=weeks
        )
        per = (hi - lo) / (p.hi - p.lo) / 0.1
        for k in OUTCOMES:
            m, a, b = ci(paired(down, up, k) / per)
            spread = float(sd[k])
            scaled = m / spread if spread > 0 else (0.0 if m == 0 else np.inf)
            rows.append(
                {
                    "parameter": p.name,
                    "outcome": k,
                    "effect": m,
                    "lo": a,
                    "hi": b,
                    "sd": spread,
                    "scaled": scaled,
                }
            )
    return pd.DataFrame(
        rows, columns=["parameter", "outcome", "effect", "lo", "hi", "sd", "scaled"]
    )


def local_sensitivity(reps: int, weeks: int, effects: pd.DataFrame | None = None) -> pd.DataFrame:
    """The effect on the collaboration index of each parameter (from :func:`local_effects`,
    computed if not given) per 10% of range, with its 95% CI; largest effect first."""
    eff = local_effects(reps, weeks) if effects is None else effects
    table = eff[eff["outcome"] == "collaboration_index"][["parameter", "effect", "lo", "hi"]]
    order = table["effect"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


def inert_table(effects: pd.DataFrame) -> pd.DataFrame:
    """Parameters whose largest effect on any outcome is below ``INERT_SHARE`` of that
    outcome's spread between replicates, with the outcome it moves most and why, if known.

    Columns: parameter, largest (|scaled effect|), outcome, status (``intended``,
    ``limitation`` or ``next``), reason.
    """
    rows = []
    for name, g in effects.groupby("parameter", sort=False):
        worst = g.loc[g["scaled"].abs().idxmax()]
        largest = float(abs(worst["scaled"]))
        if largest >= INERT_SHARE:
            continue
        outcome = worst["outcome"] if largest > 0 else "none (exactly 0 on every outcome)"
        status, reason = INERT_REASONS.get(name, ("next", UNEXAMINED))
        rows.append(
            {
                "parameter": name,
                "largest": largest,
                "outcome": outcome,
                "status": status,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=["parameter", "largest", "outcome", "status", "reason"])


def context_effects(params: list[str], reps: int, weeks: int) -> pd.DataFrame:
    """Each parameter of ``params`` that has a setting in :data:`INERT_CONTEXTS`, moved 10% of
    its range either side of its default *in that setting*: its largest paired effect on any
    outcome (mean of the last 52 weeks), scaled by that outcome's spread between the
    setting's replicates, as :func:`local_effects` does for the baseline.

    Columns: parameter, setting, largest, outcome, effect, lo, hi.
    """
    bounds = {p.name: (lo, hi, p) for p, lo, hi in _screened()}
    rows = []
    for name in params:
        if name not in INERT_CONTEXTS or name not in bounds:
            continue
        setting, events = INERT_CONTEXTS[name]
        lo, hi, p = bounds[name]
        runs = [
            run_scenario(
                from_dict(_scn(f"{setting} {x}", parameters={name: x}, **events)),
                replicates=reps,
                weeks=weeks,
            )
            for x in (lo, hi)
        ]
        last = runs[0]["week"].max()
        sd = runs[0][runs[0]["week"] > last - 52].groupby("seed")[list(OUTCOMES)].mean().std()
        per = (hi - lo) / (p.hi - p.lo) / 0.1
        best = None
        for k in OUTCOMES:
            m, a, b = ci(paired(runs[0], runs[1], k) / per)
            spread = float(sd[k])
            scaled = abs(m) / spread if spread > 0 else (0.0 if m == 0 else np.inf)
            if best is None or scaled > best[0]:
                best = (scaled, k, m, a, b)
        scaled, k, m, a, b = best
        rows.append(
            {
                "parameter": name,
                "setting": setting,
                "largest": scaled,
                "outcome": k,
                "effect": m,
                "lo": a,
                "hi": b,
            }
        )
    cols = ["parameter", "setting", "largest", "outcome", "effect", "lo", "hi"]
    return pd.DataFrame(rows, columns=cols)


def replicate_halfwidths(base: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """SD of the collaboration index at the last week, and the 95% CI half-width it gives
    with 5 to 100 replicates."""
    W = int(base["week"].max())
    x = base.loc[base["week"] == W, "collaboration_index"].to_numpy()
    sd = float(np.std(x, ddof=1))
    ns = (5, 10, 20, 30, 50, 100)
    widths = [float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)) for n in ns]
    return sd, pd.DataFrame({"replicates": ns, "half_width": widths})


def sobol_table(sobol: str | Path | None) -> pd.DataFrame | None:
    """The Sobol indices of an analysed sweep in folder ``sobol``, if there are any."""
    if not sobol:
        return None
    found = sorted(Path(sobol).glob("analysis/*sobol*.csv"))
    return pd.read_csv(found[0]).round(3) if found else None


#: Breakfasts a week in the dose-response check (0: none).
DOSES = (0.0, 0.25, 0.5, 1.0)


def dose_response_table(reps: int, weeks: int) -> pd.DataFrame:
    """The survey shares against the dose of one intervention (the big breakfast every 4, 2
    and 1 weeks, and none), mean over the last 52 weeks with a 95% interval over replicates.

    The shares count people, so they should move smoothly with the dose (no organisation-level
    knife edge at 0.5)."""
    rows = []
    for dose in DOSES:
        iv = (
            []
            if dose == 0
            else [{"type": "big_breakfast", "start": 0, "params": {"every": int(round(1 / dose))}}]
        )
        df = run_scenario(
            from_dict(_scn(f"Breakfast {dose:g} a week", interventions=iv)),
            replicates=reps,
            weeks=weeks,
        )
        last = df[df["week"] > df["week"].max() - 52].groupby("seed")
        for k in ("unsafe_share", "power_not_shared_share", "collaboration_index"):
            m, lo, hi = ci(last[k].mean().to_numpy())
            rows.append({"dose": dose, "outcome": k, "mean": m, "lo": lo, "hi": hi})
    return pd.DataFrame(rows)
