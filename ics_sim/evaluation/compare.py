"""Honest comparison of scenarios: paired differences on common random numbers, with intervals.

Every scenario runs on the same seeds, so replicate r of scenario B differs from replicate r of
scenario A only through what the scenarios change. For each outcome, the per-replicate
difference B - A is summarised by its mean and a 95% t-interval, at the end of the run and
averaged over the run. An interval that contains zero means these replicates cannot tell the
scenarios apart on that outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..state.outcomes import OUTCOMES


def paired_differences(
    frames: Sequence[pd.DataFrame], outcomes: Sequence[str] = OUTCOMES, level: float = 0.95
) -> pd.DataFrame:
    """One row per (scenario, outcome, measure) comparing each scenario with the first.

    Columns: scenario, baseline, outcome, measure ('end' or 'run mean'), baseline_mean,
    scenario_mean, difference, ci_low, ci_high, replicates, distinguishable.
    """
    base = frames[0]
    base_name = str(base["scenario"].iloc[0])
    rows = []
    summaries = [_summaries(f, outcomes) for f in frames]
    for frame, summ in zip(frames[1:], summaries[1:], strict=True):
        name = str(frame["scenario"].iloc[0])
        for measure in ("end", "run mean"):
            a, b = summaries[0][measure], summ[measure]
            common = a.index.intersection(b.index)
            for k in outcomes:
                d = (b.loc[common, k] - a.loc[common, k]).to_numpy()
                n = len(d)
                mean = float(d.mean()) if n else np.nan
                if n > 1:
                    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * d.std(ddof=1) / np.sqrt(n))
                else:
                    half = np.inf
                rows.append(
                    {
                        "scenario": name,
                        "baseline": base_name,
                        "outcome": k,
                        "measure": measure,
                        "baseline_mean": float(a.loc[common, k].mean()),
                        "scenario_mean": float(b.loc[common, k].mean()),
                        "difference": mean,
                        "ci_low": mean - half,
                        "ci_high": mean + half,
                        "replicates": n,
                        "distinguishable": bool(n > 1 and (mean - half > 0 or mean + half < 0)),
                    }
                )
    return pd.DataFrame(rows)


def _summaries(df: pd.DataFrame, outcomes: Sequence[str]) -> dict[str, pd.DataFrame]:
    last = df[df["week"] == df["week"].max()].set_index("seed")[list(outcomes)]
    run = df[df["week"] > 0].groupby("seed")[list(outcomes)].mean()
    return {"end": last, "run mean": run}


def replicates_needed(diff: pd.Series, level: float = 0.95) -> int | None:
    """Rough replicates for the interval of a paired difference to exclude zero."""
    n, half = diff["replicates"], (diff["ci_high"] - diff["ci_low"]) / 2
    if not np.isfinite(half) or diff["difference"] == 0:
        return None
    return int(np.ceil(n * (half / abs(diff["difference"])) ** 2 * 1.1)) + 1
