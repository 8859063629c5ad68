"""Figures of the model's results: outcomes over time, the relationship network, a radar.

Every function builds a new :class:`matplotlib.figure.Figure` on the Agg canvas and never
touches :mod:`matplotlib.pyplot`, so no global state leaks between calls (safe in servers,
threads and loops). Pass ``path`` to also save the figure (atomically, see
:func:`ics_sim.output.save_figure`); the figure is returned either way.

Colours come from :mod:`ics_sim.palette`, shared with the dashboard and chosen to stay
distinguishable with the common forms of colour-blindness.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, MultipleLocator

from ..core.errors import ICSSimError
from ..core.outcome_table import OUTCOME_TABLE, PRACTICE_LABELS, PRACTICES, unit_of
from ..core.outcome_table import label_of as outcome_label
from ..palette import KIND_COLOURS, OKABE_ITO, TRUST_RAMP, UNKNOWN_COLOUR
from ..system.kinds import KIND_KEYS, LABELS, Kind

#: Trust from none (pale) to full (dark): a single-hue ramp that does not compete with the
#: kind colours and reads in greyscale.
TRUST_CMAP = LinearSegmentedColormap.from_list("ics_trust", list(TRUST_RAMP))

#: Outcomes bounded to [0, 1]: their panels always show the whole range.
UNIT_OUTCOMES: frozenset[str] = frozenset(k for k, o in OUTCOME_TABLE.items() if o.unit_interval)


def _unit(outcome: str) -> str:
    return unit_of(outcome)


_RC = {
    "font.size": 10,
    "axes.titlesize": 10.5,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.titlesize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
}


def _figure(**kw: Any) -> Figure:
    fig = Figure(**kw)
    FigureCanvasAgg(fig)
    return fig


def _finish(fig: Figure, path: str | os.PathLike[str] | None) -> Figure:
    if path is not None:
        from ..experiments.store import save_figure

        save_figure(fig, path)
    return fig


def label_of(outcome: str, labels: Mapping[str, str] | None = None) -> str:
    """Plain-language label of an outcome: from ``labels``, else the outcome table's."""
    if labels and outcome in labels:
        return labels[outcome]
    return outcome_label(outcome)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def _check_columns(df: pd.DataFrame, names: Iterable[str]) -> None:
    from ..core.params import suggest

    for name in names:
        if name not in df.columns:
            valid = [c for c in df.columns if c not in ("week", "replicate", "seed", "scenario")]
            raise ICSSimError(
                f"no outcome {name!r} in the results{suggest(name, valid)}; valid outcomes: "
                + ", ".join(valid)
            )


def _week_axis(ax: Any, last_week: float) -> None:
    if last_week >= 104:  # ticks on whole years (52 weeks), at most about 7 of them
        years = last_week / 52
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if years / s <= 7)
        ax.xaxis.set_major_locator(MultipleLocator(52 * step))
        if step <= 2:
            ax.xaxis.set_minor_locator(MultipleLocator(13 if step == 1 else 52))
    elif last_week >= 52:  # quarters
        ax.xaxis.set_major_locator(MultipleLocator(13))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=7, integer=True, steps=[1, 2, 4, 5, 10]))
    ax.set_xlim(0, max(float(last_week), 1.0))
    ax.margins(x=0)


