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


# Tiny systems for tests computed by hand ------------------------------------------------


def tiny_composition(kinds=("icb", "acute", "local_authority"), period: int = 1, rule=0.5):
    """2-4 organisations of the given kinds in one place, all in one forum that meets every
    ``period`` weeks (offset 0) and decides by ``rule``: small enough to compute by hand."""
    import numpy as np

    from ics_sim.system.composition import Composition, Forum
    from ics_sim.system.kinds import parse_kind

    n = len(kinds)
    forum = Forum("Forum", "place_partnership", np.arange(n), period, 0, float(rule))
    return Composition(
        name="Tiny by hand",
        org_names=[f"{k}-{i}" for i, k in enumerate(kinds)],
        kind=np.array([int(parse_kind(k)) for k in kinds]),
        place=np.zeros(n, dtype=np.int32),
        place_names=["Place"],
        forums=[forum],
    )


def tiny_engine(kinds=("icb", "acute", "local_authority"), params=None, seeds=(1,), **kw):
    """An engine on :func:`tiny_composition` with no warm-up (the state is as built)."""
    from ics_sim.sim.engine import Engine

    comp = tiny_composition(kinds, kw.pop("period", 1), kw.pop("rule", 0.5))
    return Engine(comp, list(seeds), {"warmup_weeks": 0, **(params or {})}, **kw)


def mechanism(engine, name: str):
    """The engine's instance of the mechanism ``name``."""
    return next(m for m in engine.mechanisms if m.name == name)


class FixedStreams:
    """A stand-in for :class:`ics_sim.core.rng.Streams` with controlled draws: every uniform is
    ``uniform`` and every normal ``normal`` unless ``queue`` holds arrays, which ``random``
    and ``randoms`` hand out in order (one per draw of a given length, replicate axis first)."""

    def __init__(self, r: int = 1, uniform: float = 0.5, normal: float = 0.0, queue=()):
        self.r, self.uniform, self.norm, self.queue = r, uniform, normal, list(queue)

    def _next(self, shape):
        import numpy as np

        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if self.queue:
            return np.broadcast_to(np.asarray(self.queue.pop(0), float), (self.r, *shape)).copy()
        return np.full((self.r, *shape), self.uniform)

    def random(self, shape):
        return self._next(shape)

    def randoms(self, k: int, size: int):
        import numpy as np

        return np.stack([self._next(size) for _ in range(k)])

    def normal(self, shape):
        import numpy as np

        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return np.full((self.r, *shape), self.norm)
