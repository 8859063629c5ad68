"""Figures of a calibration: prior against posterior for each parameter, the posterior
predictive check against each target, and the simulation-based-calibration ranks.

As in :mod:`ics_sim.reporting.plots`, each function builds a new Agg figure without pyplot.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..palette import OKABE_ITO


def _grid(n: int, width: float = 3.2, height: float = 2.6) -> tuple[Figure, list]:
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(width * cols, height * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(rows, cols, i + 1) for i in range(n)]
    return fig, axes


def prior_posterior(
    prior: pd.DataFrame, ensemble: pd.DataFrame, identifiability: pd.DataFrame
) -> Figure:
    """One panel per parameter: the prior's histogram and the weighted posterior's."""
    names = list(prior.columns)
    fig, axes = _grid(len(names))
    verdict = dict(zip(identifiability["parameter"], identifiability["verdict"], strict=True))
    w = ensemble["weight"].to_numpy()
    for ax, name in zip(axes, names, strict=True):
        lo, hi = float(prior[name].min()), float(prior[name].max())
        bins = np.linspace(lo, hi, 25)
        ax.hist(prior[name], bins=bins, density=True, color=OKABE_ITO[7], alpha=0.5, label="prior")
        ax.hist(
            ensemble[name].to_numpy(dtype=float),
            bins=bins,
            weights=w,
            density=True,
            color=OKABE_ITO[4],
            alpha=0.75,
            label="posterior",
        )
        ax.set_title(f"{name}\n({verdict.get(name, '')})", fontsize=9)
        ax.tick_params(labelsize=8)
    axes[0].legend(fontsize=8)
    return fig


def predictive_check(predictive: pd.DataFrame, draws: pd.DataFrame) -> Figure:
    """One panel per target: the posterior predictive distribution against the observation
    (a line for a point, a shaded band for a range)."""
    fig, axes = _grid(len(predictive))
    for ax, row in zip(axes, predictive.itertuples(index=False), strict=True):
        d = draws[draws["target"] == row.target]
        obs = (row.observed_lo, row.observed_hi) if row.evidence == "range" else (row.observed,) * 2
        lo = min(float(d["value"].min()), obs[0])
        hi = max(float(d["value"].max()), min(obs[1], max(1.0, float(d["value"].max()))))
        pad = 0.05 * max(hi - lo, 0.01)
        bins = np.linspace(lo - pad, hi + pad, 40)
        ax.hist(d["value"], bins=bins, weights=d["weight"], density=True, color=OKABE_ITO[0])
        if row.evidence == "range":
            ax.axvspan(row.observed_lo, min(row.observed_hi, 1.0), color=OKABE_ITO[2], alpha=0.3)
        else:
            ax.axvline(row.observed, color=OKABE_ITO[1], lw=2)
        ax.set_title(f"{row.target} ({row.verdict})", fontsize=9)
        ax.set_xlabel(row.outcome, fontsize=8)
        ax.tick_params(labelsize=8)
    return fig


def sbc_ranks(sbc: pd.DataFrame) -> Figure:
    """Histogram of the normalised ranks of each parameter's true value (flat if calibrated)."""
    names = list(dict.fromkeys(sbc["parameter"]))
    fig, axes = _grid(len(names))
    for ax, name in zip(axes, names, strict=True):
        r = sbc.loc[sbc["parameter"] == name, "rank"]
        ax.hist(r, bins=np.linspace(0, 1, 11), color=OKABE_ITO[2])
        ax.axhline(len(r) / 10, color="black", lw=1, ls="--")
        ax.set_title(name, fontsize=9)
        ax.set_xlim(0, 1)
        ax.tick_params(labelsize=8)
    return fig
