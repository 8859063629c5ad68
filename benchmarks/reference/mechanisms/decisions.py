"""Shared decisions (``ics_sim.mechanisms.decisions``).

Each forum has one proposal on its agenda. When none is live at a meeting, a member tables one
at its own aims (drawn in proportion to voice); an affected member other than the proposer
stands to lose ``proposal_stake * U(0, 1)``. Members present with authority vote, accepting
when fit less loss is within tolerance; dissent is
voiced with probability = safety, and silent dissent counts as support but starts a latent
conflict with the proposer. Affected members present only through a deputy without authority
may defer the decision. A proposal passes on the forum's rule, or by a strong hand once
overdue; a failed one compromises toward the room (position and losses) and loses value. A
decision made without all affected members may erupt again. Final decisions are good
experiences between the proposer and its supporters, and breaches toward the proposer from
affected members left out or overruled. Each organisation's ``carried`` follows the mean of
fit less loss of the final decisions that affect it (smoothed like the other measures).
"""

from __future__ import annotations

import math

from ..maths import add_up, aim_distance, clip

NONE, LATENT = 0, 1


def init(model) -> None:
    model.tally.update(
        decisions_made=0.0,
        decision_latency=0.0,
        decision_acceptability=0.5,
        decision_equity=0.5,
        inclusion=0.5,
        throughput=0.5,
        shared_decisions=0.5,
    )


def table_proposal(forum, u_chair, u_aff, u_value, noise, u_stake, p) -> None:
    """A member tables a proposal at its own aims; each member is affected by chance, and an
    affected member other than the proposer stands to lose by it."""
    # Proposer drawn in proportion to voice (exponential race: the largest key wins).
    best_key = None
    for seat in forum.seats:
        key = math.log(max(u_chair[seat.m], 1e-300)) / max(seat.voice, 1e-12)
        if best_key is None or key > best_key:
            best_key, forum.chair = key, seat
    forum.prop_pos = [
        clip(x + p.proposal_noise * z, 0.0, 1.0)
        for x, z in zip(forum.chair.org.aims, noise, strict=True)
    ]
    lo = p.proposal_value_min
    forum.prop_value = lo + (1.0 - lo) * u_value
    for seat in forum.seats:
        seat.affected = u_aff[seat.m] < p.affected_share or seat is forum.chair
        stake = seat.affected and seat is not forum.chair
        seat.loss = p.proposal_stake * u_stake[seat.m] if stake else 0.0
    forum.prop_age = 0.0


