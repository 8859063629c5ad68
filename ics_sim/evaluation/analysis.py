"""Analysing a sweep's results as tables: sensitivity indices, design points, replicates.

Everything here works on the result tables of a sweep (:mod:`ics_sim.experiments.sweep`) and
returns tables; :func:`ics_sim.reporting.sensitivity.analyse` writes them with their plots to
``RESULTS_DIR/analysis/``.

The statistic is ``final`` (value at the last week) or ``mean`` (mean over the run). Sobol and
Morris indices are computed on the mean over replicates at each design point: averaging
removes most of the run-to-run noise, which would otherwise show up as spurious sensitivity.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ICSSimError

STATISTICS: tuple[str, ...] = ("final", "mean")
STAT_LABELS = {"final": "at the last week", "mean": "mean over the run"}
CI_TARGETS: tuple[float, ...] = (0.05, 0.02, 0.01, 0.005)
RESAMPLES = 1000
ANALYSIS = "analysis"


def load_sweep(results_dir: str | Path) -> tuple[pd.DataFrame, SweepInfo]:
    """The runs of the sweep in ``results_dir`` and what its manifest says about them.

    Raises ICSSimError when there is no such folder, no run yet, or (for Sobol and Morris,
    which need every design point) runs are missing.
    """
    from ..experiments.sweep import read_manifest, read_runs

    results_dir = Path(results_dir).expanduser()
    if not results_dir.is_dir():
        raise ICSSimError(f"no results folder {str(results_dir)!r}")
    manifest = read_manifest(results_dir)
    runs = read_runs(results_dir)
    info = SweepInfo(manifest)
    if runs.empty:
        raise ICSSimError(
            f"{results_dir} holds no runs yet; run the sweep (with --resume to finish it)"
        )
    missing = info.total - len(runs)
    if missing and info.kind in ("sobol", "morris"):
        raise ICSSimError(
            f"{results_dir}: {missing} of {info.total} runs are missing, and {info.kind} "
            "indices need every design point; finish the sweep with 'ics-sim sweep "
            "EXPERIMENT.yaml --resume' first"
        )
    return runs, info


class SweepInfo:
    """What the analysis needs from a sweep's manifest."""

    def __init__(self, manifest: dict[str, Any]):
        try:
            design = manifest["design"]
            runs = manifest["runs"]
            self.kind: str = design["kind"]
            self.names: list[str] = list(design["parameters"])
            self.points = np.asarray(design["points"], dtype=float).reshape(
                int(runs["points"]), len(self.names)
            )
            self.problem: dict[str, Any] | None = design.get("problem")
            self.second_order = bool(design.get("second_order", False))
            self.morris_levels = int(design.get("morris_levels", 4))
            self.replicates = int(runs["replicates"])
            self.total = int(runs["total"])
            self.outcomes: list[str] = list(runs["outcomes"])
            self.seed = int(manifest.get("seeds", {}).get("seed", 0))
            self.name = str(manifest.get("resolved", {}).get("experiment", {}).get("name", ""))
        except (KeyError, TypeError, ValueError) as e:
            raise ICSSimError(f"the sweep's manifest lacks or garbles {e}") from None

    def columns(self, stat: str) -> list[str]:
        return [f"{o}_{stat}" for o in self.outcomes]


# ---------------------------------------------------------------------------------------------
# Tables


def point_means(runs: pd.DataFrame, info: SweepInfo) -> pd.DataFrame:
    """Mean over replicates of every outcome statistic, one row per design point (in order)."""
    cols = [c for s in STATISTICS for c in info.columns(s)]
    return runs.groupby("point", sort=True)[cols].mean()


