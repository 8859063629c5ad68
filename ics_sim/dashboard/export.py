"""Downloads for the workshop write-up: a picture of the current view, and the outcomes.

The PNG is drawn with matplotlib (Agg, no pyplot, so nothing is shared between sessions)
from the same data the browser draws (:mod:`ics_sim.dashboard.views`): the network (or both
networks side by side), the radar of the six practices, and the charts with the moments
interventions started marked.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from . import text, views
from .simulation import MAIN, RUN_LABELS, TWIN, Simulation

_RC_FONT = {"family": "DejaVu Sans"}
_MARK = {"intervention": "#007F3B", "shock": "#D5281B"}


def _network(ax: Any, geometry: dict[str, Any], state: dict[str, Any], title: str) -> None:
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_xlim(0, geometry["width"])
    ax.set_ylim(geometry["height"], 0)
    segs, colours, widths = [], [], []
    order = np.argsort([e[0] for e in state["edges"]]) if state["edges"] else []
    for k in order:
        e = geometry["edges"][k]
        w, c, o = state["edges"][k]
        segs.append([(e[2], e[3]), (e[4], e[5])])
        r, g, b = (int(c[i : i + 2], 16) / 255 for i in (1, 3, 5))
        colours.append((r, g, b, o))
        widths.append(w * 0.45)
    if segs:
        ax.add_collection(LineCollection(segs, colors=colours, linewidths=widths, zorder=1))
    circles = [
        Circle((n["x"], n["y"]), s["r"])
        for n, s in zip(geometry["nodes"], state["nodes"], strict=True)
    ]
    ax.add_collection(
        PatchCollection(
            circles,
            facecolors=[n["colour"] for n in geometry["nodes"]],
            edgecolors="white",
            linewidths=0.8,
            zorder=2,
        )
    )
    for n, s in zip(geometry["nodes"], state["nodes"], strict=True):
        if n["label"]:
            ax.text(
                n["x"],
                n["y"] + s["r"] + 6,
                "\n".join(n["label"]),
                ha="center",
                va="top",
                fontsize=6.5,
                color="#231f20",
                zorder=3,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    for p in geometry["places"]:
        ha = {"middle": "center", "start": "left", "end": "right"}[p["anchor"]]
        ax.text(
            p["x"],
            p["y"],
            p["text"],
            ha=ha,
            va="center",
            fontsize=8.5,
            color="#425563",
            fontstyle="italic",
        )
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold", color="#231f20")


def _network_legend(ax: Any, geometry: dict[str, Any], ncols: int) -> None:
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=k["colour"],
            markeredgecolor="white",
            label=k["label"],
        )
        for k in geometry["legend"]
    ]
    handles.append(
        Line2D(
            [],
            [],
            color=views.trust_colour(0.15),
            linewidth=0.8,
            label="Little trust (thin, pale line)",
        )
    )
    handles.append(
        Line2D(
            [],
            [],
            color=views.trust_colour(0.85),
            linewidth=2.6,
            label="Much trust (thick, dark line)",
        )
    )
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=11,
            color="#aeb7bd",
            label="Bigger circle: more power",
        )
    )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 0.0),
        ncols=ncols,
        frameon=False,
        fontsize=8,
    )


def _radar(ax: Any, radar: dict[str, Any]) -> None:
    axes = radar["axes"]
    k = len(axes)
    angles = np.linspace(0, 2 * np.pi, k, endpoint=False)
    closed = np.append(angles, angles[0])
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 1)
    ax.set_rgrids([0.25, 0.5, 0.75, 1.0], labels=["", "0.5", "", "1"], fontsize=7, color="#768692")
    ax.set_xticks(angles)
    ax.set_xticklabels([textwrap.fill(a, 16) for a in axes], fontsize=8.5)
    ax.tick_params(axis="x", pad=6)
    ax.spines["polar"].set_color("#aeb7bd")
    ax.grid(color="#e8edee")
    for p in radar["polygons"]:
        v = np.clip(np.append(p["values"], p["values"][0]), 0, 1)
        ax.plot(
            closed,
            v,
            color=p["colour"],
            linewidth=2.2 if p["filled"] else 1.6,
            linestyle=(0, (4, 3)) if p["dashed"] else "-",
            label=p["name"],
        )
        if p["filled"]:
            ax.fill(closed, v, color=p["colour"], alpha=0.15)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncols=len(radar["polygons"]),
        frameon=False,
        fontsize=8,
    )


def _chart(ax: Any, chart: dict[str, Any], big: bool) -> None:
    xmax = chart["xmax"]
    for s in chart["series"]:
        ax.plot(
            np.arange(len(s["values"])),
            s["values"],
            color=s["colour"],
            linewidth=2.2 if big else 1.7,
            label=s["name"],
        )
    for m in chart["markers"]:
        c = _MARK.get(m["kind"], "#425563")
        ax.axvline(
            m["week"],
            color=c,
            linestyle=(0, (4, 3)),
            linewidth=1.1,
            alpha=0.35 if m["planned"] else 0.9,
        )
        if big:
            ax.annotate(
                m["label"] + (" (planned)" if m["planned"] else ""),
                xy=(m["week"], 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, -4),
                textcoords="offset points",
                rotation=90,
                va="top",
                ha="left",
                fontsize=7.5,
                color=c,
            )
    ax.set_xlim(0, max(xmax, 1))
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.5, 1])
    ax.set_xticks([t["week"] for t in chart["ticks"]], [t["label"] for t in chart["ticks"]])
    ax.tick_params(labelsize=7.5, colors="#425563")
    ax.grid(axis="y", color="#e8edee")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(
        chart["title"], loc="left", fontsize=10 if big else 9, fontweight="bold", color="#231f20"
    )


def png(sim: Simulation, dpi: int = 110) -> bytes:
    """A picture of what the dashboard shows now: title, network(s), radar, charts."""
    with sim.lock:
        geometry = views.layout(sim).geometry
        states = {w: views.network_state(sim, w) for w in sim.models}
        radar = views.radar(sim)
        charts = views.charts(sim)
        headline = views.headline(sim)
        side = sim.side_by_side
        changes = [e.describe() for e in sim.changes()]
        name, seed = sim.name, sim.seed

    fig = Figure(figsize=(16, 11.5 if side else 12.5), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(h_pad=0.08, w_pad=0.08)
    fig.suptitle(
        f"{name}. {headline}", x=0.01, ha="left", fontsize=13.5, fontweight="bold", color="#005EB8"
    )
    top, bottom = fig.subfigures(2, 1, height_ratios=[0.9 if side else 1.15, 1])
    if side:
        axs = top.subplots(1, 3, width_ratios=[1, 1, 0.85])
        axs[2].remove()
        _network(axs[0], geometry, states[TWIN], RUN_LABELS[TWIN])
        _network(axs[1], geometry, states[MAIN], RUN_LABELS[MAIN])
        rax = top.add_subplot(1, 3, 3, projection="polar")
    else:
        axs = top.subplots(1, 2, width_ratios=[1.25, 0.85])
        axs[1].remove()
        _network(axs[0], geometry, states[MAIN], "Relationships now")
        rax = top.add_subplot(1, 2, 2, projection="polar")
    _radar(rax, radar)
    rax.set_title("The six practices", fontsize=11, fontweight="bold", pad=24)
    _network_legend(axs[0], geometry, ncols=4 if side else 3)

    grid = bottom.subplots(2, 4)
    flat = grid.ravel()
    for ax, chart in zip(flat, charts, strict=False):
        _chart(ax, chart, big=chart["key"] == "collaboration_index")
    info = flat[len(charts)] if len(charts) < len(flat) else None
    for ax in flat[len(charts) + 1 :]:
        ax.remove()
    if info is not None:
        info.set_axis_off()
        lines = [f"Seed {seed}. Weeks shown as years and months."]
        lines.append("Changes in this run:" if changes else "No changes in this run.")
        lines += [textwrap.fill("• " + c, 46) for c in changes[:8]]
        if len(changes) > 8:
            lines.append(f"... and {len(changes) - 8} more")
        lines.append("")
        lines.append("Made with ics-sim: a model to explore, not a forecast.")
        info.text(
            0,
            1,
            "\n".join(lines),
            va="top",
            ha="left",
            fontsize=8.5,
            color="#231f20",
            transform=info.transAxes,
        )
        if side:
            info.legend(
                handles=[
                    Line2D([], [], color=views.RUN_COLOURS[w], linewidth=2, label=RUN_LABELS[w])
                    for w in (TWIN, MAIN)
                ],
                loc="lower left",
                frameon=False,
                fontsize=8.5,
            )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def filename(sim: Simulation, suffix: str) -> str:
    """'ics-sim_big-breakfast_week-34.png' and so on."""
    slug = "".join(c if c.isalnum() else "-" for c in sim.name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"ics-sim_{slug[:48]}_week-{sim.week}.{suffix}"


__all__ = ["filename", "png", "text"]
