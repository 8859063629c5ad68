"""Waterfall charts of an explanation: how each event and each mechanism adds up to the change.

Built from :meth:`ics_sim.evaluation.explain.Explanation.table` (a pandas table, so a saved
``explain.csv`` draws the same chart). Each bar starts where the previous one ended; the last
bar is the total change. The left panel splits the change by event, with the baseline drift
(what happens with nothing switched on) and any sampling error as their own, grey bars: the
residual is always shown, never hidden. The right panel splits it by mechanism.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from ..core.outcome_table import label_of
from ..palette import OKABE_ITO
from .plots import _RC, _figure, _finish

UP, DOWN, REST, TOTAL = OKABE_ITO[2], OKABE_ITO[1], "#9a9a9a", OKABE_ITO[0]
RESIDUAL_PARTS = ("baseline_drift", "sampling_error")


def _bars(ax, rows: pd.DataFrame, total: float, title: str, floor: float) -> None:
    shown = rows[(rows["change"].abs() >= floor) | rows["part"].isin(RESIDUAL_PARTS[:1])]
    hidden = rows.drop(shown.index)
    labels = [textwrap.fill(t, 26) for t in shown["title"]]
    values = list(shown["change"])
    kinds = list(shown["part"])
    if len(hidden):
        labels.append(f"{len(hidden)} others")
        values.append(float(hidden["change"].sum()))
        kinds.append("others")
    labels.append("Total change")
    y = list(range(len(labels)))
    at = 0.0
    for i, (v, part) in enumerate(zip(values, kinds, strict=True)):
        colour = REST if part in (*RESIDUAL_PARTS, "others") else UP if v >= 0 else DOWN
        ax.barh(i, v, left=at, color=colour, height=0.6)
        # the value right of the bar, so it never runs into the labels on the left
        ax.text(max(at, at + v), i, f" {v:+.3f}", va="center", ha="left", fontsize=8)
        at += v
    ax.barh(len(values), total, color=TOTAL, height=0.6)
    ax.text(
        max(total, 0.0),
        len(values),
        f" {total:+.3f}",
        va="center",
        ha="left",
        fontsize=8,
        fontweight="bold",
    )
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title)
    ends = [0.0, total]
    run = 0.0
    for v in values:
        run += v
        ends.append(run)
    lo, hi = min(ends), max(ends)
    span = (hi - lo) or 1e-3
    ax.set_xlim(lo - 0.05 * span, hi + 0.22 * span)  # room for the values on the right


def plot_waterfall(
    table: pd.DataFrame,
    outcome: str = "collaboration_index",
    *,
    title: str | None = None,
    floor: float = 5e-4,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Two waterfalls of the change in ``outcome``: by event (left) and by mechanism (right).

    Parts smaller than ``floor`` in size are merged into one "others" bar (the baseline
    drift is always drawn).
    """
    import matplotlib as mpl

    rows = table[table["outcome"] == outcome]
    if rows.empty:
        raise ValueError(f"no rows for outcome {outcome!r} in the explanation table")
    with mpl.rc_context(_RC):
        fig = _figure(figsize=(11, 4.6), layout="constrained")
        axes = fig.subplots(1, 2)
        for ax, split, name in zip(
            axes, ("event", "mechanism"), ("By event", "By mechanism"), strict=True
        ):
            part = rows[rows["split"] == split]
            total = float(part.loc[part["part"] == "total", "change"].iloc[0])
            body = part[part["part"] != "total"]
            if split == "event":
                body = body[(body["part"] != "sampling_error") | (body["change"].abs() > 0)]
            _bars(ax, body, total, name, floor)
            ax.set_xlabel("change")
        fig.suptitle(title or f"What changed {label_of(outcome).lower()}")
    return _finish(fig, path)


def plot_waterfalls(
    table: pd.DataFrame,
    outcomes: Sequence[str],
    path: str | os.PathLike[str] | None = None,
) -> list[Figure]:
    """:func:`plot_waterfall` for each of ``outcomes``."""
    return [plot_waterfall(table, k) for k in outcomes]