def point_table(runs: pd.DataFrame, info: SweepInfo) -> pd.DataFrame:
    """Per point, outcome and statistic: n, mean, sd, CI half-width, median, p10, p90."""
    params = runs.groupby("point", sort=True)[info.names].first() if info.names else None
    rows = []
    for outcome in info.outcomes:
        for stat in STATISTICS:
            g = runs.groupby("point", sort=True)[f"{outcome}_{stat}"]
            n = g.count()
            sd = g.std(ddof=1)
            t = pd.Series(_t975(n.to_numpy()), index=n.index)
            frame = pd.DataFrame(
                {
                    "outcome": outcome,
                    "statistic": stat,
                    "n": n,
                    "mean": g.mean(),
                    "sd": sd,
                    "ci95_half_width": t * sd / np.sqrt(n),
                    "median": g.median(),
                    "p10": g.quantile(0.1),
                    "p90": g.quantile(0.9),
                }
            )
            if params is not None:
                frame = params.join(frame)
            rows.append(frame.reset_index())
    return pd.concat(rows, ignore_index=True)


def _t975(n: np.ndarray) -> np.ndarray:
    from scipy import stats

    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(n >= 2, stats.t.ppf(0.975, np.maximum(n - 1, 1)), np.nan)


def _problem(info: SweepInfo) -> dict[str, Any]:
    if info.problem is None:
        raise ICSSimError("the manifest of this sobol or morris sweep has no 'problem'")
    return {
        "num_vars": len(info.names),
        "names": list(info.names),
        "bounds": [list(map(float, b)) for b in info.problem["bounds"]],
    }


def sobol_table(info: SweepInfo, means: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """First-order and total Sobol indices (and second-order ones if designed for)."""
    from SALib.analyze import sobol

    problem = _problem(info)
    first, second = [], []
    for outcome in info.outcomes:
        for stat in STATISTICS:
            y = means[f"{outcome}_{stat}"].to_numpy(dtype=float)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = sobol.analyze(
                    problem,
                    y,
                    calc_second_order=info.second_order,
                    num_resamples=RESAMPLES,
                    conf_level=0.95,
                    seed=info.seed,
                )
            for j, name in enumerate(info.names):
                first.append(
                    {
                        "outcome": outcome,
                        "statistic": stat,
                        "parameter": name,
                        "S1": res["S1"][j],
                        "S1_conf": res["S1_conf"][j],
                        "ST": res["ST"][j],
                        "ST_conf": res["ST_conf"][j],
                    }
                )
            if info.second_order:
                for j, a in enumerate(info.names):
                    for k in range(j + 1, len(info.names)):
                        second.append(
                            {
                                "outcome": outcome,
                                "statistic": stat,
                                "parameter_1": a,
                                "parameter_2": info.names[k],
                                "S2": res["S2"][j, k],
                                "S2_conf": res["S2_conf"][j, k],
                            }
                        )
    return pd.DataFrame(first), (pd.DataFrame(second) if info.second_order else None)


def morris_table(info: SweepInfo, means: pd.DataFrame) -> pd.DataFrame:
    """Morris elementary-effects statistics: mu, mu*, mu* CI half-width, sigma."""
    from SALib.analyze import morris

    problem = _problem(info)
    rows = []
    for outcome in info.outcomes:
        for stat in STATISTICS:
            y = means[f"{outcome}_{stat}"].to_numpy(dtype=float)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = morris.analyze(
                    problem,
                    info.points,
                    y,
                    num_resamples=RESAMPLES,
                    conf_level=0.95,
                    num_levels=info.morris_levels,
                    seed=info.seed,
                )
            for j, name in enumerate(info.names):
                rows.append(
                    {
                        "outcome": outcome,
                        "statistic": stat,
                        "parameter": name,
                        "mu": float(res["mu"][j]),
                        "mu_star": float(res["mu_star"][j]),
                        "mu_star_conf": float(res["mu_star_conf"][j]),
                        "sigma": float(res["sigma"][j]),
                    }
                )
    return pd.DataFrame(rows)


def replicate_counts(replicates: int) -> list[int]:
    """Numbers of replicates at which the CI is reported: 2, 3, 5, 10, 20, 50, ... and all."""
    out, base = [], 1
    while base <= replicates:
        out += [k * base for k in (1, 2, 3, 5) if 2 <= k * base <= replicates]
        base *= 10
    return sorted(set(out) | {replicates})


def replicates_table(runs: pd.DataFrame, info: SweepInfo) -> pd.DataFrame:
    """How the 95% CI half-width of each outcome's mean narrows with replicates.

    For each n, the first n replicates of each point give t(0.975, n-1) * sd / sqrt(n); the
    table reports its median and largest value across points (``observed``), and the same
    formula with the sd of all the replicates (``expected``: the smooth 1/sqrt(n) curve).
    """
    rows = []
    counts = replicate_counts(info.replicates)
    for outcome in info.outcomes:
        for stat in STATISTICS:
            wide = runs.pivot(index="point", columns="replicate", values=f"{outcome}_{stat}")
            values = wide.to_numpy(dtype=float)  # (points, replicates), NaN where missing
            sd_all = np.nanstd(values, axis=1, ddof=1)
            for n in counts:
                sub = values[:, :n]
                ok = ~np.isnan(sub).any(axis=1)
                if not ok.any():
                    continue
                t = float(_t975(np.array([n]))[0])
                half = t * sub[ok].std(axis=1, ddof=1) / math.sqrt(n)
                expected = t * sd_all[ok] / math.sqrt(n)
                rows.append(
                    {
                        "outcome": outcome,
                        "statistic": stat,
                        "replicates": n,
                        "points": int(ok.sum()),
                        "half_width_median": float(np.median(half)),
                        "half_width_max": float(half.max()),
                        "expected_median": float(np.median(expected)),
                        "expected_max": float(expected.max()),
                    }
                )
    return pd.DataFrame(rows)


def needed(sd: float, target: float, limit: int = 10_000_000) -> int:
    """Smallest n with t(0.975, n-1) * sd / sqrt(n) <= target (at least 2)."""
    if not math.isfinite(sd) or sd <= 0:
        return 2
    from scipy import stats

    n = max(2, math.ceil((1.959964 * sd / target) ** 2))
    while n < limit and stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) > target:
        n += 1
    return min(n, limit)


