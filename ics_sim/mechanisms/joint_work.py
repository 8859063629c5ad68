"""Joint work and collaborative advantage: altruism, the shadow of the future, small wins.

Practice, Introduction: "a clear benefit for collaborating needs to be identified – that is,
something needs to be achieved that any one of the participating organisations cannot achieve
if acting alone" (Huxham and Vangen 2005). Practice, Where next: "too often, people ... are
trying to collaborate on everything and are ending up in endless meetings ... time, money and
energy are being consumed with little, if any, gain". Lessons factor 4: "'How can I help?' and
not 'How can I use our relationship to further my own position'", and "the tragedy of the
commons". Lessons factor 5: the investment in relationships "is worth making only if there is
reasonable certainty that those they are collaborating with are likely to be ongoing partners".
Lessons factor 1: confidence "based on tangible accomplishments achieved together".

Partner preference mixes trust and expected gain (Klos and Nooteboom 2001)::

    pref_ij = trust_weight * brokered_ij + (1 - trust_weight) * advantage_ij * shadow_j
    shadow_j = exp(-hazard_j * shadow_horizon)   (chance the partner's leader stays; hazard_j
                                                  as set by the turnover mechanism, 0 if off)

A pair starts a project this week with probability ``joint_rate * sqrt(st_i st_j)`` if both
prefer each other above ``joint_threshold`` and the advantage clears any selectivity. Projects
share the leaders' system time, with diminishing returns to the time each gets::

    quality_i = 1 - exp(-system_time_i / (projects_i * joint_time_cost))

(time per project over the time a project needs): the first hours given to a project matter
most, and spreading scarce time over too many projects lowers the quality of each (Practice,
Where next: people "trying to collaborate on everything ... are ending up in endless meetings
... time, money and energy are being consumed with little, if any, gain").
Each side helps with probability
``orientation + (1 - orientation) * logistic(coop_steepness * (reciprocity * shadow * benefit
- cost))``:
direct reciprocity pays only when P(meet again) > c/b (Nowak 2006). A project succeeds with
probability advantage x min quality x share helping x knowledge sharing x aim alignment,
where knowledge sharing is ``unsafe_sharing + (1 - unsafe_sharing) * min safety`` of the pair.
An agreed purpose sets a bar of ``purpose_selectivity * purpose_clarity`` on the advantage of
new projects (or the bar of selective collaboration, whichever is higher). A success is a good
experience for both (small wins feed trust); a partner who did
not help while the other did is a breach. What helping is worth to a leader this week,
``reciprocity * shadow * benefit - cost`` averaged over its projects (the donation game with
direct reciprocity), feeds the learning mechanism.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State, row_sum
from .base import Mechanism


class JointWork(Mechanism):
    name = "joint_work"
    title = "Joint work and collaborative advantage"
    summary = "doing work together"
    reads = (
        "active",
        "advantage",
        "aims",
        "base_resources",
        "brokered",
        "hazard",
        "joint",
        "orientation",
        "resources",
        "safety",
        "system_time",
    )
    writes = ("bad", "good", "joint", "payoff", "resources", "workload", "tally.joint_value")
    reads_levers = ("purpose_clarity", "selectivity")
    params = (
        Param(
            "joint_rate",
            0.15,
            0.0,
            1.0,
            "1/week",
            "Weekly chance a pair with full system time starts a project.",
            "assumption",
        ),
        Param(
            "joint_threshold",
            0.3,
            0.0,
            1.0,
            "preference",
            "Preference needed to work with a partner.",
            "assumption; Klos and Nooteboom 2001",
        ),
        Param(
            "trust_weight",
            0.5,
            0.0,
            1.0,
            "share",
            "Weight of trust against expected gain in choosing partners.",
            "Klos and Nooteboom 2001",
        ),
        Param(
            "joint_time_cost",
            0.1,
            0.001,
            1.0,
            "system time",
            "System time a project needs: with this much per project its quality is "
            "1 - 1/e (0.63), with twice as much 0.86 (diminishing returns).",
            "Practice, Where next: 'trying to collaborate on everything ... endless meetings'; "
            "assumption (size: half a day of a leader's week; mean quality about 0.89 at "
            "defaults, against 0.97 at 0.05)",
        ),
        Param(
            "benefit",
            1.0,
            0.0,
            5.0,
            "payoff",
            "Benefit to a partner of being helped.",
            "Nowak 2006 (donation game)",
        ),
        Param("cost", 0.3, 0.0, 5.0, "payoff", "Cost of helping.", "Nowak 2006 (donation game)"),
        Param(
            "reciprocity",
            0.5,
            0.0,
            1.0,
            "share",
            "Share of help that partners who stay return (direct reciprocity).",
            "Nowak 2006; Lessons factor 5",
        ),
        Param(
            "coop_steepness",
            10.0,
            0.0,
            100.0,
            "1/payoff",
            "How sharply self-interested leaders respond to the shadow of the future.",
            "assumption",
        ),
        Param(
            "shadow_horizon",
            52.0,
            1.0,
            520.0,
            "weeks",
            "Horizon over which leaders weigh whether a partner will still be there.",
            "Lessons factor 5",
        ),
        Param(
            "win_evidence",
            1.0,
            0.0,
            5.0,
            "events",
            "Good experiences from a successful project.",
            "Lessons factor 1: 'tangible accomplishments achieved together'",
        ),
        Param(
            "defection_breach",
            0.1,
            0.0,
            5.0,
            "events",
            "Breaches from a partner who did not help in a week of a joint project.",
            "Lessons factor 4 ('how can I win'); size: Practice 1, 'trust is only really built "
            "by working together', so a project's expected effect on trust is not negative "
            "(at 1.0 a project's breaches cost about five times the trust its wins build)",
        ),
        Param(
            "resource_cost",
            0.002,
            0.0,
            0.1,
            "budget share",
            "Budget a helping side puts into a project each week.",
            "assumption",
        ),
        Param(
            "resource_return",
            0.004,
            0.0,
            0.1,
            "budget share",
            "Budget a successful project returns to each side, per unit of value.",
            "assumption (ICS core purpose: 'enhance productivity and value for money')",
        ),
        Param(
            "purpose_selectivity",
            0.3,
            0.0,
            1.0,
            "advantage",
            "Advantage a project must offer per unit of an agreed purpose's clarity "
            "(an agreed purpose turns down joint work that serves it poorly).",
            "Practice, Where next: 'ensuring there is an agreed shared purpose aligned to a "
            "clear vision'; assumption (size)",
        ),
        Param(
            "unsafe_sharing",
            0.5,
            0.0,
            1.0,
            "share",
            "Share of knowledge still shared in a project between wholly unsafe partners.",
            "Practice 3: 'low-trust environments will lead to minimal knowledge-sharing'; "
            "assumption (size)",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        # Computed on the few ties that start a project this week (ics_sim.state.sparse):
        # the same numbers as the whole-array rules in the module docstring, bit for bit.
        p, t = self.p, self.topo
        src, dst = t.src, t.dst
        R = s.r
        shadow = np.exp(-s.hazard * p.shadow_horizon)  # the turnover mechanism's hazard
        draws = self.rng.randoms(3, t.e)
        u_help = draws[1]  # each side's own draw
        # A pair starts a project if its draw is below joint_rate * sqrt(st_i st_j), which is
        # at most joint_rate * max(1, system time): only existing ties below that are looked at.
        bound = p.joint_rate * max(1.0, float(s.system_time.max(initial=0.0)))
        low = draws[0] < bound
        c = sp.entries(s.active & np.take(low, t.pair_draw, axis=1))
        st = s.system_time
        rate = p.joint_rate * np.sqrt(sp.node(st, c, src) * sp.node(st, c, dst))
        c = c.take(sp.pair_draw(draws[0], c, t) < rate)

        def wants(x: sp.Entries) -> np.ndarray:
            pref = p.trust_weight * sp.at(s.brokered, x) + (1 - p.trust_weight) * sp.at(
                s.advantage, x
            ) * sp.node(shadow, x, dst)
            return pref > p.joint_threshold

        go = wants(c) & wants(sp.reverse(c, t))  # only along existing ties
        bar = np.maximum(lv.selectivity, p.purpose_selectivity * lv.purpose_clarity)
        if bar.any():  # advantage >= 0 always clears a zero bar
            adv = sp.at(s.advantage, c)
            go &= (adv >= sp.node(bar, c, src)) & (adv >= sp.node(bar, c, dst))
        j = c.take(go)
        joint = np.zeros(s.active.shape, dtype=bool)
        joint.reshape(-1)[j.flat] = True
        s.joint = joint
        projects = sp.sum_by(j, None, src, s.n, R)
        s.workload = projects
        quality = 1.0 - np.exp(-s.system_time / np.maximum(projects * p.joint_time_cost, 1e-12))
        o_src = sp.node(s.orientation, j, src)
        worth_j = p.reciprocity * shadow * p.benefit - p.cost  # helping a partner j who stays
        selfish = 1.0 / (1.0 + np.exp(-p.coop_steepness * worth_j))
        p_help = o_src + (1.0 - o_src) * sp.node(selfish, j, dst)
        helps = sp.at(u_help, j) < p_help
        rev_flat = sp.reverse(j, t).flat
        pos = np.minimum(np.searchsorted(j.flat, rev_flat), max(len(j) - 1, 0))
        helped = (j.flat[pos] == rev_flat) & helps[pos] if len(j) else helps  # partner helped
        both_help = 0.5 * (helps.astype(float) + helped)
        share_safe = p.unsafe_sharing + (1.0 - p.unsafe_sharing) * np.minimum(
            sp.node(s.safety, j, src), sp.node(s.safety, j, dst)
        )
        aligned = 1.0 - sp.aim_gap_at(s.aims, j, t)
        value = (
            sp.at(s.advantage, j)
            * np.minimum(sp.node(quality, j, src), sp.node(quality, j, dst))
            * both_help
            * share_safe
            * aligned
        )
        success = sp.pair_draw(draws[2], j, t) < value
        sp.add_at(s.good, j.take(success), p.win_evidence)
        sp.add_at(s.bad, j.take(helps & ~helped), p.defection_breach)
        # Donation game payoffs: benefit when the partner helps, cost when one helps.
        # What helping is worth to i this week, over its projects: help returned by partners
        # who stay (direct reciprocity) minus the cost (the learning mechanism reads this).
        worth = p.reciprocity * sp.node(shadow, j, dst) * p.benefit - p.cost
        s.payoff = sp.sum_by(j, worth, src, s.n, R) / np.maximum(projects, 1)
        spend = p.resource_cost * sp.sum_by(j.take(helps), None, src, s.n, R)
        won_j = np.where(success, value, 0.0)
        ret = p.resource_return * sp.sum_by(j, won_j, src, s.n, R)
        s.resources = np.maximum(s.resources + s.base_resources * (ret - spend), 0.0)
        won = np.zeros(s.active.shape)
        won.reshape(-1)[j.flat] = won_j
        s.tally["joint_value"] = 0.5 * row_sum(won) / s.n
        if t.n_ics > 1:
            ok = j.take(success)  # only successes add value, in edge order
            per_ics = np.bincount(
                ok.r * t.n_ics + t.tie_ics[ok.e], weights=won_j[success], minlength=R * t.n_ics
            ).reshape(R, t.n_ics)
            n_orgs = np.maximum(np.bincount(t.org_ics, minlength=t.n_ics), 1)
            s.tally["joint_value_by_ics"] = 0.5 * per_ics / n_orgs
