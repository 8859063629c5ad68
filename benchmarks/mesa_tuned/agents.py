"""Organisations (Mesa agents), forums and seats, with the rules each one applies to itself."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from .model import TunedModel
    from .network import Tie


def clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def aim_distance(x: list[float], y: list[float]) -> float:
    """Mean absolute difference of two aim vectors."""
    return sum([abs(a - b) for a, b in zip(x, y, strict=True)]) / len(x)


class Seat:
    """One organisation's seat in one forum, and its stance at this week's meeting."""

    __slots__ = (
        "forum",
        "org",
        "present",
        "leader_present",
        "voice",
        "affected",
        "loss",
        "authority",
        "accepts",
        "fit",
        "suits",
    )

    def __init__(self, forum: Forum, org: Organisation):
        self.forum, self.org = forum, org
        self.present = self.leader_present = self.affected = False
        self.authority = self.accepts = False
        self.voice, self.loss, self.fit, self.suits = 1.0, 0.0, 0.0, 0.0


class Forum:
    """A forum that meets every ``period`` weeks, decides by ``rule`` and has one proposal."""

    __slots__ = (
        "period",
        "offset",
        "rule",
        "seats",
        "meets",
        "biggest_voice",
        "mean_voice",
        "prop_pos",
        "prop_value",
        "prop_age",
        "chair",
    )

    def __init__(self, period: int, offset: int, rule: float, dims: int):
        self.period, self.offset, self.rule = period, offset, rule
        self.seats: list[Seat] = []
        self.meets = False
        self.biggest_voice = self.mean_voice = 1.0
        self.prop_pos = [0.0] * dims
        self.prop_value = self.prop_age = 0.0
        self.chair: Seat | None = None


class Organisation(mesa.Agent):
    """One organisation: its state as plain attributes and its ties as cached lists."""

    model: TunedModel

    def __init__(self, model: TunedModel, index: int, kind: int, sector: int, ics: int):
        super().__init__(model)
        self.index, self.kind, self.sector, self.ics = index, kind, sector, ics
        self.out_ties: list[Tie] = []  # every candidate tie it holds (static)
        self.in_ties: list[Tie] = []  # every candidate tie held about it (static)
        self.active_out: list[Tie] = []  # its existing ties (changes when ties form or fade)
        self.tie_to: dict[int, Tie] = {}  # partner index -> its tie to the partner
        self.met: list[Tie] = []  # ties with contact this week
        self.joint_ties: list[Tie] = []  # ties with a joint project this week
        self.seats: list[Seat] = []
        self.hazard = self.leader_changes = self.payoff = self.tc_burden = 0.0
        self.workload = self.quality = self.shadow = self.worth = self.standing = 0.0
        self.selfish = 0.0
        self.new_aims: list[float] = []
        self.new_orientation = 0.0

    # -- pressure ----------------------------------------------------------------------------
    def update_pressure(self) -> None:
        """Budget relaxes to income; pressure to its target, with noise; system time shrinks."""
        p = self.model.p
        res = self.resources + p.resource_rate * (self.base_resources - self.resources)
        self.resources = res = max(res, 0.0)
        stress = clip(1.0 - res / self.base_resources, 0.0, 1.0)
        target = self.base_pressure + p.financial_weight * stress
        noise = p.pressure_noise * self.model.random.gauss(0.0, 1.0) if p.pressure_noise else 0.0
        pressure = self.pressure + p.pressure_rate * (target - self.pressure) + noise
        self.pressure = pressure = clip(pressure, 0.0, 1.0)
        self.system_time = clip(
            self.capacity * (1.0 - p.silo_strength * pressure) - self.tc_burden, 0.0, 1.0
        )

    # -- safety ------------------------------------------------------------------------------
    def safety_target(self) -> float:
        p = self.model.p
        ties = self.active_out
        deg = len(ties) or 1
        held = sum([t.trust for t in ties]) / deg
        partner_power = sum([t.other.power for t in ties]) / deg
        gap = max(0.0, partner_power - self.power)
        value = (
            p.safety_base
            + p.safety_trust_weight * (held - 0.5)
            - p.safety_pressure_weight * (self.pressure - 0.5)
            - p.safety_power_weight * gap
        )
        return clip(value, 0.0, 1.0)

    def update_safety(self) -> None:
        self.safety += self.model.p.safety_rate * (self.safety_target() - self.safety)

    # -- purpose -----------------------------------------------------------------------------
    def pool_aims(self) -> None:
        """Friedkin-Johnsen pooling over this week's contact, weighted by trust (into
        ``new_aims``; :meth:`commit_aims` makes it synchronous)."""
        p = self.model.p
        heard: list[tuple[list[float], float]] = []
        total = 0.0
        bound = p.confidence_bound
        for t in self.met:
            w = t.trust * t.pair.contact
            if bound < 1.0 and aim_distance(self.aims, t.other.aims) > bound:
                continue
            heard.append((t.other.aims, w))
            total += w
        o = self.orientation
        if total > 0:
            self_w = 1.0 - self.safety
            scale = (1.0 - self_w) / total
            new = []
            for d, x in enumerate(self.aims):
                pooled = self_w * x + scale * sum([w * aims[d] for aims, w in heard])
                new.append(clip(o * pooled + (1.0 - o) * self.interests[d], 0.0, 1.0))
        else:
            new = [
                clip(o * x + (1.0 - o) * y, 0.0, 1.0)
                for x, y in zip(self.aims, self.interests, strict=True)
            ]
        self.new_aims = new

    def commit_aims(self) -> None:
        self.aims = self.new_aims

    # -- power -------------------------------------------------------------------------------
    def update_standing(self) -> None:
        """Trust received (mean over candidate ties into it) and decisions carried."""
        ins = self.in_ties
        received = sum([t.trust for t in ins]) / (len(ins) or 1)
        w = self.model.p.influence_trust_weight
        self.standing = w * received + (1.0 - w) * self.carried

    def update_power(self) -> None:
        p = self.model.p
        mean = self.model.ics_standing[self.ics]
        earned = clip(self.base_power * self.standing / max(mean, 1e-12), 0.0, 1.0)
        self.influence += p.influence_rate * (earned - self.influence)
        ratio = self.resources / self.base_resources
        e = p.resource_power_exponent
        structural = self.base_power
        resources = structural * (math.sqrt(ratio) if e == 0.5 else ratio**e)
        weighted = (
            p.authority_weight * structural
            + p.resource_weight * resources
            + p.influence_weight * self.influence
        )
        target = weighted / max(p.authority_weight + p.resource_weight + p.influence_weight, 1e-12)
        self.power = clip(self.power + p.power_rate * (target - self.power), 0.001, 1.0)

    def update_sharing(self) -> None:
        """Disposition to share power: higher when secure."""
        p = self.model.p
        tenure = min(self.tenure, p.secure_tenure) / p.secure_tenure
        security = (
            (tenure - 0.5)
            + (self.resources / self.base_resources - 1.0)
            - (self.pressure - 0.5)
            + (self.orientation - 0.5)
        )
        self.sharing = clip(self.sharing_trait + p.sharing_security_weight * security, 0.0, 1.0)

    def felt(self, seat: Seat) -> float:
        w = self.model.p.own_voice_weight
        forum = seat.forum
        return (w * seat.voice + (1.0 - w) * forum.mean_voice) / max(forum.biggest_voice, 1e-12)

    def perceive_sharing(self) -> None:
        attended = [seat for seat in self.seats if seat.present]
        if attended:
            observed = sum([self.felt(seat) for seat in attended]) / len(attended)
            self.perceived_sharing += self.model.p.perceived_rate * (
                observed - self.perceived_sharing
            )

    # -- learning ----------------------------------------------------------------------------
    def reinforce(self) -> None:
        """Cross learning: joint work reinforces helping by what it was worth."""
        p = self.model.p
        grow = math.exp(p.learning_rate * self.payoff if self.workload > 0 else 0.0)
        o = self.orientation
        self.orientation = o * grow / (1.0 - o + o * grow)

    def imitate(self) -> None:
        """Fermi rule towards one partner met this week, weighted by its power."""
        self.new_orientation = self.orientation
        if self.met:
            p = self.model.p
            other = self.model.random.choice(self.met).other
            z = p.selection * (other.payoff - self.payoff)
            pull = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
            delta = p.imitation_rate * other.power * (other.orientation - self.orientation)
            self.new_orientation = self.orientation + delta * pull

    def commit_orientation(self) -> None:
        self.orientation = clip(self.new_orientation, 0.0, 1.0)