def plot_outcomes(
    df: pd.DataFrame,
    outcomes: Sequence[str] | str = PRACTICES,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
    events: Iterable[tuple[float, str]] | None = None,
    *,
    ncols: int | None = None,
) -> Figure:
    """Small multiples: one panel per outcome, over ``week``.

    Args:
        df: a ``week`` column and one column per outcome (as ``ICSModel.run`` returns). With a
            ``replicate`` column (long format, several replicates), each panel shows the
            median over replicates and a shaded band from the 10th to the 90th percentile;
            with a ``scenario`` column too, one colour per scenario, with a legend.
        outcomes: outcome columns to plot, in order (default: the six practices).
        path: where to save the figure (the format follows the suffix, e.g. ``.png``).
        title: figure title.
        labels: outcome -> panel title (default: plain-language labels).
        events: (week, label) or (week, label, kind) drawn as vertical lines, each named on
            the first panel: kind ``"intervention"`` (dashed, "Intervention starts" in the
            legend) or ``"shock"`` (dotted, "Shock starts"); without a kind, "Event starts".
        ncols: panels per row (default: up to 3).
    """
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    if not outcomes:
        raise ICSSimError("no outcomes to plot")
    _check_columns(df, ["week", *outcomes])
    events = sorted(
        ((e[0], e[1], e[2] if len(e) > 2 else "event") for e in events or []),
        key=lambda e: e[0],
    )
    has_reps = "replicate" in df.columns and df["replicate"].nunique() > 1
    has_scn = "scenario" in df.columns
    scenarios = list(dict.fromkeys(df["scenario"])) if has_scn else [None]
    colours = {s: OKABE_ITO[i % len(OKABE_ITO)] for i, s in enumerate(scenarios)}
    last_week = float(df["week"].max()) if len(df) else 0.0

    n = len(outcomes)
    ncols = ncols or (n if n <= 3 else 2 if n == 4 else 3)
    nrows = -(-n // ncols)
    with mpl.rc_context(_RC):
        fig = _figure(figsize=(4.3 * ncols, 2.9 * nrows + 0.9), layout="constrained")
        axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, squeeze=False)).ravel()
        summary = _summarise(df, outcomes, has_reps, has_scn)
        style: dict[str, Any] = {"linewidth": 1.8 if last_week <= 520 else 1.0}
        if last_week == 0:
            style["marker"] = "o"  # a single week would otherwise be invisible
        for i, (ax, outcome) in enumerate(zip(axes, outcomes, strict=False)):
            for scn in scenarios:
                part = summary if scn is None else summary[summary["scenario"] == scn]
                c = colours[scn]
                if has_reps:
                    ax.fill_between(
                        part["week"],
                        part[(outcome, "lo")],
                        part[(outcome, "hi")],
                        color=c,
                        alpha=0.2,
                        linewidth=0,
                    )
                    ax.plot(part["week"], part[(outcome, "mid")], color=c, **style)
                else:
                    ax.plot(part["week"], part[outcome], color=c, **style)
            if outcome in UNIT_OUTCOMES:
                ax.set_ylim(0, 1)
                ax.yaxis.set_major_locator(MultipleLocator(0.25))
            ax.set_title(_wrap(label_of(outcome, labels), 46), loc="left")
            _week_axis(ax, last_week)
            for week, text, kind in events:
                ax.axvline(week, color="#444444", linestyle=_EVENT_STYLE[kind], linewidth=1.0)
                if i == 0:
                    ax.annotate(
                        text,
                        xy=(week, 1),
                        xycoords=("data", "axes fraction"),
                        xytext=(3, -4),
                        textcoords="offset points",
                        rotation=90,
                        va="top",
                        ha="left",
                        fontsize=8,
                        color="#444444",
                    )
            unit = _unit(outcome)
            if i % ncols == 0 or unit != _unit(outcomes[i - 1]):
                ax.set_ylabel(unit)
            if i >= n - ncols:
                ax.set_xlabel("Week")
                ax.xaxis.set_tick_params(labelbottom=True)
        for ax in axes[n:]:
            ax.remove()
        handles = _outcome_legend(df, scenarios, colours, has_reps, has_scn, events)
        if handles:
            fig.legend(
                handles=handles,
                loc="outside lower center",
                ncols=min(len(handles), 4),
                frameon=False,
            )
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    return _finish(fig, path)