def replicates_needed(runs: pd.DataFrame, info: SweepInfo) -> pd.DataFrame:
    """Replicates for a given 95% CI half-width, from the sd across replicates at each point.

    ``median_point`` uses the median sd over design points; ``worst_point`` the largest
    (enough everywhere in the design).
    """
    rows = []
    for outcome in info.outcomes:
        for stat in STATISTICS:
            sd = runs.groupby("point")[f"{outcome}_{stat}"].std(ddof=1).to_numpy(dtype=float)
            sd = sd[np.isfinite(sd)]
            if sd.size == 0:
                continue
            for target in CI_TARGETS:
                rows.append(
                    {
                        "outcome": outcome,
                        "statistic": stat,
                        "ci95_half_width": target,
                        "sd_median": float(np.median(sd)),
                        "sd_max": float(sd.max()),
                        "median_point": needed(float(np.median(sd)), target),
                        "worst_point": needed(float(sd.max()), target),
                    }
                )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Plots


#: The interval half-width (95%) a first-order index should have before it is read as a finding.
SOBOL_TARGET_CONF = 0.05


def sobol_quality(first: pd.DataFrame, samples: int) -> dict[str, Any]:
    """How far Sobol indices estimated from ``samples`` base samples can be trusted.

    Counts the signs of too small a sample: negative first-order indices, indices above 1, and
    intervals wider than the estimate. The intervals narrow as 1/sqrt(N), so the base sample
    N needed for a median half-width of :data:`SOBOL_TARGET_CONF` is about
    ``N * (median half-width / target)**2`` (rounded up to a power of two, as Saltelli's
    design wants).
    """
    s1, conf = first["S1"].to_numpy(float), first["S1_conf"].to_numpy(float)
    finite = np.isfinite(s1) & np.isfinite(conf)
    median_conf = float(np.median(conf[finite])) if finite.any() else float("nan")
    ratio = median_conf / SOBOL_TARGET_CONF
    need = samples
    if np.isfinite(ratio) and ratio > 1:
        need = 2 ** math.ceil(math.log2(max(samples, 1) * ratio**2))
    return {
        "indices": int(len(first)),
        "negative": int((s1[finite] < 0).sum()),
        "above_one": int((s1[finite] > 1).sum()),
        "wide": int((conf[finite] > np.abs(s1[finite])).sum()),
        "median_conf": median_conf,
        "samples": int(samples),
        "samples_needed": int(need),
    }
