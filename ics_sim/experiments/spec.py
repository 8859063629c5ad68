"""Experiment files: which parameters a sweep varies, how, how often, and what it keeps.

An experiment is YAML read with ``yaml.safe_load`` and validated with pydantic (strict, no
unknown keys), like a scenario file; every problem is one :class:`ScenarioError` naming the
file, the field and what would be valid. It names a base scenario (a path relative to the
experiment file) and the parameters to vary:

* a model parameter by its name (``trust_gain``; see ``ics-sim list parameters`` or
  ``ics_sim.parameters()``);
* a parameter of one of the base scenario's interventions or shocks by its path,
  ``interventions[0].params.attendance`` or ``shocks[1].params.cut``;
* when an intervention or shock starts or ends, ``interventions[0].start`` / ``.end``.

Each is given a ``range: [lo, hi]`` (designs ``lhs``, ``sobol``, ``morris``) or ``levels:
[...]`` (design ``grid``). Whole-number parameters (``every``, ``start``...) are rounded to
the nearest whole number when a continuous design samples them.

This module also makes the design (the points, in a fixed order) and the seeds; running them
is :mod:`ics_sim.sweep`'s job.
"""

from __future__ import annotations

import copy
import itertools
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.errors import ICSSimError, ParameterError
from ..core.params import Param, suggest
from ..scenarios.files import (
    ScenarioError,
    _short,
    located_error,
    read_yaml,
    resolve_reference,
    yaml_value,
)
from ..scenarios.limits import (
    BATCH,
    MAX_SEED,
    Estimate,
    available_memory,
    check_run,
    check_seeds,
    is_forced,
)
from ..scenarios.schema import MAX_WEEKS, Scenario, from_dict, load
from ..state.outcomes import OUTCOMES, PRACTICES

DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris")
CONTINUOUS: tuple[str, ...] = ("lhs", "sobol", "morris")
DEFAULT_OUTCOMES: tuple[str, ...] = ("collaboration_index", *PRACTICES)
MAX_POINTS = 10_000_000
MAX_RUNS = 100_000_000
Number = Annotated[float, Field(allow_inf_nan=False)] | int

