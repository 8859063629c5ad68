"""The weekly rules that act on ties, pairs and forums (the package's order: model.step).

Plain Python over cached lists: each rule visits only what it can change (the pairs that met,
the pairs with a project, the pairs in conflict, the existing ties), with the model's own
``random.Random`` stream. Statistically the package's rules at default parameters with no
interventions (``ics_sim/mechanisms/``; ``benchmarks/reference`` transliterates them).
"""

from __future__ import annotations

import math
from operator import attrgetter
from typing import TYPE_CHECKING

from ics_sim.system.kinds import trait_table

from .agents import aim_distance, clip

if TYPE_CHECKING:
    from .model import TunedModel
    from .network import Pair

KIND_ORIENTATION = [float(x) for x in trait_table()["orientation"]]
NONE, LATENT, SURFACED = 0, 1, 2


def turnover(model: TunedModel) -> None:
    """Leaders leave with a hazard that rises with pressure; successors keep only what a
    succession hands on of familiarity and personal trust."""
    p, rand, gauss = model.p, model.random.random, model.random.gauss
    left = []
    for org in model.orgs:
        org.tenure += 1.0
        org.hazard = p.turnover_hazard * (1.0 + p.pressure_hazard * org.pressure)
        if rand() < org.hazard:
            fresh = KIND_ORIENTATION[org.kind] * (1.0 + p.successor_noise * gauss(0.0, 1.0))
            org.tenure = 0.0
            org.leader_changes += 1.0
            org.orientation = clip(fresh, 0.0, 1.0)
            left.append(org)
    if not left:
        return
    keep = clip(p.baseline_succession, 0.0, 1.0)
    gone = set(left)
    touched = {t: None for org in left for t in org.out_ties}
    touched.update({t: None for org in left for t in org.in_ties})
    for t in touched:
        k = (keep if t.owner in gone else 1.0) * (keep if t.other in gone else 1.0)
        t.familiarity *= k
        lost = (1.0 - k) * t.trust_personal
        t.trust -= lost
        t.trust_personal -= lost


def contact(model: TunedModel, week: int) -> None:
    """Forum meetings (formal) and same-place meetings (informal): contact along existing
    ties, encounters on pairs with none; familiarity grows or decays; good experiences."""
    p, rand = model.p, model.random.random
    for pair in model.met_pairs:
        pair.contact = 0.0
    for pair in model.encounters:
        pair.encounter = 0.0
    met: dict[Pair, float] = {}
    quality = p.formal_quality * (1.0 - p.virtual_share * (1.0 - p.virtual_factor))
    la, att = p.leader_attendance, p.attendance
    for forum in model.forums:
        forum.meets = meets = week % forum.period == forum.offset
        if not meets:
            for seat in forum.seats:
                seat.present = seat.leader_present = False
            continue
        leaders = []
        for seat in forum.seats:
            seat.present = present = rand() < att
            p_leader = clip(la + (1 - la) * seat.org.system_time, 0.0, 1.0)
            seat.leader_present = present and rand() < p_leader
            if seat.leader_present:
                leaders.append(seat.org)
        for x, a in enumerate(leaders):
            tie_to = a.tie_to
            for b in leaders[x + 1 :]:
                pair = tie_to[b.index].pair
                met[pair] = met.get(pair, 0.0) + quality
    rate, informal = p.informal_rate, p.informal_quality
    for pair in model.same_place:
        if rand() < rate * math.sqrt(pair.a.system_time * pair.b.system_time):
            met[pair] = met.get(pair, 0.0) + informal
    for org in model.orgs:
        org.met = []
    contacted, encounters = [], []
    for pair, amount in met.items():
        if pair.active:
            pair.contact = amount
            contacted.append(pair)
        else:
            pair.encounter = amount
            encounters.append(pair)
    model.met_pairs, model.encounters = contacted, encounters
    keep = 1.0 - p.familiarity_decay
    for t in model.ties:
        if t.familiarity and not t.pair.contact:
            t.familiarity *= keep
    gain, evidence = p.familiarity_gain, p.contact_evidence
    for pair in contacted:
        c = pair.contact
        grow = gain * (1.0 - math.exp(-c))
        for t in (pair.ab, pair.ba):
            t.familiarity += grow * (1.0 - t.familiarity)
            partner = t.other
            o = partner.orientation
            t.good += evidence * c * (o + (1.0 - o) * (1.0 - partner.pressure))
            t.owner.met.append(t)


