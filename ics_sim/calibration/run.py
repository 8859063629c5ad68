"""``ics-sim calibrate``: history matching, ABC-SMC, and the files a researcher reads.

Writes to the output folder, each file atomically: ``ensemble.parquet`` (one row per accepted
parameter set: ``set``, ``weight`` summing to 1, then one column per parameter named as in a
scenario's ``parameters:``; Parquet metadata ``ics_sim`` holds the targets file's hash, the
priors, the method, the seed and the version), ``identifiability.csv``/``.md``,
``predictive.csv`` (posterior predictive checks), ``history_matching.csv``, optionally
``sbc.csv``/``sbc_summary.csv``, and ``calibration.json`` last. Each wave and generation is
saved under ``state/`` as it completes, so ``--resume`` continues where a run stopped and
gives the same files as an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..core.errors import ICSSimError
from ..experiments import store
from .method import CUTOFF, Budget, Problem, Stage, _rng, calibrate, config, implausibility
from .priors import PriorsFile, load_priors
from .simulate import Task, run_task
from .targets import Target, file_hash, load_targets

#: posterior sd / prior sd at or below which a parameter counts as pinned by the targets
PINNED_RATIO = 0.5
#: fewest effective accepted sets (1 / sum of squared weights) for a verdict at all
MIN_ESS = 10.0


@dataclass
class Result:
    out: Path
    ensemble: pd.DataFrame
    identifiability: pd.DataFrame
    predictive: pd.DataFrame
    predictive_draws: pd.DataFrame
    prior_draws: pd.DataFrame
    history: pd.DataFrame
    sbc: pd.DataFrame | None
    manifest: dict[str, Any]


@contextlib.contextmanager
def evaluator(
    workers: int | None, advance: Callable[[int], None] | None = None
) -> Iterator[Callable[[list[Task]], list[np.ndarray]]]:
    """Evaluate tasks on one process pool for the whole calibration (in this process with
    workers=0); results come back in index order, whichever worker ran them."""
    from ..experiments.sweep import _executor

    with _executor(workers, None) as pool:

        def evaluate(tasks: list[Task]) -> list[np.ndarray]:
            results: list[np.ndarray | None] = [None] * len(tasks)
            futures = [pool.executor.submit(run_task, t) for t in tasks]
            for f in futures:
                i, y = f.result()
                results[i] = y
                if advance is not None:
                    advance(1)
            return results  # type: ignore[return-value]

        yield evaluate


def _npz(stage: Stage) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **stage.arrays())
    return buf.getvalue()


def _state(out: Path, cfg: dict[str, Any], resume: bool):
    folder = out / "state"
    cfg_path = folder / "config.json"
    if folder.exists() and any(folder.iterdir()) and not resume:
        raise ICSSimError(
            f"{out}: already holds a calibration (state/); give --resume to continue it or "
            "another --out"
        )
    if resume and cfg_path.exists():
        old = json.loads(cfg_path.read_text())
        if old != cfg:
            diff = sorted(k for k in set(old) | set(cfg) if old.get(k) != cfg.get(k))
            raise ICSSimError(
                f"{out}: cannot resume: the calibration there differs in {', '.join(diff)}; give "
                "the same targets, priors, seed and budget, or another --out"
            )
    folder.mkdir(parents=True, exist_ok=True)
    store.write_text(cfg_path, json.dumps(cfg, indent=1, sort_keys=True))

    def load(kind: str, n: int) -> Stage | None:
        f = folder / f"{kind}_{n}.npz"
        if not resume or not f.exists():
            return None
        with np.load(f) as z:
            a = {k: z[k] for k in z.files}
        return Stage(kind, n, a.pop("u"), a.pop("seeds"), a.pop("y"), a)

    def save(stage: Stage) -> None:
        store.write_bytes(folder / f"{stage.kind}_{stage.number}.npz", _npz(stage))

    return load, save


def wquantile(x: np.ndarray, w: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Weighted quantile (midpoint rule on the sorted sample)."""
    o = np.argsort(x, kind="stable")
    x, w = np.asarray(x)[o], np.asarray(w)[o]
    c = np.cumsum(w) - 0.5 * w
    return np.interp(q, c / w.sum(), x)