_EVENT_PATH = re.compile(
    r"^(interventions|shocks)\[(\d+)\]\.(?:params\.([A-Za-z_]\w*)|(start|end))$"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ParameterSpec(_Strict):
    """How one parameter varies: a range (continuous designs) or levels (grid)."""

    range: list[Number] | None = Field(
        None, description="[lo, hi] for the lhs, sobol and morris designs (uniform on it)"
    )
    levels: list[Number] | None = Field(None, description="values for the grid design")

    @field_validator("range")
    @classmethod
    def _two(cls, value: list[float] | None) -> list[float] | None:
        if value is None:
            return value
        if len(value) != 2:
            raise ValueError(f"must be two numbers [lo, hi], got {len(value)}")
        if not value[0] < value[1]:
            raise ValueError(f"lo ({value[0]}) must be below hi ({value[1]})")
        return value

    @field_validator("levels")
    @classmethod
    def _levels(cls, value: list[float] | None) -> list[float] | None:
        if value is None:
            return value
        if not value:
            raise ValueError("needs at least one level")
        if len(set(value)) != len(value):
            raise ValueError("levels must all differ")
        return value


class Experiment(_Strict):
    """A sweep over a base scenario: the design, its parameters, replicates and outcomes."""

    name: str = Field(min_length=1, description="short title shown in the manifest and plots")
    description: str = Field("", description="what the experiment asks, in plain language")
    scenario: str = Field(description="base scenario file, relative to this experiment file")
    design: str = Field(description="grid, lhs (Latin hypercube), sobol (Saltelli) or morris")
    parameters: dict[str, ParameterSpec] = Field(
        default_factory=dict,
        description="name or path (interventions[0].params.every) -> {range: [lo, hi]} or "
        "{levels: [...]}",
    )
    samples: int | None = Field(
        None,
        ge=1,
        le=MAX_POINTS,
        description="N: sobol gives N(D+2) points (N(2D+2) with second_order), morris N(D+1) "
        "(N trajectories), lhs N; not used by grid",
    )
    replicates: int = Field(10, ge=1, le=100_000, description="runs (seeds) per design point")
    weeks: int | None = Field(
        None, ge=1, le=MAX_WEEKS, description="horizon in weeks (default: the scenario's)"
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description="experiment seed: samples the design, and replicate r runs with seed + r "
        "(default: the scenario's seed)",
    )
    common_random_numbers: bool = Field(
        True,
        description="replicate r of every point uses the same seed (seed + r); false: run "
        "(point p, replicate r) uses seed + p * replicates + r",
    )
    outcomes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_OUTCOMES),
        description="outcomes to keep (default: collaboration_index and the six practices)",
    )
    series: bool = Field(False, description="also keep every outcome's weekly series")
    second_order: bool = Field(False, description="sobol only: also second-order indices")
    morris_levels: int = Field(4, ge=2, le=100, description="morris only: grid levels (p)")
    # Parameter ensemble (docs/ensembles-and-discovery.md): design points x parameter sets.
    ensemble: str | None = Field(
        None,
        description="parameter ensemble file (Parquet), relative to this file; every design "
        "point runs with every drawn set (default: the base scenario's 'ensemble:', if any)",
    )
    sets: int | None = Field(
        None, ge=1, le=100_000, description="with an ensemble: draw this many sets by weight"
    )
    out: str | None = Field(
        None,
        description="results folder, relative to the working directory "
        "(default: results/<experiment file name>)",
    )

    @field_validator("design")
    @classmethod
    def _design(cls, name: str) -> str:
        if name not in DESIGNS:
            raise ValueError(
                f"unknown design {_short(name)}{suggest(name[:100], DESIGNS)}; valid: "
                + ", ".join(DESIGNS)
            )
        return name

    @field_validator("outcomes")
    @classmethod
    def _outcomes(cls, names: list[str]) -> list[str]:
        if not names:
            raise ValueError("keep at least one outcome")
        for n in names:
            if n not in OUTCOMES:
                raise ValueError(
                    f"unknown outcome {_short(n)}{suggest(n[:100], OUTCOMES)}; valid: "
                    + ", ".join(OUTCOMES)
                )
        if len(set(names)) != len(names):
            raise ValueError("outcomes must not repeat")
        return names


# ---------------------------------------------------------------------------------------------
# What a parameter name refers to


@dataclass(frozen=True)
class Target:
    """Where a varied parameter goes in the scenario, and its valid range."""

    name: str
    section: str  # "parameters", "interventions" or "shocks"
    index: int  # the event's index (-1 for model parameters)
    key: str  # parameter name, or "start" / "end"
    lo: float
    hi: float
    integer: bool

    @property
    def is_event_time(self) -> bool:
        return self.section != "parameters" and self.key in ("start", "end")

    def coerce(self, value: float) -> float | int:
        """The value a run uses: a Python float, or rounded to an int for whole numbers."""
        if self.integer:  # round half up; a range may reach 0.5 past the valid ends
            return int(min(max(math.floor(float(value) + 0.5), self.lo), self.hi))
        return float(value)

    def set(self, data: dict[str, Any], value: float | int) -> None:
        """Put ``value`` into the scenario data ``data`` (a dict from ``model_dump``)."""
        if self.section == "parameters":
            data["parameters"][self.key] = value
        elif self.is_event_time:
            data[self.section][self.index][self.key] = value
        else:
            data[self.section][self.index]["params"][self.key] = value


def model_params() -> dict[str, Param]:
    from ..sim.engine import all_params

    return {p.name: p for p in all_params()}


