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
calm but fester. Conflict health counts surfaced conflicts and those resolved in about the
last ``conflict_memory`` weeks (exponential smoothing) against all.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state.levers import Levers
from ..state.variables import State, aim_gap, count_by, row_sum
from .base import Mechanism

NONE, LATENT, SURFACED = 0, 1, 2


class Conflict(Mechanism):
    name = "conflict"
    title = "Conflict: surface and resolve, or fester"
    summary = "how disagreements are handled"
    reads = ("active", "conflict", "contact", "joint", "pressure", "safety", "trust")
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
            0.3,
            0.0,
            1.0,
            "1/meeting",
            "Chance a fully safe side names a latent conflict when the pair meets.",
            "Practice 5; Edmondson 2012",
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
            13.0,
            1.0,
            104.0,
            "weeks",
            "Time constant over which resolved conflicts count toward conflict health (a quarter).",
            "assumption (an observation choice)",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        p, t = self.p, self.topo
        src, dst, rev = t.src, t.dst, t.rev

        u = self.rng.randoms(5, t.e)
        u_arise, u_fade, u_resolve, u_damage, _ = t.pair(u)
        u_surface = u[4]  # each side's own draw
        c = np.where(s.active, s.conflict, NONE)  # conflicts live on existing ties only
        was_latent, surfaced = c == LATENT, c == SURFACED
        meet = (s.contact > 0) | s.joint
        skill = lv.conflict_skill
        coached = bool(skill.any())  # with no coaching the skill factors are exactly 1
        # Arise.
        safety_src, safety_dst = s.safety[:, src], s.safety[:, dst]
        scarcity = 0.5 * (s.pressure[:, src] + s.pressure[:, dst])
        differ = aim_gap(s, t)
        arise = (
            (c == NONE)
            & meet
            & (u_arise < p.conflict_rate * (scarcity + p.difference_weight * differ))
        )
        # Surface: either side can name it when they meet.
        p_surface = p.surface_rate * safety_src
        if coached:
            p_surface = p_surface * (1.0 + skill[:, src])
        named = was_latent & meet & (u_surface < p_surface)
        named = named | named[:, rev]
        # Resolve or damage surfaced conflicts.
        pair_trust = 0.5 * (s.trust + s.trust[:, rev])
        q = p.distrust_resolve
        p_resolve = p.resolve_rate * (q + (1.0 - q) * pair_trust)
        p_damage = p.damage_rate * (1.0 - np.minimum(safety_src, safety_dst))
        if coached:
            skill_pair = 0.5 * (skill[:, src] + skill[:, dst])
            p_resolve = p_resolve * (1.0 + skill_pair)
            p_damage = p_damage / (1.0 + skill_pair)
        resolved = surfaced & (u_resolve < p_resolve)
        damaged = surfaced & ~resolved & (u_damage < p_damage)
        faded = was_latent & ~named & (u_fade < p.fade_rate)
        latent = was_latent & ~named & ~faded
        s.bad += p.fester_breach * latent + p.damage_breach * damaged
        s.good += p.resolution_evidence * resolved
        new = c.copy()
        new[arise] = LATENT
        new[named] = SURFACED
        new[resolved | faded] = NONE
        s.conflict = new
        counts = (resolved, new == SURFACED, new == LATENT)
        memory = p.conflict_memory
        _health(s.tally, "", memory, *(row_sum(x) / 2.0 for x in counts))
        if t.n_ics > 1:
            by_ics = (count_by(x, t.tie_ics, t.n_ics) / 2.0 for x in counts)
            _health(s.tally, "_by_ics", memory, *by_ics)


def _health(
    tally, suffix: str, memory: float, n_res: np.ndarray, n_surf: np.ndarray, n_fest: np.ndarray
) -> None:
    """Conflict health from this week's counts (pairs), with resolutions smoothed over
    ``memory`` weeks."""
    ema = tally.get("resolved_recent" + suffix, np.zeros(n_res.shape))
    ema = (1.0 - 1.0 / memory) * ema + n_res
    tally["resolved_recent" + suffix] = ema
    good = n_surf + ema
    total = good + n_fest
    tally["conflict_health" + suffix] = np.where(total > 0, good / np.maximum(total, 1e-12), 1.0)
