"""What a partnership measured about itself: surveyed ties and organisations' own traits.

A :class:`~ics_sim.system.composition.Composition` built from a system file (see
``docs/own-partnership.md``) may carry an :class:`ObservedTies` table (its relationship
survey, observed or imputed tie by tie) and :class:`TraitOverrides` (traits the partnership
knows, in place of its kinds' defaults). Both are plain numpy data: the state layer applies
them (:func:`ics_sim.state.observed.apply_observed`); nothing here reads a file.

Values are on the model's scales, in [0, 1]; NaN means "not given: keep the model's draw".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.errors import ICSSimError

#: Items of a tie the model can start from, and the state variable each sets.
TIE_ITEMS: dict[str, str] = {
    "trust": "trust",  # i's trust in j (PARTNER: reliability, mission, openness)
    "familiarity": "familiarity",  # how well i's leaders know j's
    "legacy": "legacy",  # legacy of mistrust from past relationships
    "value": "advantage",  # potential collaborative advantage i sees in j (PARTNER: value)
    "contact": "active",  # contact frequency: 0 means no tie at the start
}

#: Organisation traits a system file may override (the kind defaults of ics_sim.system.kinds).
TRAIT_NAMES: tuple[str, ...] = (
    "power",
    "resources",
    "pressure",
    "capacity",
    "orientation",
    "trust_propensity",
    "sharing",
)


@dataclass(frozen=True)
class ObservedTies:
    """One row per directed tie i -> j: each item's value (NaN: not given) and whether the
    row was surveyed (``observed``) or imputed."""

    src: np.ndarray  # (K,) rater (organisation index)
    dst: np.ndarray  # (K,) ratee
    values: dict[str, np.ndarray] = field(default_factory=dict)  # item -> (K,) float
    observed: np.ndarray | None = None  # (K,) bool

    def __post_init__(self) -> None:
        k = len(self.src)
        if len(self.dst) != k or any(len(v) != k for v in self.values.values()):
            raise ICSSimError("observed ties: every column needs one value per tie")
        unknown = set(self.values) - set(TIE_ITEMS)
        if unknown:
            raise ICSSimError(f"observed ties: unknown items {sorted(unknown)}")
        if np.any(self.src == self.dst):
            raise ICSSimError("observed ties: an organisation cannot rate itself")

    def __len__(self) -> int:
        return len(self.src)

    def digest_parts(self) -> list[np.ndarray]:
        """Everything the model reads, for fingerprints (warm-up reuse)."""
        obs = np.zeros(len(self), bool) if self.observed is None else self.observed
        parts = [np.asarray(self.src, np.int64), np.asarray(self.dst, np.int64), obs]
        for k in sorted(self.values):
            parts.append(np.asarray(self.values[k], dtype=float))
        return parts


@dataclass(frozen=True)
class TraitOverrides:
    """Trait -> (N,) values (NaN: the kind's draw is kept)."""

    values: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.values) - set(TRAIT_NAMES)
        if unknown:
            raise ICSSimError(f"trait overrides: unknown traits {sorted(unknown)}")

    def digest_parts(self) -> list[np.ndarray]:
        return [np.asarray(self.values[k], dtype=float) for k in sorted(self.values)]