def resolve_target(name: str, scn: Scenario) -> Target:
    """The :class:`Target` a name refers to in scenario ``scn``; ParameterError if none."""
    table = model_params()
    if name in table:
        p = table[name]
        return Target(name, "parameters", -1, name, p.lo, p.hi, p.integer)
    m = _EVENT_PATH.match(name)
    if m is None:
        paths = _event_paths(scn)
        events = (
            "; or a path into the scenario's events: " + ", ".join(paths)
            if paths
            else "; or, when the scenario has interventions or shocks, a path into them such "
            "as interventions[0].params.attendance or shocks[0].start"
        )
        raise ParameterError(
            f"unknown parameter {_short(name)}{suggest(name[:100], list(table) + paths)}; "
            f"valid: the model parameters {', '.join(sorted(table))}{events}"
        )
    section, index, key, when = m.group(1), int(m.group(2)), m.group(3), m.group(4)
    events = getattr(scn, section)
    if index >= len(events):
        have = ", ".join(f"{section}[{i}] ({e.type})" for i, e in enumerate(events)) or "none"
        raise ParameterError(f"the scenario has no {section}[{index}]; it has: {have}")
    event = events[index]
    if when is not None:
        return Target(name, section, index, when, 0 if when == "start" else 1, MAX_WEEKS, True)
    from ..interventions import REGISTRY

    declared = {p.name: p for p in REGISTRY[event.type].params}
    if key not in declared:
        raise ParameterError(
            f"{section}[{index}] is {event.type}, which has no parameter {_short(key)}"
            f"{suggest(key[:100], declared)}; it "
            f"takes: {', '.join(declared) or '(no parameters)'}"
        )
    p = declared[key]
    return Target(name, section, index, key, p.lo, p.hi, p.integer)


def _event_paths(scn: Scenario) -> list[str]:
    from ..interventions import REGISTRY

    out = []
    for path, event in scn.events():
        out += [f"{path}.params.{p.name}" for p in REGISTRY[event.type].params]
        out += [f"{path}.start", f"{path}.end"]
    return out


def scenario_data(scn: Scenario) -> dict[str, Any]:
    """The scenario as plain data that :func:`ics_sim.scenario.from_dict` validates back."""
    data = scn.model_dump(mode="python")
    data["extends"] = None
    return data


def apply(data: dict[str, Any], targets: list[Target], values: list[float | int]) -> dict[str, Any]:
    """A copy of scenario data ``data`` with each target set to its (coerced) value."""
    out = copy.deepcopy(data)
    for t, v in zip(targets, values, strict=True):
        t.set(out, t.coerce(v))
    return out


# ---------------------------------------------------------------------------------------------
# A loaded, checked experiment