def _summarise(df: pd.DataFrame, outcomes: list[str], has_reps: bool, has_scn: bool):
    keys = (["scenario"] if has_scn else []) + ["week"]
    if not has_reps:
        if has_scn or ("replicate" in df.columns and df["replicate"].nunique() == 1):
            return df.groupby(keys, sort=False)[outcomes].mean().reset_index()
        return df.sort_values("week")
    g = df.groupby(keys, sort=False)[outcomes]
    parts = {"lo": g.quantile(0.1), "mid": g.median(), "hi": g.quantile(0.9)}
    out = pd.concat(parts, axis=1).swaplevel(0, 1, axis=1).reset_index()
    return out.sort_values(keys, kind="stable")


def _outcome_legend(df, scenarios, colours, has_reps, has_scn, events) -> list[Any]:
    handles: list[Any] = []
    if has_scn and len(scenarios) > 1:
        handles += [Line2D([], [], color=colours[s], linewidth=2, label=str(s)) for s in scenarios]
    if has_reps:
        reps = df["replicate"].nunique()
        if not has_scn or len(scenarios) == 1:
            c = colours[scenarios[0]]
            handles.append(Line2D([], [], color=c, linewidth=2, label=f"Median of {reps} runs"))
            handles.append(Patch(color=c, alpha=0.2, label="10th to 90th percentile"))
        else:
            handles.append(
                Patch(color="#888888", alpha=0.3, label=f"10th to 90th percentile, {reps} runs")
            )
    for kind in dict.fromkeys(e[2] for e in events):
        label = f"{kind.capitalize()} starts"
        handles.append(Line2D([], [], color="#444444", linestyle=_EVENT_STYLE[kind], label=label))
    return handles


#: Line style of each kind of event: interventions dashed, shocks dotted.
_EVENT_STYLE = {"intervention": (0, (4, 3)), "shock": (0, (1, 2)), "event": (0, (6, 2, 1, 2))}


def network_layout(graph: nx.Graph, seed: int = 0, pos: Mapping[Any, Any] | None = None):
    """Deterministic positions of ``graph``'s nodes (a dict node -> (x, y)).

    One ICS of at most 200 organisations is drawn as a wheel: the system-wide organisations
    (ICB, community, mental health and ambulance trusts) in the middle, and one sector per
    place, with its council and acute trusts nearer the middle and its PCNs and VCSE bodies on
    the rim. Several ICSs (England) are drawn as one wheel per ICS on a grid, an organisation
    in its main ICS's wheel. Anything else (bigger systems, nodes without a ``place``) gets a
    spring layout seeded with ``seed``.

    Compute it once and pass it to :func:`plot_network` for every plot of the same system, so
    the organisations stay in place between the start and the end of a run. Nodes already in
    ``pos`` keep their positions; others are placed around them.
    """
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    if pos is not None and all(v in pos for v in nodes):
        return {v: np.asarray(pos[v], dtype=float) for v in nodes}
    if pos is None:
        wheel = _wheel_layout(graph)
        if wheel is None:
            wheel = _wheels_layout(graph)
        if wheel is not None:
            return wheel
    und = nx.Graph()
    und.add_nodes_from(nodes)
    und.add_edges_from(graph.edges)
    fixed = [v for v in nodes if pos is not None and v in pos]
    init = {v: np.asarray(pos[v], dtype=float) for v in fixed} if fixed else None
    return nx.spring_layout(
        und,
        k=1.6 / np.sqrt(len(und)),
        pos=init,
        fixed=fixed or None,
        seed=seed,
        iterations=200,
    )


_RIM_KINDS = ("primary_care", "vcse")


