"""Starting the model from a partnership's own survey: set the state a system file measured.

A composition from a system file (:mod:`ics_sim.scenarios.system_file`) carries its surveyed
(and imputed) ties and known traits as plain arrays (:mod:`ics_sim.system.observed`).
:func:`apply_observed` writes them over the kind-based draws of
:func:`ics_sim.state.variables.initialise`, identically in every replicate; the draws are
made first and unchanged, so every random stream stays where it would be. A composition
without them is left exactly as drawn (the model's trajectories do not change).

The mapping of survey items onto state (docs/own-partnership.md):

- ``trust`` -> the tie's trust (and its initial trust ``trust_base``), kept within the
  model's initial bounds :data:`~ics_sim.state.variables.INITIAL_TRUST_BOUNDS`;
- ``familiarity`` -> familiarity; ``legacy`` -> legacy of mistrust (times ``legacy_scale``,
  so the no-legacy null model still removes it);
- ``value`` -> the pair's potential collaborative advantage, the mean of what each side said
  (the model holds advantage per pair: both directions share it);
- ``contact`` -> whether the tie exists at the start: a pair is tied when either side reports
  any contact and untied when both (or the only one who answered) report none; pairs with no
  contact answer keep the forum-and-place network.
"""

from __future__ import annotations

import numpy as np

from ..core.errors import ICSSimError
from ..core.params import Params
from ..system.composition import Composition
from ..system.network import Topology


def apply_observed(s, comp: Composition, topo: Topology, p: Params, traits: bool = True) -> None:
    """Overwrite the state ``s`` (a :class:`~ics_sim.state.variables.State`) with what
    ``comp`` observed; a no-op when it observed nothing.

    Called at initialisation (ties and traits) and again just after the warm-up (ties only,
    ``traits=False``): the survey describes the ties at week 0, while the warm-up lets the
    rest of the state (safety, influence, aims) settle around them first.
    """
    if traits and comp.trait_overrides is not None:
        _apply_traits(s, comp.trait_overrides.values)
    if comp.observed_ties is not None and len(comp.observed_ties):
        _apply_ties(s, comp, topo, p)


def _apply_traits(s, values: dict[str, np.ndarray]) -> None:
    attrs = {
        "power": ("power", "base_power", "influence"),
        "resources": ("resources", "base_resources"),
        "pressure": ("pressure", "base_pressure"),
        "capacity": ("capacity",),
        "orientation": ("orientation",),
        "trust_propensity": ("trust_propensity",),
        "sharing": ("sharing_trait", "sharing"),
    }
    for trait, v in values.items():
        v = np.asarray(v, dtype=float)
        given = ~np.isnan(v)
        if not given.any():
            continue
        for name in attrs[trait]:
            arr = getattr(s, name)
            arr[:, given] = v[given]
    s.system_time = s.capacity * (1.0 - 0.5 * s.pressure)


def _apply_ties(s, comp: Composition, topo: Topology, p: Params) -> None:
    from .variables import INITIAL_TRUST_BOUNDS

    obs = comp.observed_ties
    e = topo.edge_index(obs.src, obs.dst)
    if np.any(e < 0):
        k = int(np.flatnonzero(e < 0)[0])
        a, b = comp.org_names[int(obs.src[k])], comp.org_names[int(obs.dst[k])]
        raise ICSSimError(
            f"surveyed tie {a!r} -> {b!r} is not a possible tie of this system (its two "
            "organisations are in different ICSs and share no forum)"
        )

    def put(name: str, values: np.ndarray, lo: float, hi: float, scale: float = 1.0) -> None:
        given = ~np.isnan(values)
        if given.any():
            getattr(s, name)[:, e[given]] = scale * np.clip(values[given], lo, hi)

    v = obs.values
    if "trust" in v:
        trust = np.asarray(v["trust"], dtype=float)
        put("trust", trust, *INITIAL_TRUST_BOUNDS)
        put("trust_base", trust, *INITIAL_TRUST_BOUNDS)
        s.trust_personal = np.minimum(s.trust_personal, s.trust)
        s.brokered = s.trust.copy()
    if "familiarity" in v:
        put("familiarity", np.asarray(v["familiarity"], dtype=float), 0.0, 1.0)
    if "legacy" in v:
        put("legacy", np.asarray(v["legacy"], dtype=float), 0.0, 1.0, p.legacy_scale)
    if "value" in v:
        pair = np.full(topo.e, np.nan)
        val = np.asarray(v["value"], dtype=float)
        total, count = np.zeros(topo.e), np.zeros(topo.e)
        given = ~np.isnan(val)
        np.add.at(total, e[given], np.clip(val[given], 0.0, 1.0))
        np.add.at(count, e[given], 1.0)
        total, count = total + total[topo.rev], count + count[topo.rev]
        has = count > 0
        pair[has] = total[has] / count[has]
        s.advantage[:, has] = pair[has]
    if "contact" in v:
        c = np.asarray(v["contact"], dtype=float)
        any_contact = np.zeros(topo.e, bool)
        answered = np.zeros(topo.e, bool)
        given = ~np.isnan(c)
        answered[e[given]] = True
        any_contact[e[given & (c > 0)]] = True
        any_contact |= any_contact[topo.rev]
        answered |= answered[topo.rev]
        s.active[:, answered] = any_contact[answered]
