"""Asymmetric trust: slow to build, fast to lose; legacy mistrust; brokerage.

Practice 2: "when trust has been eroded it takes a long time to rebuild, and sometimes it cannot
be rebuilt. In these instances, leaders are working around the damaged relationship or through
someone else"; "in some cases, past experiences mean there is a legacy of mistrust". Practice 1:
trust "is always being calculated and recalculated based on the latest data".

Experience-based trust (Jonker and Treur 1999; Hoogendoorn et al.), ``T += g (E - T)`` with
separate rates for good experiences (E = 1, gain g) and breaches (E = 0, loss l >> g). The
experiences of the week (from contact, joint work, conflict and decisions) are applied
together, gains then losses, so the update is synchronous::

    g_eff = trust_gain * (1 - familiarity_weight * (1 - F)) * (1 - legacy_drag * legacy)
    T     = 1 - (1 - T) * (1 - g_eff) ** good
    T     = T * (1 - trust_loss) ** bad

With t0 = 0.5, g = 0.05, l = 0.3: ten good events give 0.7006, one breach 0.4904, and eleven
good events are needed to recover (model notes, section 6).

Part of trust is personal, between the two leaders, and leaves with either of them (model
notes, mechanism 11: "a new leader loses personal familiarity; organisational trust partly
remains"; Lessons, Canterbury: trust rested on "continuity in the leadership community,
familiarity developed over many years"). The personal part P is built by the share
``personal_trust_share * F`` of each gain (the better the leaders know each other, the more of
what they build is personal), and a breach takes the same proportion of P as of trust; the
rest, ``T - P``, is the organisation's reputation and legacy with the partner, which a
successor inherits (the turnover mechanism removes the personal part it loses). The initial
trust (propensity less legacy) is the organisations'; P starts at 0, so it carries no start-up
transient::

    P += personal_trust_share * F * (T_after_gains - T)
    P *= (1 - trust_loss) ** bad

Brokerage: where i's trust in j is below ``broker_threshold``, i can work through its most
trusted partner b: ``brokered_ij = max(T_ij, broker_weight * T_ib * T_bj)``. Joint work uses
brokered trust; the direct tie is unchanged.

Null model (pattern-oriented modelling, Grimm et al. 2005; Railsback and Grimm 2019, ch. 18):
``trust_symmetry`` (default 0, the model as described) pulls each direction of a pair toward
the pair's mean after the week's update, ``T_ij <- (1 - w) T_ij + w (T_ij + T_ji) / 2`` (the
personal part likewise), so at 1 i's trust in j is j's in i from the first warm-up week on:
the symmetric-trust null, which tests whether the patterns need trust to be directed.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State
from .base import Mechanism


def asymmetric_update(
    trust: np.ndarray, good: np.ndarray, bad: np.ndarray, gain: np.ndarray | float, loss: float
) -> np.ndarray:
    """Trust after ``good`` good experiences then ``bad`` breaches (counts may be fractional)."""
    # Written as T + (1 - T)(...) so that no experience leaves trust exactly unchanged.
    t = trust + (1.0 - trust) * (1.0 - (1.0 - gain) ** good)
    return t * (1.0 - loss) ** bad


class Trust(Mechanism):
    name = "trust"
    title = "Asymmetric trust and brokerage"
    summary = "trust"
    reads = ("active", "bad", "familiarity", "good", "legacy", "trust", "trust_personal")
    writes = ("brokered", "trust", "trust_personal")
    reads_levers = ()
    params = (
        Param(
            "trust_gain",
            0.05,
            0.0,
            1.0,
            "1/event",
            "Share of the gap to full trust closed by one good experience.",
            "Model notes, section 6; Jonker and Treur 1999",
        ),
        Param(
            "trust_loss",
            0.3,
            0.0,
            1.0,
            "1/event",
            "Share of trust lost in one breach.",
            "Practice 2: 'when trust has been eroded it takes a long time to rebuild'",
        ),
        Param(
            "legacy_drag",
            0.5,
            0.0,
            1.0,
            "share",
            "How much a legacy of mistrust slows the building of trust.",
            "Practice 2: 'elements of mistrust ... some of that is history'",
        ),
        Param(
            "familiarity_weight",
            0.5,
            0.0,
            1.0,
            "share",
            "How much not knowing the person slows the building of trust.",
            "Lessons factor 2: 'understanding the person behind the role'",
        ),
        Param(
            "personal_trust_share",
            0.5,
            0.0,
            1.0,
            "share",
            "Share of the trust built between fully familiar leaders that is personal and "
            "leaves with either leader (scaled by familiarity; the rest is the organisation's "
            "reputation, which a successor inherits).",
            "Model notes, mechanism 11: 'a new leader loses personal familiarity; "
            "organisational trust partly remains'; Lessons, Canterbury ('familiarity developed "
            "over many years'); assumption (size)",
        ),
        Param(
            "broker_threshold",
            0.3,
            0.0,
            1.0,
            "trust",
            "Below this trust an organisation works through a trusted third party.",
            "Practice 2: 'working around the damaged relationship or through someone else'",
        ),
        Param(
            "trust_symmetry",
            0.0,
            0.0,
            1.0,
            "share",
            "Null-model switch: share of each pair's asymmetry in trust removed every week "
            "(0: trust is directed, the model as described; 1: symmetric-trust null model).",
            "assumption (null model: Grimm et al. 2005, pattern-oriented modelling)",
        ),
        Param(
            "broker_weight",
            0.8,
            0.0,
            1.0,
            "share",
            "How much of the trust chain through a third party carries over.",
            "assumption",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        # Only ties with an experience this week change (with none, every term below leaves
        # trust and its personal part exactly as they are), so the update is computed on
        # those (ics_sim.state.sparse), bit for bit the whole-array rule.
        p = self.p
        x = sp.entries((s.good != 0) | (s.bad != 0))
        trust, good, bad = sp.at(s.trust, x), sp.at(s.good, x), sp.at(s.bad, x)
        gain = (
            p.trust_gain
            * (1.0 - p.familiarity_weight * (1.0 - sp.at(s.familiarity, x)))
            * (1.0 - p.legacy_drag * sp.at(s.legacy, x))
        )
        gained = asymmetric_update(trust, good, 0.0, gain, p.trust_loss)
        kept = (1.0 - p.trust_loss) ** bad
        personal = sp.at(s.trust_personal, x) + p.personal_trust_share * sp.at(s.familiarity, x) * (
            gained - trust
        )
        new_personal = s.trust_personal.copy()
        new_personal.reshape(-1)[x.flat] = personal * kept
        s.trust_personal = new_personal
        new_trust = np.clip(s.trust, 0.0, 1.0)
        new_trust.reshape(-1)[x.flat] = np.clip(gained * kept, 0.0, 1.0)
        s.trust = new_trust
        if p.trust_symmetry:
            s.trust = self.symmetrised(s.trust)
            s.trust_personal = self.symmetrised(s.trust_personal)
        s.brokered = self.brokered(s.trust, s.active)

    def symmetrised(self, x: np.ndarray) -> np.ndarray:
        """``x`` pulled toward its pair means by ``trust_symmetry`` (the symmetric null)."""
        w = self.p.trust_symmetry
        return (1.0 - w) * x + w * 0.5 * (x + x[:, self.topo.rev])

    def brokered(self, trust: np.ndarray, active: np.ndarray | None = None) -> np.ndarray:
        """Trust reachable through each truster's most trusted partner, where direct is low
        (brokers and chains along existing ties only, when ``active`` is given)."""
        p, t = self.p, self.topo
        active = np.ones(trust.shape, dtype=bool) if active is None else active
        # Along existing ties only, so only they are looked at (ics_sim.state.sparse).
        x = sp.entries(active)
        held = sp.at(trust, x)
        low = held < p.broker_threshold
        out = trust.copy()
        if not low.any() or t.e == 0:
            return out
        R = trust.shape[0]
        # Each truster's most trusted tie (the last of equals): its broker is that tie's
        # trustee. Row-major entries keep each truster's ties together.
        truster = x.r * t.n + t.src[x.e]
        starts = np.flatnonzero(np.r_[True, truster[1:] != truster[:-1]])
        best_t = np.maximum.reduceat(held, starts)
        best = held >= np.repeat(best_t, np.diff(np.r_[starts, len(x)]))
        best_e = np.full((R, t.n), -1, dtype=np.int64)
        best_e.reshape(-1)[truster[best]] = x.e[best]
        y = x.take(low)
        r_idx, e_idx = y.r, y.e
        e_ib = best_e[r_idx, t.src[e_idx]]
        b = t.dst[e_ib]
        j = t.dst[e_idx]
        ok = (e_ib >= 0) & (b != j)
        r_idx, e_idx, e_ib, b, j = r_idx[ok], e_idx[ok], e_ib[ok], b[ok], j[ok]
        e_bj = t.edge_index(b, j)
        has_tie = e_bj >= 0
        has_tie[has_tie] = active[r_idx[has_tie], e_bj[has_tie]]
        r_idx, e_idx, e_ib, e_bj = r_idx[has_tie], e_idx[has_tie], e_ib[has_tie], e_bj[has_tie]
        chain = p.broker_weight * trust[r_idx, e_ib] * trust[r_idx, e_bj]
        out[r_idx, e_idx] = np.maximum(out[r_idx, e_idx], chain)
        return out
