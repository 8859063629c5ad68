"""The starting state, drawn from the model's numpy Generator (set-up only; docs/ODD.md 2-3).

Traits are each kind's mean times ``1 + trait_noise * N(0, 1)``; tenure is uniform on
[0, 2 x the kind's mean]; aims scatter around the kind's; each tie's legacy of mistrust is the
kinds' mean plus noise, its trust the truster's propensity discounted by legacy, plus noise;
familiarity only on the ties that exist; a pair's collaborative advantage is the smaller of two
uniforms times its reach (more across kinds and sectors). The kind tables are the package's
data (``ics_sim.system.kinds``); the draws are this model's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ics_sim.state.variables import INITIAL_TRUST_BOUNDS, KIND_AIMS
from ics_sim.system.kinds import legacy_matrix, trait_table

if TYPE_CHECKING:
    from types import SimpleNamespace

    from .agents import Organisation
    from .network import Pair


def initialise(
    rng: np.random.Generator, p: SimpleNamespace, orgs: list[Organisation], pairs: list[Pair]
) -> None:
    kinds = np.array([org.kind for org in orgs])
    t = trait_table()
    n = len(orgs)

    def trait(name: str, lo: float = 0.0, hi: float = 1.0) -> list[float]:
        x = np.clip(t[name][kinds] * (1.0 + p.trait_noise * rng.standard_normal(n)), lo, hi)
        return x.tolist()

    power, resources = trait("power", 0.01, 1.0), trait("resources", 0.001, 10.0)
    pressure, capacity = trait("pressure"), trait("capacity")
    orientation, propensity, sharing = (
        trait("orientation"),
        trait("trust_propensity"),
        trait("sharing"),
    )
    tenure = (rng.random(n) * 2.0 * t["tenure_years"][kinds] * 52.0).tolist()
    aims = np.clip(
        KIND_AIMS[kinds] + p.aim_noise * rng.standard_normal(KIND_AIMS[kinds].shape), 0, 1
    )
    for i, org in enumerate(orgs):
        org.base_power = org.power = org.influence = power[i]
        org.base_resources = org.resources = resources[i]
        org.base_pressure = org.pressure = pressure[i]
        org.capacity = capacity[i]
        org.system_time = capacity[i] * (1.0 - 0.5 * pressure[i])
        org.orientation = orientation[i]
        org.sharing_trait = org.sharing = sharing[i]
        org.tenure = tenure[i]
        org.aims = aims[i].tolist()
        org.interests = aims[i].tolist()
        org.safety = org.perceived_sharing = org.carried = 0.5
        org.propensity = propensity[i]
    legacy_mean = legacy_matrix()
    lo, hi = INITIAL_TRUST_BOUNDS
    z = rng.standard_normal((len(pairs), 2, 3)).tolist()
    u = rng.random((len(pairs), 2)).tolist()
    for pair, zs, us in zip(pairs, z, u, strict=True):
        for tie, (z_legacy, z_trust, z_fam) in zip((pair.ab, pair.ba), zs, strict=True):
            a, b = tie.owner, tie.other
            legacy = min(max(legacy_mean[a.kind, b.kind] + p.legacy_noise * z_legacy, 0.0), 1.0)
            tie.legacy = legacy
            trust = a.propensity * (1.0 - p.legacy_trust_weight * legacy) + p.trust_noise * z_trust
            tie.trust = tie.brokered = min(max(trust, lo), hi)
            if pair.initial:
                fam = p.initial_familiarity * (1.0 + p.familiarity_noise * z_fam)
                tie.familiarity = min(max(fam, 0.0), 1.0)
        a, b = pair.a, pair.b
        reach = (
            p.advantage_base
            + p.cross_kind_advantage * (a.kind != b.kind)
            + p.cross_sector_advantage * (a.sector != b.sector)
        )
        pair.advantage = min(max(min(us) * reach, 0.0), 1.0)
