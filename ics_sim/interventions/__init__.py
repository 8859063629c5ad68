"""The intervention and shock library: every entry registered by name.

Scenario files, the dashboard and sweep specifications all name interventions through
:data:`REGISTRY`, so a name means the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import ICSSimError
from ..core.params import suggest
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

REGISTRY: dict[str, type[Intervention]] = {c.name: c for c in _ALL}
INTERVENTIONS = {k: c for k, c in REGISTRY.items() if c.kind == "intervention"}
SHOCKS = {k: c for k, c in REGISTRY.items() if c.kind == "shock"}


def create(
    type: str,
    start: int = 0,
    end: int | None = None,
    targets: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    key: str = "",
) -> Intervention:
    """An intervention or shock by its registered name."""
    if type not in REGISTRY:
        raise ICSSimError(
            f"unknown intervention or shock {type!r}{suggest(type, REGISTRY)}; valid: "
            + ", ".join(REGISTRY)
        )
    return REGISTRY[type](start=start, end=end, targets=targets, settings=params or {}, key=key)


__all__ = ["INTERVENTIONS", "REGISTRY", "SHOCKS", "Intervention", "Shock", "Targets", "create"]
