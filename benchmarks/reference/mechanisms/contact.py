"""Contact builds familiarity and trust (``ics_sim.mechanisms.contact``).

Forums meet on their schedules; someone from each member organisation attends, the leader in
person more often when it has system time. Leaders present together gain formal contact, leaders
of the same place meet informally; contact raises familiarity (which otherwise decays) and gives
good experiences of a partner in proportion to its reliability. All of this only along ties
that exist; contact on a candidate pair with no tie is an encounter (which may form a tie).
"""

from __future__ import annotations

import math
from collections import Counter

from ..maths import clip


def step(model, rng, week: int) -> None:
    p, G, orgs = model.p, model.G, model.orgs
    u_present, u_leader = rng.randoms(2, model.n_seats)[:, 0, :].tolist()
    # Who attends each forum meeting, and whether the leader goes in person.
    together = Counter()  # (i, j) -> forums where the leaders of i and j sat together
    for forum in model.forums:
        forum.meets = forum.meets_in(week)
        for seat in forum.seats:
            st = seat.org.system_time
            p_leader = clip(p.leader_attendance + (1 - p.leader_attendance) * st, 0.0, 1.0)
            seat.present = forum.meets and u_present[seat.m] < p.attendance
            seat.leader_present = seat.present and u_leader[seat.m] < p_leader
        leaders = [seat.org.index for seat in forum.seats if seat.leader_present]
        for a in leaders:
            for b in leaders:
                if a != b:
                    together[a, b] += 1
    quality = p.formal_quality * (1.0 - p.virtual_share * (1.0 - p.virtual_factor))
    u = rng.random(G.number_of_edges())[0].tolist()
    for org in orgs:
        i = org.index
        for j, tie in org.ties():
            partner = orgs[j]
            formal = quality * together[i, j]
            informal = 0.0
            if tie["same_place"]:
                rate = p.informal_rate * math.sqrt(org.system_time * partner.system_time)
                if u[tie["pair_eid"]] < rate:
                    informal = p.informal_quality
            met = formal + informal
            tie["contact"] = met if tie["active"] else 0.0
            tie["encounter"] = 0.0 if tie["active"] else met
            if tie["contact"] > 0:
                tie["familiarity"] += (
                    p.familiarity_gain
                    * (1.0 - tie["familiarity"])
                    * (1.0 - math.exp(-tie["contact"]))
                )
            else:
                tie["familiarity"] *= 1.0 - p.familiarity_decay
            # A pressured, self-interested partner does not do what it said it would.
            o = partner.orientation
            reliability = o + (1.0 - o) * (1.0 - partner.pressure)
            tie["good"] += p.contact_evidence * tie["contact"] * reliability