@dataclass(frozen=True)
class Loaded:
    """An experiment with its base scenario and targets resolved."""

    spec: Experiment
    path: Path | None
    base: Scenario
    base_path: Path
    targets: tuple[Target, ...]
    # With an ensemble: its parameters (the last targets), the drawn sets, their weights and
    # values; the design is crossed with the sets (point p * K + j runs set j).
    ensemble: tuple[Target, ...] = ()
    ensemble_sets: tuple[int, ...] = ()
    ensemble_weights: tuple[float, ...] = ()
    ensemble_values: tuple[tuple[float, ...], ...] = ()
    ensemble_file: str | None = None

    @property
    def design_targets(self) -> tuple[Target, ...]:
        """The targets the design varies (without the ensemble's parameters)."""
        return self.targets[: len(self.targets) - len(self.ensemble)]

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.targets]

    @property
    def weeks(self) -> int:
        return self.spec.weeks if self.spec.weeks is not None else self.base.weeks

    @property
    def seed(self) -> int:
        return self.spec.seed if self.spec.seed is not None else self.base.seed

    @property
    def replicates(self) -> int:
        return self.spec.replicates

    @property
    def outcomes(self) -> list[str]:
        return list(self.spec.outcomes)

    def problem(self) -> dict[str, Any]:
        """The SALib problem: names and bounds (continuous designs)."""
        return {
            "num_vars": len(self.design_targets),
            "names": [t.name for t in self.design_targets],
            "bounds": [list(map(float, s.range)) for s in self._specs() if s.range is not None],
        }

    def _specs(self) -> list[ParameterSpec]:
        return [self.spec.parameters[t.name] for t in self.design_targets]

    def design(self) -> np.ndarray:
        """The design points, (points, parameters), in the order the analysis needs; with an
        ensemble, each point repeated once per drawn set with the set's values appended."""
        d = self._design()
        if not self.ensemble_file:
            return d
        k = len(self.ensemble_sets)
        values = np.asarray(self.ensemble_values, dtype=float).reshape(k, len(self.ensemble))
        return np.hstack([np.repeat(d, k, axis=0), np.tile(values, (len(d), 1))])

    def _design(self) -> np.ndarray:
        specs = self._specs()
        kind = self.spec.design
        if kind == "grid":
            levels = [s.levels for s in specs]
            rows = list(itertools.product(*levels)) if levels else [()]
            return np.array(rows, dtype=float).reshape(len(rows), len(specs))
        return sample(
            kind,
            self.problem(),
            int(self.spec.samples or 0),
            self.seed,
            second_order=self.spec.second_order,
            morris_levels=self.spec.morris_levels,
        )

    def seed_for(self, point: int, replicate: int) -> int:
        """Seed of run (point, replicate): see :func:`seed_for`."""
        return seed_for(
            self.seed, point, replicate, self.replicates, self.spec.common_random_numbers
        )

    def point_data(self, values: list[float] | np.ndarray) -> dict[str, Any]:
        """Scenario data of one design point (validated by :func:`from_dict` when run)."""
        return apply(scenario_data(self.base), list(self.targets), [float(v) for v in values])

    def resolved(self) -> dict[str, Any]:
        """The experiment as it runs: every default filled in, the base scenario expanded."""
        spec = self.spec.model_dump(mode="json")
        spec.update(
            weeks=self.weeks,
            seed=self.seed,
            samples=self.spec.samples,
            parameters={t.name: spec["parameters"][t.name] for t in self.design_targets},
        )
        spec.pop("out", None)
        if self.ensemble_file:
            spec["ensemble"] = {
                "file": self.ensemble_file,
                "sets": list(self.ensemble_sets),
                "weights": list(self.ensemble_weights),
                "parameters": [t.name for t in self.ensemble],
            }
        return {
            "experiment": spec,
            "base_scenario": scenario_data(self.base),
            "targets": [
                {
                    "name": t.name,
                    "section": t.section,
                    "index": t.index,
                    "key": t.key,
                    "valid": [t.lo, t.hi],
                    "integer": t.integer,
                }
                for t in self.targets
            ],
        }


def seed_for(seed: int, point: int, replicate: int, replicates: int, crn: bool = True) -> int:
    """The seed of run (``point``, ``replicate``).

    With common random numbers (the default) it is ``seed + replicate`` whatever the point,
    so replicate r of every point shares its random numbers and differences between points
    are the parameters' doing, not noise. Without, ``seed + point * replicates + replicate``:
    every run has its own seed.
    """
    return int(seed + replicate if crn else seed + point * replicates + replicate)


