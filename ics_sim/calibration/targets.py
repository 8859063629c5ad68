"""Calibration targets as data: observed quantities with their evidence, read from YAML.

A target ties one model outcome (``ics-sim list outcomes``), at one week or averaged over a
window of weeks after the warm-up, in one system (``default`` or an ICB code), to what was
observed: a survey count (``k`` of ``n`` respondents), a share with its standard error, or a
range. Each carries the passage it rests on, so a calibration can be traced to its source.
Counts get a binomial likelihood (beta-binomial with ``overdispersion`` > 0).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from scipy import stats

from ..core.errors import ICSSimError
from ..core.outcome_table import OUTCOMES
from ..core.params import suggest
from ..scenarios.files import ScenarioError, located_error, read_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    """One observed quantity and the evidence behind it."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    outcome: str
    #: week after the warm-up at which the outcome is read (0 = end of the warm-up)
    week: int | None = Field(default=None, ge=0, le=5200)
    #: [first, last] weeks averaged (inclusive); give this or ``week``
    window: tuple[int, int] | None = None
    system: str = "default"
    #: survey count: k of n respondents
    k: int | None = Field(default=None, ge=0)
    n: int | None = Field(default=None, ge=1, le=10_000_000)
    #: a share (0..1) with its standard error
    share: float | None = Field(default=None, ge=0.0, le=1.0)
    se: float | None = Field(default=None, gt=0.0, le=1.0)
    #: the observed value lies in [lo, hi]; ``n`` (if given) adds the sampling error
    range: tuple[float, float] | None = None
    #: beta-binomial intra-class correlation (0 = binomial)
    overdispersion: float = Field(default=0.0, ge=0.0, lt=1.0)
    #: model discrepancy: the sd by which the model may miss the truth even at best parameters
    discrepancy: float = Field(default=0.02, ge=0.0, le=1.0)
    source: str = Field(min_length=1)
    passage: str = Field(min_length=1)
    assumption: str | None = None

    @field_validator("outcome")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in OUTCOMES:
            raise ValueError(
                f"unknown outcome {v!r}{suggest(v, OUTCOMES)}; valid outcomes: "
                + ", ".join(OUTCOMES)
            )
        return v

    @model_validator(mode="after")
    def _evidence(self) -> Target:
        kinds = [self.k is not None, self.share is not None, self.range is not None]
        if sum(kinds) != 1:
            raise ValueError(
                "give exactly one of: 'k' with 'n' (a count), 'share' with 'se', 'range'"
            )
        if self.k is not None and (self.n is None or self.k > self.n):
            raise ValueError("a count needs 'n' (respondents) with 0 <= k <= n")
        if self.share is not None and self.se is None:
            raise ValueError("a share needs 'se', its standard error (or give k and n)")
        if self.range is not None and not (0.0 <= self.range[0] <= self.range[1] <= 1e9):
            raise ValueError("'range' must be [lo, hi] with 0 <= lo <= hi")
        if (self.week is None) == (self.window is None):
            raise ValueError("give exactly one of 'week' or 'window' ([first, last])")
        if self.window is not None and not (0 <= self.window[0] <= self.window[1] <= 5200):
            raise ValueError("'window' must be [first, last] with 0 <= first <= last <= 5200")
        return self

    @property
    def kind(self) -> Literal["count", "share", "range"]:
        return "count" if self.k is not None else "share" if self.share is not None else "range"

    @property
    def weeks(self) -> tuple[int, int]:
        return (self.week, self.week) if self.week is not None else self.window  # type: ignore[return-value]

    @property
    def observed(self) -> float:
        """The point observation (a range's midpoint)."""
        if self.k is not None:
            return self.k / self.n  # type: ignore[operator]
        if self.share is not None:
            return self.share
        return 0.5 * (self.range[0] + self.range[1])  # type: ignore[index]

    def var_obs(self, p: float | None = None) -> float:
        """Variance of the observation about the truth: binomial sampling (inflated by
        1 + (n - 1) rho for the beta-binomial), a share's se squared; a range's from ``n``."""
        if self.share is not None:
            return float(self.se) ** 2  # type: ignore[arg-type]
        if self.n is None:
            return 0.0
        q = self.observed if p is None else p
        if self.range is not None and p is None:
            q = min(max(0.5, self.range[0]), self.range[1])  # the widest error near the edge
        return q * (1.0 - q) / self.n * (1.0 + (self.n - 1) * self.overdispersion)

    def gap(self, sim: float) -> float:
        """|observed - simulated|; for a range, the distance to the range (0 inside)."""
        if self.range is not None:
            lo, hi = self.range
            return max(lo - sim, 0.0, sim - hi)
        return abs(self.observed - sim)

    def log_likelihood(self, p: float) -> float:
        """Log probability of the observation if the true share were ``p``: binomial (or
        beta-binomial) for a count, normal for a share, log of the range's sampling
        probability (normal approximation) for a range."""
        p = min(max(float(p), 1e-12), 1.0 - 1e-12)
        if self.k is not None:
            if self.overdispersion == 0.0:
                return float(stats.binom.logpmf(self.k, self.n, p))
            a = p * (1.0 - self.overdispersion) / self.overdispersion
            b = (1.0 - p) * (1.0 - self.overdispersion) / self.overdispersion
            return float(stats.betabinom.logpmf(self.k, self.n, a, b))
        if self.share is not None:
            return float(stats.norm.logpdf(self.share, p, self.se))
        lo, hi = self.range  # type: ignore[misc]
        sd = math.sqrt(self.var_obs(p)) if self.n else 0.0
        if sd == 0.0:
            return 0.0 if lo <= p <= hi else -math.inf
        prob = stats.norm.cdf(hi, p, sd) - stats.norm.cdf(lo, p, sd)
        return float(math.log(max(prob, 1e-300)))


class TargetsFile(_Strict):
    """The top level of a targets file."""

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    targets: list[Target] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique(self) -> TargetsFile:
        names = [t.name for t in self.targets]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"target names must be unique; repeated: {', '.join(dup)}")
        return self


def file_hash(path: str | Path) -> str:
    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_targets(path: str | Path) -> TargetsFile:
    """The validated targets file, or a ScenarioError naming the file and each bad field."""
    raw = read_yaml(Path(path), "targets file")
    try:
        spec = TargetsFile.model_validate(raw)
    except ValidationError as e:
        raise located_error(e, path, TargetsFile) from None
    from ..system.lookup import resolve_composition

    for i, t in enumerate(spec.targets):
        try:
            resolve_composition(t.system)
        except (ICSSimError, KeyError, ValueError, LookupError) as e:
            msg = str(e.args[0]) if e.args else str(e)
            raise ScenarioError(path, f"targets[{i}].system", msg) from None
    return spec
