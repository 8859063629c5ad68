"""Robust comparison: a scenario's paired effect across the parameter sets of an ensemble.

Within each parameter set, the scenarios run on the same seeds (common random numbers), so
the per-replicate difference d[s, r] (scenario minus baseline, set s, replicate r) is the
scenario's doing in that world plus chance. Across sets this gives, per outcome:

* the distribution of the set means m[s] over plausible worlds (weighted median and 10-90%
  band, weights from the ensemble or the draw);
* the share of worlds where the scenario helps (m[s] moves the outcome the desirable way) and
  where it helps significantly (the set's 95% t-interval excludes zero on that side);
* a one-way random-effects (ANOVA, method of moments) split of the spread of the set means:
  B, the weighted between-set variance of m[s], is parameter variance tau^2 plus chance
  W / n, where W is the mean within-set variance of d and n the replicates per set; so
  tau^2 = max(0, B - W / n). ``parameter_share`` = tau^2 / (tau^2 + W / n) is the share of the
  spread of effects across worlds that is the parameters' doing, not too few replicates.

References: Searle, Casella and McCulloch (1992) Variance Components, ch. 3 (one-way
random-effects ANOVA estimators).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..state.outcomes import OUTCOMES

#: Outcomes where lower is better (a fall is the desirable direction); all others: higher.
LOWER_IS_BETTER: frozenset[str] = frozenset(
    {
        "unsafe_share",
        "power_not_shared_share",
        "power_gini",
        "decision_latency",
        "conflicts_festering",
        "transaction_cost",
    }
)


def direction(outcome: str) -> int:
    """+1 if a rise in ``outcome`` is desirable, -1 if a fall is."""
    return -1 if outcome in LOWER_IS_BETTER else 1


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | Sequence[float]):
    """Quantiles of a weighted sample, interpolating between the midpoints of each value's
    share of the weight (with equal weights: the Hazen quantile, median as usual)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order] / w.sum()
    mid = np.cumsum(w) - w / 2
    return np.interp(q, mid, v)


