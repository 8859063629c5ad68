"""Conflict: arises from scarcity and difference, is surfaced and resolved, or festers.

Practice 5: "increased scarcity of resources is causing conflict"; "if the conflict is not
surfaced, there is a risk that trust will be eroded"; "in some instances ... the environment is
not safe enough for people to challenge one another"; candour "can be damaging ... unless done
well"; coaching and external facilitation help; "conflict in some instances can be important as
it can generate creativity"; "some forums are becoming too cosy". Lessons factor 3:
disagreements "can be fatal if they are allowed to fester and undermine relationships and
trust. The absence of conflicts can be more worrying than their presence".

Conflicts live on pairs of organisations in contact. Each week, for a pair that meets or works
together and has none::

    P(arise)   = conflict_rate * (mean pressure of the pair
                                  + difference_weight * mean |aim difference|)
    P(surface) = surface_rate * safety * (1 + conflict_skill)      per side, when they meet
    P(resolve) = resolve_rate * (distrust_resolve + (1 - distrust_resolve) * trust)
                 * (1 + conflict_skill)                            once surfaced
    P(damage)  = damage_rate * (1 - safety)                        per week while surfaced

A latent conflict is a breach of ``fester_breach`` every week on both ties (it erodes trust
unseen); a resolution is ``resolution_evidence`` good experiences for both (handled well,
conflict builds trust); damaging handling is ``damage_breach`` breaches. Unsafe systems look
calm but fester.

Conflict health rewards surfacing and resolving disagreement and penalises both festering and
silence. With S surfaced, F festering (latent) pairs, E resolutions in about the last
``conflict_memory`` weeks (exponential smoothing: each resolution counts for that many weeks in
all) and v = 1 - unsafe_share, the people-weighted share of leaders safe enough to voice a
different perspective (Practice 1)::

    conflict_health = (surfaced_credit * S + E + voice_prior * v) / (S + E + F + voice_prior)

A resolved conflict counts 1, a festering one 0, and one surfaced but not yet resolved
``surfaced_credit`` (named, but "persistent conflicts can also be damaging", Lessons factor 3;
resolve them "quickly", Practice 5). The prior, ``voice_prior`` pairs' worth at v, is what
silence says: a system with no conflicts is only as healthy as it is safe to disagree ("the
absence of conflicts can be more worrying than their presence"), so switching conflict off, or
a blame culture that suppresses it, does not look healthy. Adding resolutions never lowers it.
Calibrated so that the baseline is a majority level: "Most survey respondents indicated they
are surfacing and managing conflict" (Practice 5; docs/calibration.py).
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.people import people_share, people_share_by
from ..state.variables import State
from .base import Mechanism

NONE, LATENT, SURFACED = 0, 1, 2


class Conflict(Mechanism):
    name = "conflict"
    title = "Conflict: surface and resolve, or fester"
    summary = "how disagreements are handled"
    reads = (
        "active",
        "aims",
        "conflict",
        "contact",
        "joint",
        "kind",
        "pressure",
        "safety",
        "trust",
    )
    writes = ("bad", "conflict", "good", "tally.conflict_health", "tally.resolved_recent")
    reads_levers = ("conflict_skill",)
    params = (
        Param(
            "conflict_rate",
            0.01,
            0.0,
            0.5,
            "1/week",
            "Scale of the weekly chance that a pair in contact falls into conflict.",
            "Practice 5: 'increased scarcity of resources is causing conflict'",
        ),
        Param(
            "surface_rate",
            0.4,
            0.0,
            1.0,
            "1/meeting",
            "Chance a fully safe side names a latent conflict when the pair meets.",
            "Practice 5; Edmondson 2012; size calibrated: 'Most survey respondents indicated "
            "they are surfacing and managing conflict' (docs/calibration.py)",
        ),
        Param(
            "resolve_rate",
            0.15,
            0.0,
            1.0,
            "1/week",
            "Weekly chance a surfaced conflict between fully trusting partners is resolved.",
            "Practice 5: 'resolving them quickly and fairly'",
        ),
        Param(
            "damage_rate",
            0.05,
            0.0,
            1.0,
            "1/week",
            "Weekly chance a surfaced conflict "
            "between wholly unsafe partners is handled damagingly.",
            "Practice 5: 'can be damaging to the individual(s) concerned unless done well'",
        ),
        Param(
            "fester_breach",
            0.015,
            0.0,
            2.0,
            "events/week",
            "Breaches per week from a latent conflict (slow, unseen erosion).",
            "Lessons factor 3: 'fester and undermine relationships and trust'; size "
            "calibrated: a stationary baseline (docs/validation)",
        ),
        Param(
            "resolution_evidence",
            1.0,
            0.0,
            5.0,
            "events",
            "Good experiences from a resolved conflict.",
            "Practice 5: conflict 'can generate creativity'",
        ),
        Param(
            "fade_rate",
            0.01,
            0.0,
            1.0,
            "1/week",
            "Weekly chance a latent conflict fades by itself.",
            "assumption",
        ),
        Param(
            "difference_weight",
            2.0,
            0.0,
            10.0,
            "per aim distance",
            "Weight of the difference in aims against scarcity in the chance of conflict.",
            "Practice 3 (different 'thought worlds'); Practice 5 ('scarcity of resources'); "
            "assumption (size)",
        ),
        Param(
            "distrust_resolve",
            0.5,
            0.0,
            1.0,
            "share",
            "Chance of resolving a surfaced conflict between wholly distrusting partners, "
            "relative to fully trusting ones.",
            "Practice 5: 'resolving them quickly and fairly'; assumption (size)",
        ),
        Param(
            "damage_breach",
            1.0,
            0.0,
            5.0,
            "events",
            "Breaches from a surfaced conflict handled damagingly.",
            "Practice 5: candour 'can be damaging ... unless done well'",
        ),
        Param(
            "conflict_memory",
            52.0,
            1.0,
            104.0,
            "weeks",
            "Time constant over which resolved conflicts count toward conflict health (a year: "
            "what a survey respondent recalls as recent).",
            "assumption (an observation choice)",
        ),
        Param(
            "surfaced_credit",
            0.5,
            0.0,
            1.0,
            "share",
            "Credit in conflict health for a surfaced, not yet resolved conflict (festering 0, "
            "resolved 1): named but not yet managed.",
            "Lessons factor 3: 'persistent conflicts can also be damaging'; Practice 5: "
            "'resolving them quickly and fairly'; assumption (size: half way)",
        ),
        Param(
            "voice_prior",
            10.0,
            0.0,
            100.0,
            "pairs",
            "Weight, in conflicts' worth, of the prior in conflict health: silence counts as "
            "this many conflicts at the share of leaders safe to voice a different perspective.",
            "Lessons factor 3: 'The absence of conflicts can be more worrying than their "
            "presence'; Practice 1: 'not safe enough to voice a different perspective'; "
            "assumption (size)",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        # Computed on the entries where each rule is read (pairs that meet with no conflict,
        # latent and surfaced conflicts; ics_sim.state.sparse): bit for bit the rules of the
        # module docstring on the whole arrays.
        p, t = self.p, self.topo
        src, dst, R, E = t.src, t.dst, s.r, t.e
        u = self.rng.randoms(5, E)
        u_arise, u_fade, u_resolve, u_damage, u_surface = u  # the first four by pair
        conflicts = sp.entries((s.conflict != NONE) & s.active)  # on existing ties only
        kind = sp.at(s.conflict, conflicts)
        latent_x, surfaced_x = conflicts.take(kind == LATENT), conflicts.take(kind == SURFACED)
        meet = (s.contact > 0) | s.joint
        skill = lv.conflict_skill
        coached = bool(skill.any())  # with no coaching the skill factors are exactly 1
        # Arise, where a pair meets with no conflict.
        x = sp.entries(meet)
        x = x.take(~np.isin(x.flat, conflicts.flat, assume_unique=True))
        scarcity = 0.5 * (sp.node(s.pressure, x, src) + sp.node(s.pressure, x, dst))
        differ = sp.aim_gap_at(s.aims, x, t)
        hit = sp.pair_draw(u_arise, x, t) < p.conflict_rate * (
            scarcity + p.difference_weight * differ
        )
        arise = x.flat[hit]
        # Surface: either side can name it when they meet.
        x = latent_x.take(sp.at(meet, latent_x))
        p_surface = p.surface_rate * sp.node(s.safety, x, src)
        if coached:
            p_surface = p_surface * (1.0 + sp.node(skill, x, src))
        x = x.take(sp.at(u_surface, x) < p_surface)
        named = np.union1d(x.flat, sp.reverse(x, t).flat)
        # Resolve or damage surfaced conflicts.
        x = surfaced_x
        pair_trust = 0.5 * (sp.at(s.trust, x) + sp.at(s.trust, sp.reverse(x, t)))
        q = p.distrust_resolve
        p_resolve = p.resolve_rate * (q + (1.0 - q) * pair_trust)
        safety_src, safety_dst = sp.node(s.safety, x, src), sp.node(s.safety, x, dst)
        p_damage = p.damage_rate * (1.0 - np.minimum(safety_src, safety_dst))
        if coached:
            skill_pair = 0.5 * (sp.node(skill, x, src) + sp.node(skill, x, dst))
            p_resolve = p_resolve * (1.0 + skill_pair)
            p_damage = p_damage / (1.0 + skill_pair)
        res = sp.pair_draw(u_resolve, x, t) < p_resolve
        damaged = x.take(~res & (sp.pair_draw(u_damage, x, t) < p_damage))
        resolved = x.take(res)
        # Latent conflicts not named fade, or fester.
        x = latent_x.take(~np.isin(latent_x.flat, named, assume_unique=True))
        fade = sp.pair_draw(u_fade, x, t) < p.fade_rate
        faded = x.flat[fade]
        sp.add_at(s.bad, x.take(~fade), p.fester_breach)  # latent: a breach on both ties
        sp.add_at(s.bad, damaged, p.damage_breach)
        sp.add_at(s.good, resolved, p.resolution_evidence)
        new = np.where(s.active, s.conflict, NONE)
        flat = new.reshape(-1)
        flat[arise] = LATENT
        flat[named] = SURFACED
        flat[resolved.flat] = NONE
        flat[faded] = NONE
        s.conflict = new
        now = sp.entries(new != NONE)
        kind = sp.at(new, now)
        counts = (resolved, now.take(kind == SURFACED), now.take(kind == LATENT))
        weights = (p.conflict_memory, p.surfaced_credit, p.voice_prior)
        voice = 1.0 - people_share(s.safety, s.kind)
        per_r = (np.bincount(x.r, minlength=R).astype(float) / 2.0 for x in counts)
        _health(s.tally, "", weights, voice, *per_r)
        if t.n_ics > 1:
            by_ics = (sp.sum_by(x, None, t.tie_ics, t.n_ics, R) / 2.0 for x in counts)
            voice = 1.0 - people_share_by(s.safety, s.kind, t.org_ics, t.n_ics)
            _health(s.tally, "_by_ics", weights, voice, *by_ics)


def health(
    surfaced: np.ndarray,
    resolved_recent: np.ndarray,
    festering: np.ndarray,
    voice: np.ndarray,
    surfaced_credit: float,
    voice_prior: float,
) -> np.ndarray:
    """Conflict health from the counts (pairs) and the share safe to voice difference.

    Resolved counts 1, surfaced ``surfaced_credit``, festering 0, and ``voice_prior`` pairs'
    worth at ``voice``; with no conflicts it is ``voice`` (whatever the prior's weight).
    """
    good = surfaced_credit * surfaced + resolved_recent + voice_prior * voice
    total = surfaced + resolved_recent + festering + voice_prior
    return np.where(total > 0, good / np.maximum(total, 1e-12), voice)


def _health(
    tally,
    suffix: str,
    weights: tuple[float, float, float],
    voice: np.ndarray,
    n_res: np.ndarray,
    n_surf: np.ndarray,
    n_fest: np.ndarray,
) -> None:
    """Tally conflict health from this week's counts (pairs), resolutions smoothed over
    ``memory`` weeks."""
    memory, credit, prior = weights
    ema = tally.get("resolved_recent" + suffix, np.zeros(n_res.shape))
    ema = (1.0 - 1.0 / memory) * ema + n_res
    tally["resolved_recent" + suffix] = ema
    tally["conflict_health" + suffix] = health(n_surf, ema, n_fest, voice, credit, prior)