def _wheel_layout(graph: nx.Graph) -> dict[Any, np.ndarray] | None:
    data = dict(graph.nodes(data=True))
    if len(data) > 200 or any("place" not in d for d in data.values()):
        return None
    if len({d.get("ics") for d in data.values()}) > 1:
        return None
    order = {k: i for i, k in enumerate(KIND_KEYS)}

    def key(v: Any) -> tuple[int, str]:
        return order.get(data[v].get("kind"), len(order)), str(v)

    central = sorted((v for v, d in data.items() if d["place"] == "system-wide"), key=key)
    places = list(dict.fromkeys(d["place"] for d in data.values() if d["place"] != "system-wide"))
    pos: dict[Any, np.ndarray] = {}

    def ring(members: list[Any], radii: Sequence[float], centre: float, width: float) -> None:
        m = len(members)
        for j, v in enumerate(members):
            a = centre + (width * ((j + 0.5) / m - 0.5) if m > 1 else 0.0)
            r = radii[j % len(radii)]
            pos[v] = np.array([r * np.sin(a), r * np.cos(a)])

    if len(central) == 1:
        pos[central[0]] = np.zeros(2)
    elif central:
        ring(central, [0.2], np.pi / len(places) if places else 0.0, 2 * np.pi)
    sector = 2 * np.pi / max(len(places), 1)
    for p, name in enumerate(places):
        here = sorted((v for v, d in data.items() if d["place"] == name), key=key)
        inner = [v for v in here if data[v].get("kind") not in _RIM_KINDS]
        rim = [v for v in here if data[v].get("kind") in _RIM_KINDS]
        centre = p * sector
        ring(inner, [0.55], centre, 0.7 * sector)
        ring(rim, [1.0, 0.86], centre, 0.85 * sector)  # two radii: neighbours do not touch
    return pos


