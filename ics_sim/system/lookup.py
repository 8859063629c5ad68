"""Finding a system by name: an ICB code or name, ``england``, counts by kind, or the default."""

from __future__ import annotations

from collections.abc import Mapping

from .composition import Composition, default, from_counts


def resolve_composition(
    ics: str | Composition | None = None, counts: Mapping[str, int] | None = None
) -> Composition:
    """The composition named by ``ics`` (an ICB code or name), given by ``counts``, or default."""
    if isinstance(ics, Composition):
        return ics
    if ics is not None and counts is not None:
        from ..core.errors import ParameterError

        raise ParameterError("give either 'ics' or 'counts', not both")
    if counts is not None:
        return from_counts(counts)
    if ics is None or str(ics).lower() in ("default", ""):
        return default()
    from . import england

    if str(ics).lower() == "england":
        return england.england()
    return england.from_icb(str(ics))
