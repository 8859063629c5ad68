"""Builders shared by the tests."""

from __future__ import annotations

import contextlib
import resource
import signal

from ics_sim.mechanisms import MECHANISMS
from ics_sim.verification import clique  # noqa: F401  (re-exported for tests)


def all_but(*keep: str) -> list[str]:
    """Names of every mechanism except ``keep``."""
    return [m for m in MECHANISMS if m not in keep]


class SetLever:
    """A minimal intervention for tests: holds one lever at a value on some organisations."""

    def __init__(self, name: str, value: float, where=slice(None), start: int = 0):
        self.name, self.value, self.where, self.start = name, value, where, start

    def apply(self, engine, week: int) -> None:
        if week >= self.start:
            engine.levers.values[self.name][:, self.where] = self.value


def late_mean(df, column: str, weeks: int = 52) -> float:
    """Mean of ``column`` over the last ``weeks`` weeks, pooled over replicates."""
    last = df["week"].max()
    return float(df.loc[df["week"] > last - weeks, column].mean())


@contextlib.contextmanager
def bounded(limit_bytes: int, seconds: int):
    """Run the block with at most ``limit_bytes`` more address space and an alarm after
    ``seconds`` (Linux): hostile input must fail fast, never exhaust the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[0]) * resource.getpagesize()
    limit = now + limit_bytes if hard == resource.RLIM_INFINITY else min(hard, now + limit_bytes)

    def alarm(signum, frame):
        raise AssertionError(f"did not finish within {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, old)
