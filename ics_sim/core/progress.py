"""The progress hook: long computations report progress without knowing how it is drawn.

Layers below the interfaces never draw. A sweep calls ``with progress_bar(total, label,
unit) as advance: ... advance(n)``; what that shows is the bar the interfaces layer installed
(:func:`install`; ``import ics_sim`` installs the terminal bar of
:mod:`ics_sim.interfaces.progress`), or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

Advance = Callable[..., None]
BarFactory = Callable[[int, str, str, bool, int], AbstractContextManager[Advance]]

_bar: BarFactory | None = None


def install(factory: BarFactory | None) -> None:
    """Draw progress with ``factory(total, label, unit, enabled, done)`` (None: draw nothing)."""
    global _bar
    _bar = factory


@contextmanager
def progress_bar(
    total: int, label: str, unit: str, enabled: bool = True, done: int = 0
) -> Iterator[Advance]:
    """Yield ``advance(n)``: the installed bar's, or a no-op."""
    if _bar is None:
        yield lambda n=1: None
        return
    with _bar(total, label, unit, enabled, done) as advance:
        yield advance
