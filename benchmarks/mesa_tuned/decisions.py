"""Shared decisions in forums (``ics_sim.mechanisms.decisions`` at default parameters).

Each forum has one proposal on its agenda. At a meeting with none live, a member tables one at
its own aims (drawn in proportion to voice), and affected members stand to lose by it. Members
present with authority vote; dissent is voiced with probability = safety, and silent dissent
counts as support but starts a latent conflict with the proposer. Deputies without authority
may defer it; it passes on the forum's rule or by a strong hand once overdue; a failed one
compromises toward the room. Decisions made without all affected members may re-open. Final
decisions are good experiences between proposer and supporters, breaches from those left out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .agents import Forum, aim_distance, clip
from .rules import LATENT, NONE

if TYPE_CHECKING:
    from .model import TunedModel


def table_proposal(model: TunedModel, forum: Forum) -> None:
    p, rand, gauss = model.p, model.random.random, model.random.gauss
    seats = forum.seats
    forum.chair = chair = model.random.choices(seats, weights=[s.voice for s in seats])[0]
    noise = p.proposal_noise
    forum.prop_pos = [clip(x + noise * gauss(0.0, 1.0), 0.0, 1.0) for x in chair.org.aims]
    lo = p.proposal_value_min
    forum.prop_value = lo + (1.0 - lo) * rand()
    share, stake = p.affected_share, p.proposal_stake
    for seat in seats:
        if seat is chair:
            seat.affected, seat.loss = True, 0.0
        else:
            seat.affected = rand() < share
            seat.loss = stake * rand() if seat.affected else 0.0
    forum.prop_age = 0.0


def decisions(model: TunedModel) -> None:
    p, rand, t = model.p, model.random.random, model.tally
    for forum in model.forums:
        forum.prop_age = forum.prop_age + 1.0 if forum.prop_value > 0 else 0.0
    meeting = [forum for forum in model.forums if forum.meets]
    if not meeting:
        t["decisions_made"] = 0.0
        return
    considered = 0
    finals: list[tuple[Forum, float, float, float]] = []
    fits: dict = {}
    for forum in meeting:
        if forum.prop_value <= 0:
            table_proposal(model, forum)
        chair = forum.chair
        boss = chair.org
        voice_for = voice_all = 0.0
        no_authority = affected_present = 0
        for seat in forum.seats:
            org = seat.org
            seat.authority = seat.present and (seat.leader_present or rand() < p.delegation)
            to_chair = org.tie_to.get(boss.index)  # None for the proposer itself
            trust_chair = to_chair.trust if to_chair is not None else 1.0
            seat.fit = 1.0 - aim_distance(org.aims, forum.prop_pos)
            tol = (
                p.accept_tolerance
                + p.trust_tolerance * trust_chair
                + p.orientation_tolerance * (org.orientation - 0.5)
            )
            seat.suits = seat.fit - seat.loss
            seat.accepts = seat.suits >= 1.0 - tol or seat is chair
            if seat.authority:
                voice_all += seat.voice
                if seat.accepts:
                    voice_for += seat.voice
                elif not rand() < org.safety:  # unvoiced dissent: counted as support
                    voice_for += seat.voice
                    if to_chair is not None:  # and festers as a latent conflict
                        pair = to_chair.pair
                        if pair.conflict == NONE:
                            pair.conflict = LATENT
                            model.conflicted[pair] = None
            if seat.present and seat.affected:
                affected_present += 1
                if not seat.authority:
                    no_authority += 1
        support = voice_for / max(voice_all, 1e-12)
        deferred = voice_all <= 0 or rand() < no_authority / max(affected_present, 1)
        passed = not deferred and support >= forum.rule - 1e-9
        overdue = not passed and forum.prop_age >= p.patience and rand() < p.strong_hand
        decided = passed or overdue
        dropped = False
        if not deferred and not decided:  # compromise toward the voice-weighted room
            room = [seat for seat in forum.seats if seat.present]
            weight = max(sum([s.voice for s in room]), 1e-12)
            step = p.compromise_step
            forum.prop_pos = [
                x + step * (sum([s.voice * s.org.aims[d] for s in room]) / weight - x)
                for d, x in enumerate(forum.prop_pos)
            ]
            for seat in forum.seats:
                seat.loss *= 1.0 - step
            forum.prop_value *= 1.0 - p.compromise_cost
            dropped = forum.prop_value < p.min_value
        affected = [seat for seat in forum.seats if seat.affected]
        n_aff = max(len(affected), 1)
        absent = sum([1 for seat in affected if not seat.authority])
        final = decided and not rand() < p.reopen_rate * absent / n_aff
        if final:
            fit = [seat.fit for seat in affected]
            acceptability = sum(fit) / n_aff
            spread = math.sqrt(max(sum([f * f for f in fit]) / n_aff - acceptability**2, 0.0))
            inclusion = sum([1 for seat in affected if seat.authority]) / n_aff
            finals.append((forum, acceptability, spread, inclusion))
            for seat in affected:
                fits.setdefault(seat.org, []).append(seat.suits)
            for seat in forum.seats:
                to_chair = seat.org.tie_to.get(boss.index)
                if to_chair is None:
                    continue
                model.decision_ties += (to_chair, to_chair.back)
                if seat.authority and seat.accepts:
                    to_chair.good += p.decision_evidence
                    to_chair.back.good += p.decision_evidence
                if seat.affected and (not seat.authority or (overdue and not seat.accepts)):
                    to_chair.bad += p.exclusion_breach
        if final or dropped:
            forum.prop_value = 0.0
        considered += 1
    ema = p.decision_smoothing
    for org, values in fits.items():
        org.carried = (1 - ema) * org.carried + ema * sum(values) / len(values)
    t["decisions_made"] = n = float(len(finals))

    def smooth(name: str, value: float) -> None:
        t[name] = (1 - ema) * t[name] + ema * value

    if finals:
        smooth("decision_latency", sum([f.prop_age for f, *_ in finals]) / n)
        smooth("decision_acceptability", sum([c[1] for c in finals]) / n)
        smooth("decision_equity", sum([clip(1 - 2 * c[2], 0, 1) for c in finals]) / n)
        smooth("inclusion", sum([c[3] for c in finals]) / n)
    smooth("throughput", n / considered)
    t["shared_decisions"] = (t["throughput"] + t["decision_acceptability"] + t["inclusion"]) / 3.0
