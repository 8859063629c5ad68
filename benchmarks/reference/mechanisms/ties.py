"""Ties form and fade (``ics_sim.mechanisms.ties``).

At the end of the week, per pair of organisations (one draw each): a pair with no tie whose
leaders had an encounter forms a tie with probability ``1 - exp(-tie_formation * encounter)``;
each leader with two or more strong ties (trust both ways above ``introduction_trust``)
introduces the pair of them with the two largest draws, with probability
``introduction_rate``, which forms their tie if they have none; and an existing tie that was
not used this week (no contact, no joint work, no conflict), weak on both sides (familiarity
below ``tie_fade_familiarity``), ends with probability ``tie_fade_rate``.
"""

from __future__ import annotations

import math


def step(model, rng, week: int) -> None:
    p, G, orgs = model.p, model.G, model.orgs
    u_form, u_fade, u_pick = rng.randoms(3, G.number_of_edges())[:, 0, :].tolist()
    u_broker = rng.random(len(orgs))[0].tolist()
    formed = set()
    faded = set()
    for org in orgs:
        i = org.index
        for j, tie in org.ties():
            back = G[j][i]
            pair = tie["pair_eid"]
            if not tie["active"]:
                enc = 0.5 * (tie["encounter"] + back["encounter"])
                if enc > 0 and u_form[pair] < 1.0 - math.exp(-p.tie_formation * enc):
                    formed.add((i, j))
                continue
            used = tie["contact"] > 0 or back["contact"] > 0 or tie["joint"] or tie["conflict"]
            weak = max(tie["familiarity"], back["familiarity"]) < p.tie_fade_familiarity
            if not used and weak and u_fade[pair] < p.tie_fade_rate:
                faded.add((i, j))
    # Introductions: each broker's two strong ties with the largest draws.
    th = p.introduction_trust
    if p.introduction_rate > 0:
        for org in orgs:
            b = org.index
            strong = [
                (u_pick[tie["eid"]], j)
                for j, tie in org.ties()
                if tie["active"] and tie["trust"] >= th and G[j][b]["trust"] >= th
            ]
            if len(strong) < 2 or not u_broker[b] < p.introduction_rate:
                continue
            strong.sort()
            (_, k), (_, i) = strong[-2], strong[-1]
            if G.has_edge(i, k) and not G[i][k]["active"]:
                formed.update({(i, k), (k, i)})
    for i, j in faded:
        G[i][j]["active"] = False
    for i, j in formed:
        G[i][j]["active"] = True
