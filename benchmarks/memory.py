"""Peak resident memory of one run, measured in a fresh process.

    python -m benchmarks.memory ENGINE N WEEKS      # ENGINE: ics-sim, reference or england

Prints one JSON line: the peak resident set size (MB) after importing everything, and after
building the system and running WEEKS weeks, so the cost of the model itself can be told
from the interpreter's and the libraries'.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def peak_mb() -> float:
    """Peak resident set of this process's own memory (VmHWM). ``ru_maxrss`` would not do:
    Linux carries it over ``exec`` from the parent, so a child of a big process reports the
    parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def main(argv: list[str]) -> None:
    engine, n, weeks = argv[0], int(argv[1]), int(argv[2])
    from ics_sim.engine import Engine
    from ics_sim.synthetic import system

    from .reference import ReferenceModel

    base = peak_mb()
    if engine == "england":
        from ics_sim.england import england

        comp = england()
    else:
        comp = system(n)
    params = {"warmup_weeks": 0}
    if engine == "reference":
        ReferenceModel(comp, seed=1, params=params).run(weeks)
    else:
        Engine(comp, [1], params).run(weeks)
    print(json.dumps({"engine": engine, "n": comp.n, "baseline_mb": base, "peak_mb": peak_mb()}))


if __name__ == "__main__":
    main(sys.argv[1:])
