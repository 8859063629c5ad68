"""What the dashboard draws, as plain data: the network, the charts, the radar, the tiles.

The functions here turn a :class:`~ics_sim.interfaces.dashboard.simulation.Simulation` into small
JSON-ready dicts that the browser draws as SVG (see the ``.vue`` files beside this module).
Only numbers travel each week: a step plus redraw of the default ICS takes a few
milliseconds on the server (``benchmarks/dashboard_step.py``). The PNG export draws the same
data with matplotlib (:mod:`ics_sim.interfaces.dashboard.export`).
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...palette import KIND_COLOURS, UNKNOWN_COLOUR
from ...state.outcomes import PRACTICES
from ...system.composition import Composition
from ...system.kinds import KIND_KEYS, LABELS, Kind
from . import text
from .simulation import MAIN, RUN_LABELS, TWIN, Simulation

#: The two runs of a side-by-side comparison, and a single run.
RUN_COLOURS = {MAIN: "#005EB8", TWIN: "#768692"}  # NHS blue; NHS mid grey
START_COLOUR = "#425563"

#: Trust from none to full: pale warm grey to dark navy (reads in greyscale too).
TRUST_RAMP = ((0.0, (226, 221, 213)), (0.5, (138, 150, 168)), (1.0, (16, 37, 84)))

#: Drawing area of the network, in SVG units.
NET_W, NET_H = 1000, 860
_BIG_KINDS = ("icb", "acute", "community", "mental_health", "ambulance", "local_authority")


def trust_colour(t: float) -> str:
    """Hex colour of a tie with trust ``t`` in [0, 1]."""
    t = min(max(float(t), 0.0), 1.0)
    for (a, ca), (b, cb) in zip(TRUST_RAMP, TRUST_RAMP[1:], strict=False):
        if t <= b:
            f = (t - a) / (b - a)
            rgb = [round(x + f * (y - x)) for x, y in zip(ca, cb, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*TRUST_RAMP[-1][1])


def trust_width(t: float) -> float:
    """Line width (SVG units) of a tie with trust ``t``."""
    t = min(max(float(t), 0.0), 1.0)
    return round(0.5 + 5.5 * t**2, 2)


def trust_opacity(t: float) -> float:
    t = min(max(float(t), 0.0), 1.0)
    return round(0.1 + 0.85 * t**1.3, 2)


def node_radius(power: float, n: int) -> float:
    scale = 1.0 if n <= 60 else max(0.35, math.sqrt(60 / n))
    return round(scale * (7.0 + 23.0 * min(max(float(power), 0.0), 1.0)), 1)


_SUFFIXES = re.compile(
    r"\s+(NHS Foundation Trust|NHS Trust|Foundation Trust|Integrated Care Board)$", re.I
)


def short_name(name: str, kind: str) -> str:
    """A name short enough to label a circle: 'Bedfordshire Hospitals', 'ICB'."""
    if kind == "icb":
        return "ICB"
    return _SUFFIXES.sub("", name).strip()


# ---------------------------------------------------------------------------------------------
# The network


@dataclass(frozen=True)
class Layout:
    """Fixed positions of a system's organisations and the ties between them (pairs)."""

    xy: np.ndarray  # (N, 2) SVG coordinates
    pairs: np.ndarray  # (P, 2) i < j, organisations that could be tied (candidate pairs)
    pair_edges: np.ndarray  # (P, 2) directed edge ids i -> j and j -> i
    geometry: dict[str, Any]  # static drawing data for the browser
    geometry_json: str  # the same, as JSON text (sent once per system)


def _positions(comp: Composition, graph) -> dict[int, np.ndarray]:
    try:
        from ...reporting.plots import network_layout

        return network_layout(graph)
    except ImportError:  # pragma: no cover - plots ships with ics_sim
        import networkx as nx

        return nx.spring_layout(graph.to_undirected(), seed=0)


