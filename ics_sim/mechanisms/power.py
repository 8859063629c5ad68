"""Power: who has voice in forums, whether leaders share it, and how it shifts.

Practice 4: "more than 50 per cent of our survey respondents felt that power was not being well
shared"; "the acutes rule the roost in the ICB"; "sharing power will be easier when leaders
feel strong in their own power", which depends on "where they are in their own career
trajectory", "perceived risks to their team or organisation" and "the availability of
resources"; "equal-size dots and a network that holds them all together"; provider
collaboratives shift power: "there is a chess game going on". Lessons: local government leaders
work "through ... persuasion and influence rather than hierarchical power".

Each leader's disposition to share power rises with tenure, spare resources and collaborative
orientation, and falls with pressure. A forum's power-sharing level is its members' disposition
weighted by their power (it is the powerful who must share), plus any agreed equalisation (a
rotating chair, "equal-size dots"). Voice in a forum blends power-weighted and equal shares::

    sharing_i = clip(trait_i + security_weight * ((min(tenure, T)/T - 0.5)
                     + (resources/base - 1) - (pressure - 0.5) + (orientation - 0.5)), 0, 1)
    rho_f     = clip(sum_m power_m sharing_m / sum_m power_m + equalisation_f, 0, 1)
    voice_m   = (1 - rho_f) * power_m^alpha / mean_f(power^alpha) + rho_f    (equal share = 1)

Each organisation's leaders judge whether power is "well shared across organisations in their
local health and care system" (Practice 4) from the forums they attend: the size of the dots
in the room against the biggest ("equal-size dots"), both their own dot and the typical one,
weighted by ``own_voice_weight`` (those with a small voice feel it more, but a leader with the
biggest voice still sees how unequal the room is), smoothed over the meetings attended::

    felt_m = (own_voice_weight * voice_m + (1 - own_voice_weight) * mean_f(voice)) / max_f(voice)
 ``T`` is ``secure_tenure``.

Power has three sources and moves with them. Formal authority (its statutory role: "old power
(leader driven)", "the acutes rule the roost") and resources ("the availability of resources")
are structural: the organisation's base power, times any structural change such as a provider
collaborative pooling its members' authority and budgets ("a chess game"). Influence is
earned ("new power (peer driven)"; local government leaders work through "persuasion and
influence rather than hierarchical power", Lessons). Its standing is the trust partners place
in the organisation (its mean trust received) and how far its forums' decisions go its way
(``carried``, kept by the decisions mechanism), against the mean standing in its ICS; as "not
all organisations or groups will have the same capacity to access and use power" (Practice 4),
influence is its base power times that standing. It grows while the standing is above average
and fades while it is below. Sharing
power in forums ("equal-size dots") gives smaller members more say, so decisions come closer to
their aims and their influence grows: it acts through a source of power, not on power itself.
Power follows the weighted sources at ``power_rate``; the floor of 0.001 is a numerical guard
(voice divides by power)::

    standing   = influence_trust_weight * mean_j trust_ji + (1 - influence_trust_weight) * carried
    influence += influence_rate * (base_power * standing / mean_ICS(standing) - influence)
    structural = base_power * power_factor
    target     = (authority_weight * structural
                  + resource_weight * structural * (resources/base)^resource_power_exponent
                  + influence_weight * influence) / (sum of the three weights)
    power     += power_rate * (target - power)

Influence starts at the organisation's initial power (its standing is what it has).
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state.levers import Levers
from ..state.variables import State, segment_sum
from .base import Mechanism


def root(x: np.ndarray, exponent: float) -> np.ndarray:
    """``x ** exponent``, computed as ``np.sqrt`` at 0.5 (the default, bit for bit as before)."""
    return np.sqrt(x) if exponent == 0.5 else x**exponent


class Power(Mechanism):
    name = "power"
    title = "Power and power sharing"
    summary = "who has a say"
    reads = (
        "base_power",
        "base_resources",
        "carried",
        "influence",
        "orientation",
        "perceived_sharing",
        "power",
        "present",
        "pressure",
        "resources",
        "sharing",
        "sharing_trait",
        "tenure",
        "trust",
        "voice",
    )
    writes = ("forum_sharing", "influence", "perceived_sharing", "power", "sharing", "voice")
    reads_levers = ("power_equalisation", "power_factor")
    params = (
        Param(
            "power_voice_exponent",
            3.5,
            0.0,
            4.0,
            "exponent",
            "How steeply voice follows power when it is not shared (0: equal voice).",
            "calibrated: Practice 4, more than half feel power is not well shared",
        ),
        Param(
            "sharing_security_weight",
            0.3,
            0.0,
            1.0,
            "share",
            "How much a leader's security "
            "(tenure, resources, low pressure, orientation) moves its sharing of power.",
            "Practice 4: 'sharing power will be easier when leaders feel strong in their "
            "own power'",
        ),
        Param(
            "perceived_rate",
            0.1,
            0.0,
            1.0,
            "1/meeting",
            "Speed at which perceived power sharing follows experience in meetings.",
            "assumption",
        ),
        Param(
            "power_rate",
            0.02,
            0.0,
            1.0,
            "1/week",
            "Speed at which power follows its sources (authority, resources, influence).",
            "assumption",
        ),
        Param(
            "secure_tenure",
            260.0,
            1.0,
            1040.0,
            "weeks",
            "Tenure after which a leader is fully secure in post (security rises linearly "
            "to it; five years).",
            "Practice 4: sharing power depends on 'where they are in their own career "
            "trajectory'; assumption (size)",
        ),
        Param(
            "resource_power_exponent",
            0.5,
            0.0,
            2.0,
            "exponent",
            "How steeply power follows resources against their usual level (0.5: square root).",
            "Practice 4: sharing power depends on 'the availability of resources'; "
            "assumption (size)",
        ),
        Param(
            "authority_weight",
            0.5,
            0.0,
            1.0,
            "weight",
            "Weight of formal authority (statutory role, place in the hierarchy) among the "
            "sources of an organisation's power.",
            "Practice 4: 'old power (leader driven)', 'the acutes rule the roost'; "
            "assumption (size)",
        ),
        Param(
            "resource_weight",
            0.3,
            0.0,
            1.0,
            "weight",
            "Weight of resources (budget against its usual level) among the sources of power.",
            "Practice 4: 'the availability of resources'; assumption (size)",
        ),
        Param(
            "influence_weight",
            0.2,
            0.0,
            1.0,
            "weight",
            "Weight of earned influence (trust received, decisions carried) among the sources "
            "of power.",
            "Lessons: local government leaders work through 'persuasion and influence rather "
            "than hierarchical power'; Practice 4: 'new power (peer driven)'; assumption (size)",
        ),
        Param(
            "influence_rate",
            0.05,
            0.0,
            1.0,
            "1/week",
            "Speed at which influence follows the trust an organisation receives and the "
            "decisions it carries (about half a year).",
            "assumption",
        ),
        Param(
            "influence_trust_weight",
            0.5,
            0.0,
            1.0,
            "share",
            "Share of earned influence that comes from the trust partners place in the "
            "organisation (the rest: how far its forums' decisions go its way).",
            "Practice 4: 'catalytic power to mobilise joint action'; Lessons ('persuasion and "
            "influence'); assumption",
        ),
        Param(
            "own_voice_weight",
            0.5,
            0.0,
            1.0,
            "share",
            "Weight of a leader's own voice, against the typical voice in the room, in judging "
            "whether power is shared (1: only the size of one's own dot counts).",
            "Practice 4: 'power was not being well shared across organisations in their local "
            "health and care system'; assumption (size)",
        ),
    )

    def __init__(self, topo, p, rng, off=frozenset()):
        super().__init__(topo, p, rng, off)
        t = topo
        self.in_degree = np.bincount(t.dst, minlength=t.n).astype(float)
        self.ics_size = np.bincount(t.org_ics, minlength=t.n_ics).astype(float)
        self.size = np.bincount(t.mem_forum, minlength=t.n_forums).astype(float)
        self.starts = np.searchsorted(t.mem_forum, np.arange(t.n_forums))

    def earned(self, s: State) -> np.ndarray:
        """The influence an organisation's relationships and decisions give it now: its base
        power times its standing (trust received and decisions carried, against the mean of
        its ICS), in [0, 1]."""
        t, w = self.topo, self.p.influence_trust_weight
        received = segment_sum(s.trust, t.dst, t.n) / np.maximum(self.in_degree, 1.0)
        standing = w * received + (1.0 - w) * s.carried
        mean = segment_sum(standing, t.org_ics, t.n_ics) / self.ics_size
        return np.clip(s.base_power * standing / np.maximum(mean[:, t.org_ics], 1e-12), 0.0, 1.0)

    def target(self, s: State, lv: Levers) -> np.ndarray:
        """The power its sources give an organisation: their weighted mean."""
        p = self.p
        structural = s.base_power * lv.power_factor
        resources = structural * root(s.resources / s.base_resources, p.resource_power_exponent)
        total = p.authority_weight + p.resource_weight + p.influence_weight
        weighted = (
            p.authority_weight * structural
            + p.resource_weight * resources
            + p.influence_weight * s.influence
        )
        return weighted / max(total, 1e-12)

    def voice(self, s: State, lv: Levers) -> None:
        p, t = self.p, self.topo
        tenure = np.minimum(s.tenure, p.secure_tenure) / p.secure_tenure
        security = (
            (tenure - 0.5)
            + (s.resources / s.base_resources - 1.0)
            - (s.pressure - 0.5)
            + (s.orientation - 0.5)
        )
        s.sharing = np.clip(s.sharing_trait + p.sharing_security_weight * security, 0.0, 1.0)
        pw = s.power[:, t.mem_org]
        weighted = segment_sum(pw * s.sharing[:, t.mem_org], t.mem_forum, t.n_forums)
        total_power = segment_sum(pw, t.mem_forum, t.n_forums)
        rho = np.clip(weighted / np.maximum(total_power, 1e-12) + lv.power_equalisation, 0, 1)
        s.forum_sharing = rho
        pa = pw**p.power_voice_exponent
        mean_pa = segment_sum(pa, t.mem_forum, t.n_forums) / np.maximum(self.size, 1.0)
        rho_m = rho[:, t.mem_forum]
        s.voice = (1.0 - rho_m) * pa / np.maximum(mean_pa[:, t.mem_forum], 1e-12) + rho_m

    def felt(self, s: State) -> np.ndarray:
        """How well shared power looks from each membership's seat, in [0, 1]: its own and the
        forum's mean voice against the biggest voice in its forum."""
        t, w = self.topo, self.p.own_voice_weight
        if t.n_forums == 0:
            return s.voice.copy()
        biggest = np.maximum.reduceat(s.voice, self.starts, axis=1)
        mean = segment_sum(s.voice, t.mem_forum, t.n_forums) / np.maximum(self.size, 1.0)
        seen = w * s.voice + (1.0 - w) * mean[:, t.mem_forum]
        return seen / np.maximum(biggest[:, t.mem_forum], 1e-12)

    def init(self, s: State, lv: Levers) -> None:
        t = self.topo
        self.voice(s, lv)
        felt = self.felt(s)
        n_mem = np.bincount(t.mem_org, minlength=t.n).astype(float)
        s.perceived_sharing = np.where(
            n_mem > 0, segment_sum(felt, t.mem_org, t.n) / np.maximum(n_mem, 1.0), 1.0
        )

    def step(self, s: State, lv: Levers, week: int) -> None:
        p, t = self.p, self.topo
        s.influence = s.influence + p.influence_rate * (self.earned(s) - s.influence)
        s.power = np.clip(s.power + p.power_rate * (self.target(s, lv) - s.power), 0.001, 1.0)
        self.voice(s, lv)
        felt = np.where(s.present, self.felt(s), 0.0)
        n_present = segment_sum(s.present.astype(float), t.mem_org, t.n)
        seen = n_present > 0
        obs = segment_sum(felt, t.mem_org, t.n) / np.maximum(n_present, 1.0)
        s.perceived_sharing = np.where(
            seen,
            s.perceived_sharing + p.perceived_rate * (obs - s.perceived_sharing),
            s.perceived_sharing,
        )
