"""History matching waves, then ABC-SMC, with every random draw made up front from the seed.

**History matching** (Vernon et al. 2010; Andrianakis et al. 2015). A candidate parameter set
is implausible for a target when ``I = |obs - E[sim]| / sqrt(var_obs + var_discrepancy +
var_ensemble)`` exceeds 3, where ``E[sim]`` and ``var_ensemble`` are the mean and variance of
the target over the candidate's replicates (the real system is one realisation, so the whole
stochastic spread counts, not the error of the mean). A range target's gap is the distance to
the range. A candidate is kept when its largest ``I`` is at most the cut-off. Each wave samples
the prior truncated to the current region, and the next region is the box bounding the kept
candidates (padded by 10% of its width), so waves shrink the space. The model is cheap
enough to be run at every candidate, so no emulator stands in for it.

**ABC-SMC** (Toni et al. 2009; Beaumont et al. 2009): a population-Monte-Carlo sampler with a
fixed budget per generation. Generation 0 samples the history-matched region; each later one
resamples the previous population by weight, perturbs with a normal kernel of twice the
weighted covariance (in the unit cube of prior quantiles, where the truncated prior is
uniform) and keeps the ``population`` candidates nearest the observations; weights are
prior / sum_j w_j K(theta | theta_j). The distance compares the observation with what the
survey would have reported from one run (noisy ABC: the run's value plus sampling error and
model discrepancy), so the posterior targets the same observation model the likelihoods of
:mod:`ics_sim.calibration.targets` state. Because the budget is fixed and every candidate and its
seeds are drawn in this process before any simulation, the result is the same bit for bit
whatever the number of workers, and a generation saved to disk resumes exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .priors import PriorsFile
from .simulate import Reading, Task
from .targets import Target

CUTOFF = 3.0
PAD = 0.10
SEED_HI = 2**31 - 1


def implausibility(
    targets: Sequence[Target], mean: np.ndarray, var_ensemble: np.ndarray
) -> np.ndarray:
    """(m, T) implausibility of m candidates for T targets."""
    mean = np.atleast_2d(mean)
    var_ensemble = np.atleast_2d(var_ensemble)
    out = np.empty_like(mean, dtype=float)
    for j, t in enumerate(targets):
        gap = np.array([t.gap(x) for x in mean[:, j]])
        var = t.var_obs() + t.discrepancy**2 + var_ensemble[:, j]
        safe = np.sqrt(np.where(var > 0, var, 1.0))
        out[:, j] = np.where(var > 0, gap / safe, np.where(gap > 0, np.inf, 0.0))
    return out


def distance(targets: Sequence[Target], mean: np.ndarray) -> np.ndarray:
    """ABC distance: root sum of squared standardised gaps (observation and discrepancy)."""
    mean = np.atleast_2d(mean)
    d = np.zeros(mean.shape[0])
    for j, t in enumerate(targets):
        scale = max(t.var_obs() + t.discrepancy**2, 1e-12)
        gap = np.array([t.gap(x) for x in mean[:, j]])
        d += gap**2 / scale
    return np.sqrt(d)


def noisy(targets: Sequence[Target], sim: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Noisy ABC (Wilkinson 2013): what the survey would have reported had the world been
    this run: one run's value plus the observation's sampling error (at the simulated share)
    and the model discrepancy, from the standard normal draws ``z``."""
    out = np.empty_like(sim, dtype=float)
    for j, t in enumerate(targets):
        x = sim[:, j]
        var = np.array([t.var_obs(float(np.clip(v, 0.0, 1.0))) for v in x]) + t.discrepancy**2
        out[:, j] = x + np.sqrt(var) * z[:, j]
    return out


@dataclass
class Budget:
    simulations: int = 400
    replicates: int = 4
    weeks: int = 0
    waves: int = 2
    generations: int = 3
    population: int = 0  # 0: a quarter of each stage's candidates

    @property
    def stages(self) -> int:
        return self.waves + self.generations

    @property
    def per_stage(self) -> int:
        return max(self.simulations // max(self.stages, 1), 2)

    @property
    def kept(self) -> int:
        return self.population or max(self.per_stage // 4, 2)


@dataclass
class Stage:
    """One wave or generation: its candidates (unit cube and values), seeds and results."""

    kind: str  # "wave" or "generation"
    number: int
    u: np.ndarray  # (m, d)
    seeds: np.ndarray  # (m, R)
    y: np.ndarray  # (m, R, T)
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"u": self.u, "seeds": self.seeds, "y": self.y, **self.extra}


Evaluate = Callable[[list[Task]], list[np.ndarray]]


@dataclass
class Problem:
    targets: list[Target]
    priors: PriorsFile
    budget: Budget
    seed: int

    @property
    def readings(self) -> tuple[Reading, ...]:
        return tuple(Reading(t.outcome, t.system, *t.weeks) for t in self.targets)

    def tasks(self, u: np.ndarray, seeds: np.ndarray) -> list[Task]:
        values = self.priors.values(u)
        out = []
        for i in range(len(u)):
            s = self.priors.settings(values[i])
            out.append(
                Task(
                    i,
                    tuple(sorted(s.items())),
                    tuple(int(x) for x in seeds[i]),
                    self.budget.weeks,
                    self.readings,
                )
            )
        return out


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), *stream])