def _wheels_layout(graph: nx.Graph) -> dict[Any, np.ndarray] | None:
    """One wheel per ICS, the wheels on a grid in the order the ICSs first appear."""
    data = dict(graph.nodes(data=True))
    if any("ics" not in d or "place" not in d for d in data.values()):
        return None
    systems = list(dict.fromkeys(d["ics"] for d in data.values()))
    if len(systems) < 2:
        return None
    cols = int(np.ceil(np.sqrt(len(systems))))
    pos: dict[Any, np.ndarray] = {}
    for k, name in enumerate(systems):
        wheel = _wheel_layout(graph.subgraph([v for v, d in data.items() if d["ics"] == name]))
        if wheel is None:
            return None
        offset = np.array([2.4 * (k % cols), -2.4 * (k // cols)])
        pos.update({v: xy + offset for v, xy in wheel.items()})
    return pos


def _kinds_in(graph: nx.Graph) -> list[str]:
    present = {d.get("kind") for _, d in graph.nodes(data=True)}
    return [k for k in KIND_KEYS if k in present]


def _node_size(power: np.ndarray, n: int) -> np.ndarray:
    scale = 1.0 if n <= 60 else max(0.25, np.sqrt(60 / n))
    return scale * (40.0 + 560.0 * np.clip(power, 0.0, 1.0))


def plot_network(
    graph: nx.DiGraph,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    pos: Mapping[Any, Any] | None = None,
    *,
    labels: bool | None = None,
) -> Figure:
    """The relationship network: organisations coloured by kind and sized by power, directed
    ties coloured and thickened by trust.

    Args:
        graph: ``ICSModel.graph()`` (node attributes ``kind``, ``name``, ``power``; edge
            attribute ``trust``).
        path: where to save the figure.
        title: figure title.
        pos: node positions from :func:`network_layout`; computed (seeded, so the same every
            time) when omitted. Pass the same ``pos`` to compare two states of one system.
        labels: name the larger organisations (everything but PCNs and VCSE bodies); by
            default only when there are at most 80 organisations.
    """
    pos = network_layout(graph, pos=pos)
    nodes = list(graph.nodes)
    n = len(nodes)
    kinds = [graph.nodes[v].get("kind", "icb") for v in nodes]
    power = np.array([float(graph.nodes[v].get("power", 0.5)) for v in nodes])
    sizes = _node_size(power, n)
    size_of = dict(zip(nodes, sizes, strict=True))
    edges = sorted(graph.edges(data="trust", default=0.0), key=lambda e: e[2])
    trust = np.array([float(t) for _, _, t in edges])
    norm = Normalize(0.0, 1.0)

    with mpl.rc_context({**_RC, "axes.grid": False}):
        fig = _figure(figsize=(10.5, 8.2), layout="constrained")
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_aspect("equal")
        if edges:
            _draw_ties(
                ax,
                np.array([pos[u] for u, _, _ in edges], dtype=float),
                np.array([pos[v] for _, v, _ in edges], dtype=float),
                trust,
                np.sqrt([size_of[v] for _, v, _ in edges]) / 2 + 1.0,
            )
        nx.draw_networkx_nodes(
            graph,
            pos,
            nodelist=nodes,
            ax=ax,
            node_size=sizes,
            node_color=[KIND_COLOURS.get(k, UNKNOWN_COLOUR) for k in kinds],
            edgecolors="white",
            linewidths=1.0,
        )
        if labels if labels is not None else n <= 80:
            big = {"icb", "acute", "community", "mental_health", "ambulance", "local_authority"}
            for v, k, s in zip(nodes, kinds, sizes, strict=True):
                if k in big:
                    x, y = pos[v]
                    ax.annotate(
                        _wrap(str(graph.nodes[v].get("name", v)), 22),
                        (x, y),
                        xytext=(0, -(np.sqrt(s) / 2 + 2)),
                        textcoords="offset points",
                        ha="center",
                        va="top",
                        fontsize=7.5,
                        color="#222222",
                        bbox={
                            "boxstyle": "round,pad=0.15",
                            "fc": "white",
                            "ec": "none",
                            "alpha": 0.7,
                        },
                    )
            _place_labels(ax, graph, pos)
        xy = np.array([pos[v] for v in nodes]) if nodes else np.zeros((1, 2))
        pad = 0.08 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9)
        ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
        ax.set_ylim(xy[:, 1].min() - 1.6 * pad, xy[:, 1].max() + pad)

        kind_handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=9,
                markeredgecolor="white",
                markerfacecolor=KIND_COLOURS[k],
                label=LABELS[Kind[k.upper()]],
            )
            for k in _kinds_in(graph)
        ]
        fig.legend(
            handles=kind_handles,
            title="Organisation",
            loc="outside right upper",
            frameon=False,
            alignment="left",
        )
        size_handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color="#999999",
                markeredgecolor="white",
                markersize=float(np.sqrt(_node_size(np.array(p), n))),
                label=f"{p:g}",
            )
            for p in (0.1, 0.5, 0.9)
        ]
        fig.legend(
            handles=size_handles,
            title="Power (circle size)",
            loc="outside right lower",
            frameon=False,
            labelspacing=1.3,
            borderpad=0.8,
            alignment="left",
        )
        sm = mpl.cm.ScalarMappable(norm=norm, cmap=TRUST_CMAP)
        cbar = fig.colorbar(
            sm,
            ax=ax,
            orientation="horizontal",
            shrink=0.45,
            aspect=30,
            pad=0.01,
            location="bottom",
        )
        cbar.set_label("Trust of one organisation in another (darker, thicker: more trust)")
        cbar.outline.set_visible(False)
        if title:
            ax.set_title(title, loc="left", fontweight="bold", fontsize=13)
    return _finish(fig, path)


