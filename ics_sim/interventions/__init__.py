"""The intervention and shock library: every entry registered by name.

Scenario files, the dashboard and sweep specifications all name interventions through
:data:`REGISTRY`, so a name means the same thing everywhere. The built-ins are added to the one
registry (:mod:`ics_sim.core.registry`), where plugins join them; ``REGISTRY``,
``INTERVENTIONS`` and ``SHOCKS`` are live read-only views of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import ICSSimError
from ..core.params import Param, suggest
from ..core.registry import REGISTRY as _REGISTRY
from ..core.registry import View
from .base import Intervention, Targets
from .relational import BigBreakfast, ConflictCoaching, LeadershipProgramme, OpenSpace
from .shocks import (
    BlameCulture,
    FinancialSqueeze,
    IndustrialAction,
    LeadershipChurn,
    ProviderCollaborative,
    Shock,
    WinterPressure,
    WorkforceShortage,
)
from .structural import (
    CollaborateSelectively,
    DecisionMatrix,
    DelegatedAuthority,
    PowerSharing,
    RewardCollaboration,
    SharedPurpose,
    SuccessionPlanning,
)

_ALL: tuple[type[Intervention], ...] = (
    BigBreakfast,
    OpenSpace,
    SharedPurpose,
    DecisionMatrix,
    DelegatedAuthority,
    PowerSharing,
    ConflictCoaching,
    LeadershipProgramme,
    RewardCollaboration,
    CollaborateSelectively,
    SuccessionPlanning,
    FinancialSqueeze,
    WorkforceShortage,
    WinterPressure,
    IndustrialAction,
    LeadershipChurn,
    ProviderCollaborative,
    BlameCulture,
)

for _c in _ALL:
    _REGISTRY.add(_c)

#: Every intervention and shock by name; interventions only; shocks only (live views).
REGISTRY = View(_REGISTRY)
INTERVENTIONS = View(_REGISTRY, "intervention")
SHOCKS = View(_REGISTRY, "shock")


def create(
    type: str,
    start: int = 0,
    end: int | None = None,
    targets: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    key: str = "",
) -> Intervention:
    """An intervention or shock by its registered name."""
    table = _REGISTRY.interventions()
    if type not in table:
        raise ICSSimError(
            f"unknown intervention or shock {type!r}{suggest(type, table)}; valid: "
            + ", ".join(table)
        )
    return table[type](start=start, end=end, targets=targets, settings=params or {}, key=key)


__all__ = [
    "INTERVENTIONS",
    "REGISTRY",
    "SHOCKS",
    "Intervention",
    "Param",
    "Shock",
    "Targets",
    "create",
]