def variance_split(d: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
    """One-way random-effects split of paired differences ``d`` (sets x replicates).

    Returns mean (weighted mean of the set means), between_set_variance B (weighted,
    unbiased: divided by 1 - sum of squared weights, which is S - 1 over S for equal
    weights), within_set_variance W (weighted mean of each set's variance, ddof 1),
    chance_variance W / n, parameter_variance max(0, B - W / n) and parameter_share.
    """
    d = np.asarray(d, dtype=float)
    S, n = d.shape
    w = np.full(S, 1.0 / S) if weights is None else np.asarray(weights, float) / np.sum(weights)
    m = d.mean(axis=1)
    mbar = float(np.sum(w * m))
    denom = 1.0 - float(np.sum(w**2))
    B = float(np.sum(w * (m - mbar) ** 2) / denom) if S > 1 and denom > 0 else np.nan
    W = float(np.sum(w * d.var(axis=1, ddof=1))) if n > 1 else np.nan
    chance = W / n if n > 1 else np.nan
    tau2 = max(0.0, B - chance) if np.isfinite(B) and np.isfinite(chance) else np.nan
    total = tau2 + chance
    share = tau2 / total if np.isfinite(total) and total > 0 else np.nan
    return {
        "mean": mbar,
        "between_set_variance": B,
        "within_set_variance": W,
        "chance_variance": chance,
        "parameter_variance": tau2,
        "parameter_share": share,
    }


def _summaries(df: pd.DataFrame, outcomes: Sequence[str]) -> dict[str, pd.DataFrame]:
    last = df[df["week"] == df["week"].max()].set_index(["set", "seed"])[list(outcomes)]
    run = df[df["week"] > 0].groupby(["set", "seed"])[list(outcomes)].mean()
    return {"end": last, "run mean": run}


def set_differences(
    frames: Sequence[pd.DataFrame], outcomes: Sequence[str] = OUTCOMES
) -> pd.DataFrame:
    """Per-replicate paired differences from the first frame, per set.

    ``frames``: one tidy outcome table per scenario, each with a ``set`` column, run on the
    same seeds within each set. Columns: scenario, baseline, set, seed, measure, then each
    outcome's difference.
    """
    base = _summaries(frames[0], outcomes)
    base_name = str(frames[0]["scenario"].iloc[0])
    rows = []
    for frame in frames[1:]:
        name = str(frame["scenario"].iloc[0])
        summ = _summaries(frame, outcomes)
        for measure in ("end", "run mean"):
            a, b = base[measure], summ[measure]
            common = a.index.intersection(b.index)
            diff = (b.loc[common] - a.loc[common]).reset_index()
            diff.insert(0, "measure", measure)
            diff.insert(0, "baseline", base_name)
            diff.insert(0, "scenario", name)
            rows.append(diff)
    return pd.concat(rows, ignore_index=True)


def per_set(diffs: pd.DataFrame, outcomes: Sequence[str], level: float = 0.95) -> pd.DataFrame:
    """One row per (scenario, measure, outcome, set): mean difference, t-interval, replicates."""
    rows = []
    for (scn, base, measure, s), g in diffs.groupby(
        ["scenario", "baseline", "measure", "set"], sort=False
    ):
        n = len(g)
        for k in outcomes:
            d = g[k].to_numpy(dtype=float)
            mean = float(d.mean())
            half = (
                float(stats.t.ppf(0.5 + level / 2, n - 1) * d.std(ddof=1) / np.sqrt(n))
                if n > 1
                else np.inf
            )
            rows.append(
                {
                    "scenario": scn,
                    "baseline": base,
                    "measure": measure,
                    "outcome": k,
                    "set": int(s),
                    "difference": mean,
                    "ci_low": mean - half,
                    "ci_high": mean + half,
                    "replicates": n,
                }
            )
    return pd.DataFrame(rows)


def ensemble_summary(
    diffs: pd.DataFrame,
    weights: Mapping[int, float],
    outcomes: Sequence[str] = OUTCOMES,
    level: float = 0.95,
) -> pd.DataFrame:
    """One row per (scenario, outcome, measure) over the sets of ``diffs``.

    Columns: scenario, baseline, outcome, measure, direction (+1 higher is better, -1 lower),
    sets, replicates (per set), median, p10, p90 (of the set means, weighted), mean,
    share_helps, share_helps_significantly, between_set_variance, within_set_variance,
    chance_variance, parameter_variance, parameter_share.
    """
    sets_table = per_set(diffs, outcomes, level)
    rows = []
    for (scn, base, measure), g in diffs.groupby(["scenario", "baseline", "measure"], sort=False):
        order = list(dict.fromkeys(g["set"]))
        n_rep = g.groupby("set").size()
        n = int(n_rep.min())
        w = np.array([weights[int(s)] for s in order], dtype=float)
        w = w / w.sum()
        st = sets_table[(sets_table.scenario == scn) & (sets_table.measure == measure)].set_index(
            ["outcome", "set"]
        )
        for k in outcomes:
            mat = np.stack([g.loc[g["set"] == s, k].to_numpy(dtype=float)[:n] for s in order])
            split = variance_split(mat, w)
            m = mat.mean(axis=1)
            sign = direction(k)
            lows = st.loc[[(k, s) for s in order], "ci_low"].to_numpy()
            highs = st.loc[[(k, s) for s in order], "ci_high"].to_numpy()
            sig = (lows > 0) if sign > 0 else (highs < 0)
            p10, p50, p90 = weighted_quantile(m, w, [0.1, 0.5, 0.9])
            rows.append(
                {
                    "scenario": scn,
                    "baseline": base,
                    "outcome": k,
                    "measure": measure,
                    "direction": sign,
                    "sets": len(order),
                    "replicates": n,
                    "median": float(p50),
                    "p10": float(p10),
                    "p90": float(p90),
                    **{"mean": split.pop("mean")},
                    "share_helps": float(np.sum(w * (sign * m > 0))),
                    "share_helps_significantly": float(np.sum(w * sig)) if n > 1 else np.nan,
                    **split,
                }
            )
    return pd.DataFrame(rows)


def plain_summary(row: Mapping, label: str) -> str:
    """One sentence for a practitioner: where it helps, its typical effect, what is noise."""
    verb = "raises" if row["direction"] > 0 else "lowers"
    text = (
        f"{row['scenario']} helps ({verb} {label}) in {row['share_helps']:.0%} of plausible "
        f"worlds ({row['sets']} parameter sets); typical effect {row['median']:+.3f} "
        f"(10-90%: {row['p10']:+.3f} to {row['p90']:+.3f})"
    )
    if np.isfinite(row.get("share_helps_significantly", np.nan)):
        text += f"; clearly so in {row['share_helps_significantly']:.0%}"
    share = row.get("parameter_share", np.nan)
    if np.isfinite(share):
        text += (
            f". Of the spread between worlds, {share:.0%} is parameter uncertainty and "
            f"{1 - share:.0%} chance ({row['replicates']} replicates per set)"
        )
    return text + "."
