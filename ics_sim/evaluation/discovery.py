"""Scenario discovery: under which conditions does a portfolio of interventions succeed?

A discovery experiment (YAML, checked like an experiment file) names a base scenario (the
world without the portfolio), the portfolio (interventions added to it), uncertain factors
with ranges (model parameters such as pressures and assumptions, or paths into the base
scenario's shocks, as in sweeps), the outcome and what counts as success. Each of ``samples``
Latin-hypercube points (seeded) runs twice, without and with the portfolio, on the same seeds
(common random numbers), so its paired effect is the portfolio's doing in that future. Then

* PRIM (Friedman and Fisher 1999), as implemented by the EMA Workbench (Kwakkel 2017), peels
  the factor space to a box where failures (or successes) concentrate; a box is read by its
  *coverage* (share of all failures that lie in it) and *density* (share of futures in it
  that fail); Bryant and Lempert (2010) give the method;
* a CART tree (Breiman et al. 1984; scikit-learn) splits the space into readable rules.

Points are computed by the sweep's worker pool (:mod:`ics_sim.experiments.sweep`): each arm
of each point is one deterministic task, so results are identical whatever the number of
workers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.errors import ICSSimError
from ..core.params import suggest
from ..experiments.spec import (
    ParameterSpec,
    Target,
    _check_spec,
    apply,
    resolve_target,
    sample,
    scenario_data,
)
from ..scenarios.files import (
    ScenarioError,
    _short,
    located_error,
    read_yaml,
    resolve_reference,
)
from ..scenarios.limits import MAX_SEED, check_run, check_seeds
from ..scenarios.schema import MAX_WEEKS, EventSpec, Scenario, from_dict, load
from ..state.outcomes import OUTCOMES
from .ensemble_compare import direction

MAX_SAMPLES = 100_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PortfolioSpec(_Strict):
    """The interventions whose success is studied: a scenario's, or listed here."""

    name: str | None = Field(None, description="how rules name it (default: the scenario's)")
    scenario: str | None = Field(
        None, description="scenario file whose interventions form the portfolio (relative)"
    )
    interventions: list[EventSpec] = Field(default_factory=list)


class SuccessSpec(_Strict):
    """When a point counts as a success."""

    threshold: float = Field(
        0.0, description="the paired effect must exceed this, in the desirable direction"
    )
    significant: bool = Field(
        False, description="also require the point's 95% interval to clear the threshold"
    )


class Discovery(_Strict):
    """A discovery experiment: base, portfolio, uncertain factors, outcome, success, budget."""

    name: str = Field(min_length=1)
    description: str = ""
    scenario: str = Field(description="base scenario (no portfolio), relative to this file")
    portfolio: PortfolioSpec
    factors: dict[str, ParameterSpec] = Field(
        description="uncertain factors: model parameter or event path -> {range: [lo, hi]}"
    )
    outcome: str = "collaboration_index"
    measure: Literal["end", "run mean"] = "end"
    success: SuccessSpec = Field(default_factory=SuccessSpec)
    samples: int = Field(ge=4, le=MAX_SAMPLES, description="Latin hypercube points")
    replicates: int = Field(4, ge=1, le=1000, description="seeds per point and arm")
    weeks: int | None = Field(None, ge=1, le=MAX_WEEKS)
    seed: int | None = Field(None, ge=0, le=MAX_SEED)
    density_threshold: float = Field(
        0.8, gt=0, le=1, description="a PRIM box is chosen with at least this density"
    )
    mass_min: float = Field(0.05, gt=0, lt=1, description="smallest box (share of points)")
    tree_depth: int = Field(3, ge=1, le=8, description="depth of the CART tree")

    @field_validator("outcome")
    @classmethod
    def _outcome(cls, name: str) -> str:
        if name not in OUTCOMES:
            raise ValueError(
                f"unknown outcome {_short(name)}{suggest(name[:100], OUTCOMES)}; valid: "
                + ", ".join(OUTCOMES)
            )
        return name

    @field_validator("factors")
    @classmethod
    def _some(cls, value: dict) -> dict:
        if not value:
            raise ValueError("give at least one uncertain factor")
        return value


