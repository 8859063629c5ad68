"""Figures of scenario discovery: PRIM's peeling trajectory, the chosen box, the CART tree."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from .plots import _figure


def _subplots(figsize: tuple[float, float]) -> tuple[Figure, Any]:
    fig = _figure(figsize=figsize)
    return fig, fig.add_subplot()


def plot_peeling(box: Any, title: str) -> Figure:
    """Coverage against density of every box PRIM peeled, coloured by restricted factors;
    the chosen box ringed (the trade-off Bryant and Lempert 2010 ask the analyst to judge)."""
    t = box.trajectory
    fig, ax = _subplots(figsize=(6, 4.5))
    sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    ax.scatter(
        [box.coverage], [box.density], s=120, facecolors="none", edgecolors="red", linewidths=1.5
    )
    fig.colorbar(sc, ax=ax, label="factors restricted")
    ax.set_xlabel("coverage (share of all cases inside the box)")
    ax.set_ylabel("density (share of the box's points that are cases)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_box(box: Any, ranges: dict[str, tuple[float, float]], title: str) -> Figure:
    """Each factor's range (grey) and the box's limits on it (coloured), scaled to 0-1."""
    names = list(ranges)
    fig, ax = _subplots(figsize=(6, 0.5 + 0.45 * len(names)))
    for i, n in enumerate(names):
        lo, hi = ranges[n]
        ax.barh(i, 1.0, left=0.0, color="0.88", height=0.6)
        if n in box.limits:
            a, b = box.limits[n]
            ax.barh(i, (b - a) / (hi - lo), left=(a - lo) / (hi - lo), color="C3", height=0.6)
            ax.text(1.02, i, f"{a:.3g} to {b:.3g}", va="center", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_xlim(0, 1.35)
    ax.set_xlabel("position within the sampled range")
    ax.set_title(f"{title}\ncoverage {box.coverage:.0%}, density {box.density:.0%}", fontsize=10)
    fig.tight_layout()
    return fig


def plot_tree(clf: Any, names: list[str], title: str) -> Figure:
    """The CART tree (scikit-learn's drawing), leaves coloured by their majority class."""
    from sklearn.tree import plot_tree

    depth = clf.get_depth()
    fig, ax = _subplots(figsize=(min(4 + 3 * depth, 18), 2 + 1.6 * depth))
    plot_tree(
        clf,
        feature_names=names,
        class_names=["fails", "succeeds"],
        filled=True,
        impurity=False,
        proportion=True,
        fontsize=7,
        ax=ax,
    )
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