def joint_work(model: TunedModel) -> None:
    """Pairs that both want it start projects; each side helps or not; projects succeed with
    advantage x quality x help x safety x alignment; budgets pay and gain."""
    p, rand = model.p, model.random.random
    for pair in model.joint_pairs:
        pair.joint = False
    for org in model.orgs:
        org.shadow = math.exp(-org.hazard * p.shadow_horizon)
        org.joint_ties = []
    tw, th, jr = p.trust_weight, p.joint_threshold, p.joint_rate
    projects = []
    for pair in model.active:
        a, b = pair.a, pair.b
        if rand() < jr * math.sqrt(a.system_time * b.system_time):
            adv = (1 - tw) * pair.advantage
            if (
                tw * pair.ab.brokered + adv * b.shadow > th
                and tw * pair.ba.brokered + adv * a.shadow > th
            ):
                pair.joint = True
                projects.append(pair)
                a.joint_ties.append(pair.ab)
                b.joint_ties.append(pair.ba)
    model.joint_pairs = projects
    jtc = p.joint_time_cost
    for org in model.orgs:
        org.workload = float(len(org.joint_ties))
        org.quality = 1.0 - math.exp(-org.system_time / max(org.workload * jtc, 1e-12))
        worth = p.reciprocity * org.shadow * p.benefit - p.cost
        org.worth = worth
        z = p.coop_steepness * worth
        org.selfish = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
    us, win, defect = p.unsafe_sharing, p.win_evidence, p.defection_breach
    joint_value = 0.0
    gained: dict = {}
    for pair in projects:
        a, b, ab, ba = pair.a, pair.b, pair.ab, pair.ba
        oa, ob = a.orientation, b.orientation
        ab.helps = rand() < oa + (1.0 - oa) * b.selfish
        ba.helps = rand() < ob + (1.0 - ob) * a.selfish
        both = 0.5 * (float(ab.helps) + float(ba.helps))
        safe = us + (1.0 - us) * min(a.safety, b.safety)
        aligned = 1.0 - aim_distance(a.aims, b.aims)
        pair.value = value = pair.advantage * min(a.quality, b.quality) * both * safe * aligned
        if rand() < value:
            ab.good += win
            ba.good += win
            gained[a] = gained.get(a, 0.0) + value
            gained[b] = gained.get(b, 0.0) + value
            joint_value += value
        if ab.helps and not ba.helps:
            ab.bad += defect
        if ba.helps and not ab.helps:
            ba.bad += defect
    cost, ret = p.resource_cost, p.resource_return
    for org in model.orgs:
        ties = org.joint_ties
        if not ties:
            org.payoff = 0.0
            continue
        org.payoff = sum([t.other.worth for t in ties]) / org.workload
        spend = cost * sum([1 for t in ties if t.helps])
        org.resources = max(
            org.resources + org.base_resources * (ret * gained.get(org, 0.0) - spend), 0.0
        )
    model.tally["joint_value"] = joint_value / len(model.orgs)


def conflict(model: TunedModel) -> None:
    """Pairs that meet may fall into latent conflict; latent conflicts are named (surfaced),
    fade or fester; surfaced ones are resolved or handled damagingly."""
    p, rand = model.p, model.random.random
    conflicted = model.conflicted
    for pair in [x for x in conflicted if not x.active]:  # conflicts live on existing ties
        pair.conflict = NONE
        del conflicted[pair]
    arising = []
    cr, dw = p.conflict_rate, p.difference_weight
    seen = set()
    for pair in (*model.met_pairs, *model.joint_pairs):
        if pair.conflict == NONE and pair not in seen:
            seen.add(pair)
            a, b = pair.a, pair.b
            scarcity = 0.5 * (a.pressure + b.pressure)
            if rand() < cr * (scarcity + dw * aim_distance(a.aims, b.aims)):
                arising.append(pair)
    resolved = 0
    sr, fade, fester = p.surface_rate, p.fade_rate, p.fester_breach
    rr, q, evidence = p.resolve_rate, p.distrust_resolve, p.resolution_evidence
    dr, damage = p.damage_rate, p.damage_breach
    for pair in list(conflicted):
        a, b, ab, ba = pair.a, pair.b, pair.ab, pair.ba
        if pair.conflict == LATENT:
            met = pair.contact > 0 or pair.joint
            named_a = met and rand() < sr * a.safety
            named_b = met and rand() < sr * b.safety
            if named_a or named_b:
                pair.conflict = SURFACED
            elif rand() < fade:
                pair.conflict = NONE
                del conflicted[pair]
            else:
                ab.bad += fester
                ba.bad += fester
        elif rand() < rr * (q + (1.0 - q) * 0.5 * (ab.trust + ba.trust)):
            ab.good += evidence
            ba.good += evidence
            pair.conflict = NONE
            del conflicted[pair]
            resolved += 1
        elif rand() < dr * (1.0 - min(a.safety, b.safety)):
            ab.bad += damage
            ba.bad += damage
    for pair in arising:
        pair.conflict = LATENT
        conflicted[pair] = None
    t = model.tally
    t["resolved_recent"] = ema = (1.0 - 1.0 / p.conflict_memory) * t["resolved_recent"] + resolved
    surfaced = sum([1 for x in conflicted if x.conflict == SURFACED])
    good = surfaced + ema
    total = good + len(conflicted) - surfaced
    t["conflict_health"] = good / max(total, 1e-12) if total > 0 else 1.0