def layout(sim: Simulation) -> Layout:
    """The layout of the simulation's system (computed once per composition)."""
    comp = sim.composition
    cached = getattr(sim, "_dashboard_layout", None)
    if cached is not None and cached[0] is comp:
        return cached[1]
    with sim.lock:
        graph = sim.main.graph()
        topo = sim.main.engine.topo
    pos = _positions(comp, graph)
    raw = np.array([pos[i] for i in range(comp.n)], dtype=float)
    # The wheel puts the system-wide trusts in a tight ring round the ICB, where their labels
    # collide: spread that ring out a little (it stays well inside the places' ring).
    central = (comp.place < 0) & (comp.kind != int(Kind.ICB))
    if central.sum() > 1 and len(comp.ics_names) == 1:
        centre0 = raw.mean(axis=0)
        raw[central] = centre0 + 1.6 * (raw[central] - centre0)
    # Fit into the drawing area, leaving room for place names and labels around it.
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    mx, my = 110.0, 62.0
    s = min((NET_W - 2 * mx) / span[0], (NET_H - 2 * my) / span[1])
    centre = (lo + hi) / 2
    xy = np.empty_like(raw)
    xy[:, 0] = NET_W / 2 + (raw[:, 0] - centre[0]) * s
    xy[:, 1] = NET_H / 2 - (raw[:, 1] - centre[1]) * s  # SVG y grows downwards
    src, dst = topo.src, topo.dst
    keep = src < dst
    pairs = np.stack([src[keep], dst[keep]], axis=1)
    fwd = np.nonzero(keep)[0]
    pair_edges = np.stack([fwd, topo.rev[fwd]], axis=1)

    kinds = [Kind(int(k)).key for k in comp.kind]
    places = [
        comp.place_names[int(p)] if 0 <= int(p) < len(comp.place_names) else "system-wide"
        for p in comp.place
    ]
    nodes = []
    for i in range(comp.n):
        k = kinds[i]
        label = ""
        crowded = bool(central[i]) and int(central.sum()) > 3  # names on hover instead
        if k in _BIG_KINDS and comp.n <= 90 and not crowded:
            label = textwrap.wrap(short_name(comp.org_names[i], k), 18)[:2]
        nodes.append(
            {
                "x": round(float(xy[i, 0]), 1),
                "y": round(float(xy[i, 1]), 1),
                "colour": KIND_COLOURS.get(k, UNKNOWN_COLOUR),
                "name": comp.org_names[i],
                "kind": LABELS[Kind(int(comp.kind[i]))],
                "place": places[i],
                "label": label,
            }
        )
    edges = [[int(a), int(b), *(round(float(v), 1) for v in (*xy[a], *xy[b]))] for a, b in pairs]
    place_labels = []
    by_place: dict[str, list[int]] = {}
    for i, p in enumerate(places):
        if p != "system-wide":
            by_place.setdefault(p, []).append(i)
    if 0 < len(by_place) <= 12:
        c = xy.mean(axis=0)
        reach = float(np.max(np.linalg.norm(xy - c, axis=1)))
        for name, members in by_place.items():
            d = xy[members].mean(axis=0) - c
            norm = float(np.linalg.norm(d))
            if norm == 0:
                continue
            x, y = c + d / norm * (reach + 40)
            anchor = "middle" if abs(d[0]) < 0.3 * norm else ("start" if d[0] > 0 else "end")
            # keep the whole name inside the drawing (about 14 units a character)
            width = 14.0 * len(name)
            left = {"middle": x - width / 2, "start": x, "end": x - width}[anchor]
            x += max(0.0, 8 - left) - max(0.0, left + width - (NET_W - 8))
            y = min(max(y, 24.0), NET_H - 12.0)
            place_labels.append(
                {"x": round(float(x), 1), "y": round(float(y), 1), "text": name, "anchor": anchor}
            )
    present = [k for k in KIND_KEYS if k in set(kinds)]
    geometry = {
        "width": NET_W,
        "height": NET_H,
        "nodes": nodes,
        "edges": edges,
        "places": place_labels,
        "legend": [{"label": LABELS[Kind[k.upper()]], "colour": KIND_COLOURS[k]} for k in present],
        "trust_ramp": [trust_colour(t) for t in (0.0, 0.25, 0.5, 0.75, 1.0)],
    }
    text_ = json.dumps(geometry, separators=(",", ":"))
    out = Layout(xy=xy, pairs=pairs, pair_edges=pair_edges, geometry=geometry, geometry_json=text_)
    sim._dashboard_layout = (comp, out)  # type: ignore[attr-defined]
    return out


def _yes_no(safe: float) -> str:
    return "yes" if safe >= 0.5 else "no"


