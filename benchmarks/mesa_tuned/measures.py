"""The package's outcomes (``ics_sim.outcomes.OUTCOMES``), computed once a week for the
DataCollector (definitions: docs/ODD.md, section 7.14)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ics_sim.outcomes import OUTCOMES, PRACTICES
from ics_sim.state.people import PEOPLE_SPREAD, THRESHOLD
from ics_sim.system.kinds import PEOPLE, Kind

from .agents import clip
from .rules import LATENT

if TYPE_CHECKING:
    from .model import TunedModel

CUT = math.log(THRESHOLD / (1.0 - THRESHOLD))
SPREAD = float(PEOPLE_SPREAD.default)
LEADERS = [float(PEOPLE[k]) for k in Kind]


def share_below(orgs, name: str) -> float:
    """Share of all senior leaders whose ``name`` is below the survey threshold: each
    organisation's leaders scatter around its value by ``PEOPLE_SPREAD`` on the logit scale."""
    below = people = 0.0
    for org in orgs:
        x = clip(getattr(org, name), 1e-12, 1.0 - 1e-12)
        z = (CUT - math.log(x / (1.0 - x))) / SPREAD
        n = LEADERS[org.kind]
        below += n * 0.5 * math.erfc(-z / math.sqrt(2.0))
        people += n
    return below / people


def gini(values: list[float]) -> float:
    x = sorted(values)
    n, total = len(x), sum(x)
    if total <= 0:
        return 0.0
    return 2.0 * sum([v * (r + 1) for r, v in enumerate(x)]) / (n * total) - (n + 1) / n


def measure(model: TunedModel) -> dict[str, float]:
    orgs, t = model.orgs, model.tally
    n = len(orgs)
    trust = cross = rel = 0.0
    n_ties = n_cross = festering = 0
    sqrt = math.sqrt
    for pair in model.active:
        for tie in (pair.ab, pair.ba):
            trust += tie.trust
            rel += sqrt(tie.trust * tie.familiarity)
            if tie.cross_sector:
                cross += tie.trust
                n_cross += 1
        n_ties += 2
        festering += pair.conflict == LATENT
    align = 0.0
    for members in model.by_ics:
        dims = range(len(members[0].aims))
        centre = [sum([o.aims[d] for o in members]) / len(members) for d in dims]
        for o in members:
            gap = sum([abs(x - c) for x, c in zip(o.aims, centre, strict=True)]) / len(centre)
            align += clip(1.0 - 2.0 * gap, 0.0, 1.0)
    out = {
        "safety": sum([o.safety for o in orgs]) / n,
        "relationships": rel / max(model.n_initial_ties, 1),
        "shared_purpose": align / n,
        "power_sharing": sum([o.perceived_sharing for o in orgs]) / n,
        "conflict_health": t["conflict_health"],
        "shared_decisions": t["shared_decisions"],
    }
    out["collaboration_index"] = sum([out[k] for k in PRACTICES]) / len(PRACTICES)
    out.update(
        mean_trust=trust / n_ties if n_ties else 0.0,
        cross_sector_trust=cross / n_cross if n_cross else 0.0,
        unsafe_share=share_below(orgs, "safety"),
        power_not_shared_share=share_below(orgs, "perceived_sharing"),
        power_gini=gini([o.power for o in orgs]),
        decisions_made=t["decisions_made"],
        decision_latency=t["decision_latency"],
        decision_acceptability=t["decision_acceptability"],
        decision_equity=t["decision_equity"],
        conflicts_festering=float(festering),
        system_time=sum([o.system_time for o in orgs]) / n,
        joint_value=t["joint_value"],
        transaction_cost=sum([o.tc_burden for o in orgs]) / n,
        collaborative_orientation=sum([o.orientation for o in orgs]) / n,
        tie_density=len(model.active) / len(model.pairs) if model.pairs else 0.0,
    )
    return {k: out[k] for k in OUTCOMES}