def _ensemble(p: Problem, last: Stage) -> pd.DataFrame:
    values = p.priors.values(last.extra["pu"])
    rows = [p.priors.settings(v) for v in values]
    df = pd.DataFrame({"set": np.arange(len(rows), dtype=np.int64), "weight": last.extra["pw"]})
    for name in p.priors.names:
        df[name] = [r[name] for r in rows]
    return df


def identifiability(priors: PriorsFile, ens: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior and posterior mean and sd, their ratio, contraction, verdict."""
    w = ens["weight"].to_numpy()
    ess = float(1.0 / np.sum(w**2))
    rows = []
    for pr in priors.parameters:
        x = ens[pr.name].to_numpy(dtype=float)
        mean = float(w @ x)
        sd = float(np.sqrt(max(w @ (x - mean) ** 2, 0.0)))
        psd = pr.sd_of()
        u = (np.arange(20_000) + 0.5) / 20_000
        ratio = sd / psd if psd > 0 else 0.0
        lo, hi = wquantile(x, w, np.array([0.05, 0.95]))
        rows.append(
            {
                "parameter": pr.name,
                "prior_mean": float(np.mean(pr.ppf(u))),
                "prior_sd": psd,
                "posterior_mean": mean,
                "posterior_sd": sd,
                "posterior_5%": float(lo),
                "posterior_95%": float(hi),
                "sd_ratio": ratio,
                "contraction": 1.0 - ratio**2,
                "effective_sets": ess,
                "verdict": (
                    "too few accepted sets to judge"
                    if ess < MIN_ESS
                    else "pinned"
                    if ratio <= PINNED_RATIO
                    else "not pinned by these targets"
                ),
            }
        )
    return pd.DataFrame(rows)


def predictive(targets: list[Target], last: Stage) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Posterior predictive checks from the last generation's accepted simulations."""
    order, w = last.extra["order"], last.extra["pw"]
    y = last.y[order]  # (n, R, T)
    n, R, T = y.shape
    wr = np.repeat(w / R, R)
    rows, draws = [], []
    for j, t in enumerate(targets):
        sims = y[:, :, j].ravel()
        mean = float(wr @ sims)
        lo, hi = wquantile(sims, wr, np.array([0.05, 0.95]))
        var = float(wr @ (sims - mean) ** 2)
        imp = float(implausibility([t], np.array([[mean]]), np.array([[var]]))[0, 0])
        inside = (
            bool(hi >= t.range[0] and lo <= t.range[1])
            if t.range is not None
            else bool(lo <= t.observed <= hi)
        )
        rows.append(
            {
                "target": t.name,
                "outcome": t.outcome,
                "system": t.system,
                "weeks": f"{t.weeks[0]}-{t.weeks[1]}" if t.window else str(t.week),
                "evidence": t.kind,
                "observed": t.observed,
                "observed_lo": t.range[0] if t.range else np.nan,
                "observed_hi": t.range[1] if t.range else np.nan,
                "predictive_mean": mean,
                "predictive_5%": float(lo),
                "predictive_95%": float(hi),
                "implausibility": imp,
                "log_likelihood": t.log_likelihood(mean) if 0 <= mean <= 1 else np.nan,
                "share_below_observed": float(wr @ (sims <= t.observed)),
                "observed_in_interval": inside,
                "verdict": "consistent" if imp <= CUTOFF else "missed",
            }
        )
        draws.append(pd.DataFrame({"target": t.name, "value": sims, "weight": wr}))
    return pd.DataFrame(rows), pd.concat(draws, ignore_index=True)


def _history(p: Problem, waves: list[Stage]) -> pd.DataFrame:
    rows = []
    for st in waves:
        kept = st.extra["kept"].astype(bool)
        vals = p.priors.values(st.u)
        row: dict[str, Any] = {
            "wave": st.number,
            "candidates": len(kept),
            "non_implausible": int(kept.sum()),
            "smallest_max_implausibility": float(st.extra["imax"].min()),
        }
        for j, name in enumerate(p.priors.names):
            sel = vals[kept, j] if kept.any() else vals[:, j]
            row[f"{name}_lo"] = float(sel.min())
            row[f"{name}_hi"] = float(sel.max())
        rows.append(row)
    return pd.DataFrame(rows)


def _synthetic(targets: list[Target], truth: np.ndarray, rng: np.random.Generator) -> list[Target]:
    """Targets as they would have been observed had the model at ``truth`` been the world."""
    out = []
    for j, t in enumerate(targets):
        x = float(np.clip(truth[j], 0.0, 1.0))
        if t.k is not None:
            out.append(t.model_copy(update={"k": int(rng.binomial(t.n, x))}))
        else:
            se = t.se if t.se is not None else max((t.range[1] - t.range[0]) / 4.0, 0.01)  # type: ignore[index]
            share = float(np.clip(x + se * rng.standard_normal(), 0.0, 1.0))
            out.append(t.model_copy(update={"share": share, "se": se, "range": None}))
    return out


def sbc(p: Problem, runs: int, evaluate) -> pd.DataFrame:
    """Simulation-based calibration (Talts et al. 2018): draw a truth from the prior, make
    synthetic observations from one model run there, calibrate to them with the same method
    and budget, and record the truth's normalised rank in the posterior (uniform on [0, 1] if
    the method is calibrated) and whether the 50% and 90% central intervals cover it."""
    d = len(p.priors.parameters)
    rows = []
    for i in range(runs):
        rng = _rng(p.seed, 3, i)
        u = rng.random((1, d))
        seeds = rng.integers(1, 2**31 - 1, size=(1, 1))
        truth_y = evaluate(p.tasks(u, seeds))[0][0]
        syn = Problem(
            _synthetic(p.targets, truth_y, rng), p.priors, p.budget, int(rng.integers(1, 2**31 - 1))
        )
        _, gens, _ = calibrate(syn, evaluate)
        ens = _ensemble(syn, gens[-1])
        w = ens["weight"].to_numpy()
        truth = p.priors.values(u)[0]
        for j, name in enumerate(p.priors.names):
            x = ens[name].to_numpy(dtype=float)
            rank = float(w @ (x < truth[j]) + 0.5 * w @ (x == truth[j]))
            q = wquantile(x, w, np.array([0.05, 0.25, 0.75, 0.95]))
            rows.append(
                {
                    "run": i,
                    "parameter": name,
                    "truth": float(truth[j]),
                    "rank": rank,
                    "in_50": bool(q[1] <= truth[j] <= q[2]),
                    "in_90": bool(q[0] <= truth[j] <= q[3]),
                }
            )
    return pd.DataFrame(rows)


def sbc_summary(df: pd.DataFrame) -> pd.DataFrame:
    g = df.groupby("parameter", sort=False)
    return pd.DataFrame(
        {
            "runs": g.size(),
            "coverage_50": g["in_50"].mean(),
            "coverage_90": g["in_90"].mean(),
            "mean_rank": g["rank"].mean(),
        }
    ).reset_index()


def _parquet_bytes(df: pd.DataFrame, meta: dict[str, Any]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"ics_sim": json.dumps(meta, sort_keys=True).encode()}
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def read_ensemble(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """An ensemble file's table and its ``ics_sim`` metadata."""
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    meta = json.loads((t.schema.metadata or {}).get(b"ics_sim", b"{}"))
    return t.to_pandas(), meta


def _markdown(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    fmt = [
        [f"{v:.4g}" if isinstance(v, float) else str(v) for v in row]
        for row in df.itertuples(index=False)
    ]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(r) + " |" for r in fmt]
    return "\n".join(lines) + "\n"


def run_calibration(
    targets_path: str | Path,
    priors_path: str | Path,
    out: str | Path,
    *,
    seed: int = 1,
    budget: Budget | None = None,
    workers: int | None = None,
    resume: bool = False,
    sbc_runs: int = 0,
    advance: Callable[[int], None] | None = None,
) -> Result:
    """Calibrate; write every table to ``out``. Figures are drawn by the caller (reporting)."""
    started = time.perf_counter()
    spec = load_targets(targets_path)
    priors = load_priors(priors_path)
    budget = budget or Budget()
    last_week = max(t.weeks[1] for t in spec.targets)
    if budget.weeks < last_week:
        budget.weeks = last_week
    if budget.generations < 1:
        raise ICSSimError("--generations must be at least 1 (the posterior is the last one)")
    if budget.replicates < 2 and budget.waves > 0:
        raise ICSSimError(
            "--replicates must be at least 2 with history matching (the ensemble variance)"
        )
    out = store.prepare_dir(out)
    p = Problem(list(spec.targets), priors, budget, int(seed))
    th = file_hash(targets_path)
    cfg = config(p, th)
    load, save = _state(out, cfg, resume)
    with evaluator(workers, advance) as evaluate:
        waves, gens, (lo, hi) = calibrate(p, evaluate, load, save)
        ens = _ensemble(p, gens[-1])
        meta = {
            "targets_file": str(targets_path),
            "targets_hash": th,
            "targets": spec.name,
            "priors": priors.describe(),
            "fixed": priors.fixed,
            "method": cfg["method"],
            "budget": cfg["budget"],
            "seed": int(seed),
            "version": __version__,
        }
        store.write_bytes(out / "ensemble.parquet", _parquet_bytes(ens, meta))
        ident = identifiability(priors, ens)
        store.write_csv(ident, out / "identifiability.csv")
        store.write_text(out / "identifiability.md", _markdown(ident))
        pred, draws = predictive(p.targets, gens[-1])
        store.write_csv(pred, out / "predictive.csv")
        hist = _history(p, waves)
        store.write_csv(hist, out / "history_matching.csv")
        rng = _rng(seed, 4)
        prior_draws = pd.DataFrame(
            priors.values(rng.random((4000, len(priors.names)))), columns=priors.names
        )
        sbc_df = None
        files = [
            "ensemble.parquet",
            "identifiability.csv",
            "identifiability.md",
            "predictive.csv",
            "history_matching.csv",
        ]
        if sbc_runs:
            sbc_df = sbc(p, sbc_runs, evaluate)
            store.write_csv(sbc_df, out / "sbc.csv")
            store.write_csv(sbc_summary(sbc_df), out / "sbc_summary.csv")
            files += ["sbc.csv", "sbc_summary.csv"]
    manifest = {
        "kind": "calibration",
        **meta,
        "simulations": int(sum(len(s.u) for s in (*waves, *gens))),
        "replicates_per_set": budget.replicates,
        "history_matching": hist.to_dict(orient="records"),
        "all_implausible": bool(any(not s.extra["kept"].any() for s in waves)),
        "generations": [
            {"generation": g.number, "epsilon": float(g.extra["eps"][0])} for g in gens
        ],
        "sbc_runs": sbc_runs,
        "files": files,
        "wall_time_seconds": round(time.perf_counter() - started, 3),
    }
    return Result(out, ens, ident, pred, draws, prior_draws, hist, sbc_df, manifest)


def finish(result: Result, figures: list[str]) -> None:
    """Write calibration.json last (after the caller's figures), so it marks a finished run."""
    m = dict(result.manifest)
    m["files"] = [*m["files"], *figures]
    store.write_json(m, result.out / "calibration.json")
