"""A network that changes: ties form through contact and introductions, and fade when unused.

Lessons factor 2: collaboration "requires leaders to have face-to-face meetings with each other
in order to establish the rapport and understanding on which collective leadership hinges" and
means "understanding the person behind the role". Practice 1: the big breakfast was one of "a
range of different things to broaden out the networks"; "this informal 'breakfast space'
enabled different people with different views to come together", against "lots of meetings with
the same health and care leaders ... we're not all connecting with each other very well".
Practice 2: leaders meet "for coffee or travelling to meetings together"; "if people do not
invest the time in getting to know each other as people ... connections and communications with
one another will be limited"; people use "facilitated workshops, awaydays, offsite meetings or
events, and local development programmes – to strengthen relationships", and joint programmes
"build the foundations for healthier relationships and broader collaborative working across
organisations and sectors" (Practice, Where next). Introductions: a trusted third party closes
the triad (Granovetter 1973, "The strength of weak ties": if A is strongly tied to B and to C,
B and C are likely to be tied; Burt 2005, *Brokerage and Closure*: brokers bridge structural
holes, and closure follows). Decay: ties that are not used decay, fastest while they are new
and weak (Burt 2000, "Decay functions", Social Networks 22: 1-28).

The tie arrays hold every candidate pair (``ics_sim.system.network``); ``active`` says which
exist. Contact acts only along existing ties; on a pair with no tie it is an ``encounter``
(the contact mechanism). At the end of each week, per unordered pair (one draw each):

- **Forming through contact**: a pair with no tie whose leaders had an encounter ``c`` (a
  forum meeting, informal contact, an event or programme that brought them together) forms a
  tie with probability ``1 - exp(-tie_formation * c)``.
- **Introductions**: each leader with at least two strong ties (both sides trust above
  ``introduction_trust``) introduces one pair of them, drawn uniformly, with weekly probability
  ``introduction_rate``; if that pair is a candidate with no tie, the tie forms.
- **Fading**: an existing tie that was not used this week (no contact, no joint work, no open
  conflict) and that neither side knows well (familiarity below ``tie_fade_familiarity`` on both
  sides) ends with probability ``tie_fade_rate`` a week, so a weak tie lasts about
  ``1 / tie_fade_rate`` weeks unused. Familiarity decays without contact (the contact mechanism),
  so a well-known tie becomes weak only after long disuse.

A tie that ends keeps its trust and legacy (the organisations remember), no conflict, and
keeps losing familiarity. A tie that forms (again) starts from what is remembered: its trust
and legacy, and the familiarity left (none for a pair never tied); contact then builds it.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State
from .base import Mechanism


class Ties(Mechanism):
    name = "ties"
    title = "Ties form and fade"
    summary = "who is connected to whom"
    reads = ("active", "conflict", "contact", "encounter", "familiarity", "joint", "trust")
    writes = ("active",)
    params = (
        Param(
            "tie_formation",
            0.5,
            0.0,
            10.0,
            "1/contact",
            "How readily contact between leaders with no tie forms one: the chance is "
            "1 - exp(-tie_formation x contact).",
            "Practice 1: the big breakfast 'to broaden out the networks'; Lessons factor 2; "
            "assumption (size)",
        ),
        Param(
            "introduction_rate",
            0.05,
            0.0,
            1.0,
            "1/week",
            "Weekly chance a leader introduces two of its strongly tied partners to each other.",
            "Granovetter 1973 (triadic closure); Burt 2005 (brokerage and closure); "
            "assumption (size)",
        ),
        Param(
            "introduction_trust",
            0.5,
            0.0,
            1.0,
            "trust",
            "Trust both ways needed for a tie to be strong enough to pass on an introduction.",
            "Granovetter 1973 (strong ties close triads); assumption (size)",
        ),
        Param(
            "tie_fade_rate",
            0.02,
            0.0,
            1.0,
            "1/week",
            "Weekly chance a weak tie not used this week ends (about a year's life unused).",
            "Burt 2000, 'Decay functions' (unused ties decay, fastest while new and weak); "
            "assumption (size)",
        ),
        Param(
            "tie_fade_familiarity",
            0.05,
            0.0,
            1.0,
            "familiarity",
            "Familiarity below which, on both sides, an unused tie is weak enough to fade.",
            "Burt 2000 (strong ties decay less); Lessons factor 2; assumption (size)",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        # Computed on the few pairs where something can change (ics_sim.state.sparse): bit
        # for bit the rules of the module docstring on the whole arrays.
        p, t = self.p, self.topo
        draws = self.rng.randoms(3, t.e)
        u_form, u_fade = draws[0], draws[1]  # by pair
        u_pick = draws[2]  # each direction's own draw: which partners a broker introduces
        u_broker = self.rng.random(t.n)
        on = s.active
        formed = self.introductions(s, u_pick, u_broker)
        # Forming through contact: the pair's encounter (symmetric in the pair). Encounters
        # are few, so only those pairs are looked at.
        met = sp.entries(s.encounter > 0)
        x = sp.union(met, sp.reverse(met, t), t.e)
        enc = 0.5 * (sp.at(s.encounter, x) + sp.at(s.encounter, sp.reverse(x, t)))
        hit = sp.pair_draw(u_form, x, t) < 1.0 - np.exp(-p.tie_formation * enc)
        formed.reshape(-1)[x.flat[hit]] = True
        formed &= ~on
        # Fading: weak (both sides) and unused this week, and the pair's draw below the rate
        # (looked at first: few pairs pass it).
        x = sp.entries(on & np.take(u_fade < p.tie_fade_rate, t.pair_draw, axis=1))
        y = sp.reverse(x, t)
        used = (sp.at(s.contact, x) > 0) | (sp.at(s.contact, y) > 0) | sp.at(s.joint, x)
        used |= sp.at(s.conflict, x) != 0
        weak = np.maximum(sp.at(s.familiarity, x), sp.at(s.familiarity, y))
        faded = np.zeros(on.shape, dtype=bool)
        faded.reshape(-1)[x.flat[~used & (weak < p.tie_fade_familiarity)]] = True
        s.active = (on & ~faded) | formed

    def introductions(self, s: State, u_pick: np.ndarray, u_broker: np.ndarray) -> np.ndarray:
        """(R, E) bool: candidate pairs with no tie introduced this week by a broker.

        Each broker b picks its two strong ties with the largest draws (a uniform pair) and,
        with probability ``introduction_rate``, introduces their far ends to each other.
        Strong ties are few, so only they are sorted.
        """
        p, t = self.p, self.topo
        out = np.zeros(s.active.shape, dtype=bool)
        if t.e == 0 or p.introduction_rate <= 0:
            return out
        th = p.introduction_trust
        x = sp.entries(s.active & (s.trust >= th))
        x = x.take(sp.at(s.trust, sp.reverse(x, t)) >= th)  # strong both ways
        r_idx, e_idx = x.r, x.e
        b = t.src[e_idx]
        group = r_idx * t.n + b  # entries are row-major: already sorted by group
        order = np.lexsort((sp.at(u_pick, x), group))  # by broker, then draw
        r_idx, e_idx, b, group = r_idx[order], e_idx[order], b[order], group[order]
        top = np.flatnonzero(np.r_[group[1:] != group[:-1], True])  # each broker's largest
        top = top[top > 0]
        top = top[group[top - 1] == group[top]]  # ... with a second tie
        top = top[u_broker[r_idx[top], b[top]] < p.introduction_rate]
        i, k = t.dst[e_idx[top]], t.dst[e_idx[top - 1]]
        e_ik = t.edge_index(i, k)
        ok = e_ik >= 0
        r_new, e_new = r_idx[top][ok], e_ik[ok]
        new = ~s.active[r_new, e_new]
        r_new, e_new = r_new[new], e_new[new]
        out[r_new, e_new] = True
        out[r_new, t.rev[e_new]] = True
        return out
