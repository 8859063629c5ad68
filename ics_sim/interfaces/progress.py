"""One progress bar for every long command: done/total, rate, elapsed and time left.

Drawn with rich on stderr, and only when stderr is a terminal, so logs and CI output stay
clean. Used as ``with progress_bar(total, label, "weeks") as advance: ... advance(n)``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _age() -> float:
    """Seconds since this process started (Linux /proc), or 0 where that is not known."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return max(0.0, float(Path("/proc/uptime").read_text().split()[0]) - started)
    except (OSError, ValueError, IndexError):
        return 0.0


#: When this process started: commands print wall-clock time from here, so "whole command"
#: includes starting Python, importing, building, simulating and writing.
STARTED = time.perf_counter() - _age()


def elapsed() -> float:
    """Wall-clock seconds since the command started."""
    return time.perf_counter() - STARTED


@contextmanager
def progress_bar(
    total: int, label: str, unit: str, enabled: bool = True, done: int = 0
) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; a no-op unless enabled, total > 0 and stderr is a terminal."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.1f} {unit}/s" if speed else "", style="progress.data.speed")

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        Rate(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not (enabled and total > 0 and console.is_terminal),
    ) as bar:
        task = bar.add_task(label, total=total, completed=done)
        yield lambda n=1: bar.advance(task, n)
