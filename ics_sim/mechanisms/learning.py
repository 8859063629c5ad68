"""Learned collaborative behaviour: leaders imitate what is rewarded, from the top down.

Practice 3 (section intro): "people will emulate the behaviours that are rewarded. It must start
from the top ... if the currency is about collaboration, they will have to ... [and it will]
become a learnt behaviour"; "working collaboratively is much more to do with culture and
expectations set by the exec team"; it is "no good sitting around the partnership table and
then going back to the organisation and bad-mouthing ... the partnership".

Each leader who worked jointly this week reinforces its propensity to help by what helping was
worth to it (the ``payoff`` set by joint work: returned help minus cost) plus any reward for
collaborating. Cross learning gives the replicator dynamic (Borgers and Sarin 1997),
``do/dt = learning_rate * o (1 - o) (payoff + reward)``, integrated exactly over the week::

    delta = learning_rate * (payoff_i + reward_i)
    o_i  <- o_i e^delta / (1 - o_i + o_i e^delta)

In the well-mixed donation game with no reciprocity (payoff = -c every week) this is exactly
x(t) = x0 e^(-ct) / (1 - x0 + x0 e^(-ct)) (model notes, section 6).

Then every leader compares itself with one partner it met, chosen at random, and moves its
collaborative orientation toward the partner's with a pairwise-comparison (Fermi) rule
(Szabo and Toke 1998; Traulsen et al. 2006), weighted by the partner's power (role modelling
from the top)::

    payoff_i = this week's worth of helping + reward_i * orientation_i
    orientation_i += imitation_rate * power_j * (o_j - o_i)
                     / (1 + exp(-selection * (payoff_j - payoff_i)))

Development (a leadership programme module) moves a leader's orientation toward collaboration,
``orientation += development * (1 - orientation)`` (BCL, module two: "developing a
collaborative leadership mindset"; Miller: development should be "reflective ... and on-going").

Without reward, helping costs and orientation drifts down where partners free-ride (the
donation game's replicator dynamics); a reward for collaboration (the lever ``reward``) makes it
the currency.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State
from .base import Mechanism


class Learning(Mechanism):
    name = "learning"
    title = "Learned collaborative behaviour"
    summary = "which behaviour gets copied"
    reads = ("contact", "orientation", "payoff", "power", "workload")
    writes = ("orientation",)
    reads_levers = ("development", "reward")
    params = (
        Param(
            "learning_rate",
            0.05,
            0.0,
            5.0,
            "1/payoff/week",
            "Speed at which a leader's propensity to help follows what helping is worth to it.",
            "Practice 3: collaboration 'will become a learnt behaviour'; Borgers and Sarin 1997",
        ),
        Param(
            "imitation_rate",
            0.05,
            0.0,
            1.0,
            "1/week",
            "Speed of imitating a partner of full power.",
            "Practice 3: 'people will emulate the behaviours that are rewarded'",
        ),
        Param(
            "selection",
            5.0,
            0.0,
            100.0,
            "1/payoff",
            "How strongly imitation follows payoff differences (0: copy at random).",
            "Traulsen et al. 2006",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        p, t = self.p, self.topo
        if t.e == 0:
            return
        u = self.rng.random(t.e)
        # Each leader's partner: the tie it met along with the largest draw (the last of
        # equals). Only the ties that met are looked at (ics_sim.state.sparse).
        x = sp.entries(s.contact > 0)
        key = sp.at(u, x)
        leader = x.r * t.n + t.src[x.e]  # row-major, so each leader's ties are together
        partner = np.full((s.r, t.n), -1, dtype=np.int64)
        if len(x):
            starts = np.flatnonzero(np.r_[True, leader[1:] != leader[:-1]])
            best = np.maximum.reduceat(key, starts)
            chosen = key >= np.repeat(best, np.diff(np.r_[starts, len(x)]))
            partner.reshape(-1)[leader[chosen]] = t.dst[x.e[chosen]]
        ok = partner >= 0
        j = np.maximum(partner, 0)
        rows = np.arange(s.r)[:, None]
        # Individual reinforcement: the replicator dynamic of each leader's propensity to
        # help, integrated exactly over the week (logistic form), for leaders who worked jointly.
        played = s.workload > 0
        delta = np.where(played, p.learning_rate * (s.payoff + lv.reward), 0.0)
        grow = np.exp(delta)
        s.orientation = s.orientation * grow / (1.0 - s.orientation + s.orientation * grow)
        # Social learning: imitate a partner met this week, more so a powerful one.
        pay = s.payoff + lv.reward * s.orientation
        diff = pay[rows, j] - pay
        pull = 1.0 / (1.0 + np.exp(-p.selection * diff))
        delta = p.imitation_rate * s.power[rows, j] * (s.orientation[rows, j] - s.orientation)
        o = np.where(ok, s.orientation + delta * pull, s.orientation)
        s.orientation = np.clip(o + lv.development * (1.0 - o), 0.0, 1.0)
