"""Solara components of the workshop dashboard.

Everything that moves with the week (headline, tiles, network, charts, radar) is one Vue
template, ``view.vue``, that draws SVG in the browser from one frame (see
:mod:`ics_sim.interfaces.dashboard.player`); hovering is handled in the browser, so it is instant.
Everything else is built from Solara and Vuetify components.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import reacton.ipyvuetify as rv
import solara

from . import text

# The main view gets its data as JSON text, not as lists and dicts: Solara (reacton) walks
# every list and dict passed to a component looking for nested components, which for a
# network's hundreds of ties costs more than the whole step. Text it leaves alone.


@solara.component_vue("view.vue")
def View(
    frame_json: str,
    geometry_json: str,
    projector: bool = False,
    event_drawn: Callable[[Any], None] | None = None,
    event_select: Callable[[Any], None] | None = None,
    event_screen: Callable[[Any], None] | None = None,
):
    """Everything that moves with the week, drawn in one Vue component from one frame (see
    :func:`.player.view_data`): headline, tiles, network(s), charts, radar.

    One component, so the whole view changes in one browser update; it tells the server
    which frame it shows (``drawn``), which organisation was clicked (``select``) and how
    wide the window is (``screen``).
    """


@solara.component_vue("weeklabel.vue")
def _WeekLabel(initial_week: int, initial_label: str):
    pass


def WeekLabel(week: int, label: str):
    """The week in the app bar: changes in the same moment as the main view."""
    return _WeekLabel(initial_week=week, initial_label=label)


@solara.component
def Section(title: str, children: list = []):  # noqa: B006 - Solara's children convention
    """A titled block of the side panel."""
    with solara.Div(classes=["ics-section"]) as main:
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(title), classes=["ics-section-title"])
        solara.Div(children=list(children))
    return main


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
.ics-section { margin: 0 0 16px 0; }
.ics-section-title {
  font-size: 12.5px; font-weight: 700; letter-spacing: .06em; text-transform: uppercase;
  color: #005EB8; margin: 0 0 8px 0; border-bottom: 2px solid #e8edee; padding-bottom: 3px;
}
.ics-week-sub { font-size: 14px; color: #425563; }
.ics-muted { color: #425563; font-size: 14px; line-height: 1.45; }
.ics-small { color: #425563; font-size: 13px; line-height: 1.4; }
.ics-boundary { margin-top: 4px; }
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
  margin: 0 4px 4px 0; background: #f0f4f5; color: #231f20; border: 1px solid #d8dde0; }
.ics-change { display: flex; align-items: center; justify-content: space-between; gap: 6px;
  font-size: 13.5px; padding: 3px 0; border-bottom: 1px solid #f0f4f5; }
.ics-change-tag { font-size: 11px; font-weight: 700; border-radius: 4px; padding: 1px 6px;
  color: white; margin-right: 6px; }
.ics-tag-intervention { background: #007F3B; } .ics-tag-shock { background: #D5281B; }
.ics-change-ended { color: #768692; }
.ics-notice { font-size: 15px; margin-bottom: 0 !important; }
.ics-error { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; font-size: 16px;
  background: #fff4e5; border: 2px solid #ED8B00; border-radius: 8px; padding: 10px 14px; }
.ics-help p { font-size: 13.5px; line-height: 1.45; color: #231f20; margin-bottom: 6px; }
.ics-run-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
/* The side panel: narrower than Solara's 400 px, so the view keeps the room. */
.v-navigation-drawer.solara-content-main {
  min-width: 330px !important; max-width: 340px !important; }
.solara-content-main .v-navigation-drawer__content { overflow-x: hidden; }
"""
