"""Power and power sharing (``ics_sim.mechanisms.power``).

Power follows the weighted mean of its sources: formal authority and resources (both from its
base power, times any structural factor) and influence, which follows the organisation's base
power times its standing (mean trust received and decisions carried, against the mean standing
in its ICS). A leader shares power more when secure
(tenure, resources, low pressure, orientation); a forum's sharing level is its members' sharing
weighted by power; voice blends power-weighted and equal shares. Each organisation perceives
power as shared from its own voice and the room's mean voice against the biggest in the room,
smoothed over the meetings it attends.
"""

from __future__ import annotations

import math

from ..maths import add_up, clip


def update_voice(model) -> None:
    """Sharing dispositions, forums' sharing levels and every seat's voice."""
    p = model.p
    for org in model.orgs:
        tenure = min(org.tenure, p.secure_tenure) / p.secure_tenure
        security = (
            (tenure - 0.5)
            + (org.resources / org.base_resources - 1.0)
            - (org.pressure - 0.5)
            + (org.orientation - 0.5)
        )
        org.sharing = clip(org.sharing_trait + p.sharing_security_weight * security, 0.0, 1.0)
    for forum in model.forums:
        weighted = add_up(seat.org.power * seat.org.sharing for seat in forum.seats)
        total_power = add_up(seat.org.power for seat in forum.seats)
        rho = clip(weighted / max(total_power, 1e-12), 0.0, 1.0)
        forum.sharing = rho
        pa = [seat.org.power**p.power_voice_exponent for seat in forum.seats]
        mean_pa = add_up(pa) / max(len(forum.seats), 1.0)
        for seat, a in zip(forum.seats, pa, strict=True):
            seat.voice = (1.0 - rho) * a / max(mean_pa, 1e-12) + rho
        forum.biggest_voice = max(seat.voice for seat in forum.seats)
        forum.mean_voice = add_up(seat.voice for seat in forum.seats) / max(len(forum.seats), 1.0)


def felt(seat, p) -> float:
    """How well shared power looks from the seat: its own voice and the forum's mean voice
    against the biggest in the forum ('equal-size dots')."""
    w = p.own_voice_weight
    seen = w * seat.voice + (1.0 - w) * seat.forum.mean_voice
    return seen / max(seat.forum.biggest_voice, 1e-12)


def init(model) -> None:
    p = model.p
    update_voice(model)
    for org in model.orgs:
        if org.seats:
            org.perceived_sharing = add_up(felt(seat, p) for seat in org.seats) / len(org.seats)
        else:
            org.perceived_sharing = 1.0


def standing(model, org) -> float:
    """Trust received (mean over the ties into it) and decisions carried, weighted."""
    into = [model.G[j][org.index]["trust"] for j in model.G.predecessors(org.index)]
    received = add_up(into) / max(len(into), 1.0)
    w = model.p.influence_trust_weight
    return w * received + (1.0 - w) * org.carried


def step(model, rng, week: int) -> None:
    p = model.p
    ics = [int(x) for x in model.composition.ics]
    stand = [standing(model, org) for org in model.orgs]
    for org in model.orgs:
        peers = [stand[j] for j in range(len(model.orgs)) if ics[j] == ics[org.index]]
        mean = add_up(peers) / len(peers)
        earned = clip(org.base_power * stand[org.index] / max(mean, 1e-12), 0.0, 1.0)
        org.influence = org.influence + p.influence_rate * (earned - org.influence)
    total = p.authority_weight + p.resource_weight + p.influence_weight
    for org in model.orgs:
        ratio = org.resources / org.base_resources
        e = p.resource_power_exponent
        structural = org.base_power  # no structural change (lever neutral)
        resources = structural * (math.sqrt(ratio) if e == 0.5 else ratio**e)
        weighted = (
            p.authority_weight * structural
            + p.resource_weight * resources
            + p.influence_weight * org.influence
        )
        target = weighted / max(total, 1e-12)
        org.power = clip(org.power + p.power_rate * (target - org.power), 0.001, 1.0)
    update_voice(model)
    for org in model.orgs:
        attended = [seat for seat in org.seats if seat.present]
        if attended:
            observed = add_up(felt(seat, p) for seat in attended) / len(attended)
            org.perceived_sharing += p.perceived_rate * (observed - org.perceived_sharing)