def _draw_ties(
    ax: Any, src: np.ndarray, dst: np.ndarray, trust: np.ndarray, target_radius: np.ndarray
) -> None:
    """Directed ties as slightly curved lines with arrowheads touching the target's circle.

    Drawn as one LineCollection and one PathCollection (fast even for thousands of ties);
    curving to the right of the direction of travel keeps i -> j and j -> i apart. Arrowheads
    are sized in points, so they look the same whatever the axis scale.
    """
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.path import Path as MplPath

    colours = TRUST_CMAP(np.clip(trust, 0.0, 1.0))
    widths = 0.3 + 2.2 * np.clip(trust, 0.0, 1.0) ** 2
    d = dst - src
    control = (src + dst) / 2 + 0.08 * np.stack([d[:, 1], -d[:, 0]], axis=1)
    t = np.linspace(0.0, 1.0, 16)[None, :, None]
    curves = (1 - t) ** 2 * src[:, None] + 2 * (1 - t) * t * control[:, None] + t**2 * dst[:, None]
    ax.add_collection(
        LineCollection(
            curves, colors=colours, linewidths=widths, alpha=0.75, zorder=1, capstyle="round"
        )
    )
    # Arrowheads, in points, around each target's centre (the offset).
    u = dst - control
    u /= np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1e-12)
    perp = np.stack([-u[:, 1], u[:, 0]], axis=1)
    length = 3.5 + 1.5 * widths
    tip = -u * target_radius[:, None]
    base = tip - u * length[:, None]
    half = (0.45 * length)[:, None] * perp
    heads = [
        MplPath(np.array([tip[i], base[i] + half[i], base[i] - half[i], tip[i]]), closed=True)
        for i in range(len(u))
    ]
    heads_coll = PathCollection(
        heads,
        sizes=[1.0],
        offsets=dst,
        offset_transform=ax.transData,
        facecolors=colours,
        edgecolors="none",
        alpha=0.9,
        zorder=1.5,
    )
    heads_coll.set_transform(mpl.transforms.IdentityTransform())  # paths are in points
    ax.add_collection(heads_coll, autolim=False)


def _place_labels(ax: Any, graph: nx.Graph, pos: Mapping[Any, Any]) -> None:
    """Name each place outside its group of organisations (up to 12 places)."""
    by_place: dict[str, list[Any]] = {}
    for v, p in graph.nodes(data="place"):
        if p is not None and p != "system-wide":
            by_place.setdefault(str(p), []).append(v)
    if not by_place or len(by_place) > 12:
        return
    xy = np.array([pos[v] for v in graph.nodes])
    centre = xy.mean(axis=0)
    reach = np.max(np.linalg.norm(xy - centre, axis=1))
    for name, members in by_place.items():
        d = np.mean([pos[v] for v in members], axis=0) - centre
        norm = np.linalg.norm(d)
        if norm == 0:
            continue
        x, y = centre + d / norm * (reach + 0.1 * reach)
        ax.text(
            x, y, name, ha="center", va="center", fontsize=10, color="#555555", fontstyle="italic"
        )