def trust(model: TunedModel) -> None:
    """The week's experiences move trust (slow to build, fast to lose), then this week's
    experiences are cleared; then brokered trust through the most trusted partner."""
    p = model.p
    gain0, fw, ld = p.trust_gain, p.familiarity_weight, p.legacy_drag
    loss, share = 1.0 - p.trust_loss, p.personal_trust_share
    # Experiences come only along existing ties, and from forum decisions along the ties of
    # members to the proposer (which may not exist): visit those (each once: cleared after).
    for t in (*[t for pair in model.active for t in (pair.ab, pair.ba)], *model.decision_ties):
        good, bad = t.good, t.bad
        if good or bad:
            gain = gain0 * (1.0 - fw * (1.0 - t.familiarity)) * (1.0 - ld * t.legacy)
            before = t.trust
            after = before + (1.0 - before) * (1.0 - (1.0 - gain) ** good)
            kept = loss**bad
            t.trust_personal = (t.trust_personal + share * t.familiarity * (after - before)) * kept
            t.trust = clip(after * kept, 0.0, 1.0)
            t.good = t.bad = 0.0
    model.decision_ties = []
    threshold, weight = p.broker_threshold, p.broker_weight
    for org in model.orgs:
        ties = org.active_out
        if not ties:
            continue
        best = max(ties, key=BY_TRUST)
        broker, via = best.other, best.trust
        reach = broker.tie_to
        for t in ties:
            t.brokered = t.trust
            if t.trust < threshold and t is not best:
                onward = reach.get(t.other.index)
                if onward is not None and onward.pair.active:
                    chain = weight * via * onward.trust
                    if chain > t.trust:
                        t.brokered = chain


BY_TRUST = attrgetter("trust")


def transaction_costs(model: TunedModel) -> None:
    """Joint work with partners it does not trust costs an organisation system time."""
    rate = model.p.tc_rate
    for org in model.orgs:
        ties = org.joint_ties
        org.tc_burden = (
            clip(rate * sum([1.0 - t.brokered for t in ties]), 0.0, 1.0) if ties else 0.0
        )


def ties(model: TunedModel) -> None:
    """Encounters form ties, brokers introduce pairs of strong partners, unused weak ties fade."""
    p, rand, sample = model.p, model.random.random, model.random.sample
    formed = []
    tf = p.tie_formation
    for pair in model.encounters:
        if rand() < 1.0 - math.exp(-tf * pair.encounter):
            formed.append(pair)
    faded = []
    weak, fade = p.tie_fade_familiarity, p.tie_fade_rate
    for pair in model.active:
        if pair.contact > 0 or pair.joint or pair.conflict:
            continue
        if max(pair.ab.familiarity, pair.ba.familiarity) < weak and rand() < fade:
            faded.append(pair)
    th, ir = p.introduction_trust, p.introduction_rate
    if ir > 0:
        for org in model.orgs:
            if not rand() < ir:
                continue
            strong = [t.other for t in org.active_out if t.trust >= th and t.back.trust >= th]
            if len(strong) < 2:
                continue
            i, k = sample(strong, 2)
            tie = i.tie_to.get(k.index)
            if tie is not None and not tie.pair.active:
                formed.append(tie.pair)
    for pair in faded:
        set_active(model, pair, False)
    for pair in formed:
        if not pair.active:
            set_active(model, pair, True)


def set_active(model: TunedModel, pair: Pair, active: bool) -> None:
    """A tie forms or ends: the pair joins or leaves the cached lists of existing ties."""
    pair.active = active
    if active:
        model.active[pair] = None
        for t in (pair.ab, pair.ba):
            t.owner.active_out.append(t)
            t.brokered = t.trust  # as the trust rule left it for a pair with no tie
    else:
        del model.active[pair]
        pair.ab.owner.active_out.remove(pair.ab)
        pair.ba.owner.active_out.remove(pair.ba)
