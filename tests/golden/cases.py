"""The golden cases: scenario files, ICSs, seeds and switches whose outcomes must never move.

Each case gives a dict of arrays (every outcome, weeks x replicates), keyed ``case/outcome``.
The cases cover single and batched runs, interventions, shocks, a real ICS, mechanisms
switched off, parameter overrides and the per-ICS outcomes of a two-ICS system.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("trajectories.npz")
WEEKS = 78


def _scenario(name: str, replicates: int, seed: int = 1) -> Callable[[], dict[str, np.ndarray]]:
    def run() -> dict[str, np.ndarray]:
        from ics_sim.scenario import load

        scn = load(ROOT / "scenarios" / f"{name}.yaml")
        return scn.engine(scn.seeds(replicates, seed)).run(WEEKS)

    return run


def _engine(seeds: list[int], weeks: int = WEEKS, **kw) -> Callable[[], dict[str, np.ndarray]]:
    def run() -> dict[str, np.ndarray]:
        from ics_sim import simulate
        from ics_sim.outcomes import OUTCOMES

        df = simulate(seeds, weeks, **kw)
        w = weeks + 1
        return {k: df[k].to_numpy().reshape(len(seeds), w).T.copy() for k in OUTCOMES}

    return run


def _two_ics() -> dict[str, np.ndarray]:
    from ics_sim.engine import Engine
    from ics_sim.synthetic import system

    engine = Engine(system(80), [3, 4])
    rows = [engine.outcomes_by_ics()]
    for _ in range(26):
        engine.step()
        rows.append(engine.outcomes_by_ics())
    return {k: np.stack([r[k] for r in rows]) for k in rows[0]}


def _mesa() -> dict[str, np.ndarray]:
    from ics_sim import ICSModel

    df = ICSModel(rng=3).run(26)
    return {k: df[k].to_numpy() for k in df.columns if k != "week"}


CASES: dict[str, Callable[[], dict[str, np.ndarray]]] = {
    "baseline": _scenario("baseline", 3),
    "big_breakfast": _scenario("big_breakfast", 2),
    "full_programme": _scenario("full_programme", 2, seed=11),
    "financial_squeeze": _scenario("financial_squeeze", 2),
    "collaborate_selectively": _scenario("collaborate_selectively", 1, seed=5),
    "leadership_churn": _scenario("leadership_churn", 1, seed=2),
    "qox": _engine([5], ics="QOX"),
    "batched": _engine([7, 8, 9, 10]),
    "single": _engine([8]),
    "no_learning_fast_trust": _engine([2], 52, mechanisms_off=["learning"], trust_gain=0.08),
    "two_ics_by_ics": _two_ics,
    "mesa_model": _mesa,
}


def compute_all() -> dict[str, np.ndarray]:
    """Every case's outcome arrays, keyed ``case/outcome``."""
    out: dict[str, np.ndarray] = {}
    for case, run in CASES.items():
        for k, v in run().items():
            out[f"{case}/{k}"] = np.asarray(v)
    return out


#: Key of the golden file that records the SIMD level it was made on (not a case).
PLATFORM_KEY = "__platform__"


def simd_level() -> str:
    """The highest SIMD level numpy dispatches its vectorised loops to on this CPU (for
    example ``X86_V3``: AVX2, or ``X86_V4``: AVX-512). numpy's vectorised ``exp``, ``log``
    and ``**`` round the last bit differently at different levels, so trajectories are
    bit for bit the same only on CPUs of one level (seen: 3.7e-15 between AVX-512 and AVX2)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # pragma: no cover - numpy moved its private names
        return "unknown"
    have = [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]
    return have[-1] if have else "baseline"


def save(arrays: dict[str, np.ndarray]) -> None:
    np.savez_compressed(GOLDEN, **arrays, **{PLATFORM_KEY: np.array(simd_level())})


def load() -> dict[str, np.ndarray]:
    """The golden arrays, keyed ``case/outcome``, without the platform record."""
    with np.load(GOLDEN) as f:
        return {k: f[k] for k in f.files if k != PLATFORM_KEY}


def platform() -> str:
    """The SIMD level the golden file was made on (``unknown`` for a file from before it
    was recorded)."""
    with np.load(GOLDEN) as f:
        return str(f[PLATFORM_KEY]) if PLATFORM_KEY in f.files else "unknown"