def sample(
    design: str,
    problem: dict[str, Any],
    samples: int,
    seed: int,
    *,
    second_order: bool = False,
    morris_levels: int = 4,
) -> np.ndarray:
    """Points of a continuous design over ``problem`` (SALib's dict: names, bounds).

    ``sobol``: Saltelli's scheme (SALib, scrambled Sobol' sequence); ``morris``: ``samples``
    trajectories (SALib); ``lhs``: a Latin hypercube of ``samples`` points (scipy.stats.qmc).
    All are deterministic given ``seed``.
    """
    bounds = np.asarray(problem["bounds"], dtype=float).reshape(-1, 2)
    if design == "sobol":
        from SALib.sample import sobol

        return np.asarray(
            sobol.sample(problem, samples, calc_second_order=second_order, seed=seed),
            dtype=float,
        )
    if design == "morris":
        from SALib.sample import morris

        return np.asarray(
            morris.sample(problem, samples, num_levels=morris_levels, seed=seed), dtype=float
        )
    if design == "lhs":
        import inspect

        from scipy.stats import qmc

        kw = "rng" if "rng" in inspect.signature(qmc.LatinHypercube).parameters else "seed"
        unit = qmc.LatinHypercube(d=len(bounds), **{kw: seed}).random(samples)
        return bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])
    raise ValueError(f"not a continuous design: {design!r}")


def points_count(spec: Experiment) -> int:
    """How many design points ``spec`` has (before sampling them)."""
    d = len(spec.parameters)
    n = spec.samples or 0
    if spec.design == "grid":
        return math.prod(len(s.levels or ()) for s in spec.parameters.values())
    if spec.design == "sobol":
        return n * (2 * d + 2 if spec.second_order else d + 2)
    if spec.design == "morris":
        return n * (d + 1)
    return n


# ---------------------------------------------------------------------------------------------
# Loading


def validate(
    raw: dict[str, Any], path: Path | str | None = None, base_dir: Path | None = None
) -> Loaded:
    """Check experiment data ``raw`` (as read from ``path``) and everything it refers to."""
    try:
        spec = Experiment.model_validate(raw)
    except ValidationError as e:
        raise located_error(e, path, Experiment) from None
    if base_dir is None and path is not None:  # relative to the file, inside the project
        base_path = resolve_reference(Path(path), spec.scenario, "scenario", Path(path))
    else:
        base_path = (base_dir if base_dir is not None else Path.cwd()) / spec.scenario
    if not os.path.lexists(base_path):
        raise ScenarioError(
            path, "scenario", f"no scenario file {_short(spec.scenario)} (looked for {base_path})"
        )
    base = load(base_path)  # its own errors name its own file
    base.check()

    targets, found = [], []  # every problem of the file, not just the first
    for name, ps in spec.parameters.items():
        field = f"parameters.{name if len(name) <= 60 else name[:57] + '...'}"
        try:
            t = resolve_target(name, base)
            _check_spec(t, ps, spec.design, path, field)
        except ScenarioError as e:
            found += e.problems
        except ICSSimError as e:
            found.append((field, str(e)))
        else:
            targets.append(t)
    try:
        _check_design(spec, path)
    except ScenarioError as e:
        found += e.problems
    if found:
        raise ScenarioError.of(path, found)
    loaded = Loaded(spec, Path(path) if path else None, base, base_path, tuple(targets))
    loaded = _with_ensemble(loaded, path)
    last = spec.replicates - 1
    if not spec.common_random_numbers:
        sets = max(1, len(loaded.ensemble_sets))
        last += (points_count(spec) * sets - 1) * spec.replicates
    check_seeds(loaded.seed, last, path, "seed")
    check_sweep(loaded, processes=1, timed=False)
    return loaded


