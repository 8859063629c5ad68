"""Declared parameters: every number the model uses has a name, default, range, unit and source.

Components (mechanisms, the model itself) declare their parameters as :class:`Param` objects;
:func:`resolve` checks user overrides against them, so a typo in a sweep or scenario is an
error that names the parameter and the valid ones rather than a silently ignored setting.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .errors import ParameterError


@dataclass(frozen=True)
class Param:
    """One model parameter.

    ``source`` names a passage of the source documents, a paper, or says ``assumption``.
    """

    name: str
    default: float
    lo: float
    hi: float
    unit: str
    doc: str
    source: str
    integer: bool = False

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(
                f"parameter {self.name!r} must be a number in [{self.lo}, {self.hi}], got {value!r}"
            )
        if self.integer and float(value) != int(value):
            raise ParameterError(f"parameter {self.name!r} must be a whole number, got {value!r}")
        if not (self.lo <= value <= self.hi):
            raise ParameterError(
                f"parameter {self.name!r} = {value!r} is out of range; valid: "
                f"[{self.lo}, {self.hi}] ({self.unit})"
            )
        return int(value) if self.integer else float(value)


class Params(Mapping[str, float]):
    """Resolved parameter values, readable as attributes (``p.trust_gain``)."""

    def __init__(self, values: Mapping[str, float]):
        self._values = MappingProxyType(dict(values))

    def __getattr__(self, name: str) -> float:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> float:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({dict(self._values)!r})"


def suggest(name: str, valid: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the nearest valid name, or ''."""
    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def resolve(declared: Iterable[Param], overrides: Mapping[str, Any]) -> Params:
    """Defaults updated by ``overrides``; unknown names and bad values raise ParameterError."""
    table = {p.name: p for p in declared}
    values = {name: p.default for name, p in table.items()}
    for name, value in overrides.items():
        if name not in table:
            raise ParameterError(
                f"unknown parameter {name!r}{suggest(name, table)}; valid parameters: "
                + ", ".join(sorted(table))
            )
        values[name] = table[name].check(value)
    return Params(values)
