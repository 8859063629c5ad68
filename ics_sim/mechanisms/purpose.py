"""Shared purpose and identity: aims converge through deliberation, anchored by own interests.

Practice 3: "it is important in a collaboration for people to have an agreed shared purpose";
"a statement full of compromises that does not resonate"; individuals reside in different
"thought worlds"; "the narrative is about partnership and collaboration so if you are an outlier
to that you quickly get noticed". Lessons factor 1: develop a shared purpose and vision.
Practice 1: trust "can also provide the opportunity to change people's attitudes and beliefs".

Each organisation holds aims (a point in [0, 1]^D: how much weight to give urgent and elective
care, prevention and inequalities, financial balance). Aims pool by Friedkin-Johnsen
(DeGroot when every susceptibility is 1) over the week's contact, weighted by trust::

    influence_ij = trust_ij * exposure_ij * [ mean_d |x_i - x_j| <= confidence_bound ]
    W_ij = (1 - w_i) influence_ij / sum_k influence_ik,   W_ii = w_i = 1 - safety_i
    x_i <- s_i (W x)_i + (1 - s_i) interest_i,             s_i = orientation_i
    x_i <- (1 - a_i) x_i + a_i purpose                     (narrative of an agreed purpose)

``exposure`` is the week's contact, or 1 on every tie when the contact mechanism is off (the
classic model on a static network). Open (safe) organisations listen; collaboratively oriented
ones let go of their organisation's own interest; bounded confidence (Hegselmann and Krause
2002) ignores partners whose aims are too far away. An agreed purpose (lever
``purpose_anchor``) pulls its adopters toward the mean aims of those who developed it.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State, by_dim, segment_sum
from .base import Mechanism


def friedkin_johnsen_step(
    x: np.ndarray, w: np.ndarray, s: np.ndarray, x0: np.ndarray
) -> np.ndarray:
    """One synchronous step ``s * (W x) + (1 - s) * x0`` for a dense W (reference form)."""
    return s * (w @ x) + (1.0 - s) * x0


class Purpose(Mechanism):
    name = "purpose"
    title = "Shared purpose and identity"
    summary = "shared aims"
    reads = ("active", "aims", "contact", "interests", "orientation", "safety", "trust")
    writes = ("aims",)
    reads_levers = ("purpose_anchor",)
    params = (
        Param(
            "confidence_bound",
            1.0,
            0.0,
            1.0,
            "aim distance",
            "Partners whose aims differ by more than this are not listened to (1 = everyone is).",
            "Hegselmann and Krause 2002; Practice 3 ('thought worlds')",
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        p, t = self.p, self.topo
        exposure = s.active if "contact" in self.off else s.contact  # existing ties only
        x = s.aims
        # Influence is zero where there was no exposure, so only those ties are summed
        # (ics_sim.state.sparse: bit for bit the sums over every tie).
        ties = sp.entries(exposure != 0)
        infl = sp.at(s.trust, ties) * sp.at(exposure, ties)
        if p.confidence_bound < 1.0:
            dist = sp.aim_gap_at(s.aims, ties, t)
            infl = np.where(dist <= p.confidence_bound, infl, 0.0)
        total = sp.sum_by(ties, infl, t.src, t.n, s.r)  # (R, N)
        listens = total > 0
        self_w = np.where(listens, 1.0 - s.safety, 1.0)
        scale = np.where(listens, (1.0 - self_w) / np.where(listens, total, 1.0), 0.0)
        weights = infl * sp.node(scale, ties, t.src)  # W_ij for each tie
        pooled = self_w[..., None] * x
        for d, x_d in enumerate(by_dim(x)):  # gathers from contiguous rows are faster
            pooled[:, :, d] += sp.sum_by(ties, weights * sp.node(x_d, ties, t.dst), t.src, t.n, s.r)
        sus = s.orientation[..., None]
        new = sus * pooled + (1.0 - sus) * s.interests
        a = lv.purpose_anchor
        if a.any():
            wsum = segment_sum(a, t.org_ics, t.n_ics)
            centre = (
                np.stack(
                    [segment_sum(a * x[:, :, d], t.org_ics, t.n_ics) for d in range(x.shape[-1])],
                    axis=-1,
                )
                / np.where(wsum > 0, wsum, 1.0)[..., None]
            )
            new = (1.0 - a[..., None]) * new + a[..., None] * centre[:, t.org_ics, :]
        s.aims = np.clip(new, 0.0, 1.0)
