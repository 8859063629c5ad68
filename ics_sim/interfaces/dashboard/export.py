"""Downloads for the workshop write-up: a picture of the current view, and the outcomes.

The PNG is drawn with matplotlib (Agg, no pyplot, so nothing is shared between sessions)
from the same data the browser draws (:mod:`.views`): the network (or both
networks side by side), the radar of the six practices, and the charts with the moments
interventions started marked.
"""

from __future__ import annotations

import io
import json
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
        loc="center left",
        bbox_to_anchor=(0.0, 0.5),
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


def picture_of_sim(sim: Simulation) -> dict[str, Any]:
    """What the picture shows, taken from a simulation now."""
    with sim.lock:
        runs = [TWIN, MAIN] if sim.side_by_side else [MAIN]
        return {
            "name": sim.name,
            "seed": sim.seed,
            "headline": views.headline(sim),
            "geometry": views.layout(sim).geometry,
            "nets": [
                {
                    "title": RUN_LABELS[w] if sim.side_by_side else "Relationships now",
                    "state": views.network_state(sim, w),
                }
                for w in runs
            ],
            "radar": views.radar(sim),
            "charts": views.charts(sim),
            "side": sim.side_by_side,
            "changes": [e.describe() for e in sim.changes()],
        }


def picture_of_frame(frame: Any) -> dict[str, Any]:
    """What the picture shows, taken from the frame on screen (see :mod:`.player`)."""
    view = frame.view
    return {
        "name": frame.name,
        "seed": frame.seed,
        "headline": view["headline"],
        "geometry": json.loads(frame.geometry_json),
        "nets": [
            {"title": n["title"] if view["side"] else "Relationships now", "state": n["state"]}
            for n in view["nets"]
        ],
        "radar": view["radar"],
        "charts": view["charts"],
        "side": view["side"],
        "changes": [r["text"] for r in frame.changes],
    }


def png(sim: Simulation, dpi: int = 110) -> bytes:
    """A picture of what the dashboard shows now: title, network(s), radar, charts."""
    return draw(picture_of_sim(sim), dpi)


def png_of_frame(frame: Any, dpi: int = 110) -> bytes:
    """A picture of the frame on screen."""
    return draw(picture_of_frame(frame), dpi)


def _labels(geometry: dict[str, Any], state: dict[str, Any], fontsize: float, scale: float):
    """Labels that do not overlap: the largest organisations first (see view.vue)."""
    fs = fontsize / scale  # font size in drawing units
    lh = fs * 1.2
    width, height = geometry["width"], geometry["height"]
    nodes = geometry["nodes"]
    radii = [s["r"] for s in state["nodes"]]
    order = sorted((i for i, n in enumerate(nodes) if n["label"]), key=lambda i: -radii[i])
    boxes: list[tuple[float, float, float, float]] = []
    out = []

    def hits(b):
        x0, y0, x1, y1 = b
        if x0 < 2 or y0 < 2 or x1 > width - 2 or y1 > height - 2:
            return True
        for o in boxes:
            if x0 < o[2] and x1 > o[0] and y0 < o[3] and y1 > o[1]:
                return True
        for n, r in zip(nodes, radii, strict=True):
            nx = min(max(n["x"], x0), x1)
            ny = min(max(n["y"], y0), y1)
            if (nx - n["x"]) ** 2 + (ny - n["y"]) ** 2 < (0.9 * r) ** 2:
                return True
        return False

    for i in order[:14]:
        n, r = nodes[i], radii[i]
        lines = n["label"]
        w = max(len(t) for t in lines) * fs * 0.58 + fs * 0.3
        h = len(lines) * lh
        gap = fs * 0.3
        for cx, top in (
            (n["x"], n["y"] + r + gap),
            (n["x"], n["y"] - r - gap - h),
            (n["x"] + r + gap + w / 2, n["y"] - h / 2),
            (n["x"] - r - gap - w / 2, n["y"] - h / 2),
        ):
            b = (cx - w / 2, top, cx + w / 2, top + h)
            if not hits(b):
                boxes.append(b)
                out.append((i, cx, top, "\n".join(lines)))
                break
    return out


def draw(pic: dict[str, Any], dpi: int = 110) -> bytes:
    """Draw the picture: one figure laid out by hand (fast, and nothing is clipped)."""
    side = pic["side"]
    fig = Figure(figsize=(16, 10.5), dpi=dpi)
    FigureCanvasAgg(fig)
    title = textwrap.wrap(f"{pic['name']}. {pic['headline']}", 120)
    fig.text(
        0.012,
        0.985,
        "\n".join(title),
        ha="left",
        va="top",
        fontsize=14,
        fontweight="bold",
        color="#005EB8",
    )
    geometry = pic["geometry"]
    top_y, net_h = 0.5, 0.41
    # Networks: equal aspect, so the axes are given the drawing's own shape and sit edge to
    # edge (no gap between the two runs).
    aspect = geometry["height"] / geometry["width"]
    fig_w, fig_h = fig.get_size_inches()
    net_w = net_h * fig_h / aspect / fig_w
    x = 0.01
    for net in pic["nets"]:
        ax = fig.add_axes((x, top_y, net_w, net_h))
        _network(ax, geometry, net["state"], net["title"])
        scale = net_w * fig_w * 72 / geometry["width"]  # points per drawing unit
        for _i, cx, ty, label in _labels(geometry, net["state"], 8.0, scale):
            ax.text(cx, ty, label, ha="center", va="top", fontsize=8, color="#231f20", zorder=3)
        x += net_w + 0.005
    legend_ax = fig.add_axes((0.01, top_y - 0.075, x - 0.01, 0.06))
    legend_ax.set_axis_off()
    _network_legend(legend_ax, geometry, ncols=4 if side else 3)
    rax = fig.add_axes(
        (x + 0.09, top_y + 0.02, min(0.26, 0.9 - x - 0.09), net_h - 0.08), projection="polar"
    )
    _radar(rax, pic["radar"])
    rax.set_title("The six practices", fontsize=11, fontweight="bold", pad=22)

    charts = pic["charts"]
    cols, w, h = 4, 0.215, 0.15
    for k, chart in enumerate(charts):
        r, col = divmod(k, cols)
        ax = fig.add_axes((0.04 + col * 0.245, 0.24 - r * 0.21, w, h))
        _chart(ax, chart, big=chart["key"] == "collaboration_index")
    info = fig.add_axes((0.04 + 3 * 0.245, 0.03, w, h))
    info.set_axis_off()
    changes = pic["changes"]
    lines = [f"Seed {pic['seed']}. Weeks shown as years and months."]
    lines.append("Changes in this run:" if changes else "No changes in this run.")
    lines += [textwrap.fill("• " + c, 44) for c in changes[:6]]
    if len(changes) > 6:
        lines.append(f"... and {len(changes) - 6} more")
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
    return filename_of(sim.week, sim.name, suffix)


def filename_of(week: int, name: str, suffix: str) -> str:
    """The download's name for a system's ``name`` at ``week``."""
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"ics-sim_{slug[:48]}_week-{week}.{suffix}"


__all__ = ["draw", "filename", "filename_of", "png", "png_of_frame", "text"]
