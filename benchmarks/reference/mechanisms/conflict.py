"""Conflict: surface and resolve, or fester (``ics_sim.mechanisms.conflict``).

Conflicts live on pairs of organisations (held on both ties of the pair). A pair that meets or
works together and has none may fall into a latent conflict; either side may name a latent
conflict when they meet, which surfaces it; surfaced conflicts are resolved (good experiences)
or handled damagingly (a breach); latent ones fester (a breach every week) or fade. Conflict
health credits resolved conflicts 1, surfaced ones ``surfaced_credit``, festering ones 0, plus
a prior of ``voice_prior`` pairs at the share of leaders safe to voice difference.
"""

from __future__ import annotations

from ..maths import aim_distance
from ..outcomes import share_of_people_below

NONE, LATENT, SURFACED = 0, 1, 2


def met(tie) -> bool:
    return tie["contact"] > 0 or tie["joint"]


def step(model, rng, week: int) -> None:
    p, G, orgs = model.p, model.G, model.orgs
    u_arise, u_fade, u_resolve, u_damage, u_surface = rng.randoms(5, G.number_of_edges())[
        :, 0, :
    ].tolist()
    # Conflicts live on existing ties only.
    for _, _, tie in G.edges(data=True):
        if not tie["active"]:
            tie["conflict"] = NONE
    # Either side can name a latent conflict when they meet (one draw per side).
    names = {}
    for org in orgs:
        for j, tie in org.ties():
            names[org.index, j] = (
                tie["conflict"] == LATENT
                and met(tie)
                and u_surface[tie["eid"]] < p.surface_rate * org.safety
            )
    # Every tie's next state, from this week's states (synchronous).
    new = {}
    resolved = 0
    for org in orgs:
        i = org.index
        for j, tie in org.ties():
            partner, back, pair = orgs[j], G[j][i], tie["pair_eid"]
            state = tie["conflict"]
            if state == NONE:
                scarcity = 0.5 * (org.pressure + partner.pressure)
                differ = aim_distance(org.aims, partner.aims)
                if met(tie) and u_arise[pair] < p.conflict_rate * (
                    scarcity + p.difference_weight * differ
                ):
                    state = LATENT
            elif state == LATENT:
                if names[i, j] or names[j, i]:
                    state = SURFACED
                elif u_fade[pair] < p.fade_rate:
                    state = NONE
                else:
                    tie["bad"] += p.fester_breach  # festering erodes trust unseen
            else:
                pair_trust = 0.5 * (tie["trust"] + back["trust"])
                q = p.distrust_resolve
                if u_resolve[pair] < p.resolve_rate * (q + (1.0 - q) * pair_trust):
                    tie["good"] += p.resolution_evidence
                    state = NONE
                    resolved += 1
                else:
                    unsafe = 1.0 - min(org.safety, partner.safety)
                    if u_damage[pair] < p.damage_rate * unsafe:
                        tie["bad"] += p.damage_breach
            new[i, j] = state
    for (i, j), state in new.items():
        G[i][j]["conflict"] = state
    # Conflict health (pairs: ties / 2): resolved 1, surfaced surfaced_credit, festering 0,
    # and a prior of voice_prior pairs at the share safe to voice a different perspective.
    ema = (1.0 - 1.0 / p.conflict_memory) * model.tally.get("resolved_recent", 0.0) + resolved / 2.0
    model.tally["resolved_recent"] = ema
    surfaced = sum(1 for s in new.values() if s == SURFACED) / 2.0
    festering = sum(1 for s in new.values() if s == LATENT) / 2.0
    voice = 1.0 - share_of_people_below(orgs, "safety")
    good = p.surfaced_credit * surfaced + ema + p.voice_prior * voice
    total = surfaced + ema + festering + p.voice_prior
    model.tally["conflict_health"] = good / max(total, 1e-12) if total > 0 else voice
