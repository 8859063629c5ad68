"""Priors for calibration, read from YAML: each parameter's distribution within its declared
range (:mod:`ics_sim.core.params`), plus parameters held fixed for the whole calibration.

Distributions are ``uniform``, ``loguniform`` or ``normal`` (truncated to ``[lo, hi]``); all
are sampled through their quantile function from uniform draws, so a box ``[a, b]`` of the
unit cube (a history-matching wave's region) maps to the same prior truncated there.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy import stats

from ..core.params import suggest
from ..scenarios.files import ScenarioError, located_error, read_yaml
from ..sim.engine import all_params


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Prior(_Strict):
    name: str
    distribution: Literal["uniform", "loguniform", "normal"] = "uniform"
    lo: float
    hi: float
    #: for ``normal``: centre and sd before truncation to [lo, hi]
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0.0)

    @model_validator(mode="after")
    def _shape(self) -> Prior:
        if not (math.isfinite(self.lo) and math.isfinite(self.hi) and self.lo < self.hi):
            raise ValueError("'lo' must be below 'hi' (both finite)")
        if self.distribution == "loguniform" and self.lo <= 0:
            raise ValueError("a loguniform prior needs lo > 0")
        if self.distribution == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal prior needs 'mean' and 'sd' (it is truncated to [lo, hi])")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function: uniform draws on [0, 1] -> values of this prior."""
        if self.distribution == "uniform":
            return self.lo + u * (self.hi - self.lo)
        if self.distribution == "loguniform":
            return np.exp(np.log(self.lo) + u * (np.log(self.hi) - np.log(self.lo)))
        a, b = (self.lo - self.mean) / self.sd, (self.hi - self.mean) / self.sd  # type: ignore[operator]
        return np.clip(stats.truncnorm.ppf(u, a, b, self.mean, self.sd), self.lo, self.hi)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self.distribution == "uniform":
            return (x - self.lo) / (self.hi - self.lo)
        if self.distribution == "loguniform":
            return (np.log(x) - np.log(self.lo)) / (np.log(self.hi) - np.log(self.lo))
        a, b = (self.lo - self.mean) / self.sd, (self.hi - self.mean) / self.sd  # type: ignore[operator]
        return stats.truncnorm.cdf(x, a, b, self.mean, self.sd)

    def sd_of(self) -> float:
        """The prior's standard deviation (for the identifiability table)."""
        u = (np.arange(20_000) + 0.5) / 20_000
        return float(np.std(self.ppf(u)))


class PriorsFile(_Strict):
    name: str = Field(default="priors", min_length=1, max_length=80)
    parameters: list[Prior] = Field(min_length=1, max_length=64)
    #: parameters held at a value for the whole calibration (e.g. a shorter warm-up in tests)
    fixed: dict[str, float] = Field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def values(self, u: np.ndarray) -> np.ndarray:
        """(m, d) unit-cube points -> (m, d) parameter values."""
        return np.column_stack([p.ppf(u[:, j]) for j, p in enumerate(self.parameters)])

    def settings(self, row: np.ndarray) -> dict[str, Any]:
        """One parameter set as scenario ``parameters:`` (with the fixed ones)."""
        declared = {p.name: p for p in all_params()}
        out: dict[str, Any] = dict(self.fixed)
        for p, v in zip(self.parameters, row, strict=True):
            out[p.name] = int(round(v)) if declared[p.name].integer else float(v)
        return out

    def describe(self) -> list[dict[str, Any]]:
        return [p.model_dump(exclude_none=True) for p in self.parameters]


def _check_declared(spec: PriorsFile, path: str | Path) -> None:
    declared = {p.name: p for p in all_params()}
    seen: set[str] = set()
    for i, p in enumerate(spec.parameters):
        where = f"parameters[{i}]"
        if p.name not in declared:
            raise ScenarioError(
                path,
                f"{where}.name",
                f"unknown parameter {p.name!r}{suggest(p.name, declared)}; see 'ics-sim list "
                "parameters' for the valid names",
            )
        if p.name in seen:
            raise ScenarioError(path, f"{where}.name", f"{p.name!r} is given twice")
        seen.add(p.name)
        d = declared[p.name]
        if p.lo < d.lo or p.hi > d.hi:
            raise ScenarioError(
                path,
                f"{where}.lo",
                f"bounds [{p.lo}, {p.hi}] of {p.name!r} leave its declared range; valid: "
                f"within [{d.lo}, {d.hi}] ({d.unit})",
            )
    for name, v in spec.fixed.items():
        if name not in declared:
            raise ScenarioError(
                path, f"fixed.{name}", f"unknown parameter {name!r}{suggest(name, declared)}"
            )
        if name in seen:
            raise ScenarioError(
                path, f"fixed.{name}", "is also given a prior; give one or the other"
            )
        try:
            declared[name].check(v)
        except Exception as e:  # ParameterError: out of range
            raise ScenarioError(path, f"fixed.{name}", str(e)) from None


def load_priors(path: str | Path) -> PriorsFile:
    """The validated priors file, or a ScenarioError naming the file and the field."""
    raw = read_yaml(Path(path), "priors file")
    try:
        spec = PriorsFile.model_validate(raw)
    except ValidationError as e:
        raise located_error(e, path, PriorsFile) from None
    _check_declared(spec, path)
    return spec