def network_state(sim: Simulation, which: str = MAIN) -> dict[str, Any]:
    """What changes week by week in one run's network: circle sizes, tie styles, tooltips."""
    lay = layout(sim)
    with sim.lock:
        model = sim.models[which]
        s = model.engine.state
        n = sim.composition.n
        power = s.power[0].copy()
        safety = s.safety[0].copy()
        pressure = s.pressure[0].copy()
        system_time = s.system_time[0].copy()
        trust = s.trust[0].copy()
        active = s.active[0].copy()
        week = model.week
    pair_trust = trust[lay.pair_edges].mean(axis=1) if len(lay.pair_edges) else np.zeros(0)
    pair_on = active[lay.pair_edges[:, 0]] if len(lay.pair_edges) else np.zeros(0, dtype=bool)
    # Candidate pairs with no tie now are drawn invisible: the picture shows the network change.
    edges = [
        [trust_width(t), trust_colour(t), trust_opacity(t) if on else 0.0]
        for t, on in zip(pair_trust.tolist(), pair_on.tolist(), strict=True)
    ]
    trust = trust[active]
    nodes = []
    for i in range(n):
        nodes.append(
            {
                "r": node_radius(power[i], n),
                "tip": [
                    f"Power: {text.level(power[i])}",
                    f"Pressure: {text.level(pressure[i])}",
                    f"Feels safe to speak up: {_yes_no(safety[i])}",
                    f"Time for the system: {system_time[i]:.0%}",
                ],
            }
        )
    return {
        "week": week,
        "nodes": nodes,
        "edges": edges,
        "mean_trust": round(float(trust.mean()) if len(trust) else 0.0, 3),
    }


def organisation_card(sim: Simulation, index: int, which: str = MAIN) -> dict[str, Any]:
    """Everything the side panel says about one organisation, in plain words."""
    with sim.lock:
        model = sim.models[which]
        org = model.organisations[index]
        sentence = org.describe()
        meters = [
            ("Power", org.power),
            ("Pressure", org.pressure),
            ("Safe to speak up", org.safety),
            ("Time given to the system", org.system_time),
            ("Collaborative outlook", org.orientation),
            ("Aims in line with the system", org.alignment),
        ]
        topo = model.engine.topo
        trust = model.engine.state.trust[0]
        out_e = np.arange(topo.out_start[index], topo.out_start[index + 1])
        out_e = out_e[model.engine.state.active[0, out_e]]  # the ties it has now
        names = sim.composition.org_names
        most = least = trusted_by = None
        if len(out_e):
            t_out = trust[out_e]
            most = (names[int(topo.dst[out_e[t_out.argmax()]])], float(t_out.max()))
            least = (names[int(topo.dst[out_e[t_out.argmin()]])], float(t_out.min()))
            t_in = trust[topo.rev[out_e]]
            trusted_by = float(t_in.mean())
    lines = []
    if most is not None:
        lines.append(
            f"Trusts {most[0]} most ({most[1]:.2f}) and {least[0]} least ({least[1]:.2f})."
        )
        lines.append(
            f"On average its partners' trust in it is {trusted_by:.2f} ({text.level(trusted_by)})."
        )
    return {
        "index": index,
        "name": org.name,
        "kind": org.kind.label,
        "colour": KIND_COLOURS.get(org.kind.key, UNKNOWN_COLOUR),
        "sentence": sentence,
        "meters": [{"label": k, "value": round(float(v), 3)} for k, v in meters],
        "lines": lines,
    }


# ---------------------------------------------------------------------------------------------
# Charts


def week_ticks(xmax: int) -> list[dict[str, Any]]:
    """Ticks of a time axis ending at week ``xmax``: years, or months for short runs."""
    if xmax >= 104:
        years = xmax / 52
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if years / s <= 6)
        weeks = range(0, xmax + 1, 52 * step)
        return [{"week": w, "label": "Start" if w == 0 else f"{w // 52} yr"} for w in weeks]
    step = 13 if xmax >= 39 else 4
    return [
        {"week": w, "label": "Start" if w == 0 else f"{text.months(w)} mo"}
        for w in range(0, xmax + 1, step)
    ]


def x_extent(sim: Simulation) -> int:
    """The chart's time axis: to the horizon, then on to the next whole year."""
    week = sim.week
    if week <= sim.horizon:
        return max(sim.horizon, 4)
    return int(math.ceil(week / 52) * 52)


def _round(values: Sequence[float]) -> list[float]:
    return [round(float(v), 4) for v in values]