def check_sweep(
    loaded: Loaded, processes: int | None = None, timed: bool = True, force: bool | None = None
) -> Estimate:
    """Refuse a sweep this machine cannot hold before anything starts (see --force).

    Memory: the design itself, and one task (up to 32 replicates of one point) in each of
    ``processes`` workers (default: one per CPU; 0 runs in this process). Time (when
    ``timed``; not for a cluster, whose size is not known here): every run, shared by the
    workers.
    """
    spec = loaded.spec
    points = points_count(spec) * max(1, len(loaded.ensemble_sets))
    procs = max(1, os.cpu_count() or 1) if processes is None else max(1, processes)
    design = points * max(1, len(spec.parameters)) * 8 * 4  # the points and SALib's copies
    if design > available_memory() and not (force or is_forced()):
        raise ScenarioError(
            loaded.path,
            "samples",
            f"the design of {points:,} points would need about {design / 1e9:,.1f} GB of "
            "memory; use fewer samples or levels, or pass --force to try anyway",
        )
    tasks = points * math.ceil(spec.replicates / BATCH)
    comp = loaded.base._composition()
    return check_run(
        comp,
        min(spec.replicates, BATCH),
        loaded.weeks,
        path=loaded.path,
        what=f"the sweep {_short(spec.name)}",
        runs=tasks if timed else 0,
        processes=procs,
        force=force,
        detail=f"{comp.n:,} organisations, {points:,} points x {spec.replicates:,} replicates "
        f"x {loaded.weeks:,} weeks",
        fix="use fewer samples, replicates or weeks (--set samples=8 --set weeks=26), fewer "
        "--workers, or pass --force to try anyway",
    )


def _with_ensemble(loaded: Loaded, path: Any) -> Loaded:
    """``loaded`` crossed with its ensemble's drawn sets (the experiment's ``ensemble``, else
    the base scenario's), or unchanged. An ensemble parameter the design varies, or the base
    scenario sets itself, keeps that value (as in ``run --ensemble``)."""
    import dataclasses

    from ..scenarios.ensemble import draw, read_ensemble

    spec = loaded.spec
    if spec.ensemble is not None:
        if path is not None:
            file = resolve_reference(Path(path), spec.ensemble, "ensemble", Path(path))
        else:
            file = Path(spec.ensemble)
    elif loaded.base.ensemble:
        file = Path(loaded.base.ensemble)
    else:
        if spec.sets is not None:
            raise ScenarioError(path, "sets", "needs an ensemble ('ensemble:' here or in the base)")
        return loaded
    if spec.design in ("sobol", "morris"):
        raise ScenarioError(
            path,
            "ensemble",
            f"the {spec.design} design cannot be crossed with an ensemble (its analysis needs "
            "its own structure of points); use the lhs or grid design",
        )
    ens = read_ensemble(file)
    drawn = draw(ens, spec.sets, loaded.seed)
    varied = {t.name for t in loaded.targets}
    names = [p for p in ens.parameters if p not in varied and p not in loaded.base.parameters]
    extra = tuple(resolve_target(n, loaded.base) for n in names)
    values = tuple(tuple(float(ens.values(s)[n]) for n in names) for s in drawn.sets)
    return dataclasses.replace(
        loaded,
        targets=(*loaded.targets, *extra),
        ensemble=extra,
        ensemble_sets=drawn.sets,
        ensemble_weights=drawn.weights,
        ensemble_values=values,
        ensemble_file=str(file),
    )


def _check_spec(t: Target, ps: ParameterSpec, design: str, path: Any, field: str) -> None:
    valid = f"[{t.lo:g}, {t.hi:g}]"
    if design == "grid":
        if ps.levels is None:
            raise ScenarioError(
                path,
                field,
                "the grid design needs 'levels: [...]' (not 'range') for each parameter",
            )
        if ps.range is not None:
            raise ScenarioError(path, f"{field}.range", "the grid design uses 'levels' only")
        for v in ps.levels:
            if not t.lo <= v <= t.hi:
                raise ScenarioError(
                    path, f"{field}.levels", f"{v} is outside the valid range of {t.name} {valid}"
                )
            if t.integer and float(v) != int(v):
                raise ScenarioError(path, f"{field}.levels", f"{t.name} is a whole number, got {v}")
        return
    if ps.range is None:
        raise ScenarioError(
            path,
            field,
            f"the {design} design needs 'range: [lo, hi]' (not 'levels') for each parameter",
        )
    if ps.levels is not None:
        raise ScenarioError(path, f"{field}.levels", f"the {design} design uses 'range' only")
    lo, hi = ps.range
    slack = 0.5 if t.integer else 0.0  # [1, 8] gives 1 and 8 half the weight; [0.5, 8.5] not
    if lo < t.lo - slack or hi > t.hi + slack:
        raise ScenarioError(
            path,
            f"{field}.range",
            f"[{lo:g}, {hi:g}] goes outside the valid range of {t.name} {valid}",
        )


