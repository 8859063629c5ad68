"""Asymmetric trust and brokerage (``ics_sim.mechanisms.trust``).

The week's good experiences and breaches update trust all at once, gains then losses: slow to
build (more slowly without familiarity or with a legacy of mistrust), fast to lose. The share
``personal_trust_share * familiarity`` of each gain is personal (it leaves with a leader); a
breach takes the same proportion of the personal part as of trust. Where i's
trust in j is below ``broker_threshold``, i may work through its most trusted partner b:
``brokered_ij = max(trust_ij, broker_weight * trust_ib * trust_bj)``.
"""

from __future__ import annotations

from ..maths import clip


def step(model, rng, week: int) -> None:
    p, G = model.p, model.G
    for _, _, tie in G.edges(data=True):
        gain = (
            p.trust_gain
            * (1.0 - p.familiarity_weight * (1.0 - tie["familiarity"]))
            * (1.0 - p.legacy_drag * tie["legacy"])
        )
        before = tie["trust"]
        t = before + (1.0 - before) * (1.0 - (1.0 - gain) ** tie["good"])
        kept = (1.0 - p.trust_loss) ** tie["bad"]
        personal = tie["trust_personal"] + p.personal_trust_share * tie["familiarity"] * (
            t - before
        )
        tie["trust_personal"] = personal * kept
        tie["trust"] = clip(t * kept, 0.0, 1.0)
    for org in model.orgs:
        ties = [(j, tie) for j, tie in org.ties() if tie["active"]]  # brokers: existing ties
        # i's broker: its most trusted partner (the last of equals, in edge order).
        broker = None
        if ties:
            best = max(tie["trust"] for _, tie in ties)
            broker = [j for j, tie in ties if tie["trust"] == best][-1]
        for j, tie in org.ties():
            tie["brokered"] = tie["trust"]
            if (
                tie["active"]
                and tie["trust"] < p.broker_threshold
                and broker is not None
                and broker != j
                and G.has_edge(broker, j)
                and G[broker][j]["active"]
            ):
                chain = p.broker_weight * G[org.index][broker]["trust"] * G[broker][j]["trust"]
                tie["brokered"] = max(tie["trust"], chain)
