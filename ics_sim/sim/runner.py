"""Running replicates: many seeds of one scenario as one batched computation.

:func:`simulate` steps all replicates together (a leading array axis), which gives exactly
the numbers that running each seed alone gives, faster. It returns a tidy long table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..state.outcomes import OUTCOMES
from ..system.composition import Composition
from ..system.lookup import resolve_composition
from .engine import Engine, Intervention


def simulate(
    seeds: Sequence[int],
    weeks: int,
    *,
    ics: str | Composition | None = None,
    counts: Mapping[str, int] | None = None,
    mechanisms_off: Iterable[str] = (),
    interventions: Iterable[Intervention] = (),
    progress: Callable[[int], None] | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Outcomes of one replicate per seed: columns replicate, seed, week, then the outcomes."""
    if weeks < 0:
        raise ValueError("weeks must be >= 0")
    comp = resolve_composition(ics, counts)
    engine = Engine(comp, list(seeds), params, mechanisms_off, interventions)
    return _collect(engine, weeks, progress, 1)[0]


def run_scenario(
    scn,
    replicates: int | None = None,
    weeks: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = 32,
) -> pd.DataFrame:
    """Replicates of a :class:`ics_sim.scenario.Scenario`, batched ``batch`` at a time.

    Returns the tidy long table: scenario, replicate, seed, week, then every outcome.
    Replicate r uses seed ``seed + r``, so two scenarios run with the same seed and
    replicates share random numbers (common random numbers).
    """
    return run_scenario_tables(scn, replicates, weeks, seed, progress, batch, by_ics=False)[0]


def run_scenario_tables(
    scn,
    replicates: int | None = None,
    weeks: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = 32,
    by_ics: bool = True,
    snapshot: Callable[[Engine], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """As :func:`run_scenario`, with a second table of outcomes per ICS (columns scenario,
    replicate, seed, week, ics, then every outcome) when ``by_ics`` and the system has more
    than one ICS; otherwise None.

    ``snapshot(engine)`` is called with the engine of the first batch at week 0 and again at
    the last week, e.g. to draw replicate 0's network from its own state.
    """
    weeks = scn.weeks if weeks is None else weeks
    seeds = scn.seeds(replicates, seed)
    frames, ics_frames = [], []
    for lo in range(0, len(seeds), batch):
        chunk = seeds[lo : lo + batch]
        engine = scn.engine(chunk)
        per_ics = by_ics and engine.n_ics > 1
        if snapshot is not None and lo == 0:
            snapshot(engine)
        df, df_ics = _collect(engine, weeks, progress, len(chunk), per_ics)
        if snapshot is not None and lo == 0:
            snapshot(engine)
        for d in (df, df_ics):
            if d is not None:
                d["replicate"] += lo
        frames.append(df)
        ics_frames.append(df_ics)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "scenario", scn.name)
    if ics_frames[0] is None:
        return out, None
    out_ics = pd.concat(ics_frames, ignore_index=True)
    out_ics.insert(0, "scenario", scn.name)
    return out, out_ics


def _collect(
    engine: Engine, weeks: int, progress, n: int, by_ics: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    rows = [engine.outcomes()]
    rows_ics = [engine.outcomes_by_ics()] if by_ics else []
    for _ in range(weeks):
        engine.step()
        rows.append(engine.outcomes())
        if by_ics:
            rows_ics.append(engine.outcomes_by_ics())
        if progress is not None:
            progress(n)
    R, W, K = len(engine.seeds), weeks + 1, engine.n_ics
    w0 = engine.week - weeks  # the first week collected: 0, or where a saved state left off
    seeds = np.array(engine.seeds, dtype=np.int64)
    data: dict[str, np.ndarray] = {
        "replicate": np.repeat(np.arange(R), W),
        "seed": np.repeat(seeds, W),
        "week": np.tile(np.arange(w0, w0 + W), R),
    }
    for k in OUTCOMES:
        data[k] = np.stack([r[k] for r in rows], axis=1).ravel()
    if not by_ics:
        return pd.DataFrame(data), None
    # Per ICS: rows ordered replicate, week, ICS.
    names = np.asarray(engine.composition.ics_names, dtype=object)
    per: dict[str, np.ndarray] = {
        "replicate": np.repeat(np.arange(R), W * K),
        "seed": np.repeat(seeds, W * K),
        "week": np.tile(np.repeat(np.arange(w0, w0 + W), K), R),
        "ics": np.tile(names, R * W),
    }
    for k in OUTCOMES:
        per[k] = np.stack([r[k] for r in rows_ics], axis=1).ravel()  # (R, W, K)
    return pd.DataFrame(data), pd.DataFrame(per)
