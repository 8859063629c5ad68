"""Contact builds familiarity, and gives partners evidence to trust, slowly.

Practice 1: trust "is only really built by working together or experiencing something
together"; "frequent personal contact, together with good-quality conversations, are critical
in building trust". Practice 2: leaders meet face to face "to develop a better understanding of
the people behind the roles"; online, "the ability to build personal relationships is
impaired"; "lots of meetings with the same health and care leaders ... really similar
conversations around multiple tables" (Practice 1). Lessons factor 2: "collaboration is a team
activity that cannot be conducted at a distance".

Forums meet on their schedules. From each member organisation someone attends with probability
``attendance``; the leader attends in person with probability
``leader_attendance + (1 - leader_attendance) * system_time`` (plus any boost), otherwise a
deputy goes. Leaders present together gain formal contact (``formal_quality`` per meeting,
discounted for the share held online). Leaders of organisations that serve the same place also
meet informally, with weekly probability ``informal_rate * sqrt(st_i * st_j)``, at quality
``informal_quality``. Interventions add contact through the ``extra_contact`` lever.

Contact acts only along ties that exist (``active``). Leaders of a candidate pair with no tie
who meet this way (at the same meeting, or brought together by an event) have an
``encounter`` instead: it builds nothing yet, but the ties mechanism may turn it into a tie.

Familiarity follows co-attendance (Jonker and Treur's experience-based form) and decays
without contact (link decay in governance-network models)::

    F += familiarity_gain * (1 - F) * (1 - exp(-contact))      if contact > 0
    F *= 1 - familiarity_decay                                 otherwise

Contact gives good experiences of the partner in proportion to its reliability
``orientation + (1 - orientation) * (1 - pressure)``: a pressured, self-interested partner does
not do what it said it would (Practice 1, citing Edmondson 2017). The trust mechanism turns
experiences into trust. With this mechanism off, no forum meets and every existing tie counts
equally in the pooling of aims (a static network).

Null model (pattern-oriented modelling, Grimm et al. 2005; Railsback and Grimm 2019):
``random_mixing`` (default 0, the model as described) at 1 keeps the week's forum and informal
contact but hands each pair's amount to a pair drawn at random among all candidate pairs (a
fresh permutation of the pairs every week), so the total contact and its distribution over
pairs are the same and who meets whom has no forum or place structure. Contact added by
interventions (``extra_contact``) still goes to its targets.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..state import sparse as sp
from ..state.levers import Levers
from ..state.variables import State
from .base import Mechanism


class Contact(Mechanism):
    name = "contact"
    title = "Contact builds familiarity and trust"
    summary = "who meets whom"
    reads = (
        "active",
        "contact",
        "familiarity",
        "leader_present",
        "meets",
        "orientation",
        "present",
        "pressure",
        "system_time",
    )
    writes = ("contact", "encounter", "familiarity", "good", "leader_present", "meets", "present")
    reads_levers = ("attendance_boost", "extra_contact")
    params = (
        Param(
            "attendance",
            0.9,
            0.0,
            1.0,
            "probability",
            "Chance someone from a member organisation attends a forum meeting.",
            "assumption",
        ),
        Param(
            "leader_attendance",
            0.4,
            0.0,
            1.0,
            "probability",
            "Chance the leader attends in person with no time for system work.",
            "assumption; Practice 6 (deputies)",
        ),
        Param(
            "formal_quality",
            0.25,
            0.0,
            2.0,
            "contact units",
            "Relationship-building value of one formal meeting in person.",
            "Practice 1: 'really similar conversations around multiple tables'",
        ),
        Param(
            "virtual_share",
            0.5,
            0.0,
            1.0,
            "share",
            "Share of formal meetings held online.",
            "Practice 2: 'many leaders are working virtually to some degree'",
        ),
        Param(
            "virtual_factor",
            0.5,
            0.0,
            1.0,
            "share",
            "Value of an online meeting relative to one in person.",
            "Practice 2: online, relationship building is 'impaired'",
        ),
        Param(
            "informal_rate",
            0.1,
            0.0,
            1.0,
            "1/week",
            "Weekly chance two leaders of the same place meet informally, at full system time.",
            "Practice 2: 'meeting for coffee or travelling to meetings together'",
        ),
        Param(
            "informal_quality",
            0.6,
            0.0,
            2.0,
            "contact units",
            "Value of an informal meeting.",
            "Practice 2: 'I did most of my real work over a curry'",
        ),
        Param(
            "familiarity_gain",
            0.15,
            0.0,
            1.0,
            "1/contact",
            "Gain in familiarity per unit of contact.",
            "Jonker and Treur 1999; Lessons factor 2",
        ),
        Param(
            "familiarity_decay",
            0.005,
            0.0,
            0.2,
            "1/week",
            "Weekly decay of familiarity without contact.",
            "assumption (link decay)",
        ),
        Param(
            "contact_evidence",
            1.0,
            0.0,
            5.0,
            "events/contact",
            "Good experiences per unit of contact with a fully reliable partner.",
            "Practice 1: conversations 'provide signals of authenticity, loyalty and empathy'",
        ),
        Param(
            "random_mixing",
            0,
            0,
            1,
            "switch",
            "Null-model switch: 1 gives the week's forum and informal contact to random "
            "candidate pairs (same total, no forum or place structure); 0: the model as "
            "described.",
            "assumption (null model: Grimm et al. 2005, pattern-oriented modelling)",
            integer=True,
        ),
    )

    def step(self, s: State, lv: Levers, week: int) -> None:
        p, t = self.p, self.topo
        meets = (week % t.forum_period) == t.forum_offset  # (F,)
        s.meets = np.broadcast_to(meets, s.meets.shape).copy()
        M = len(t.mem_org)
        u_present, u_leader = self.rng.randoms(2, M)
        st = s.system_time[:, t.mem_org]
        p_leader = np.clip(
            p.leader_attendance
            + (1 - p.leader_attendance) * st
            + lv.attendance_boost[:, t.mem_org],
            0.0,
            1.0,
        )
        forum_meets = s.meets[:, t.mem_forum]
        s.present = forum_meets & (u_present < p.attendance)
        s.leader_present = s.present & (u_leader < p_leader)
        # Formal contact: leaders present together, summed over the forums they share.
        quality = p.formal_quality * (1.0 - p.virtual_share * (1.0 - p.virtual_factor))
        both = s.leader_present[:, t.pair_m_src] & s.leader_present[:, t.pair_m_dst]
        pairs = sp.entries(both)  # few: only forums that meet this week
        formal = quality * sp.sum_by(pairs, None, t.pair_edge, t.e, s.r)
        # Informal contact between leaders of the same place, symmetric in the pair. Its
        # chance is at most informal_rate * max(1, system time): only pairs whose draw is
        # below that are looked at (ics_sim.state.sparse; bit for bit the whole-array rule).
        u = self.rng.random(t.e)
        bound = p.informal_rate * max(1.0, float(s.system_time.max(initial=0.0)))
        x = sp.entries(np.take(u < bound, t.pair_draw, axis=1) & t.same_place)
        st = s.system_time
        rate = p.informal_rate * np.sqrt(sp.node(st, x, t.src) * sp.node(st, x, t.dst))
        met_any = formal
        met_any.reshape(-1)[x.flat[sp.pair_draw(u, x, t) < rate]] += p.informal_quality
        if p.random_mixing:
            met_any = self.mixed(met_any)
        met_any = met_any + lv.extra_contact
        s.contact = np.where(s.active, met_any, 0.0)
        s.encounter = np.where(s.active, 0.0, met_any)
        # Familiarity grows where leaders met and decays elsewhere; contact is evidence.
        x = sp.entries(s.contact != 0)
        c = sp.at(s.contact, x)
        met = c > 0
        y = x.take(met)
        f = sp.at(s.familiarity, y)
        gain = p.familiarity_gain * (1.0 - f) * (1.0 - np.exp(-c[met]))
        familiarity = s.familiarity * (1.0 - p.familiarity_decay)
        familiarity.reshape(-1)[y.flat] = f + gain
        s.familiarity = familiarity
        reliability = s.orientation + (1.0 - s.orientation) * (1.0 - s.pressure)
        sp.add_at(s.good, x, p.contact_evidence * c * sp.node(reliability, x, t.dst))

    def mixed(self, contact: np.ndarray) -> np.ndarray:
        """Each pair's contact given to a random pair (the random-mixing null): a fresh
        permutation per replicate of the undirected candidate pairs, both directions alike."""
        t = self.topo
        first = t.pair_first
        order = np.argsort(self.rng.random(len(first)), axis=1)
        moved = np.take_along_axis(contact[:, first], order, axis=1)
        out = np.zeros_like(contact)
        out[:, first] = moved
        out[:, t.rev[first]] = moved
        return out
