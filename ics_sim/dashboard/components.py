"""Solara components of the workshop dashboard.

The three drawings (network, line chart, radar) are Vue templates that draw SVG in the
browser from small dicts (see :mod:`ics_sim.dashboard.views`); hovering is handled in the
browser, so it is instant. Everything else is built from Solara and Vuetify components.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as rv
import solara

from . import text

# The drawings get their data as JSON text, not as lists and dicts: Solara (reacton) walks
# every list and dict passed to a component looking for nested components, which for a
# network's hundreds of ties costs more than the whole step. Text it leaves alone.


@solara.component_vue("network.vue")
def _Network(
    geometry_json: str,
    state_json: str,
    selected: int | None = None,
    title: str = "",
    legend: bool = True,
    event_select: Callable[[Any], None] | None = None,
):
    pass


@solara.component_vue("linechart.vue")
def _LineChart(chart_json: str, big: bool = False):
    pass


@solara.component_vue("radar.vue")
def _Radar(radar_json: str):
    pass


def to_json(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


def NetworkView(
    geometry: str | dict,
    state: dict,
    selected: int | None = None,
    title: str = "",
    legend: bool = True,
    event_select: Callable[[Any], None] | None = None,
):
    """The relationship network: circles are organisations, lines are trust.

    ``geometry`` (static: pass the same JSON text every time) and ``state`` come from
    :func:`ics_sim.dashboard.views.layout` and :func:`~ics_sim.dashboard.views.network_state`.
    """
    return _Network(
        geometry_json=geometry if isinstance(geometry, str) else to_json(geometry),
        state_json=to_json(state),
        selected=selected,
        title=title,
        legend=legend,
        event_select=event_select,
    )


def LineChart(chart: dict, big: bool = False):
    """One outcome over time, with the moments changes were made marked."""
    return _LineChart(chart_json=to_json(chart), big=big)


def Radar(radar: dict):
    """The six practices now against week 0 (and, side by side, without the changes)."""
    return _Radar(radar_json=to_json(radar))


@solara.component
def Section(title: str, children: list = []):  # noqa: B006 - Solara's children convention
    """A titled block of the side panel."""
    with solara.Div(classes=["ics-section"]) as main:
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(title), classes=["ics-section-title"])
        solara.Div(children=list(children))
    return main


@solara.component
def Tiles(tiles: list[dict]):
    """The headline numbers, one tile per practice, with the change."""
    parts = []
    for t in tiles:
        d = t["delta"]
        cls = "up" if d >= 0.005 else "down" if d <= -0.005 else "flat"
        arrow = {"up": "&#9650;", "down": "&#9660;", "flat": "&#9679;"}[cls]
        main = " ics-tile-main" if t["key"] == "collaboration_index" else ""
        parts.append(
            f'<div class="ics-tile{main}" title="{html.escape(t["meaning"])}" '
            f'data-key="{t["key"]}">'
            f'<div class="ics-tile-title">{html.escape(t["title"])}</div>'
            f'<div class="ics-tile-value">{t["value"]:.2f}</div>'
            f'<div class="ics-tile-note ics-{cls}">{arrow} {html.escape(t["note"])}</div>'
            "</div>"
        )
    solara.HTML(tag="div", unsafe_innerHTML="".join(parts), classes=["ics-tiles"])


@solara.component
def Meter(label: str, value: float):
    pct = max(0.0, min(1.0, value)) * 100
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<div class="ics-meter-label"><span>{html.escape(label)}</span>'
            f"<span>{html.escape(text.level(value))} ({value:.2f})</span></div>"
            f'<div class="ics-meter-bar"><div style="width:{pct:.0f}%"></div></div>'
        ),
        classes=["ics-meter"],
    )


@solara.component
def OrganisationCard(card: dict | None, on_close: Callable[[], None]):
    """What the selected organisation is like now, in plain words."""
    with rv.Card(outlined=True, class_="ics-card ics-org-card"):
        if card is None:
            with rv.CardText():
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=(
                        "<b>Point at an organisation</b> in the network to see who it is; "
                        "<b>click it</b> to see how it is doing here, and its ties light up."
                    ),
                    classes=["ics-muted"],
                )
            return
        with rv.CardTitle(class_="ics-card-title"):
            solara.HTML(
                tag="span",
                unsafe_innerHTML=(
                    f'<span class="ics-dot" style="background:{card["colour"]}"></span> '
                    f"{html.escape(card['name'])}"
                ),
            )
            rv.Spacer()
            solara.Button(
                icon_name="mdi-close",
                icon=True,
                small=True,
                on_click=on_close,
                classes=["ics-close"],
            )
        with rv.CardText():
            solara.HTML(
                tag="p",
                unsafe_innerHTML=html.escape(card["sentence"]),
                classes=["ics-org-sentence"],
            )
            for m in card["meters"]:
                Meter(m["label"], m["value"])
            for line in card["lines"]:
                solara.HTML(tag="p", unsafe_innerHTML=html.escape(line), classes=["ics-org-line"])


@solara.component
def Explanation(ex: text.Explanation):
    """What an intervention or shock is, and the passage of evidence behind it."""
    with solara.Div(classes=["ics-explain"]):
        solara.HTML(
            tag="p", unsafe_innerHTML=html.escape(ex.summary), classes=["ics-explain-summary"]
        )
        solara.HTML(
            tag="blockquote",
            unsafe_innerHTML="<b>The evidence.</b> " + html.escape(ex.evidence),
            classes=["ics-evidence"],
        )
        solara.HTML(
            tag="p",
            unsafe_innerHTML=html.escape(ex.who) + " " + html.escape(ex.works_through),
            classes=["ics-explain-notes"],
        )
        if ex.effects:
            chips = "".join(
                f'<span class="ics-effect ics-effect-{"up" if sign > 0 else "down"}">'
                f"{'&#9650;' if sign > 0 else '&#9660;'} {html.escape(name)}</span>"
                for name, sign in ex.effects
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML='<div class="ics-effects-h">What the reports suggest it does'
                f"</div>{chips}",
                classes=["ics-effects"],
            )


CSS = """
.ics-section { margin: 0 0 18px 0; }
.ics-section-title {
  font-size: 12px; font-weight: 700; letter-spacing: .06em; text-transform: uppercase;
  color: #005EB8; margin: 0 0 8px 0; border-bottom: 2px solid #e8edee; padding-bottom: 3px;
}
.ics-week { font-size: 26px; font-weight: 700; color: #231f20; line-height: 1.1; }
.ics-week-sub { font-size: 14px; color: #425563; }
.ics-muted { color: #425563; font-size: 14px; line-height: 1.45; }
.ics-small { color: #425563; font-size: 13px; line-height: 1.4; }
.ics-headline { font-size: 21px; font-weight: 600; color: #231f20; line-height: 1.3; }
.ics-description { font-size: 14.5px; color: #425563; line-height: 1.45; margin-top: 4px; }
.ics-tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 4px 0 12px 0; }
.ics-tile {
  flex: 1 1 118px; min-width: 118px; background: white; border: 1px solid #d8dde0;
  border-radius: 8px; padding: 8px 10px; cursor: help;
}
.ics-tile-main { border: 2px solid #005EB8; }
.ics-tile-title { font-size: 12.5px; color: #425563; line-height: 1.2; min-height: 30px; }
.ics-tile-value { font-size: 26px; font-weight: 700; color: #231f20; line-height: 1.15; }
.ics-tile-note { font-size: 11.5px; line-height: 1.2; }
.ics-up { color: #007F3B; } .ics-down { color: #D5281B; } .ics-flat { color: #768692; }
.ics-card { border-radius: 8px !important; }
.ics-card-title { font-size: 17px !important; font-weight: 600; padding-bottom: 4px !important;
  word-break: normal; }
.ics-dot { display: inline-block; width: 12px; height: 12px; border-radius: 50%; }
.ics-org-sentence { font-size: 14px; color: #231f20; line-height: 1.45; }
.ics-org-line { font-size: 13.5px; color: #425563; margin: 6px 0 0 0; line-height: 1.4; }
.ics-meter { margin: 4px 0 6px 0; }
.ics-meter-label { display: flex; justify-content: space-between; font-size: 13px; color: #231f20; }
.ics-meter-bar { height: 7px; background: #e8edee; border-radius: 4px; overflow: hidden; }
.ics-meter-bar > div { height: 100%; background: #005EB8; border-radius: 4px; }
.ics-explain { margin: 8px 0 6px 0; }
.ics-explain-summary { font-size: 14px; color: #231f20; line-height: 1.45;
  margin-bottom: 6px !important; }
.ics-evidence {
  font-size: 13px; color: #425563; line-height: 1.45; border-left: 4px solid #41B6E6;
  padding: 4px 0 4px 10px; margin: 0 0 6px 0; font-style: italic;
}
.ics-evidence b { font-style: normal; color: #231f20; }
.ics-explain-notes { font-size: 13px; color: #425563; line-height: 1.45; margin: 0 !important; }
.ics-effects { margin: 6px 0 2px 0; }
.ics-effects-h { font-size: 12.5px; color: #425563; margin-bottom: 3px; }
.ics-effect { display: inline-block; font-size: 12.5px; border-radius: 12px; padding: 1px 9px;
  margin: 0 4px 4px 0; background: #f0f4f5; color: #231f20; }
.ics-effect { border: 1px solid #d8dde0; }
.ics-change { display: flex; align-items: center; justify-content: space-between; gap: 6px;
  font-size: 13.5px; padding: 3px 0; border-bottom: 1px solid #f0f4f5; }
.ics-change-tag { font-size: 11px; font-weight: 700; border-radius: 4px; padding: 1px 6px;
  color: white; margin-right: 6px; }
.ics-tag-intervention { background: #007F3B; } .ics-tag-shock { background: #D5281B; }
.ics-change-ended { color: #768692; }
.ics-card-h { font-size: 16px; font-weight: 600; color: #231f20; margin: 0 0 4px 2px; }
.ics-notice { font-size: 13.5px; }
.ics-help p { font-size: 13.5px; line-height: 1.45; color: #231f20; margin-bottom: 6px; }
.ics-run-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.solara-content-main .v-navigation-drawer__content { overflow-x: hidden; }
"""