def _check_design(spec: Experiment, path: Any) -> None:
    d = len(spec.parameters)
    if spec.design == "grid":
        if spec.samples is not None:
            raise ScenarioError(
                path, "samples", "is not used by the grid design (its levels set the points)"
            )
    else:
        if d == 0:
            raise ScenarioError(
                path, "parameters", f"the {spec.design} design needs at least one parameter"
            )
        if spec.samples is None:
            raise ScenarioError(path, "samples", f"the {spec.design} design needs 'samples' (N)")
        if spec.design == "sobol" and spec.samples & (spec.samples - 1):
            lower = 1 << (spec.samples.bit_length() - 1)
            raise ScenarioError(
                path,
                "samples",
                f"the sobol design needs a power of 2 (Sobol' sequences balance only then); "
                f"got {spec.samples}, try {lower} or {lower * 2}",
            )
        if spec.design == "morris" and spec.samples < 2:
            raise ScenarioError(path, "samples", "the morris design needs at least 2 trajectories")
    if spec.second_order and spec.design != "sobol":
        raise ScenarioError(path, "second_order", "applies to the sobol design only")
    if "morris_levels" in spec.model_fields_set and spec.design != "morris":
        raise ScenarioError(path, "morris_levels", "applies to the morris design only")
    points = points_count(spec)
    if points > MAX_POINTS or points * spec.replicates > MAX_RUNS:
        raise ScenarioError(
            path, "samples", f"{points} points x {spec.replicates} replicates is too many runs"
        )


def load_experiment(path: str | Path, overrides: Sequence[str] = ()) -> Loaded:
    """Read and check an experiment file; :class:`ScenarioError` says what is wrong.

    ``overrides``: ``KEY=VALUE`` settings (``ics-sim sweep --set samples=8``) replacing the
    file's top-level keys before it is checked, so they are validated exactly like the file.
    """
    path = Path(path)
    raw = read_yaml(path, "experiment")
    raw = apply_overrides(raw, overrides, path)
    return validate(raw, path)


def apply_overrides(
    raw: dict[str, Any], overrides: Sequence[str], path: Path | str | None = None
) -> dict[str, Any]:
    """A copy of experiment data ``raw`` with each ``KEY=VALUE`` (VALUE read as YAML) set."""
    out = dict(raw)
    keys = list(Experiment.model_fields)
    for item in overrides:
        key, sep, text = item.partition("=")
        key = key.strip()
        where = f"--set {_short(item)}"
        if not sep or not key:
            raise ScenarioError(path, where, "give KEY=VALUE, e.g. --set samples=8")
        if key not in keys:
            raise ScenarioError(
                path,
                where,
                f"unknown key {_short(key)}{suggest(key, keys)}; valid keys: {', '.join(keys)}",
            )
        out[key] = yaml_value(text, path, where)
    return out


def check_points(loaded: Loaded, design: np.ndarray) -> None:
    """Every design point gives a valid scenario (e.g. an intervention's end after its start)."""
    base = scenario_data(loaded.base)
    for i, row in enumerate(design):
        data = apply(base, list(loaded.targets), [float(v) for v in row])
        try:
            from_dict(data, source=str(loaded.base_path))
        except ScenarioError as e:
            setting = ", ".join(
                f"{t.name}={t.coerce(v)}" for t, v in zip(loaded.targets, row, strict=True)
            )
            raise ScenarioError(
                loaded.path,
                "parameters",
                f"design point {i} ({setting}) is not a valid scenario: {e.field}: {e.detail}",
            ) from None
