"""What a run will need, known before it starts: memory and time, from the system's size.

The schema accepts any size a researcher might mean (5,000 organisations of a kind, 100,000
replicates), but memory grows with the ties of the network (the square of the largest forum
or place) times the replicates run together, and time with ties x replicates x weeks. So
before anything is allocated, :func:`check_run` estimates both from the composition
(:func:`ics_sim.system.network.size_estimate`) and refuses a run this machine cannot hold
with the estimate and the ways out: fewer replicates or weeks, several runs in chunks
(``--seed``), or ``--force`` to try anyway. Seeds are checked here too: every run's seed must
be at most :data:`MAX_SEED`, whichever path (scenario, ``--seed``, compare, sweep) set it.

The constants were measured on the default ICS (43 organisations, 834 ties) and on a
synthetic ICS of 1,220 organisations (1.5 million ties); the estimates are meant to be right
to within a factor of two or so, which is all a refusal needs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from ..system.composition import Composition
from ..system.network import size_estimate
from .files import ScenarioError

#: Largest seed: seeds are stored as 64-bit signed integers (outcome tables, Parquet).
MAX_SEED = 2**63 - 1
#: Python, numpy, pandas and the model's code, before any state.
BYTES_FIXED = 200 << 20
#: build_topology's pair arrays, their sort and the tie tables, per ordered pair.
BYTES_PER_PAIR = 160
#: State arrays and the week's random draws, per tie and replicate.
BYTES_PER_TIE = 320
#: One row of an outcome table (about 25 numbers), counting the copies made to assemble it.
BYTES_PER_ROW = 25 * 8 * 3
#: Time per replicate-week: the fixed cost of a week's mechanisms, then per tie.
SECONDS_PER_WEEK = 2e-3
SECONDS_PER_TIE_WEEK = 1.2e-6
#: Longest run started without --force.
MAX_SECONDS = 24 * 3600
#: Replicates an engine steps together (sim.runner.run_scenario_tables's batch).
BATCH = 32

_FORCE: ContextVar[bool] = ContextVar("ics_sim_force", default=False)


@contextmanager
def forced(force: bool = True) -> Iterator[None]:
    """Within the block, :func:`check_run` reports but does not refuse (``--force``)."""
    token = _FORCE.set(force)
    try:
        yield
    finally:
        _FORCE.reset(token)


def is_forced() -> bool:
    """Whether :func:`forced` (``--force``) is in effect."""
    return _FORCE.get()


@dataclass(frozen=True)
class Estimate:
    """Peak memory (bytes) and time (seconds) of a run, and what they were estimated from."""

    bytes: int
    seconds: float
    organisations: int
    ties: int

    def describe(self, replicates: int, weeks: int) -> str:
        return (
            f"{self.organisations:,} organisations, up to {self.ties:,} ties, "
            f"{replicates:,} replicates x {weeks:,} weeks"
        )


def estimate(
    comp: Composition, replicates: int, weeks: int, together: int = BATCH, runs: int = 1
) -> Estimate:
    """Memory and time of ``runs`` runs of ``replicates`` replicates of ``comp``, ``together``
    of them stepped at once (the memory is that of one run; the time, of all of them)."""
    ties, pairs = size_estimate(comp)
    at_once = max(1, min(replicates, together))
    k = len(comp.ics_names)
    rows = replicates * (weeks + 1) * (1 + (k if k > 1 else 0))  # and a table per ICS
    memory = BYTES_FIXED + BYTES_PER_PAIR * (ties + pairs) + BYTES_PER_TIE * ties * at_once
    memory += BYTES_PER_ROW * rows
    seconds = runs * replicates * weeks * (SECONDS_PER_WEEK + SECONDS_PER_TIE_WEEK * ties)
    return Estimate(int(memory), float(seconds), int(comp.n), int(ties))


def available_memory() -> int:
    """Memory this process could use now: MemAvailable (Linux), else physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return 8 << 30


def check_seeds(seed: int, last_offset: int, path: object = None, field: str = "seed") -> None:
    """Every seed ``seed .. seed + last_offset`` fits :data:`MAX_SEED` (or a ScenarioError)."""
    if not 0 <= seed <= MAX_SEED:
        raise ScenarioError(path, field, f"must be between 0 and {MAX_SEED} (2**63 - 1)")
    if seed + last_offset > MAX_SEED:
        raise ScenarioError(
            path,
            field,
            f"seed {seed} with {last_offset + 1:,} runs uses seeds up to {seed + last_offset}, "
            f"past the largest seed {MAX_SEED} (2**63 - 1); use a seed of at most "
            f"{MAX_SEED - last_offset}",
        )


def check_run(
    comp: Composition,
    replicates: int,
    weeks: int,
    *,
    path: object = None,
    what: str = "this run",
    together: int = BATCH,
    runs: int = 1,
    processes: int = 1,
    force: bool | None = None,
    detail: str | None = None,
    fix: str | None = None,
) -> Estimate:
    """The estimate of a run, or a ScenarioError if this machine cannot hold it (or it
    would take more than a day) and ``force`` (default: inside :func:`forced`) is off."""
    est = estimate(comp, replicates, weeks, together, runs)
    if force if force is not None else _FORCE.get():
        return est
    need, have = est.bytes * processes, available_memory()
    fix = fix or (
        "run fewer replicates or weeks, or in chunks (several runs, each with its own "
        "--seed and --replicates), or pass --force to try anyway"
    )
    detail = detail or est.describe(replicates, weeks)
    if need > have:
        each = f" ({processes} processes at once)" if processes > 1 else ""
        raise ScenarioError(
            path,
            "",
            f"{what} would need about {_bytes(need)} of memory{each} "
            f"({detail}); this machine has {_bytes(have)} free: {fix}",
        )
    seconds = est.seconds / max(1, processes)
    if seconds > MAX_SECONDS:
        raise ScenarioError(
            path,
            "",
            f"{what} would take about {_duration(seconds)} ({detail}); {fix}",
        )
    return est


def _bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:,.0f} minutes"
    if seconds < 86400 * 365:
        return f"{seconds / 3600:,.0f} hours"
    return f"{seconds / (86400 * 365):,.0f} years"