@dataclass(frozen=True)
class LoadedDiscovery:
    spec: Discovery
    path: Path | None
    base: Scenario
    portfolio: list[dict[str, Any]]  # interventions (as data) added to the base
    portfolio_name: str
    targets: tuple[Target, ...]

    @property
    def weeks(self) -> int:
        return self.spec.weeks if self.spec.weeks is not None else self.base.weeks

    @property
    def seed(self) -> int:
        return self.spec.seed if self.spec.seed is not None else self.base.seed

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.targets]

    def design(self) -> np.ndarray:
        problem = {
            "num_vars": len(self.targets),
            "names": self.names,
            "bounds": [list(map(float, self.spec.factors[n].range)) for n in self.names],
        }
        return sample("lhs", problem, self.spec.samples, self.seed)

    def arms(self, values: Sequence[float]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Scenario data of one point: without and with the portfolio."""
        base = apply(scenario_data(self.base), list(self.targets), [float(v) for v in values])
        with_p = {**base, "interventions": [*base["interventions"], *self.portfolio]}
        with_p["name"] = f"{base['name']} + {self.portfolio_name}"
        return base, with_p


def load_discovery(path: str | Path, overrides: Sequence[str] = ()) -> LoadedDiscovery:
    """Read and check a discovery experiment; :class:`ScenarioError` says what is wrong."""
    from ..experiments.spec import apply_overrides

    path = Path(path)
    raw = read_yaml(path, "discovery experiment")
    if overrides:
        raw = _overrides(raw, overrides, path, apply_overrides)
    try:
        spec = Discovery.model_validate(raw)
    except ValidationError as e:
        raise located_error(e, path, Discovery) from None
    base_path = resolve_reference(path, spec.scenario, "scenario", path)
    if not os.path.lexists(base_path):
        raise ScenarioError(path, "scenario", f"no scenario file {_short(spec.scenario)}")
    base = load(base_path)
    events: list[dict[str, Any]] = []
    pname = spec.portfolio.name
    if spec.portfolio.scenario is not None:
        pp = resolve_reference(path, spec.portfolio.scenario, "portfolio.scenario", path)
        if not os.path.lexists(pp):
            raise ScenarioError(
                path, "portfolio.scenario", f"no scenario file {_short(spec.portfolio.scenario)}"
            )
        ps = load(pp)
        events += [e.model_dump(mode="python") for e in ps.interventions]
        pname = pname or ps.name
    events += [e.model_dump(mode="python") for e in spec.portfolio.interventions]
    if not events:
        raise ScenarioError(
            path, "portfolio", "names no interventions: give 'scenario:' or 'interventions:'"
        )
    pname = pname or " + ".join(e["type"].replace("_", " ") for e in events)
    targets, found = [], []
    for name, ps_ in spec.factors.items():
        fld = f"factors.{name if len(name) <= 60 else _short(name, 60)}"
        try:
            t = resolve_target(name, base)
            _check_spec(t, ps_, "lhs", path, fld)
        except ScenarioError as e:
            found += e.problems
        except ICSSimError as e:
            found.append((fld, str(e)))
        else:
            targets.append(t)
    if found:
        raise ScenarioError.of(path, found)
    loaded = LoadedDiscovery(spec, path, base, events, pname, tuple(targets))
    check_seeds(loaded.seed, spec.replicates - 1, path, "seed")
    comp = base._composition()
    check_run(
        comp,
        min(spec.replicates, 32),
        loaded.weeks,
        path=path,
        what=f"the discovery {_short(spec.name)}",
        runs=2 * spec.samples * math.ceil(spec.replicates / 32),
        processes=1,
        fix="use fewer samples, replicates or weeks (--set samples=16 --set weeks=26), or pass "
        "--force to try anyway",
    )
    for i, row in enumerate(loaded.design()):  # every point is a valid scenario, both arms
        for arm in loaded.arms(row):
            try:
                from_dict(arm, source=str(base_path))
            except ScenarioError as e:
                raise ScenarioError(
                    path, "factors", f"point {i} is not a valid scenario: {e.field}: {e.detail}"
                ) from None
    return loaded


def _overrides(raw, overrides, path, _apply) -> dict[str, Any]:
    from ..scenarios.files import yaml_value

    out = dict(raw)
    keys = list(Discovery.model_fields)
    for item in overrides:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or key not in keys:
            raise ScenarioError(
                path, f"--set {_short(item)}", f"give KEY=VALUE with KEY one of: {', '.join(keys)}"
            )
        out[key] = yaml_value(text, path, f"--set {_short(item)}")
    return out


# ---------------------------------------------------------------------------------------------
# Running the points


def run_points(
    loaded: LoadedDiscovery,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Every point's paired effect. Columns: point, each factor (value used), baseline,
    portfolio, effect, ci_low, ci_high, success."""
    import concurrent.futures as cf

    from scipy import stats

    from ..experiments.sweep import Task, _executor

    spec = loaded.spec
    design = loaded.design()
    seeds = tuple(loaded.seed + r for r in range(spec.replicates))
    col = 0 if spec.measure == "end" else 1
    pairs = []
    for i, row in enumerate(design):
        pairs.append(
            tuple(
                Task(
                    point=2 * i + arm,
                    replicates=tuple(range(spec.replicates)),
                    seeds=seeds,
                    scenario=data,
                    weeks=loaded.weeks,
                    outcomes=(spec.outcome,),
                    series=False,
                )
                for arm, data in enumerate(loaded.arms(row))
            )
        )
    values: dict[int, np.ndarray] = {}
    with _executor(workers, None) as pool:
        futures = [pool.executor.submit(run_pair, pair) for pair in pairs]
        for fut in cf.as_completed(futures):
            for res in fut.result():
                values[res["point"]] = (res["final"] if col == 0 else res["mean"])[:, 0]
                if progress is not None:
                    progress(spec.replicates)
    sign = direction(spec.outcome)
    rows = []
    n = spec.replicates
    tcrit = float(stats.t.ppf(0.975, n - 1)) if n > 1 else np.inf
    for i, row in enumerate(design):
        a, b = values[2 * i], values[2 * i + 1]
        d = b - a
        mean = float(d.mean())
        half = tcrit * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else np.inf
        rec: dict[str, Any] = {"point": i}
        for t, v in zip(loaded.targets, row, strict=True):
            rec[t.name] = t.coerce(v)
        rec.update(
            baseline=float(a.mean()),
            portfolio=float(b.mean()),
            effect=mean,
            ci_low=mean - half,
            ci_high=mean + half,
        )
        rows.append(rec)
    df = pd.DataFrame(rows)
    df["success"] = success_of(df, sign, spec.success.threshold, spec.success.significant)
    return df


def run_pair(pair: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Both arms of one point in one worker: the second starts from the first's warm-up
    (the engine's warm-up cache, :mod:`ics_sim.sim.warmup`; interventions never change the
    warm-up), which halves the cost of a point, with the same numbers."""
    from ..experiments.sweep import run_task

    return [run_task(t) for t in pair]


def success_of(df: pd.DataFrame, sign: int, threshold: float, significant: bool) -> np.ndarray:
    """Whether each point's effect clears ``threshold`` in the desirable direction ``sign``."""
    if sign > 0:
        ok = df["effect"] > threshold
        if significant:
            ok &= df["ci_low"] > threshold
    else:
        ok = df["effect"] < -threshold
        if significant:
            ok &= df["ci_high"] < -threshold
    return ok.to_numpy(dtype=bool)


# ---------------------------------------------------------------------------------------------
# Rules: PRIM boxes and a CART tree


@dataclass
class Box:
    """A PRIM box: the limits of each restricted factor, with coverage, density and mass."""

    of: str  # "failure" or "success"
    limits: dict[str, tuple[float, float]]  # restricted factors only
    coverage: float
    density: float
    mass: float
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim of each peeling step
    chosen: int
    extent: dict[str, tuple[float, float]] = field(default_factory=dict)  # the data's
    met: bool = True  # some box on the trajectory reached the density asked for

    def condition(self) -> str:
        """The box in words; a side is named only where PRIM cut it (not at the data's edge)."""
        return describe(self.limits, self.extent)


@dataclass
class Rules:
    n: int
    share_success: float
    failure: Box | None
    success: Box | None
    tree_rules: list[dict[str, Any]] = field(default_factory=list)
    tree_text: str = ""
    tree: Any = None  # the fitted sklearn DecisionTreeClassifier (for plotting)


def describe(limits: dict[str, tuple[float, float]], ranges: dict[str, tuple[float, float]]) -> str:
    """Box limits in words: 'x exceeds 0.6 and y is below 0.2'."""
    parts = []
    for name, (lo, hi) in limits.items():
        rlo, rhi = ranges[name]
        low_cut, high_cut = lo > rlo + 1e-12, hi < rhi - 1e-12
        if low_cut and high_cut:
            parts.append(f"{name} is between {lo:.3g} and {hi:.3g}")
        elif low_cut:
            parts.append(f"{name} exceeds {lo:.3g}")
        elif high_cut:
            parts.append(f"{name} is below {hi:.3g}")
    return " and ".join(parts) or "anywhere"


def prim_box(
    x: pd.DataFrame,
    y: np.ndarray,
    of: str,
    density_threshold: float = 0.8,
    mass_min: float = 0.05,
) -> Box | None:
    """The PRIM box (EMA Workbench) for ``y`` (bool): on the peeling trajectory, the box of
    largest coverage among those of density >= ``density_threshold``, else the densest; None
    when ``y`` is never or always true (nothing to explain)."""
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return None
    import logging
    import warnings

    try:
        with warnings.catch_warnings():  # optional parts of the workbench it says are missing
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        raise ICSSimError(
            "scenario discovery needs the EMA Workbench: pip install 'ics-sim[discover]'"
        ) from None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    logging.getLogger("EMA.analysis.prim").setLevel(logging.WARNING)
    x = x.astype(float).reset_index(drop=True)
    # threshold 0: always the whole trajectory (the box is chosen from it below)
    with warnings.catch_warnings():  # the workbench's own deprecation warnings
        warnings.simplefilter("ignore")
        p = prim.Prim(x, y.astype(int), threshold=0.0, mass_min=mass_min)
        box = p.find_box()
    # Coverage, density and mass of every box on the trajectory, counted here from its
    # limits (the workbench's own columns are not reliable under every pandas version).
    xv = x.to_numpy(dtype=float)
    rows = []
    for lims in box.box_lims:
        lo = lims[list(x.columns)].iloc[0].to_numpy(dtype=float)
        hi = lims[list(x.columns)].iloc[1].to_numpy(dtype=float)
        inside = np.all((xv >= lo) & (xv <= hi), axis=1)
        first = box.box_lims[0]
        res = sum(
            lims[c].iloc[0] != first[c].iloc[0] or lims[c].iloc[1] != first[c].iloc[1]
            for c in x.columns
        )
        rows.append(
            {
                "coverage": float(y[inside].sum() / y.sum()),
                "density": float(y[inside].mean()) if inside.any() else 0.0,
                "mass": float(inside.mean()),
                "res_dim": int(res),
            }
        )
    traj = pd.DataFrame(rows)
    ok = traj.index[traj["density"] >= density_threshold - 1e-12]
    i = int(traj.loc[ok, "coverage"].idxmax()) if len(ok) else int(traj["density"].idxmax())
    lims, first = box.box_lims[i], box.box_lims[0]
    limits = {
        c: (float(lims[c].iloc[0]), float(lims[c].iloc[1]))
        for c in x.columns
        if lims[c].iloc[0] != first[c].iloc[0] or lims[c].iloc[1] != first[c].iloc[1]
    }
    return Box(
        of=of,
        limits=limits,
        coverage=float(traj.loc[i, "coverage"]),
        density=float(traj.loc[i, "density"]),
        mass=float(traj.loc[i, "mass"]),
        trajectory=traj,
        chosen=i,
        extent={c: (float(first[c].iloc[0]), float(first[c].iloc[1])) for c in x.columns},
        met=bool(len(ok)),
    )


def cart_rules(
    x: pd.DataFrame, y: np.ndarray, depth: int = 3, mass_min: float = 0.05
) -> tuple[list[dict[str, Any]], str, Any]:
    """A CART tree (scikit-learn) of success: each leaf as a rule with its size and share of
    successes; the tree as text; the fitted tree."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    leaf = max(2, int(math.ceil(mass_min * len(x))))
    clf = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=leaf, random_state=0)
    clf.fit(x.to_numpy(dtype=float), np.asarray(y, dtype=int))
    t = clf.tree_
    names = list(x.columns)
    rules: list[dict[str, Any]] = []

    def walk(node: int, conds: list[str]) -> None:
        if t.children_left[node] == -1:
            counts = t.value[node][0]
            total = float(counts.sum())
            # sklearn >= 1.4 stores fractions; the node's sample count is n_node_samples
            classes = list(clf.classes_)
            share = float(counts[classes.index(1)] / total) if 1 in classes else 0.0
            rules.append(
                {
                    "rule": " and ".join(conds) or "everywhere",
                    "points": int(t.n_node_samples[node]),
                    "share_success": share,
                }
            )
            return
        name, thr = names[t.feature[node]], float(t.threshold[node])
        walk(t.children_left[node], [*conds, f"{name} <= {thr:.3g}"])
        walk(t.children_right[node], [*conds, f"{name} > {thr:.3g}"])

    walk(0, [])
    if len(np.unique(np.asarray(y, dtype=int))) < 2:  # nothing to split
        every = "succeeds" if np.all(y) else "fails"
        return rules, f"(the portfolio {every} in every future: no split)", clf
    return rules, export_text(clf, feature_names=names), clf


def find_rules(
    x: pd.DataFrame,
    success: np.ndarray,
    density_threshold: float = 0.8,
    mass_min: float = 0.05,
    depth: int = 3,
) -> Rules:
    """PRIM boxes of failure and of success, and a CART tree, for factors ``x``."""
    success = np.asarray(success, dtype=bool)
    rules, text, clf = cart_rules(x, success, depth, mass_min)
    return Rules(
        n=len(success),
        share_success=float(success.mean()),
        failure=prim_box(x, ~success, "failure", density_threshold, mass_min),
        success=prim_box(x, success, "success", density_threshold, mass_min),
        tree_rules=rules,
        tree_text=text,
        tree=clf,
    )


def sentences(rules: Rules, portfolio: str, outcome_words: str) -> list[str]:
    """The rules in plain language, headline first."""
    head = f"{portfolio} {outcome_words} in {rules.share_success:.0%} of {rules.n} sampled futures"
    out = []
    f, s = rules.failure, rules.success
    if f is not None and f.limits:
        out.append(
            f"{head} unless {f.condition()} (that box holds {f.coverage:.0%} of the "
            f"failures, coverage; {f.density:.0%} of the futures in it fail, density)." + _weak(f)
        )
    else:
        out.append(head + ".")
    if s is not None and s.limits:
        out.append(
            f"It succeeds in {s.density:.0%} of futures where {s.condition()} (density; "
            f"that box holds {s.coverage:.0%} of the successes, coverage)." + _weak(s)
        )
    return out


def _weak(b: Box) -> str:
    if b.met:
        return ""
    return (
        " No box reached the density asked for (density_threshold): this is the densest; "
        "read it as a hint, and sample more futures."
    )


def rules_json(rules: Rules, lines: list[str]) -> dict[str, Any]:
    def box(b: Box | None):
        if b is None:
            return None
        return {
            "of": b.of,
            "limits": {k: list(v) for k, v in b.limits.items()},
            "coverage": b.coverage,
            "density": b.density,
            "mass": b.mass,
            "chosen_step": b.chosen,
            "trajectory": b.trajectory.to_dict(orient="list"),
        }

    return {
        "points": rules.n,
        "share_success": rules.share_success,
        "summary": lines,
        "prim_failure": box(rules.failure),
        "prim_success": box(rules.success),
        "cart": rules.tree_rules,
    }
