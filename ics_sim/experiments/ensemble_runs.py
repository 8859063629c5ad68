"""Running a scenario over the parameter sets of an ensemble.

Each drawn set becomes its own scenario: the base scenario with the set's values under
``parameters:``; a parameter the scenario sets itself keeps the scenario's value (a scenario
that deliberately raises pressure must not be undone by an ensemble), and
:func:`overridden` names those so commands can say so. Replicate r of the set at position j
of the draw runs with seed ``seed + j * replicates + r``
(:func:`ics_sim.scenarios.ensemble.set_seed`): every scenario of a comparison shares those
seeds (common random numbers within a set), and sets do not share them (chance independent
between sets).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..scenarios.ensemble import Draw, Ensemble, read_ensemble, set_seed
from ..scenarios.schema import Scenario, from_dict
from .spec import scenario_data


def with_parameters(scn: Scenario, values: dict[str, float | int]) -> Scenario:
    """``scn`` with ``values`` under its parameters (its own settings win)."""
    data = scenario_data(scn)
    data["parameters"] = {**values, **data["parameters"]}
    out = from_dict(data, source=str(scn.source) if scn.source else None)
    out._source = scn.source
    return out


def overridden(scn: Scenario, ens: Ensemble) -> list[str]:
    """Ensemble parameters the scenario sets itself (the scenario's value is used)."""
    return [p for p in ens.parameters if p in scn.parameters]


def scenario_ensemble(
    scns: list[Scenario], given: Path | None
) -> tuple[Ensemble | None, Path | None]:
    """The ensemble to use: ``given`` (``--ensemble``), else the scenarios' ``ensemble:``
    field (they must agree), else none. Read and validated here, before any work."""
    from ..core.errors import ICSSimError

    if given is not None:
        return read_ensemble(given), Path(given)
    named = {Path(s.ensemble).resolve(): s for s in scns if s.ensemble}
    if not named:
        return None, None
    if len(named) > 1:
        raise ICSSimError(
            "the scenarios name different ensembles ("
            + ", ".join(f"{s.source}: {s.ensemble}" for s in named.values())
            + "); give one with --ensemble"
        )
    scn = next(iter(named.values()))
    return read_ensemble(scn.ensemble), Path(scn.ensemble)


def run_ensemble(
    scn: Scenario,
    ens: Ensemble,
    drawn: Draw,
    replicates: int,
    weeks: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    snapshot: Callable | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Outcomes of every drawn set: the tidy table of :func:`run_scenario_tables` with a
    ``set`` column after ``scenario`` (and the per-ICS table likewise, or None)."""
    from ..sim.runner import run_scenario_tables

    frames, ics_frames = [], []
    for j, s in enumerate(drawn.sets):
        one = with_parameters(scn, ens.values(s))
        df, df_ics = run_scenario_tables(
            one,
            replicates=replicates,
            weeks=weeks,
            seed=set_seed(seed, j, replicates, 0),
            progress=progress,
            snapshot=snapshot if j == 0 else None,
        )
        for d, into in ((df, frames), (df_ics, ics_frames)):
            if d is not None:
                d.insert(1, "set", s)
                into.append(d)
    out = pd.concat(frames, ignore_index=True)
    out_ics = pd.concat(ics_frames, ignore_index=True) if ics_frames else None
    return out, out_ics
