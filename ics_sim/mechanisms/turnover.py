"""Leadership turnover and continuity.

Lessons, factor 1: "progress has been more rapid where there is a history of collaboration
between leaders and more challenging in areas where leaders have moved on frequently"; Lessons,
Canterbury: collaboration rested on "continuity in the leadership community, familiarity
developed over many years". Miller, To conclude: "succession planning is rarely done but is vital
to avoid dependency on one or two individuals". Model notes, mechanism 11: "a new leader loses
personal familiarity; organisational trust partly remains".

Each week a leader leaves with hazard ``turnover_hazard * (1 + pressure_hazard * pressure)``
(times any shock's factor); the hazard is kept in the state, where joint work reads it as the
shadow of the future. The successor starts with tenure 0, a fresh collaborative
orientation drawn for the kind (its mean times ``1 + successor_noise * N(0, 1)``). A successor
inherits the organisation's reputation and legacy with its partners; what is lost is the
person-to-person part: on every tie in and out, familiarity and the personal part of trust
(kept by the trust mechanism) fall to the share the succession plan hands on::

    familiarity    *= keep
    trust          -= (1 - keep) * trust_personal
    trust_personal *= keep

So a leader change never raises trust: it cannot heal a damaged relationship (the damage is
part of the organisation's legacy), and it takes away only what was personal.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State
from ..system.kinds import trait_table
from .base import Mechanism


class Turnover(Mechanism):
    name = "turnover"
    title = "Leadership turnover and continuity"
    summary = "leaders moving on"
    reads = (
        "familiarity",
        "kind",
        "leader_changes",
        "orientation",
        "pressure",
        "tenure",
        "trust",
        "trust_personal",
    )
    writes = (
        "familiarity",
        "hazard",
        "leader_changes",
        "orientation",
        "tenure",
        "trust",
        "trust_personal",
    )
    reads_levers = ("hazard_factor", "succession")
    params = (
        Param(
            "turnover_hazard",
            1 / 156,
            0.0,
            0.1,
            "1/week",
            "Weekly chance a leader leaves at zero pressure (mean tenure about three years).",
            "assumption (NHS chief executive tenure of about three years); Lessons factor 1",
        ),
        Param(
            "pressure_hazard",
            1.0,
            0.0,
            5.0,
            "factor",
            "How much full pressure multiplies the hazard of leaving (1 = doubles it).",
            "assumption; Practice, Where next ('exhausting')",
        ),
        Param(
            "baseline_succession",
            0.1,
            0.0,
            1.0,
            "share",
            "Share of familiarity handed on to a successor without succession planning.",
            "Miller: succession planning is 'rarely done'",
        ),
        Param(
            "successor_noise",
            0.1,
            0.0,
            0.5,
            "relative sd",
            "Spread of a successor's collaborative orientation around its kind's mean.",
            "assumption",
        ),
    )

    def __init__(self, topo, p, rng, off=frozenset()):
        super().__init__(topo, p, rng, off)
        self.kind_orientation = trait_table()["orientation"]

    def step(self, s: State, lv: Levers, week: int) -> None:
        p, t = self.p, self.topo
        s.tenure += 1.0
        hazard = p.turnover_hazard * (1.0 + p.pressure_hazard * s.pressure) * lv.hazard_factor
        s.hazard = hazard
        u = self.rng.random(s.n)
        fresh = self.kind_orientation[s.kind] * (1.0 + p.successor_noise * self.rng.normal(s.n))
        leaves = u < hazard
        if not leaves.any():
            return
        s.tenure[leaves] = 0.0
        s.leader_changes[leaves] += 1.0
        s.orientation = np.where(leaves, np.clip(fresh, 0.0, 1.0), s.orientation)
        keep = np.clip(p.baseline_succession + lv.succession, 0.0, 1.0)
        # A tie is touched if either end's leader left; the handover is that organisation's.
        # Only those ties change, so only they are computed (ics_sim.state.sparse): the ties
        # out of each leaver (contiguous in the arrays) and their reverses.
        r_left, i_left = np.nonzero(leaves)
        lo, hi = t.out_start[i_left], t.out_start[i_left + 1]
        n_out = hi - lo
        e_out = np.repeat(lo - np.cumsum(n_out) + n_out, n_out) + np.arange(n_out.sum())
        r_out = np.repeat(r_left, n_out)
        flat = np.concatenate([r_out * t.e + e_out, r_out * t.e + t.rev[e_out]])
        x = sp.entries_at(np.unique(flat), t.e)
        src_left, dst_left = sp.node(leaves, x, t.src), sp.node(leaves, x, t.dst)
        keep_e = np.where(src_left, sp.node(keep, x, t.src), 1.0) * np.where(
            dst_left, sp.node(keep, x, t.dst), 1.0
        )
        familiarity = s.familiarity.copy()
        familiarity.reshape(-1)[x.flat] = sp.at(s.familiarity, x) * keep_e
        s.familiarity = familiarity
        lost = (1.0 - keep_e) * sp.at(s.trust_personal, x)
        trust, personal = s.trust.copy(), s.trust_personal.copy()
        trust.reshape(-1)[x.flat] -= lost
        personal.reshape(-1)[x.flat] -= lost
        s.trust = trust
        s.trust_personal = personal
