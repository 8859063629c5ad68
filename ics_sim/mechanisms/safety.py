"""Psychological safety: whether an organisation feels safe to voice a different view.

Practice 1: "half of our survey respondents stated they are working in a system where it is not
safe enough to voice a different perspective"; "the 'shame and blame environment' that some
NHS organisations are operating in means that some NHS leaders do not feel safe enough to fully
participate"; "intense operational pressures are also affecting levels of trust ... producing
defensive behaviours"; "structures and boundaries can provide people with a sense of safety".
Edmondson (2012): safety is a feature of collaborative cultures. Lessons factor 3:
"acknowledging the perceived power differentials in the room".

Safety relaxes toward a target that rises with the trust the organisation holds in its
partners, and falls with its pressure and with how far its partners out-power it::

    target = safety_base + safety_trust_weight * (mean trust held - 0.5)
             - safety_pressure_weight * (pressure - 0.5)
             - safety_power_weight * max(0, mean partner power - power) + safety_boost
    safety += safety_rate * (clip(target, 0, 1) - safety)

Safety then governs voice in decisions, the surfacing of conflict and knowledge sharing in
joint work. It starts at its target.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State
from .base import Mechanism


class Safety(Mechanism):
    name = "safety"
    title = "Psychological safety"
    summary = "feeling safe to speak up"
    reads = ("active", "power", "pressure", "safety", "trust")
    writes = ("safety",)
    reads_levers = ("safety_boost",)
    params = (
        Param(
            "safety_base",
            0.64,
            0.0,
            1.0,
            "safety",
            "Safety of an average organisation.",
            "calibrated: Practice 1, half feel it is not safe to voice a different view",
        ),
        Param(
            "safety_rate",
            0.05,
            0.0,
            1.0,
            "1/week",
            "Speed at which safety moves to its target.",
            "assumption",
        ),
        Param(
            "safety_trust_weight",
            0.8,
            0.0,
            3.0,
            "safety per trust",
            "Effect of the trust an organisation holds in its partners.",
            "Practice 1: 'when our sense of trust is high, we are less fearful'",
        ),
        Param(
            "safety_pressure_weight",
            0.4,
            0.0,
            3.0,
            "safety per pressure",
            "Effect of operational pressure.",
            "Practice 1: 'everyone ... is on a state of high alert'",
        ),
        Param(
            "safety_power_weight",
            0.5,
            0.0,
            3.0,
            "safety per power",
            "Effect of being out-powered by partners.",
            "Lessons factor 3: 'perceived power differentials in the room'",
        ),
    )

    def target(self, s: State, lv: Levers) -> np.ndarray:
        p, t = self.p, self.topo
        # Sums over the existing ties only, the others adding exactly zero (ics_sim.state.sparse).
        x = sp.entries(s.active)
        deg = np.maximum(sp.sum_by(x, None, t.src, t.n, s.r), 1)
        held = sp.sum_by(x, sp.at(s.trust, x), t.src, t.n, s.r) / deg
        partner_power = sp.sum_by(x, sp.node(s.power, x, t.dst), t.src, t.n, s.r) / deg
        gap = np.maximum(0.0, partner_power - s.power)
        target = (
            p.safety_base
            + p.safety_trust_weight * (held - 0.5)
            - p.safety_pressure_weight * (s.pressure - 0.5)
            - p.safety_power_weight * gap
            + lv.safety_boost
        )
        return np.clip(target, 0.0, 1.0)

    def init(self, s: State, lv: Levers) -> None:
        s.safety = self.target(s, lv)

    def step(self, s: State, lv: Levers, week: int) -> None:
        s.safety = s.safety + self.p.safety_rate * (self.target(s, lv) - s.safety)
