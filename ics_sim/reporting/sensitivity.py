"""The report of a sweep: the tables of :mod:`ics_sim.evaluation.analysis`, and their plots.

:func:`analyse` reads a results folder written by :func:`ics_sim.sweep.sweep` and writes CSV
tables and PNG plots to ``RESULTS_DIR/analysis/``:

* every design: ``points.csv``, per design point, parameter values and each outcome's
  statistics across replicates (mean, sd, 95% CI half-width, median, 10th and 90th centile);
* ``sobol``: ``sobol_indices.csv`` (first-order S1 and total ST indices with the half-widths
  of their 95% bootstrap confidence intervals, SALib ``sobol.analyze``), with
  ``second_order: true`` ``sobol_second_order.csv``, and ``sobol_<statistic>.png``;
* ``morris``: ``morris_indices.csv`` (mu, mu*, its 95% CI half-width, sigma; SALib
  ``morris.analyze``) and ``morris_<statistic>.png`` (mu* against sigma);
* ``grid`` and ``lhs``: ``response_<outcome>_<statistic>.png``, each outcome against each
  parameter, the median and 10-90% band across replicates;
* with 3 or more replicates: ``replicates_ci.csv`` and ``replicates_ci.png`` (how the 95% CI
  of each outcome's mean narrows with replicates) and ``replicates_needed.csv`` (replicates
  for a CI half-width of 0.05, 0.02, 0.01 and 0.005).

The statistic is ``final`` (value at the last week) or ``mean`` (mean over the run). Sobol and
Morris indices are computed on the mean over replicates at each design point: averaging
removes most of the run-to-run noise, which would otherwise show up as spurious sensitivity.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..evaluation.analysis import (
    ANALYSIS,
    STAT_LABELS,
    STATISTICS,
    SweepInfo,
    load_sweep,
    morris_table,
    point_means,
    point_table,
    replicates_needed,
    replicates_table,
    sobol_table,
)
from ..experiments import store as output
from ..palette import OKABE_ITO
from .plots import label_of


def analyse(results_dir: str | Path) -> Path:
    """Write the analysis of the sweep in ``results_dir``; return the analysis folder."""
    runs, info = load_sweep(results_dir)
    results_dir = Path(results_dir).expanduser()
    out = output.prepare_dir(results_dir / ANALYSIS)
    output.write_csv(point_table(runs, info), out / "points.csv")
    means = point_means(runs, info)
    if info.kind == "sobol":
        first, second = sobol_table(info, means)
        output.write_csv(first, out / "sobol_indices.csv")
        if second is not None:
            output.write_csv(second, out / "sobol_second_order.csv")
        for stat in STATISTICS:
            _plot_sobol(first, info, stat, out / f"sobol_{stat}.png")
    elif info.kind == "morris":
        table = morris_table(info, means)
        output.write_csv(table, out / "morris_indices.csv")
        for stat in STATISTICS:
            _plot_morris(table, info, stat, out / f"morris_{stat}.png")
    elif info.names:
        for outcome in info.outcomes:
            for stat in STATISTICS:
                path = out / f"response_{outcome}_{stat}.png"
                _plot_response(runs, info, outcome, stat, path)
    if info.replicates >= 3:
        ci = replicates_table(runs, info)
        output.write_csv(ci, out / "replicates_ci.csv")
        output.write_csv(replicates_needed(runs, info), out / "replicates_needed.csv")
        _plot_replicates(ci, info, out / "replicates_ci.png")
    return out


# ---------------------------------------------------------------------------------------------
# Plots


def _figure(panels: int, width: float = 4.0, height: float = 3.2, cols: int = 4):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    cols = max(1, min(cols, panels))
    rows = math.ceil(panels / cols)
    fig = Figure(figsize=(width * cols, height * rows + 0.8), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[panels:]:
        ax.set_visible(False)
    return fig, axes[:panels]


def _rc():
    import matplotlib as mpl

    return mpl.rc_context(
        {
            "font.size": 9,
            "axes.titlesize": 9.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#dddddd",
            "grid.linewidth": 0.6,
            "figure.facecolor": "white",
            "savefig.facecolor": "white",
        }
    )


def _label(outcome: str) -> str:
    return label_of(outcome)


def _colours() -> tuple[str, ...]:
    return OKABE_ITO


def _plot_sobol(table: pd.DataFrame, info: SweepInfo, stat: str, path: Path) -> Path:
    colours = _colours()
    with _rc():
        fig, axes = _figure(len(info.outcomes), width=4.2, height=0.35 * len(info.names) + 1.4)
        y = np.arange(len(info.names))
        for ax, outcome in zip(axes, info.outcomes, strict=True):
            t = table[(table.outcome == outcome) & (table.statistic == stat)].set_index("parameter")
            t = t.reindex(info.names)
            ax.barh(y - 0.2, t.S1, 0.38, xerr=t.S1_conf, color=colours[0], label="first order S1")
            ax.barh(y + 0.2, t.ST, 0.38, xerr=t.ST_conf, color=colours[1], label="total ST")
            ax.set_yticks(y, info.names)
            ax.invert_yaxis()
            ax.set_xlim(min(0.0, float(np.nanmin(t.S1 - t.S1_conf))), None)
            ax.axvline(0, color="#444444", lw=0.8)
            ax.set_title(_label(outcome))
            ax.set_xlabel("Sobol index (95% CI)")
        axes[0].legend(loc="lower right")
        _title(fig, f"{info.name}: Sobol indices of each outcome {STAT_LABELS[stat]}")
        return output.save_figure(fig, path)


def _plot_morris(table: pd.DataFrame, info: SweepInfo, stat: str, path: Path) -> Path:
    colours = _colours()
    with _rc():
        fig, axes = _figure(len(info.outcomes), width=4.2, height=3.6)
        for ax, outcome in zip(axes, info.outcomes, strict=True):
            t = table[(table.outcome == outcome) & (table.statistic == stat)]
            ax.errorbar(
                t.mu_star, t.sigma, xerr=t.mu_star_conf, fmt="o", color=colours[0], ms=4, lw=0.8
            )
            for _, r in t.iterrows():
                ax.annotate(
                    r.parameter,
                    (r.mu_star, r.sigma),
                    fontsize=7,
                    xytext=(3, 3),
                    textcoords="offset points",
                )
            reach = np.concatenate([(t.mu_star + t.mu_star_conf).to_numpy(), t.sigma.to_numpy()])
            reach = reach[np.isfinite(reach)]
            top = float(max(reach.max() if reach.size else 0.0, 1e-12)) * 1.15
            ax.plot([0, top], [0, top], ls="--", color="#888888", lw=0.8)
            ax.set_xlim(0, top)
            ax.set_ylim(0, top)
            ax.set_title(_label(outcome))
            ax.set_xlabel("mu* (mean |elementary effect|)")
            ax.set_ylabel("sigma (interaction / non-linearity)")
        _title(fig, f"{info.name}: Morris screening of each outcome {STAT_LABELS[stat]}")
        return output.save_figure(fig, path)


def _plot_response(
    runs: pd.DataFrame, info: SweepInfo, outcome: str, stat: str, path: Path
) -> Path:
    colours = _colours()
    col = f"{outcome}_{stat}"
    per_point = runs.groupby("point", sort=True)[col].quantile([0.1, 0.5, 0.9]).unstack()
    per_point.columns = ["p10", "p50", "p90"]
    params = runs.groupby("point", sort=True)[info.names].first()
    pts = params.join(per_point)
    with _rc():
        fig, axes = _figure(len(info.names), width=4.2, height=3.3)
        for ax, name in zip(axes, info.names, strict=True):
            others = [n for n in info.names if n != name]
            if info.kind == "grid":
                combos = pts.groupby(others, sort=True) if others else [((), pts)]
                n_combos = len(combos) if others else 1
                if n_combos <= len(colours):
                    for i, (key, g) in enumerate(combos):
                        g = g.sort_values(name)
                        label = _combo_label(others, key)
                        c = colours[i % len(colours)]
                        ax.plot(g[name], g.p50, "o-", color=c, ms=3, lw=1.2, label=label)
                        ax.fill_between(g[name], g.p10, g.p90, color=c, alpha=0.18, lw=0)
                    if others:
                        ax.legend(fontsize=7, title=", ".join(others), title_fontsize=7)
                else:  # too many settings of the others to draw: pool them
                    g = runs.groupby(name, sort=True)[col].quantile([0.1, 0.5, 0.9]).unstack()
                    ax.plot(g.index, g[0.5], "o-", color=colours[0], ms=3, label="all runs")
                    ax.fill_between(g.index, g[0.1], g[0.9], color=colours[0], alpha=0.18, lw=0)
                    ax.legend(fontsize=7, title="other parameters pooled", title_fontsize=7)
            else:
                g = pts.sort_values(name)
                ax.vlines(g[name], g.p10, g.p90, color=colours[0], alpha=0.35, lw=1)
                ax.plot(g[name], g.p50, "o", color=colours[0], ms=2.5, label="design point")
                trend = _binned_median(g[name].to_numpy(), g.p50.to_numpy())
                if trend is not None:
                    ax.plot(*trend, "-", color=colours[1], lw=2, label="binned median")
                ax.legend(fontsize=7)
            ax.set_xlabel(name)
            ax.set_ylabel(_label(outcome) if len(_label(outcome)) < 30 else outcome)
        _title(
            fig,
            f"{info.name}: {_label(outcome)} {STAT_LABELS[stat]} (median and 10-90% band "
            f"across {info.replicates} replicates)",
        )
        return output.save_figure(fig, path)


def _title(fig, text: str) -> None:
    import textwrap

    width = int(fig.get_figwidth() * 11)
    fig.suptitle("\n".join(textwrap.wrap(text, max(40, width))))


def _combo_label(names: list[str], key: Any) -> str:
    if not names:
        return "median, 10-90%"
    key = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{v:g}" for v in key)


def _binned_median(x: np.ndarray, y: np.ndarray, bins: int = 10):
    if len(x) < 20:  # too few points for a trend to mean much
        return None
    bins = min(bins, len(x) // 5)
    edges = np.quantile(x, np.linspace(0, 1, bins + 1))
    idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    xs, ys = [], []
    for b in range(bins):
        m = idx == b
        if m.any():
            xs.append(float(np.median(x[m])))
            ys.append(float(np.median(y[m])))
    return np.array(xs), np.array(ys)


def _plot_replicates(ci: pd.DataFrame, info: SweepInfo, path: Path) -> Path:
    colours = _colours()
    with _rc():
        fig, axes = _figure(2, width=5.2, height=3.8, cols=2)
        for ax, stat in zip(axes, STATISTICS, strict=True):
            t = ci[ci.statistic == stat]
            for i, outcome in enumerate(info.outcomes):
                o = t[t.outcome == outcome]
                main = outcome == "collaboration_index"
                c = "#000000" if main else colours[i % (len(colours) - 1)]
                ax.plot(
                    o.replicates,
                    o.half_width_median,
                    "o-",
                    color=c,
                    ms=3,
                    lw=2.2 if main else 1,
                    label=_short(outcome),
                )
                if main and (o.points > 1).any():
                    ax.fill_between(
                        o.replicates,
                        o.half_width_median,
                        o.half_width_max,
                        color=c,
                        alpha=0.12,
                        lw=0,
                        label="largest across points",
                    )
                if main:
                    ax.plot(
                        o.replicates, o.expected_median, "--", color=c, lw=1, label="t sd / sqrt(n)"
                    )
            ax.set_xscale("log")
            if (t.half_width_median > 0).any():
                ax.set_yscale("log")
            ticks = sorted(set(t.replicates))
            ax.set_xticks(ticks, [str(n) for n in ticks])
            ax.minorticks_off()
            ax.set_xlabel("replicates per point")
            ax.set_ylabel("95% CI half-width of the mean")
            ax.set_title(f"Outcomes {STAT_LABELS[stat]}")
        axes[0].legend(fontsize=7)
        _title(fig, f"{info.name}: how the 95% confidence interval narrows with replicates")
        return output.save_figure(fig, path)


def _short(outcome: str) -> str:
    return outcome.replace("_", " ")
