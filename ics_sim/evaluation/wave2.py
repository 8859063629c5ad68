"""Two-wave validation: does the model, started from a partnership's first survey, predict
its second better than "nothing changes"?

The model runs from wave 1 (the system file's relationship table, its surveyed ties set at
week 0) for the weeks between the waves, in several replicates; its prediction of each tie
is the mean over replicates. It is scored against the wave-2 answers by per-tie Pearson
correlation and mean absolute error (MAE), and so is the *persistence* null model, which
predicts that every tie stays as it was in wave 1 (its imputed value where wave 1 had no
answer). Both are scored on the same ties: every tie answered in wave 2, and the subset
observed in both waves (wave-1 ties flagged ``observed``: every item answered, so the null
uses only real answers). The difference in MAE
(model minus null, with a 95% interval over ties; ties are not independent, so the interval
is indicative) says whether the model adds anything; a negative difference favours the
model. Whatever the result, it is reported (Grimm et al. 2005: a model earns trust by
predicting patterns it was not fitted to).

Items: ``trust`` (state trust), ``familiarity``, ``value`` (the pair's potential advantage,
which the model holds constant, so its prediction differs from persistence only by being
the pair's mean) and ``contact`` (wave 2 "any contact" against the share of replicates in
which the tie exists).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ICSSimError
from ..sim.engine import Engine
from ..system.composition import Composition

#: State variable read for each item's prediction.
PREDICTED = {
    "trust": "trust",
    "familiarity": "familiarity",
    "value": "advantage",
    "contact": "active",
}


@dataclass
class Wave2Result:
    """The score table (one row per item and subset) and the per-tie predictions."""

    scores: pd.DataFrame
    ties: pd.DataFrame
    weeks: int
    replicates: int
    seed: int

    def markdown(self, title: str) -> str:
        lines = [
            f"# Two-wave validation: {title}",
            "",
            f"The model ran from wave 1 for {self.weeks} weeks, {self.replicates} replicates "
            f"(seeds {self.seed}-{self.seed + self.replicates - 1}); each tie's prediction is "
            "the mean over replicates. The persistence null predicts wave 1 unchanged. "
            "r: per-tie Pearson correlation with wave 2; MAE: mean absolute error (lower is "
            "better); difference: model MAE minus null MAE with a 95% interval over ties "
            "(negative favours the model; ties are not independent, so it is indicative).",
            "",
            "| item | ties | n | model r | null r | model MAE | null MAE | difference [95% CI] "
            "| verdict |",
            "|---|---|---:|---:|---:|---:|---:|---|---|",
        ]
        for r in self.scores.itertuples(index=False):
            lines.append(
                f"| {r.item} | {r.subset} | {r.n} | {_f(r.model_r)} | {_f(r.null_r)} | "
                f"{_f(r.model_mae)} | {_f(r.null_mae)} | {_f(r.mae_difference, '+.3f')} "
                f"[{_f(r.ci_low, '+.3f')}, {_f(r.ci_high, '+.3f')}] | {r.verdict} |"
            )
        lines += [
            "",
            "Verdicts: 'model better' or 'null better' when the interval excludes 0, "
            "otherwise 'no difference shown'.",
            "",
        ]
        return "\n".join(lines)


def _f(x: float, fmt: str = ".3f") -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


def predict(
    comp: Composition, weeks: int, seeds: list[int], params: dict[str, Any] | None = None
) -> tuple[Engine, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(engine, state at week 0, mean state after ``weeks``) of each predicted variable."""
    eng = Engine(comp, seeds, params or {})
    start = {k: getattr(eng.state, v)[0].astype(float).copy() for k, v in PREDICTED.items()}
    for _ in range(weeks):
        eng.step()
    end = {k: getattr(eng.state, v).astype(float).mean(axis=0) for k, v in PREDICTED.items()}
    return eng, start, end


def validate_wave2(
    comp: Composition,
    wave2: dict[str, dict[tuple[int, int], float]],
    weeks: int,
    replicates: int = 10,
    seed: int = 1,
    params: dict[str, Any] | None = None,
) -> Wave2Result:
    """Score the model against wave 2 (``item -> {(rater, ratee): value}``)."""
    obs = comp.observed_ties
    if obs is None:
        raise ICSSimError("the system file has no relationship table (wave 1) to start from")
    seeds = [seed + r for r in range(replicates)]
    eng, _, end = predict(comp, weeks, seeds, params)
    topo = eng.topo
    w1_edge = topo.edge_index(obs.src, obs.dst)
    w1 = {}
    for item, v in obs.values.items():
        col = np.full(topo.e, np.nan)
        col[w1_edge] = v
        if item == "contact":
            col = np.where(np.isnan(col), np.nan, (col > 0).astype(float))
        w1[item] = col
    w1_seen = np.zeros(topo.e, bool)
    if obs.observed is not None:
        w1_seen[w1_edge[obs.observed]] = True
    names = comp.org_names
    rows, tie_rows = [], []
    for item, answers in wave2.items():
        if item not in PREDICTED or item not in w1 or not answers:
            continue
        pairs = np.array(list(answers), dtype=np.int64).reshape(-1, 2)
        e = topo.edge_index(pairs[:, 0], pairs[:, 1])
        truth = np.array(list(answers.values()), dtype=float)
        if item == "contact":
            truth = (truth > 0).astype(float)
        ok = (e >= 0) & ~np.isnan(w1[item][np.maximum(e, 0)])
        e, truth, pairs = e[ok], truth[ok], pairs[ok]
        model, null = end[item][e], w1[item][e]
        for k in range(len(e)):
            tie_rows.append(
                {
                    "rater": names[pairs[k, 0]],
                    "ratee": names[pairs[k, 1]],
                    "item": item,
                    "wave1": round(float(null[k]), 6),
                    "wave1_observed": bool(w1_seen[e[k]]),
                    "wave2": round(float(truth[k]), 6),
                    "predicted": round(float(model[k]), 6),
                }
            )
        for subset, mask in (
            ("answered in wave 2", np.ones(len(e), bool)),
            ("observed in both waves", w1_seen[e]),
        ):
            rows.append(_score(item, subset, model[mask], null[mask], truth[mask]))
    if not rows:
        raise ICSSimError("wave 2 has no answers to items that wave 1 has (nothing to compare)")
    return Wave2Result(pd.DataFrame(rows), pd.DataFrame(tie_rows), weeks, replicates, seed)


def _score(item: str, subset: str, model: np.ndarray, null: np.ndarray, truth: np.ndarray):
    n = len(truth)
    err_m, err_n = np.abs(model - truth), np.abs(null - truth)
    d = err_m - err_n
    mean_d = float(d.mean()) if n else math.nan
    half = float(1.96 * d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    lo, hi = mean_d - half, mean_d + half
    if n > 1 and hi < 0:
        verdict = "model better"
    elif n > 1 and lo > 0:
        verdict = "null better"
    else:
        verdict = "no difference shown"
    return {
        "item": item,
        "subset": subset,
        "n": n,
        "model_r": _corr(model, truth),
        "null_r": _corr(null, truth),
        "model_mae": float(err_m.mean()) if n else math.nan,
        "null_mae": float(err_n.mean()) if n else math.nan,
        "mae_difference": mean_d,
        "ci_low": lo,
        "ci_high": hi,
        "verdict": verdict,
    }
