"""The picture of a surveyed network: who rated whom, surveyed ties apart from imputed ones.

Drawn for ``ics-sim import-survey``'s coverage report: organisations coloured by kind (the
palette of every other network picture), surveyed ties as solid lines coloured by trust,
imputed ties as thin dashed grey lines, so a reader sees at once how much of the starting
network the partnership measured and how much the model filled in.
"""

from __future__ import annotations

import os

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..palette import KIND_COLOURS, UNKNOWN_COLOUR
from ..system.kinds import LABELS, Kind
from .plots import _RC, TRUST_CMAP, _figure, _finish


def plot_surveyed_network(
    names: list[str],
    kinds: list[int],
    src: np.ndarray,
    dst: np.ndarray,
    trust: np.ndarray,
    observed: np.ndarray,
    title: str,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Surveyed (solid, by trust) and imputed (dashed grey) ties between ``names``."""
    import matplotlib as mpl
    from matplotlib.collections import LineCollection

    g = nx.Graph()
    g.add_nodes_from(range(len(names)))
    g.add_edges_from(zip(src[observed].tolist(), dst[observed].tolist(), strict=True))
    pos = nx.spring_layout(g, seed=0)
    xy = np.array([pos[i] for i in range(len(names))])
    with mpl.rc_context({**_RC, "axes.grid": False}):
        fig = _figure(figsize=(10, 8), layout="constrained")
        ax = fig.add_subplot()
        ax.set_axis_off()
        imp = ~observed
        if imp.any():
            ax.add_collection(
                LineCollection(
                    np.stack([xy[src[imp]], xy[dst[imp]]], axis=1),
                    colors="#bbbbbb",
                    linewidths=0.4,
                    linestyles="dashed",
                    zorder=0,
                )
            )
        if observed.any():
            t = np.nan_to_num(trust[observed], nan=0.5)
            ax.add_collection(
                LineCollection(
                    np.stack([xy[src[observed]], xy[dst[observed]]], axis=1),
                    colors=TRUST_CMAP(np.clip(t, 0, 1)),
                    linewidths=0.4 + 1.6 * t,
                    alpha=0.8,
                    zorder=1,
                )
            )
        colours = [KIND_COLOURS.get(Kind(k).key, UNKNOWN_COLOUR) for k in kinds]
        ax.scatter(xy[:, 0], xy[:, 1], s=160, c=colours, edgecolors="white", zorder=2)
        for i, name in enumerate(names):
            ax.annotate(
                name,
                xy[i],
                fontsize=7,
                ha="center",
                va="bottom",
                xytext=(0, 7),
                textcoords="offset points",
                zorder=3,
            )
        handles = [
            Line2D([], [], color=TRUST_CMAP(0.8), lw=2, label="surveyed tie (colour: trust)"),
            Line2D([], [], color="#bbbbbb", lw=1, ls="--", label="imputed tie"),
        ] + [
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                color=KIND_COLOURS.get(Kind(k).key, UNKNOWN_COLOUR),
                label=LABELS[Kind(k)],
            )
            for k in sorted(set(kinds))
        ]
        ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False
        )
        ax.set_title(title)
        ax.autoscale()
    return _finish(fig, path)