def step(model, rng, week: int) -> None:
    p, G = model.p, model.G
    n_forums = len(model.forums)
    u_chair, u_aff, u_deleg, u_voice = rng.randoms(4, model.n_seats)[:, 0, :].tolist()
    u_value, u_defer, u_hand, u_reopen = rng.randoms(4, n_forums)[:, 0, :].tolist()
    noise = rng.normal((n_forums, len(model.orgs[0].aims)))[0].tolist()
    u_stake = rng.random(model.n_seats)[0].tolist()
    for forum in model.forums:
        forum.prop_age = forum.prop_age + 1.0 if forum.prop_value > 0 else 0.0
    if not any(forum.meets for forum in model.forums):
        model.tally["decisions_made"] = 0.0  # no forum meets: no decisions this week
        return  # the smoothed measures keep their values
    considered = []  # (forum, final, acceptability, spread, inclusion) for each considered
    fits: dict[int, list[float]] = {}  # organisation -> fit of each final decision affecting it
    for forum in model.forums:
        if not forum.meets:
            continue
        f = forum.index
        if forum.prop_value <= 0:
            table_proposal(forum, u_chair, u_aff, u_value[f], noise[f], u_stake, p)
        chair = forum.chair
        # Stances of the members present with authority (the leader, or a deputy who may decide).
        voice_for = voice_all = 0.0
        no_authority = affected_present = 0
        for seat in forum.seats:
            org = seat.org
            seat.authority = seat.present and (
                seat.leader_present or u_deleg[seat.m] < p.delegation
            )
            to_chair = G[org.index].get(chair.org.index)  # None for the proposer itself
            trust_chair = to_chair["trust"] if to_chair is not None else 1.0
            seat.fit = 1.0 - aim_distance(org.aims, forum.prop_pos)
            tol = (
                p.accept_tolerance
                + p.trust_tolerance * trust_chair
                + p.orientation_tolerance * (org.orientation - 0.5)
            )
            seat.suits = seat.fit - seat.loss  # what it costs an affected member counts against it
            seat.accepts = seat.suits >= 1.0 - tol or seat is chair
            voiced = u_voice[seat.m] < org.safety
            if seat.authority:
                voice_all += seat.voice
                if seat.accepts or not voiced:  # unvoiced dissent counts as support (groupthink)
                    voice_for += seat.voice
                if not seat.accepts and not voiced and to_chair is not None:
                    # Silent dissent festers: a latent conflict with the proposer.
                    back = G[chair.org.index][org.index]
                    if to_chair["conflict"] == NONE:
                        to_chair["conflict"] = LATENT
                    back["conflict"] = max(back["conflict"], to_chair["conflict"])
            if seat.present and seat.affected:
                affected_present += 1
                if not seat.authority:
                    no_authority += 1
        support_share = voice_for / max(voice_all, 1e-12)
        # Deferral for deputies without authority; the rule; a strong hand when overdue.
        deferred = voice_all <= 0 or u_defer[f] < no_authority / max(affected_present, 1)
        passed = not deferred and support_share >= forum.rule - 1e-9
        overdue = not passed and forum.prop_age >= p.patience and u_hand[f] < p.strong_hand
        decided = passed or overdue
        dropped = False
        if not deferred and not decided:
            # Compromise toward the voice-weighted aims of those present.
            in_room = [seat for seat in forum.seats if seat.present]
            weight = add_up(seat.voice for seat in in_room)
            for d, x in enumerate(forum.prop_pos):
                room = add_up(seat.voice * seat.org.aims[d] for seat in in_room) / max(
                    weight, 1e-12
                )
                forum.prop_pos[d] = x + p.compromise_step * (room - x)
            for seat in forum.seats:
                seat.loss = seat.loss * (1.0 - p.compromise_step)
            forum.prop_value = forum.prop_value * (1.0 - p.compromise_cost)
            dropped = forum.prop_value < p.min_value
        # Re-opening when affected members were absent (no decision matrix).
        affected = [seat for seat in forum.seats if seat.affected]
        absent = sum(1 for seat in affected if not seat.authority)
        reopened = decided and u_reopen[f] < p.reopen_rate * (absent / max(len(affected), 1.0))
        final = decided and not reopened
        acceptability = spread = inclusion = 0.0
        if final:
            n_aff = max(len(affected), 1.0)
            acceptability = add_up(seat.fit for seat in affected) / n_aff
            accept_sq = add_up(seat.fit * seat.fit for seat in affected) / n_aff
            spread = math.sqrt(max(accept_sq - acceptability * acceptability, 0.0))
            inclusion = sum(1 for seat in affected if seat.authority) / n_aff
            for seat in affected:
                fits.setdefault(seat.org.index, []).append(seat.suits)
            # Trust events between the proposer and the others. (The package adds them over all
            # forums at once; the order of additions does not matter, since every good event
            # adds the same decision_evidence and every breach the same exclusion_breach.)
            for seat in forum.seats:
                to_chair = G[seat.org.index].get(chair.org.index)
                if to_chair is None:
                    continue
                if seat.authority and seat.accepts:
                    to_chair["good"] += p.decision_evidence
                    G[chair.org.index][seat.org.index]["good"] += p.decision_evidence
                left_out = seat.affected and not seat.authority
                overruled = overdue and seat.affected and not seat.accepts
                if left_out or overruled:
                    to_chair["bad"] += p.exclusion_breach
        if final or dropped:
            forum.prop_value = 0.0
        considered.append((forum, final, acceptability, spread, inclusion))
    ema = p.decision_smoothing
    for i, values in fits.items():
        org = model.orgs[i]
        org.carried = (1 - ema) * org.carried + ema * add_up(values) / len(values)
    tally(model, considered)


def tally(model, considered) -> None:
    """Decisions this week and the smoothed measures of forum decisions."""
    t = model.tally
    finals = [c for c in considered if c[1]]
    n_final = float(len(finals))
    t["decisions_made"] = n_final
    denom = max(n_final, 1.0)

    def smooth(name: str, value: float) -> None:
        ema = model.p.decision_smoothing
        t[name] = (1 - ema) * t[name] + ema * value

    if finals:
        smooth("decision_latency", add_up(forum.prop_age for forum, *_ in finals) / denom)
        smooth("decision_acceptability", add_up(c[2] for c in finals) / denom)
        smooth("decision_equity", add_up(clip(1 - 2 * c[3], 0, 1) for c in finals) / denom)
        smooth("inclusion", add_up(c[4] for c in finals) / denom)
    if considered:
        smooth("throughput", n_final / max(len(considered), 1.0))
    t["shared_decisions"] = (t["throughput"] + t["decision_acceptability"] + t["inclusion"]) / 3.0