def plot_radar(
    now: Mapping[str, float],
    start: Mapping[str, float] | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
    *,
    now_label: str = "Now",
    start_label: str = "Week 0",
) -> Figure:
    """Radar of the six practices: ``now`` (filled) against ``start`` (dashed), on [0, 1].

    ``now`` and ``start`` map practice names (``ics_sim.PRACTICES``) to values; other keys
    are ignored.
    """
    missing = [p for p in PRACTICES if p not in now or (start is not None and p not in start)]
    if missing:
        raise ICSSimError("radar needs a value for every practice; missing: " + ", ".join(missing))
    angles = np.linspace(0, 2 * np.pi, len(PRACTICES), endpoint=False)
    closed = np.append(angles, angles[0])

    def values(d: Mapping[str, float]) -> np.ndarray:
        v = np.clip([float(d[p]) for p in PRACTICES], 0.0, 1.0)
        return np.append(v, v[0])

    with mpl.rc_context(_RC):
        fig = _figure(figsize=(7.2, 6.6), layout="constrained")
        ax = fig.add_subplot(projection="polar")
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(0, 1)
        ax.set_rgrids([0.25, 0.5, 0.75, 1.0], labels=[])
        ax.set_xticks(angles)
        ax.set_xticklabels([_wrap(PRACTICE_LABELS[p], 18) for p in PRACTICES])
        ax.tick_params(axis="x", pad=10)
        # Scale labels on top of the data (tick labels would be drawn under it).
        between = np.pi / len(PRACTICES)
        for r in (0.25, 0.5, 0.75, 1.0):
            ax.text(
                between,
                r,
                f"{r:g}",
                fontsize=8,
                color="#666666",
                ha="center",
                va="center",
                zorder=10,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        ax.spines["polar"].set_color("#bbbbbb")
        if start is not None:
            ax.plot(
                closed,
                values(start),
                color="#555555",
                linestyle=(0, (4, 3)),
                linewidth=1.5,
                label=start_label,
            )
        ax.plot(closed, values(now), color=OKABE_ITO[0], linewidth=2.2, label=now_label)
        ax.fill(closed, values(now), color=OKABE_ITO[0], alpha=0.18)
        ax.scatter(angles, values(now)[:-1], color=OKABE_ITO[0], s=18, zorder=3)
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
        if title:
            fig.suptitle(title, fontweight="bold")
    return _finish(fig, path)


def plot_by_ics(
    df: pd.DataFrame,
    outcome: str = "collaboration_index",
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Each ICS's ``outcome`` at week 0 and at the last week (medians over replicates), sorted
    by the last: where collaboration grew, where it fell. ``df`` is a per-ICS table (column
    ``ics``) as written by ``ics-sim run`` for a system of several ICSs."""
    _check_columns(df, ["ics", outcome])
    last = int(df["week"].max())
    med = df[df["week"].isin([0, last])].groupby(["ics", "week"])[outcome].median().unstack()
    med = med.sort_values(last)
    y = np.arange(len(med))
    with mpl.rc_context(_RC):
        fig = _figure(figsize=(8.5, 1.2 + 0.19 * len(med)), layout="constrained")
        ax = fig.add_subplot()
        ax.hlines(y, med[0], med[last], color="#999999", linewidth=1.2)
        ax.scatter(med[0], y, color="#555555", s=16, label="Week 0", zorder=3)
        up = med[last] >= med[0]
        for mask, colour, label in ((up, OKABE_ITO[2], "rose"), (~up, OKABE_ITO[1], "fell")):
            ax.scatter(
                med[last][mask],
                y[mask],
                color=colour,
                s=26,
                zorder=4,
                label=f"Week {last}: {label}",
            )
        ax.set_yticks(y, [str(n) for n in med.index], fontsize=7.5)
        ax.set_ylim(-0.8, len(med) - 0.2)
        ax.set_xlabel(f"{label_of(outcome)}: {_unit(outcome).lower()}")
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
        fig.suptitle(title or f"{label_of(outcome)} by ICS", fontweight="bold")
    return _finish(fig, path)


__all__ = [
    "KIND_COLOURS",
    "OKABE_ITO",
    "network_layout",
    "plot_by_ics",
    "plot_network",
    "plot_outcomes",
    "plot_radar",
]


def plot_paired_differences(table: pd.DataFrame) -> Figure:
    """Forest plot of the paired differences at the end (the table of ``ics-sim compare``)."""
    end = table[(table.measure == "end") & table.outcome.isin([*PRACTICES, "collaboration_index"])]
    scenarios = list(dict.fromkeys(end.scenario))
    fig = _figure(figsize=(8, 1 + 0.35 * len(end)))
    ax = fig.subplots()
    y = 0
    ticks, labels = [], []
    for i, s in enumerate(scenarios):
        sub = end[end.scenario == s]
        for r in sub.itertuples():
            ax.errorbar(
                r.difference,
                y,
                xerr=[[r.difference - r.ci_low], [r.ci_high - r.difference]],
                fmt="o",
                color=OKABE_ITO[i % len(OKABE_ITO)],
            )
            ticks.append(y)
            labels.append(r.outcome)
            y -= 1
        y -= 0.5
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.set(
        xlabel=f"difference from '{end.baseline.iloc[0]}' at the end, 95% CI",
        title="Paired differences: " + ", ".join(scenarios),
    )
    fig.tight_layout()
    return fig