def wave_region(stage: Stage, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The next wave's box: bounds of the kept candidates, padded, within the current box."""
    keep = stage.extra["kept"].astype(bool)
    if not keep.any():  # nothing plausible: carry the best tenth on, flagged in the summary
        order = np.argsort(stage.extra["imax"], kind="stable")
        keep = np.zeros(len(order), bool)
        keep[order[: max(len(order) // 10, 1)]] = True
    u = stage.u[keep]
    a, b = u.min(axis=0), u.max(axis=0)
    pad = PAD * np.maximum(b - a, 1e-3)
    return np.maximum(lo, a - pad), np.minimum(hi, b + pad)


def run_wave(p: Problem, number: int, lo: np.ndarray, hi: np.ndarray, evaluate: Evaluate) -> Stage:
    rng = _rng(p.seed, 1, number)
    m, d, R = p.budget.per_stage, len(p.priors.parameters), p.budget.replicates
    u = lo + rng.random((m, d)) * (hi - lo)
    seeds = rng.integers(1, SEED_HI, size=(m, R))
    y = np.stack(evaluate(p.tasks(u, seeds)))
    var = y.var(axis=1, ddof=1) if R > 1 else np.zeros((m, y.shape[2]))
    imp = implausibility(p.targets, y.mean(axis=1), var)
    imax = imp.max(axis=1)
    return Stage("wave", number, u, seeds, y, {"imp": imp, "imax": imax, "kept": imax <= CUTOFF})


def _kernel_cov(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    mu = w @ u
    c = ((u - mu).T * w) @ (u - mu)
    return 2.0 * np.atleast_2d(c) + 1e-10 * np.eye(u.shape[1])


def run_generation(
    p: Problem,
    number: int,
    lo: np.ndarray,
    hi: np.ndarray,
    previous: Stage | None,
    evaluate: Evaluate,
) -> Stage:
    rng = _rng(p.seed, 2, number)
    m, d, R = p.budget.per_stage, len(p.priors.parameters), p.budget.replicates
    if previous is None:
        u = lo + rng.random((m, d)) * (hi - lo)
    else:
        pu, pw = previous.extra["pu"], previous.extra["pw"]
        chol = np.linalg.cholesky(_kernel_cov(pu, pw))
        u = np.empty((m, d))
        filled = 0
        for _ in range(1000):  # rejection of proposals outside the box (the prior's support)
            pick = rng.choice(len(pu), size=m, p=pw)
            prop = pu[pick] + rng.standard_normal((m, d)) @ chol.T
            ok = np.all((prop >= lo) & (prop <= hi), axis=1)
            take = prop[ok][: m - filled]
            u[filled : filled + len(take)] = take
            filled += len(take)
            if filled == m:
                break
        else:
            u[filled:] = lo + rng.random((m - filled, d)) * (hi - lo)
    seeds = rng.integers(1, SEED_HI, size=(m, R))
    z = rng.standard_normal((m, len(p.targets)))
    y = np.stack(evaluate(p.tasks(u, seeds)))
    dist = distance(p.targets, noisy(p.targets, y[:, 0, :], z))
    n = min(p.budget.kept, m)
    order = np.argsort(dist, kind="stable")[:n]
    pu = u[order]
    if previous is None:
        w = np.ones(n)
    else:
        cov = _kernel_cov(previous.extra["pu"], previous.extra["pw"])
        inv = np.linalg.inv(cov)
        diff = pu[:, None, :] - previous.extra["pu"][None, :, :]
        k = np.exp(-0.5 * np.einsum("ijk,kl,ijl->ij", diff, inv, diff))
        w = 1.0 / np.maximum(k @ previous.extra["pw"], 1e-300)
    w = w / w.sum()
    return Stage(
        "generation",
        number,
        u,
        seeds,
        y,
        {"dist": dist, "order": order, "pu": pu, "pw": w, "eps": np.array([dist[order[-1]]])},
    )


def config(p: Problem, targets_hash: str) -> dict[str, Any]:
    """What a calibration depends on; a resumed one must match it exactly."""
    b = p.budget
    return json.loads(
        json.dumps(
            {
                "targets_hash": targets_hash,
                "priors": p.priors.describe(),
                "fixed": p.priors.fixed,
                "seed": p.seed,
                "budget": {
                    "simulations": b.simulations,
                    "replicates": b.replicates,
                    "weeks": b.weeks,
                    "waves": b.waves,
                    "generations": b.generations,
                    "population": b.kept,
                    "per_stage": b.per_stage,
                },
                "method": {
                    "history_matching": {"cutoff": CUTOFF, "pad": PAD},
                    "abc": "ABC-SMC (population Monte Carlo, fixed budget per generation)",
                },
            }
        )
    )


def calibrate(
    p: Problem,
    evaluate: Evaluate,
    load: Callable[[str, int], Stage | None] = lambda kind, n: None,
    save: Callable[[Stage], None] = lambda s: None,
) -> tuple[list[Stage], list[Stage], tuple[np.ndarray, np.ndarray]]:
    """Run (or resume, via ``load``) every wave then every generation; ``save`` each stage.
    Returns the waves, the generations and the history-matched region (unit-cube box)."""
    d = len(p.priors.parameters)
    lo, hi = np.zeros(d), np.ones(d)
    waves: list[Stage] = []
    for w in range(p.budget.waves):
        st = load("wave", w)
        if st is None:
            st = run_wave(p, w, lo, hi, evaluate)
            save(st)
        waves.append(st)
        lo, hi = wave_region(st, lo, hi)
    gens: list[Stage] = []
    prev = None
    for g in range(p.budget.generations):
        st = load("generation", g)
        if st is None:
            st = run_generation(p, g, lo, hi, prev, evaluate)
            save(st)
        gens.append(st)
        prev = st
    return waves, gens, (lo, hi)