def charts(sim: Simulation, outcomes: Sequence[str] = text.CHART_OUTCOMES) -> list[dict[str, Any]]:
    """One line chart per outcome: the run (or both runs) so far, with markers."""
    xmax = x_extent(sim)
    ticks = week_ticks(xmax)
    with sim.lock:
        runs = [TWIN, MAIN] if sim.side_by_side else [MAIN]
        data = {w: sim.series(w, outcomes) for w in runs}
        week = sim.week
        markers = [
            {
                "week": m.week,
                "label": m.label,
                "kind": m.kind,
                "planned": m.week > week,
            }
            for m in sim.markers()
            if m.week <= xmax
        ]
    out = []
    for name in outcomes:
        series = []
        for w in runs:
            series.append(
                {
                    "name": RUN_LABELS[w] if sim.side_by_side else "This run",
                    "colour": RUN_COLOURS[w],
                    "values": _round(data[w][name]),
                    "dashed": False,
                }
            )
        out.append(
            {
                "key": name,
                "title": text.label(name),
                "meaning": text.MEANINGS.get(name, ""),
                "series": series,
                "markers": markers,
                "xmax": xmax,
                "ticks": ticks,
                "week": week,
            }
        )
    return out


def radar(sim: Simulation) -> dict[str, Any]:
    """The six practices now (and, side by side, without the changes) against week 0."""
    with sim.lock:
        start = sim.start_values(MAIN)
        polys = [
            {
                "name": "Week 0",
                "colour": START_COLOUR,
                "values": _round([start[p] for p in PRACTICES]),
                "dashed": True,
                "filled": False,
            }
        ]
        if sim.side_by_side:
            twin = sim.now(TWIN)
            polys.append(
                {
                    "name": RUN_LABELS[TWIN],
                    "colour": RUN_COLOURS[TWIN],
                    "values": _round([twin[p] for p in PRACTICES]),
                    "dashed": False,
                    "filled": False,
                }
            )
        now = sim.now(MAIN)
        polys.append(
            {
                "name": RUN_LABELS[MAIN] if sim.side_by_side else f"Now ({text.when(sim.week)})",
                "colour": RUN_COLOURS[MAIN],
                "values": _round([now[p] for p in PRACTICES]),
                "dashed": False,
                "filled": True,
            }
        )
    return {"axes": [text.label(p) for p in PRACTICES], "polygons": polys}


def _r2(x: float) -> float:
    """Rounded as shown, so that differences add up on screen (0.61 - 0.51 is 0.10)."""
    return round(float(x), 2)


def tiles(sim: Simulation) -> list[dict[str, Any]]:
    """The headline numbers: each practice now, and its change since week 0 (or, side by
    side, the difference the changes make)."""
    with sim.lock:
        now = sim.now(MAIN)
        start = sim.start_values(MAIN)
        twin = sim.now(TWIN) if sim.side_by_side else None
        week = sim.week
    out = []
    for name in text.CHART_OUTCOMES:
        if twin is not None:
            delta = _r2(now[name]) - _r2(twin[name])
            note = f"{text.change(delta)} on carrying on as now"
        else:
            delta = _r2(now[name]) - _r2(start[name])
            note = "at the start" if week == 0 else f"{text.change(delta)} since the start"
        out.append(
            {
                "key": name,
                "title": text.label(name),
                "value": round(now[name], 2),
                "delta": round(delta, 3),
                "note": note,
                "meaning": text.MEANINGS.get(name, ""),
            }
        )
    return out


def headline(sim: Simulation) -> str:
    """One sentence for the top of the page."""
    with sim.lock:
        now = sim.now(MAIN)["collaboration_index"]
        start = sim.start_values(MAIN)["collaboration_index"]
        week = sim.week
        twin = sim.now(TWIN)["collaboration_index"] if sim.side_by_side else None
    when = text.when(week)
    if twin is not None:
        d = _r2(now) - _r2(twin)
        if abs(d) < 0.005:
            return (
                f"{when}: with your changes, collaboration overall is {now:.2f}, the same as "
                "carrying on as now."
            )
        return (
            f"{when}: with your changes, collaboration overall is {now:.2f} against "
            f"{twin:.2f} carrying on as now ({'+' if d > 0 else '−'}{abs(d):.2f})."
        )
    if week == 0:
        return f"{when}: collaboration overall is {now:.2f}."
    moved = text.change(_r2(now) - _r2(start))
    return f"{when}: collaboration overall is {now:.2f}, {moved} since the start."
