"""Shared decisions: forums, decision rules, power-weighted voice, delegation, compromise.

Practice 6: "decisions with multiple inputs are generally viewed as of higher quality"; unclear
processes mean decisions "take a lot longer as they go back and forth between the various
groups"; "deputies being sent along to meetings without the delegated authority to make a
decision"; "decisions are not even made around the table, they are made in the next room";
"too many compromises ... only got one small thing we all agreed on ... not enough to proceed";
"on occasions, collaborative leadership requires 'a strong hand'"; one ICS "is developing a
decision-making matrix that considers who needs to be involved in what decisions"; an
inclusive process "can promote unity and trust". Practice 1: where it is unsafe, "people just
agreeing with one another" (groupthink). Choi and Robertson (2014): decision rules (majority,
supermajority, consensus) and outcomes success, acceptability and equity.

Each forum has one proposal on its agenda. When none is live, a member tables one at its own
aims plus ``proposal_noise * N(0, 1)`` on each dimension (members table in proportion to
voice), of value uniform in [``proposal_value_min``, 1]; each member is affected with
probability ``affected_share``, and an affected member other than the proposer stands to lose
income, power or status, ``proposal_stake * U(0, 1)`` (Practice 6: "some groups or
organisations may be concerned about potential losses of income, power or status"), so
proposals serve organisations' interests differently and some votes fail. At each meeting:

1. Members present with authority (the leader, or a deputy with delegated authority) vote.
   A member accepts when ``1 - mean|aim - proposal| - loss >= 1 - tolerance``, with tolerance
   rising with its trust in the proposer and its orientation ("for the greater good")::

       tolerance = accept_tolerance + trust_tolerance * trust
                   + orientation_tolerance * (orientation - 0.5)

   Dissent is voiced with probability = safety; unvoiced dissent counts as support (groupthink) and
   starts a latent conflict with the proposer.
2. If an affected member is present only through a deputy without authority, the decision is
   deferred with probability equal to the share of such members.
3. The proposal passes when accepting voice / voice present >= the forum's rule. Past
   ``patience`` weeks the proposer may decide with a strong hand (probability ``strong_hand``).
4. A failed vote moves the proposal toward the voice-weighted aims present and shares out
   its costs (position and each member's loss both move ``compromise_step`` of the way), and
   loses ``compromise_cost`` of its value; below ``min_value`` it is dropped: not enough to
   proceed.
5. A passed decision made without all affected members can erupt again (probability
   ``reopen_rate`` x share absent, unless a decision matrix is agreed). A final decision is a
   good experience between the proposer and those who accepted it, and a breach toward the
   proposer for affected members left out ("the next room") or overruled by a strong hand.

A decision-making matrix brings the affected members to the table and stops re-opening.
Latency, acceptability, equity, inclusion and throughput are smoothed over the weeks with
decisions, with weight ``decision_smoothing`` on the newest; so is, for each organisation,
how far the final decisions that affect it go its way (``carried``: the mean of their fit to
its aims less what they cost it), from which the power mechanism earns influence.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state.levers import Levers
from ..state.variables import State, by_dim, mean_abs_gap, row_sum, segment_sum
from .base import Mechanism


class Decisions(Mechanism):
    name = "decisions"
    title = "Shared decisions"
    summary = "how forums decide"
    reads = (
        "affected",
        "aims",
        "bad",
        "carried",
        "prop_loss",
        "conflict",
        "good",
        "leader_present",
        "meets",
        "orientation",
        "present",
        "prop_age",
        "prop_chair",
        "prop_pos",
        "prop_value",
        "safety",
        "trust",
        "voice",
    )
    writes = (
        "affected",
        "bad",
        "carried",
        "conflict",
        "good",
        "prop_age",
        "prop_chair",
        "prop_loss",
        "prop_pos",
        "prop_value",
        "tally.decision_acceptability",
        "tally.decision_equity",
        "tally.decision_latency",
        "tally.decisions_made",
        "tally.inclusion",
        "tally.shared_decisions",
        "tally.throughput",
    )
    reads_levers = ("decision_matrix", "delegation")
    params = (
        Param(
            "affected_share",
            0.5,
            0.0,
            1.0,
            "share",
            "Chance a member is affected by a proposal.",
            "assumption",
        ),
        Param(
            "accept_tolerance",
            0.25,
            0.0,
            1.0,
            "aim distance",
            "Distance from its aims a member accepts with no trust in the proposer.",
            "assumption",
        ),
        Param(
            "trust_tolerance",
            0.2,
            0.0,
            1.0,
            "aim distance",
            "Extra distance accepted from a fully trusted proposer.",
            "Practice 1: 'we're okay to change that because we can see it's for the greater good'",
        ),
        Param(
            "delegation",
            0.3,
            0.0,
            1.0,
            "probability",
            "Chance a deputy has authority to decide.",
            "Practice 6: deputies 'without the delegated authority'",
        ),
        Param(
            "compromise_step",
            0.3,
            0.0,
            1.0,
            "share",
            "How far a failed proposal moves toward the views in the room.",
            "Practice 6",
        ),
        Param(
            "compromise_cost",
            0.15,
            0.0,
            1.0,
            "share",
            "Value lost to each compromise.",
            "Practice 6: 'too many compromises'",
        ),
        Param(
            "min_value",
            0.3,
            0.0,
            1.0,
            "value",
            "Value below which a proposal is 'not enough to proceed'.",
            "Practice 6",
        ),
        Param(
            "patience",
            26.0,
            1.0,
            520.0,
            "weeks",
            "Weeks before a proposer may use a strong hand.",
            "Practice 6: 'a strong hand'",
        ),
        Param(
            "strong_hand",
            0.3,
            0.0,
            1.0,
            "probability",
            "Chance an overdue proposal is decided directively at a meeting.",
            "Practice 6",
        ),
        Param(
            "reopen_rate",
            0.5,
            0.0,
            1.0,
            "probability",
            "Chance a decision made without all affected members erupts again.",
            "Practice 6: 'it can all erupt again'",
        ),
        Param(
            "decision_evidence",
            0.5,
            0.0,
            5.0,
            "events",
            "Good experiences between proposer and supporters from a shared decision.",
            "Practice 6: 'can promote unity and trust'",
        ),
        Param(
            "exclusion_breach",
            0.5,
            0.0,
            5.0,
            "events",
            "Breaches toward the proposer from an affected member left out or overruled.",
            "Practice 6: 'made in the next room'",
        ),
        Param(
            "proposal_noise",
            0.05,
            0.0,
            0.5,
            "aim distance (sd)",
            "How far a tabled proposal strays from its proposer's own aims.",
            "assumption",
        ),
        Param(
            "orientation_tolerance",
            0.2,
            0.0,
            1.0,
            "aim distance",
            "Extra distance a fully collaborative member accepts, against a neutral one "
            "(half as much less for a wholly self-interested one).",
            "Practice 1: 'we're okay to change that because we can see it's for the greater "
            "good'; Lessons factor 4 ('How can I help?'); assumption (size)",
        ),
        Param(
            "proposal_value_min",
            0.5,
            0.0,
            1.0,
            "value",
            "Lowest value of a newly tabled proposal (values are uniform up to 1).",
            "assumption",
        ),
        Param(
            "proposal_stake",
            0.3,
            0.0,
            1.0,
            "aim distance",
            "Largest loss of income, power or status a proposal brings an affected member "
            "(uniform from 0; weighed against the proposal's fit to its aims).",
            "Practice 6: 'protectionism. Some groups or organisations may be concerned about "
            "potential losses of income, power or status'; assumption (size)",
        ),
        Param(
            "decision_smoothing",
            0.1,
            0.001,
            1.0,
            "weight",
            "Weight of the newest week's decisions in the smoothed decision measures "
            "(latency, acceptability, equity, inclusion, throughput).",
            "assumption (an observation choice: about ten weeks with decisions)",
        ),
    )

    def __init__(self, topo, p, rng, off=frozenset()):
        super().__init__(topo, p, rng, off)
        t = topo
        self.starts = np.searchsorted(t.mem_forum, np.arange(t.n_forums))
        self.size = np.bincount(t.mem_forum, minlength=t.n_forums).astype(float)

    def init(self, s: State, lv: Levers) -> None:
        zeros, half = np.zeros(s.r), np.full(s.r, 0.5)
        s.tally.update(
            decisions_made=zeros,
            decision_latency=zeros.copy(),
            decision_acceptability=half,
            decision_equity=half.copy(),
            inclusion=half.copy(),
            throughput=half.copy(),
            shared_decisions=half.copy(),
        )

    def fsum(self, values: np.ndarray) -> np.ndarray:
        return segment_sum(values, self.topo.mem_forum, self.topo.n_forums)

    def step(self, s: State, lv: Levers, week: int) -> None:
        p, t = self.p, self.topo
        R, M, F = s.r, len(t.mem_org), t.n_forums
        mf, mo = t.mem_forum, t.mem_org
        u_chair, u_aff, u_deleg, u_voice = self.rng.randoms(4, M)
        u_value, u_defer, u_hand, u_reopen = self.rng.randoms(4, F)
        noise = self.rng.normal((F, s.aims.shape[-1]))
        u_stake = self.rng.random(M)
        live = s.prop_value > 0
        s.prop_age = np.where(live, s.prop_age + 1.0, 0.0)
        meets = s.meets
        if F == 0 or not meets.any():  # no forum meets: no decisions this week
            s.tally["decisions_made"] = np.zeros(R)
            if t.n_ics > 1:
                s.tally["decisions_made_by_ics"] = np.zeros((R, t.n_ics))
            return
        # 1. Table proposals where none is live: proposer drawn in proportion to voice.
        table = meets & ~live
        key = np.log(np.maximum(u_chair, 1e-300)) / np.maximum(s.voice, 1e-12)
        best = np.maximum.reduceat(key, self.starts, axis=1)
        is_chair = key >= best[:, mf]
        first = np.where(is_chair, np.arange(M), M)
        chair = np.minimum.reduceat(first, self.starts, axis=1)
        s.prop_chair = np.where(table, chair, s.prop_chair)
        chair_org = mo[s.prop_chair]  # (R, F)
        pos = np.clip(s.aims[np.arange(R)[:, None], chair_org] + p.proposal_noise * noise, 0.0, 1.0)
        s.prop_pos = np.where(table[..., None], pos, s.prop_pos)
        lo = p.proposal_value_min
        s.prop_value = np.where(table, lo + (1.0 - lo) * u_value, s.prop_value)
        new_aff = (u_aff < p.affected_share) | (np.arange(M) == s.prop_chair[:, mf])
        s.affected = np.where(table[:, mf], new_aff, s.affected)
        is_chair_m = np.arange(M) == s.prop_chair[:, mf]
        new_loss = np.where(new_aff & ~is_chair_m, p.proposal_stake * u_stake, 0.0)
        s.prop_loss = np.where(table[:, mf], new_loss, s.prop_loss)
        s.prop_age = np.where(table, 0.0, s.prop_age)
        # 2. Who is in the room, with what authority.
        consider = meets & (s.prop_value > 0)
        in_forum = consider[:, mf]
        matrix = lv.decision_matrix[:, mf] > 0
        present = in_forum & (s.present | (s.affected & matrix))
        authority = present & (s.leader_present | (u_deleg < p.delegation + lv.delegation[:, mo]))
        chair_org_m = mo[s.prop_chair[:, mf]]
        e_to_chair = t.edge_index(np.broadcast_to(mo, (R, M)), chair_org_m)
        has_edge = e_to_chair >= 0
        trust_chair = np.where(
            has_edge, np.take_along_axis(s.trust, np.maximum(e_to_chair, 0), axis=1), 1.0
        )
        # 3. Stances.
        fit = 1.0 - mean_abs_gap(s.aims, mo, s.prop_pos, mf)
        tol = (
            p.accept_tolerance
            + p.trust_tolerance * trust_chair
            + p.orientation_tolerance * (s.orientation[:, mo] - 0.5)
        )
        suits = fit - s.prop_loss  # what the proposal costs an affected member counts against it
        accepts = (suits >= 1.0 - tol) | is_chair_m
        voiced = u_voice < s.safety[:, mo]
        silent_dissent = authority & ~accepts & ~voiced
        supports = accepts | ~voiced
        v = np.where(authority, s.voice, 0.0)
        support_share = self.fsum(v * supports) / np.maximum(self.fsum(v), 1e-12)
        # 4. Deferral for deputies without authority.
        aff_present = present & s.affected
        no_auth = self.fsum((aff_present & ~authority).astype(float))
        nobody = self.fsum(v) <= 0
        deferred = consider & (
            nobody | (u_defer < no_auth / np.maximum(self.fsum(aff_present * 1.0), 1))
        )
        passed = consider & ~deferred & (support_share >= t.forum_rule - 1e-9)
        overdue = consider & ~passed & (s.prop_age >= p.patience) & (u_hand < p.strong_hand)
        decided = passed | overdue
        # 5. Compromise on failed votes.
        failed = consider & ~deferred & ~decided
        w = np.where(present, s.voice, 0.0)
        room = np.stack([self.fsum(w * np.take(a, mo, axis=1)) for a in by_dim(s.aims)], -1)
        room /= np.maximum(self.fsum(w), 1e-12)[..., None]
        step = p.compromise_step * failed[..., None]
        s.prop_pos = s.prop_pos + step * (room - s.prop_pos)
        s.prop_loss = np.where(failed[:, mf], s.prop_loss * (1.0 - p.compromise_step), s.prop_loss)
        s.prop_value = np.where(failed, s.prop_value * (1.0 - p.compromise_cost), s.prop_value)
        dropped = failed & (s.prop_value < p.min_value)
        # 6. Re-opening when affected members were absent.
        affected_n = self.fsum(s.affected.astype(float))
        absent_share = self.fsum((s.affected & ~authority).astype(float)) / np.maximum(
            affected_n, 1.0
        )
        no_matrix = lv.decision_matrix <= 0
        reopened = decided & no_matrix & (u_reopen < p.reopen_rate * absent_share)
        final = decided & ~reopened
        # Outcomes of final decisions.
        fin_m = final[:, mf] & s.affected
        n_aff = self.fsum(fin_m.astype(float))
        accept_mean = self.fsum(fit * fin_m) / np.maximum(n_aff, 1.0)
        accept_sq = self.fsum(fit**2 * fin_m) / np.maximum(n_aff, 1.0)
        spread = np.sqrt(np.maximum(accept_sq - accept_mean**2, 0.0))
        inclusion = self.fsum((fin_m & authority).astype(float)) / np.maximum(n_aff, 1.0)
        # How far final decisions went each affected organisation's way (power's influence).
        n_org = segment_sum(fin_m.astype(float), mo, t.n)
        fit_org = segment_sum(suits * fin_m, mo, t.n) / np.maximum(n_org, 1.0)
        ema = p.decision_smoothing
        s.carried = np.where(n_org > 0, (1 - ema) * s.carried + ema * fit_org, s.carried)
        # Trust events toward and from the proposer.
        final_m = final[:, mf] & has_edge & ~is_chair_m
        agree = final_m & authority & accepts
        left_out = final_m & s.affected & ~authority
        overruled = final_m & overdue[:, mf] & s.affected & ~accepts
        e = np.maximum(e_to_chair, 0)
        ev_good = p.decision_evidence * agree
        ev_bad = p.exclusion_breach * (left_out | overruled)
        flat = (e + t.e * np.arange(R)[:, None]).ravel()  # (replicate, tie) as one index
        flat_rev = (t.rev[e] + t.e * np.arange(R)[:, None]).ravel()
        # Only the memberships with an event add anything (adding zero changes nothing).
        ev_good, ev_bad = ev_good.ravel(), ev_bad.ravel()
        k_good, k_bad = np.flatnonzero(ev_good), np.flatnonzero(ev_bad)
        np.add.at(s.good.reshape(-1), flat[k_good], ev_good[k_good])
        np.add.at(s.good.reshape(-1), flat_rev[k_good], ev_good[k_good])
        np.add.at(s.bad.reshape(-1), flat[k_bad], ev_bad[k_bad])
        latent = silent_dissent & has_edge & ~is_chair_m
        if latent.any() and "conflict" not in self.off:
            rr, mm = np.nonzero(latent)
            ee = e[rr, mm]
            s.conflict[rr, ee] = np.where(s.conflict[rr, ee] == 0, 1, s.conflict[rr, ee])
            s.conflict[rr, t.rev[ee]] = np.maximum(s.conflict[rr, t.rev[ee]], s.conflict[rr, ee])
        # Clear decided and dropped proposals.
        s.prop_value = np.where(final | dropped, 0.0, s.prop_value)
        self.tally(s, consider, deferred, final, dropped, accept_mean, spread, inclusion)

    def tally(self, s, consider, deferred, final, dropped, accept, spread, inclusion) -> None:
        """Smoothed decision measures for the whole system and, with several ICSs, per ICS."""
        t = self.topo
        measures = (final, consider, s.prop_age * final, accept * final)
        measures += (np.clip(1 - 2 * spread, 0, 1) * final, inclusion * final)
        ema = self.p.decision_smoothing
        _smooth_decisions(s.tally, "", ema, *(row_sum(x) for x in measures))
        if t.n_ics > 1:
            by_ics = (segment_sum(x * 1.0, t.forum_ics, t.n_ics) for x in measures)
            _smooth_decisions(s.tally, "_by_ics", ema, *by_ics)


def _smooth_decisions(t, suffix, ema, n_final, n_cons, age, accept, equity, inclusion) -> None:
    """Update the smoothed measures named ``<measure><suffix>`` from this week's sums
    (exponential smoothing with weight ``ema`` on the newest week)."""
    t["decisions_made" + suffix] = n_final
    has = n_final > 0
    denom = np.maximum(n_final, 1.0)

    def smooth(name: str, value: np.ndarray, start: float, when: np.ndarray) -> None:
        old = t.get(name + suffix, np.full(value.shape, start))
        t[name + suffix] = np.where(when, (1 - ema) * old + ema * value, old)

    smooth("decision_latency", age / denom, 0.0, has)
    smooth("decision_acceptability", accept / denom, 0.5, has)
    smooth("decision_equity", equity / denom, 0.5, has)
    smooth("inclusion", inclusion / denom, 0.5, has)
    smooth("throughput", n_final / np.maximum(n_cons, 1.0), 0.5, n_cons > 0)
    t["shared_decisions" + suffix] = (
        t["throughput" + suffix] + t["decision_acceptability" + suffix] + t["inclusion" + suffix]
    ) / 3.0
