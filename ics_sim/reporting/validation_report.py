"""The validation report: verification, calibration, patterns, sensitivity, replicates.

``ics-sim validate`` writes ``validation.md`` with its plots. The numbers come as tables from
:mod:`ics_sim.evaluation.validation` and :mod:`ics_sim.evaluation.verification`; this module
only writes and draws them. Verification cases are exact; a failed one makes the command exit
1, so CI fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .._version import __version__
from ..core.errors import ICSSimError
from ..core.outcome_table import OUTCOME_TABLE
from ..evaluation import stationarity as st
from ..evaluation import validation as v
from ..evaluation import verification
from ..experiments import store
from ..sim.engine import all_params

#: The warm-up every run starts with (weeks).
WARMUP = int(next(p.default for p in all_params() if p.name == "warmup_weeks"))

#: Replicates of each null model in the reduced (--quick) report (the full report uses its own).
NULL_REPS_QUICK = 3

#: Real ICSs in the reduced (--quick) report: a small, a middling and a large one.
QUICK_ICSS = ("QOX", "QHL", "QWO")


@dataclass
class Report:
    out: Path
    quick: bool
    lines: list[str] = field(default_factory=list)
    verification_passed: bool = True

    def add(self, *text: str) -> None:
        self.lines.extend(text)

    def figure(self, fig: Figure, name: str, alt: str) -> None:
        with store.atomic_path(self.out / name) as tmp:
            fig.savefig(
                tmp, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None}
            )
        self.add(f"![{alt}]({name})", "")


def validate(
    out: str | Path,
    quick: bool = False,
    sobol: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run every check and write ``out/validation.md``; returns the report.

    Every file is written atomically and ``validation.md`` last; a bad ``out`` or ``sobol``
    is an error before any work.
    """
    if sobol is not None:
        check_sobol(sobol)
    out = store.prepare_dir(out)
    store.clean_stale(out, ".")
    say = progress or (lambda _m: None)
    reps, weeks = (6, 104) if quick else (30, 260)
    rep = Report(out, quick)
    t0 = time.perf_counter()
    rep.add(
        "# ics-sim validation report",
        "",
        f"ics-sim {__version__}; {'reduced size (--quick)' if quick else 'full size'}: "
        f"{reps} replicates of {weeks} weeks after a {WARMUP}-week warm-up, seeds 1 to {reps}. "
        "Structure after TRACE (Grimm et al. 2014); replicates, warm-up and seeds reported "
        "as STRESS-ABS asks (Monks et al. 2019).",
        "",
    )
    say("verification")
    _verification(rep)
    say("calibration")
    base = v.baseline(reps, weeks)
    _calibration(rep, v.calibration_table(base), base)
    say("baselines of every system")
    sys_reps, sys_weeks, icss = (4, 260, QUICK_ICSS) if quick else (20, 520, None)
    runs = st.run_systems(sys_reps, sys_weeks, icss, progress=lambda c: say(f"baseline {c}"))
    _per_system(rep, st.calibration_by_system(runs), sys_reps)
    say("patterns")
    cache = v.Runs(weeks)
    table, drift = v.patterns_table(reps, weeks, cache)
    _patterns(rep, table, drift)
    say("null models")
    n_reps = NULL_REPS_QUICK if quick else reps
    _nulls(rep, v.null_table(n_reps, weeks, cache), n_reps, table)
    _calibration_null(rep, v.calibration_null_table(reps, weeks), v.calibration_table(base))
    _conflict_target(rep, v.calibration_table(base, v.CONFLICT_TARGET))
    say("dose response")
    _dose(rep, v.dose_response_table(reps, weeks), reps, weeks)
    say("sensitivity")
    s_reps, s_weeks = max(4, reps // 3), min(weeks, 156)
    effects = v.local_effects(s_reps, s_weeks)
    _sensitivity(rep, v.local_sensitivity(s_reps, s_weeks, effects), s_reps, s_weeks, sobol)
    inert = v.inert_table(effects)
    say("inert parameters in their settings")
    context = v.context_effects(list(inert["parameter"]), s_reps, s_weeks)
    _inert(rep, inert, effects, context)
    _replicates(rep, base)
    _stationarity(rep, runs, sys_reps, sys_weeks)
    say("warm-up")
    scan_reps, warmups = (3, (0, 52, 104)) if quick else (10, (0, 52, 104, 260, 520))
    _warmup(rep, st.warmup_scan(scan_reps, sys_weeks, warmups, QUICK_ICSS), scan_reps, sys_weeks)
    rep.add("", f"_Generated in {time.perf_counter() - t0:.0f} s._")
    store.write_text(out / "validation.md", "\n".join(rep.lines) + "\n")
    return rep


def check_sobol(sobol: str | Path) -> None:
    """Fail unless ``sobol`` is an analysed Sobol sweep's results folder."""
    folder = Path(sobol)
    if not folder.is_dir():
        raise ICSSimError(f"--sobol {str(folder)!r}: no such folder (a Sobol sweep's results)")
    if v.sobol_table(folder) is None:
        raise ICSSimError(
            f"--sobol {str(folder)!r}: no analysis/sobol_indices.csv there; run "
            f"'ics-sim analyse {folder}' first"
        )


def _verification(rep: Report) -> None:
    rep.add(
        "## 1. Verification: analytic special cases",
        "",
        "Each case runs the model's own step with every other mechanism switched off "
        "(`ics_sim.verification`).",
        "",
        "| case | source | expected | model | error | tolerance | result |",
        "|---|---|---|---|---|---|---|",
    )
    case, errors = verification.degroot()
    cases = [case, *verification.all_cases()[1:]]
    for c in cases:
        rep.verification_passed &= c.passed
        rep.add(
            f"| {c.name} | {c.source} | {_fmt(c.expected)} | {_fmt(c.got)} | "
            f"{c.error:.1e} | {c.tolerance:.0e} | {'pass' if c.passed else '**FAIL**'} |"
        )
    rep.add("")
    fig = Figure(figsize=(6, 3.2))
    ax = fig.subplots()
    ax.semilogy(np.arange(1, len(errors) + 1), np.maximum(errors, 1e-17), label="model")
    k = np.arange(1, len(errors) + 1)
    ax.semilogy(k, errors[30] * 0.6 ** (k - 31), "--", label="0.6^t (|lambda_2|)")
    ax.set(xlabel="week", ylabel="max |x - 13/28|", title="DeGroot convergence")
    ax.legend()
    rep.figure(fig, "verification_degroot.png", "DeGroot convergence")


def _fmt(x) -> str:
    if isinstance(x, tuple):
        return "(" + ", ".join(f"{v:.6f}" for v in x) + ")"
    return f"{x:.6g}"


def _calibration(rep: Report, table: pd.DataFrame, base: pd.DataFrame) -> None:
    rep.add(
        "## 2. Calibration to the survey",
        "",
        "Targets from the survey of more than 50 leaders in Walsh and de Sarandy (2023). "
        "`safety_base` and `power_voice_exponent` were set by a scan over seeds (see "
        "docs/ODD.md, Calibration, and `docs/calibration.py`); everything else was left at "
        "values set from the documents or marked as assumptions.",
        "",
        "| measure | target | week | mean | 95% CI | within |",
        "|---|---|---|---|---|---|",
    )
    for measure, rows in table.groupby("measure", sort=False):
        for r in rows.itertuples(index=False):
            rep.add(
                f"| {measure} | {r.target} | {r.week} | {r.mean:.3f} | [{r.lo:.3f}, {r.hi:.3f}] "
                f"| {'yes' if r.within else '**no**'} |"
            )
        rep.add(f"| | _{rows['quote'].iloc[0]}_ | | | | |")
    rep.add(
        "",
        f"Tolerance: unsafe share within [{v.CALIBRATION['unsafe_share'][1]}, "
        f"{v.CALIBRATION['unsafe_share'][2]}], power not shared above 0.5, for the mean over "
        "replicates at each week shown.",
        "",
    )
    fig = Figure(figsize=(7, 3.2))
    axes = fig.subplots(1, 2)
    for ax, k in zip(axes, v.CALIBRATION, strict=True):
        g = base.groupby("week")[k]
        ax.fill_between(g.quantile(0.1).index, g.quantile(0.1), g.quantile(0.9), alpha=0.3)
        ax.plot(g.median().index, g.median())
        ax.axhspan(v.CALIBRATION[k][1], v.CALIBRATION[k][2], color="green", alpha=0.08)
        ax.set(title=k, xlabel="week", ylim=(0, 1))
    rep.figure(fig, "calibration.png", "Calibration measures over time with 10-90% bands")


def _patterns(rep: Report, table: pd.DataFrame, drift: float) -> None:
    rep.add(
        "## 3. Patterns (pattern-oriented modelling)",
        "",
        "Each stylised fact is a paired comparison on common random numbers: the mean of "
        "the outcome over the last 52 weeks, changed arm minus baseline arm, with a 95% "
        "t-interval over replicates and `d`, the difference over the baseline arm's spread "
        "between replicates. A pattern is **shown** only when it has the expected sign, its "
        "interval excludes zero **and** its mean reaches the minimum meaningful effect "
        "(criterion below the table): an interval that merely excludes zero is not enough. "
        "`encoding only` is the same comparison with only the mechanisms that directly "
        "encode the claim switched on: where it already shows the pattern at the same size "
        "(`encoded directly`), the pattern restates those rules and is not evidence that the "
        "mechanisms interact.",
        "",
        "| pattern | source | outcome | expected | reps | difference [95% CI] | d | min effect "
        "| shown | encoding only (mechanisms) | difference [95% CI] | shown | reading |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    )
    names = []
    for r in table.itertuples(index=False):
        rep.add(
            f"| {r.pattern} | {r.source} | {r.outcome} | "
            f"{'higher' if r.sign > 0 else 'lower'} | {r.replicates} | "
            f"{r.difference:+.4f} [{r.lo:+.4f}, {r.hi:+.4f}] | {r.d:+.2f} | "
            f"{r.min_effect:g} | {'yes' if r.shown else '**no**'} | {r.encoding} | "
            f"{r.enc_difference:+.4f} [{r.enc_lo:+.4f}, {r.enc_hi:+.4f}] | "
            f"{'yes' if r.enc_shown else 'no'} | {r.interaction} |"
        )
        short = r.pattern if len(r.pattern) < 44 else r.pattern[:41] + "..."
        names.append(f"{short}\n({r.outcome}, expected {'+' if r.sign > 0 else '-'})")
    rep.add("", "Criteria and dose:", "")
    for p in v.PATTERNS:
        dose = f" Dose: {p.dose}." if p.dose else ""
        rep.add(f"- *{p.name}*: minimum effect {p.min_effect:g}, because {p.criterion}.{dose}")
    caveats = [p for p in v.PATTERNS if p.caveat]
    if caveats:
        rep.add("", *(f"- *{p.name}*: {p.caveat}" for p in caveats))
    rep.add(
        "",
        "**Identity check (not a null model).** With contact, joint work, conflict and the "
        "changing network switched off no experience reaches any tie, so trust cannot move: "
        f"the largest change in mean trust over the run in any replicate is {drift:.1e}. This "
        "verifies the code (zero by algebra); it cannot fail for a model that is wrong about "
        "collaboration, and is not counted as a test of the patterns. The null models that "
        "can fail follow.",
        "",
    )
    diffs, lows, highs = (table[c].to_numpy() for c in ("difference", "lo", "hi"))
    enc = table["enc_difference"].to_numpy()
    fig = Figure(figsize=(7.5, 0.6 + 0.6 * len(names)))
    ax = fig.subplots()
    y = np.arange(len(names))[::-1]
    err = np.array([diffs - lows, highs - diffs])
    ax.errorbar(diffs, y, xerr=err, fmt="o", label="full model")
    ax.plot(enc, y - 0.2, "x", label="encoding mechanisms only")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, names, fontsize=8)
    ax.legend(fontsize=7)
    ax.set(xlabel="paired difference (changed - baseline arm), 95% CI", title="Patterns")
    rep.figure(fig, "patterns.png", "Patterns as paired differences with intervals")


_NULL_VERDICT = {
    "shown": "yes",
    "absent": "disappears",
    "absent*": "absent (not shown in the full model either)*",
    "unresolved": "unresolved",
}
_AS_EXPECTED = {True: "yes", False: "not as expected", None: "no verdict"}


def _nulls(rep: Report, table: pd.DataFrame, reps: int, full: pd.DataFrame) -> None:
    """The null models' tables; a pattern the full model does not show gets no verdict."""
    shown = dict(zip(full["pattern"], full["shown"], strict=True))
    table = table.copy()
    not_shown = ~table["pattern"].map(shown).astype(bool)
    # object, not bool: a verdict may be missing (None) even when every one is resolved
    table["as_expected"] = table["as_expected"].astype(object)
    table.loc[not_shown, "as_expected"] = None
    table.loc[not_shown, "verdict"] = table.loc[not_shown, "verdict"].map(
        {"shown": "shown", "absent": "absent*", "unresolved": "unresolved"}
    )
    rep.add(
        "### Null models that can fail",
        "",
        "Each null model removes one structural assumption through a declared switch whose "
        "default is the model as described (scenario files `scenarios/null_*.yaml`; "
        "pattern-oriented modelling, Grimm et al. 2005). For each, the expectation for every "
        "pattern was written in the code (`ics_sim.evaluation.validation.NULL_MODELS`) "
        "before any run; the table then shows the pattern under the null, judged by the same "
        f"criterion as above ({reps} replicates, more where the pattern asks for more). A "
        "pattern that disappears under a null needs the assumption the null removes. A "
        "pattern the full model does not show (section 3) gets no verdict under a null "
        "(marked *).",
        "",
    )
    for null in v.NULL_MODELS:
        g = table[table["null"] == null.name]
        if g.empty:
            continue
        gone = g.loc[g["verdict"] == "absent", "pattern"].tolist()
        unresolved = g.loc[g["verdict"] == "unresolved", "pattern"].tolist()
        surprises = int((g["as_expected"] == False).sum())  # noqa: E712 (None: no verdict)
        rep.add(
            f"#### {null.name} (`null_{null.key}.yaml`)",
            "",
            f"Removes {null.removes}. Switch: "
            + ", ".join(f"`{k}: {val}`" for k, val in null.parameters.items())
            + ".",
            "",
            "| pattern | expected (before the run) | why | difference [95% CI] | survives "
            "| as expected |",
            "|---|---|---|---|---|---|",
        )
        for r in g.itertuples(index=False):
            rep.add(
                f"| {r.pattern} | {'survives' if r.expected else 'disappears'} | {r.why} | "
                f"{r.difference:+.4f} [{r.lo:+.4f}, {r.hi:+.4f}] | "
                f"{_NULL_VERDICT[r.verdict]} | "
                f"{_AS_EXPECTED[r.as_expected]} |"
            )
        rep.add(
            "",
            f"Disappear: {', '.join(gone) if gone else 'none'}. "
            f"Unresolved (effect reaches the criterion, interval includes zero): "
            f"{', '.join(unresolved) if unresolved else 'none'}. "
            f"{surprises} of {int(g['as_expected'].notna().sum())} with a verdict not as "
            "expected.",
            "",
        )


def _conflict_target(rep: Report, table: pd.DataFrame) -> None:
    rep.add(
        "### The survey fact on conflict",
        "",
        "The main report states three survey figures in its text (its Figures 3 and 4 are "
        "images without numbers). The first two set `safety_base` and `power_voice_exponent`; "
        "this third sets `surface_rate` (docs/calibration.py), so none is held out. It is read "
        "from the same baseline runs.",
        "",
        "| measure | fact | week | mean | 95% CI | within |",
        "|---|---|---|---|---|---|",
    )
    for r in table.itertuples(index=False):
        rep.add(
            f"| {r.measure} | {r.target} | {r.week} | {r.mean:.3f} | [{r.lo:.3f}, {r.hi:.3f}] "
            f"| {'yes' if r.within else 'no (a miss)'} |"
        )
    rep.add("", *(f"_{q[3]}_" for q in v.CONFLICT_TARGET.values()), "")


def _calibration_null(rep: Report, null: pd.DataFrame, base: pd.DataFrame) -> None:
    rep.add(
        "### Calibration null: are the targets emergent?",
        "",
        "The survey targets with contact, joint work, conflict, decisions, shared purpose, "
        f"learning and trust all switched off (`null_no_interaction.yaml`). Expectation, "
        f"written before the run: {v.CALIBRATION_NULL_EXPECTATION}",
        "",
        "| measure | week | baseline | no interaction | within target (null) |",
        "|---|---|---|---|---|",
    )
    for b, n in zip(base.itertuples(index=False), null.itertuples(index=False), strict=True):
        rep.add(
            f"| {n.measure} | {n.week} | {b.mean:.3f} | {n.mean:.3f} [{n.lo:.3f}, {n.hi:.3f}] "
            f"| {'yes' if n.within else 'no'} |"
        )
    set_by_init = sorted(set(null.loc[null["within"], "measure"]))
    emergent = sorted(set(null["measure"]) - set(set_by_init))
    rep.add(
        "",
        "Reading: a target still met without interaction is set by the initial state and the "
        "calibrated rules that act on it, not emergent. "
        f"Set by initialisation and calibration: {', '.join(set_by_init) or 'none'}. "
        f"Emergent (missed without interaction): {', '.join(emergent) or 'none'}.",
        "",
    )


def _sensitivity(
    rep: Report, table: pd.DataFrame, reps: int, weeks: int, sobol: str | Path | None
) -> None:
    rep.add(
        "## 4. Sensitivity",
        "",
        f"Local, one at a time: each mechanism parameter moved by 10% of its range above and "
        f"below its default ({reps} paired replicates, {weeks} weeks); the effect on the "
        "collaboration index (mean of the last 52 weeks) per 10% of range. The global "
        "Sobol analysis is `experiments/sobol_mechanisms.yaml` (`ics-sim sweep`, then "
        "`ics-sim analyse`).",
        "",
    )
    rep.add("| parameter | effect per 10% of range | 95% CI |", "|---|---|---|")
    top = table.head(15)
    for r in top.itertuples(index=False):
        rep.add(f"| {r.parameter} | {r.effect:+.4f} | [{r.lo:+.4f}, {r.hi:+.4f}] |")
    rep.add("", f"({len(table)} parameters; the 15 with the largest effect shown.)", "")
    fig = Figure(figsize=(6, 4.5))
    ax = fig.subplots()
    ax.barh(top["parameter"][::-1].tolist(), top["effect"][::-1].tolist())
    ax.set(xlabel="change in collaboration index per 10% of range", title="Local sensitivity")
    rep.figure(fig, "sensitivity.png", "Local sensitivity of the collaboration index")
    found = v.sobol_table(sobol)
    if found is not None:
        rep.add("Global Sobol indices from " + str(sobol) + ":", "")
        rep.add(
            "| " + " | ".join(map(str, found.columns)) + " |", "|" + "---|" * len(found.columns)
        )
        for row in found.itertuples(index=False):
            rep.add("| " + " | ".join(map(str, row)) + " |")
        rep.add("")


def _inert(rep: Report, table: pd.DataFrame, effects: pd.DataFrame, context: pd.DataFrame) -> None:
    n = effects["parameter"].nunique()
    rep.add(
        "### Inert parameters",
        "",
        f"The same runs, read on every outcome: a parameter is inert at the defaults when "
        f"moving it by 10% of its range moves no outcome by more than {v.INERT_SHARE:g} of "
        "that outcome's spread between baseline replicates (the sd over seeds of its "
        "last-52-week mean). `largest` is its biggest such effect, in those units, and "
        "`outcome` the outcome it moves most. `intended`: the mechanism means it to act only "
        "in some settings; `limitation`: the mechanism as built rarely engages it, for the "
        "reason given; `next`: not yet examined. `in its setting`: the same move made in the "
        "setting the parameter is meant for (the events of the shipped scenario named), with "
        "its largest effect there in the same units (spread between that setting's "
        f"replicates) and the outcome it moves. {len(table)} of the {n} parameters screened "
        f"are inert; {', '.join(f'`{x}`' for x in sorted(v.NOT_SCREENED))} (the initial "
        "state's spread, the warm-up and the null-model switches) are not screened.",
        "",
        "| parameter | largest | outcome | status | in its setting | largest there | why |",
        "|---|---|---|---|---|---|---|",
    )
    there = context.set_index("parameter") if len(context) else None
    for r in table.itertuples(index=False):
        if there is not None and r.parameter in there.index:
            c = there.loc[r.parameter]
            setting, largest = f"`{c['setting']}`", f"{c['largest']:.2f} ({c['outcome']})"
        else:
            setting, largest = "none", ""
        rep.add(
            f"| {r.parameter} | {r.largest:.3f} | {r.outcome} | {r.status} | {setting} | "
            f"{largest} | {r.reason} |"
        )
    rep.add("")
    if there is not None:
        moved = there[there["largest"] >= v.INERT_SHARE]
        rep.add(
            f"In its setting, {len(moved)} of the {len(there)} parameters tried move an "
            f"outcome by more than {v.INERT_SHARE:g} of its spread; "
            + (", ".join(f"`{x}`" for x in there.index.difference(moved.index)) or "none")
            + " do not.",
            "",
        )


def _replicates(rep: Report, base: pd.DataFrame) -> None:
    W = int(base["week"].max())
    sd, widths = v.replicate_halfwidths(base)
    n = int((base["week"] == W).sum())
    rep.add(
        "## 5. Replicates, warm-up and seeds (STRESS-ABS)",
        "",
        f"Replicate r runs with seed r + 1 after a {WARMUP}-week warm-up with no intervention "
        f"(`warmup_weeks`). Across {n} baseline replicates the collaboration index at "
        f"week {W} has standard deviation {sd:.4f}. The half-width of its 95% interval with "
        "n replicates is t(n-1) sd / sqrt(n):",
        "",
        "| replicates | half-width |",
        "|---|---|",
    )
    for r in widths.itertuples(index=False):
        rep.add(f"| {r.replicates} | {r.half_width:.4f} |")
    rep.add(
        "",
        "Comparisons between scenarios use common random numbers: replicate r of every "
        "scenario uses the same seed, so the paired difference has variance "
        "var_A + var_B - 2 cov(A, B), less than for independent runs by as much as the runs "
        "stay correlated (about 0.35 for an intervention that reshapes who meets whom, "
        "about 0.75 for one that changes less; docs/tutorials/04). Scenario files default to "
        "20 replicates; `ics-sim compare` warns when an interval is too wide to tell "
        "scenarios apart.",
        "",
    )


def _per_system(rep: Report, table: pd.DataFrame, reps: int) -> None:
    n_sys = table["system"].nunique()
    ok = table.groupby("system")["consistent"].all()
    rep.add(
        "### Calibration for every system",
        "",
        f"The same survey shares at week {st.CALIBRATION_WEEK} for the default ICS and "
        f"{'each of the 42 real ICSs' if n_sys > 40 else f'{n_sys - 1} real ICSs'} "
        f"(baseline, {reps} replicates each, real compositions from "
        "ics_sim/data/ics_england). The survey had roughly "
        f"{st.SURVEY_N} respondents, so a system is consistent with it when a survey of "
        f"{st.SURVEY_N} people drawn from the model's people could show what the survey "
        "showed: one half inside the binomial 95% range for safety (about +/-0.14), a "
        "majority within reach for power. "
        f"**{int(ok.sum())} of {n_sys} systems are consistent on both.**",
        "",
        "| system | organisations | unsafe share | survey range | ok | power not shared | "
        "survey range | ok |",
        "|---|---|---|---|---|---|---|---|",
    )
    for code, g in table.groupby("system", sort=False):
        u = g[g["measure"] == "unsafe_share"].iloc[0]
        p = g[g["measure"] == "power_not_shared_share"].iloc[0]
        name = u["name"] if code == "default" else f"{code} {u['name']}"
        rep.add(
            f"| {name} | {u['organisations']} | {u['mean']:.3f} | "
            f"[{u['band_lo']:.2f}, {u['band_hi']:.2f}] | {'yes' if u['consistent'] else '**no**'} "
            f"| {p['mean']:.3f} | [{p['band_lo']:.2f}, {p['band_hi']:.2f}] | "
            f"{'yes' if p['consistent'] else '**no**'} |"
        )
    rep.add("")


def _dose(rep: Report, table: pd.DataFrame, reps: int, weeks: int) -> None:
    rep.add(
        "### Dose response of the survey shares",
        "",
        "The big breakfast for everyone from week 0, every 4, 2 or 1 weeks, against none: "
        f"the mean of the last 52 of {weeks} weeks, 95% interval over {reps} replicates. "
        "Shares of people should move smoothly with the dose; a share that jumps to 0 at the "
        "first dose is a knife edge in the measure, not a finding.",
        "",
        "| breakfasts a week | unsafe share | power not shared | collaboration index |",
        "|---|---|---|---|",
    )
    for dose, g in table.groupby("dose"):
        cells = []
        for k in ("unsafe_share", "power_not_shared_share", "collaboration_index"):
            r = g[g["outcome"] == k].iloc[0]
            cells.append(f"{r['mean']:.3f} [{r['lo']:.3f}, {r['hi']:.3f}]")
        rep.add(f"| {dose:g} | " + " | ".join(cells) + " |")
    rep.add("")
    fig = Figure(figsize=(6, 3.2))
    ax = fig.subplots()
    for k in ("unsafe_share", "power_not_shared_share", "collaboration_index"):
        g = table[table["outcome"] == k]
        ax.errorbar(
            g["dose"],
            g["mean"],
            yerr=[g["mean"] - g["lo"], g["hi"] - g["mean"]],
            marker="o",
            capsize=3,
            label=k,
        )
    ax.set(xlabel="big breakfasts a week", ylabel="level", ylim=(0, 1), title="Dose response")
    ax.legend(fontsize=8)
    rep.figure(fig, "dose_response.png", "Survey shares and the index against breakfast dose")


def _stationarity(rep: Report, runs: list[st.SystemRun], reps: int, weeks: int) -> None:
    table = st.drift_table(runs)
    summary = st.drift_summary(table)
    warm = WARMUP
    n_sys = len(runs)
    rep.add(
        "## 6. Stationary baseline",
        "",
        f"With no intervention or shock, after the {warm}-week warm-up, each outcome's drift "
        f"from week 0 to week {weeks}: per replicate the mean of the last {st.WINDOW} weeks "
        f"minus the mean of the first {st.WINDOW} ({st.COUNT_WINDOW} for the counts, which "
        f"are weekly flows), median over {reps} replicates, for the default ICS and "
        f"{n_sys - 1} real ICSs. A level in [0, 1] is stationary when its drift is at most "
        f"{st.MAX_DRIFT} (absolute); a count or a number of weeks when it is at most "
        f"{st.MAX_DRIFT:.0%} of its level. Counts are noisy, so each drift is also read with "
        "the 95% interval of the replicates' mean drift: `not beyond` counts the systems "
        "whose drift is within tolerance or whose interval reaches inside it (the replicates "
        "cannot tell it from a stationary one); a `trend` is a drift whose whole interval "
        "lies beyond the tolerance. `resolution` is the median half-width of that interval "
        "in units of the tolerance: above 1, the replicates could not have shown a drift "
        "as small as the tolerance.",
        "",
        "| outcome | default ICS | largest among real ICSs | systems within | not beyond "
        "| resolution | trends beyond tolerance |",
        "|---|---|---|---|---|---|---|",
    )
    for r in summary.itertuples(index=False):
        rep.add(
            f"| {r.outcome} | {r.default:+.4f} | {r.worst_real:+.4f} ({r.worst_system}) | "
            f"{r.within} of {r.systems} | {r.not_beyond} of {r.systems} | "
            f"{r.resolution:.2f} | {r.trends or 'none'} |"
        )
    rep.add("")
    trends = table[table["status"] == "trend"]
    if len(trends):
        rep.add(
            f"{len(trends)} of the {len(table)} drifts are trends beyond tolerance (at the "
            "95% level, about 5% of the drifts that are exactly at the tolerance would show "
            "as such by chance):",
            "",
            "| system | outcome | start | end | drift | 95% interval | tolerance |",
            "|---|---|---|---|---|---|---|",
        )
        for r in trends.itertuples(index=False):
            rep.add(
                f"| {r.system} | {r.outcome} | {r.start:.4g} | {r.end:.4g} | {r.drift:+.4g} | "
                f"[{r.lo:+.4g}, {r.hi:+.4g}] | {r.tolerance:.3g} |"
            )
        rep.add("")
        for line in st.documented_trends(trends):
            rep.add(line)
        rep.add("")
    shown = ("collaboration_index", "mean_trust", "unsafe_share", "power_not_shared_share")
    fig = Figure(figsize=(8, 5.5), layout="constrained")
    axes = fig.subplots(2, 2).ravel()
    for ax, k in zip(axes, shown, strict=True):
        med = (
            np.stack([np.median(r.outcomes[k], axis=1) for r in runs[1:]], axis=1)
            if len(runs) > 1
            else None
        )
        if med is not None:
            wk = np.arange(med.shape[0])
            ax.fill_between(
                wk,
                med.min(axis=1),
                med.max(axis=1),
                alpha=0.25,
                label="real ICSs (range of medians)",
            )
        d = runs[0].outcomes[k]
        ax.plot(np.arange(d.shape[0]), np.median(d, axis=1), label="default ICS (median)")
        ax.set(title=OUTCOME_TABLE[k].label, xlabel="week", ylim=(0, 1))
    axes[0].legend(fontsize=7)
    rep.figure(fig, "stationarity.png", "Baseline outcomes over time, default and real ICSs")


def _warmup(rep: Report, table: pd.DataFrame, reps: int, weeks: int) -> None:
    rep.add(
        "### Choice of warm-up",
        "",
        f"The same drift check over the {weeks} weeks after warm-ups of different lengths "
        f"({reps} replicates; the default ICS and {table['system'].nunique() - 1} real ICSs; "
        "one run without warm-up per system, read from each warm-up's end). `within`: "
        "outcomes within tolerance, summed over the systems; `largest drift`: the largest "
        "absolute drift of a level in [0, 1] in any of them.",
        "",
        "| warm-up (weeks) | within | largest drift |",
        "|---|---|---|",
    )
    for w, g in table.groupby("warmup"):
        rep.add(
            f"| {w} | {int(g['within'].sum())} of {int(g['outcomes'].sum())} | "
            f"{g['largest_level_drift'].max():.3f} |"
        )
    rep.add("")
