"""Time per week of each mechanism's step, and of the outcomes, on one system.

    python -m benchmarks.profile england 1 100        # SYSTEM REPLICATES WEEKS
    python -m benchmarks.profile default 32 100       # the default ICS, 32 replicates batched

SYSTEM is ``england``, ``default`` (the 43-organisation default ICS) or a number of
organisations (``ics_sim.synthetic.system(n)``). The engine is built with a short warm-up
(``--warmup``, default 52 weeks) so the network has started to change, then each mechanism's
``step`` is timed over WEEKS weeks, in tick order (the same work ``Engine.step`` does), and
the outcomes once a week as ``Engine.run`` computes them, by CPU time (``--clock wall``
for wall-clock time). Prints a table of milliseconds per
week and, with ``--json``, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def profile(
    system: str, replicates: int, weeks: int, warmup: int = 52, clock: str = "cpu"
) -> dict[str, float]:
    """Milliseconds per week of each mechanism (in tick order), the outcomes and the total.

    ``clock="cpu"`` (the default) times CPU time of this process, which a loaded, shared
    machine disturbs far less than wall-clock time (``"wall"``)."""
    from ics_sim.engine import Engine

    if system == "england":
        from ics_sim.england import england

        comp = england()
    else:
        from ics_sim.synthetic import system as synthetic

        comp = synthetic(43 if system == "default" else int(system))
    eng = Engine(comp, list(range(1, replicates + 1)), {"warmup_weeks": warmup})
    spent = dict.fromkeys([m.name for m in eng.mechanisms], 0.0)
    spent["outcomes"] = 0.0
    clock = time.process_time if clock == "cpu" else time.perf_counter
    for _ in range(weeks):
        eng.levers.reset()
        s = eng.state
        s.good.fill(0.0)
        s.bad.fill(0.0)
        for m in eng.mechanisms:
            t0 = clock()
            m.step(s, eng.levers, eng.week)
            spent[m.name] += clock() - t0
        eng.week += 1
        t0 = clock()
        eng.outcomes()
        spent["outcomes"] += clock() - t0
    out = {k: 1000.0 * v / weeks for k, v in spent.items()}
    out["total"] = float(np.sum(list(out.values())))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    ap.add_argument("system", help="england, default, or a number of organisations")
    ap.add_argument("replicates", type=int)
    ap.add_argument("weeks", type=int)
    ap.add_argument("--warmup", type=int, default=52)
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    ap.add_argument("--json", action="store_true", help="print one JSON line instead")
    a = ap.parse_args(argv)
    res = profile(a.system, a.replicates, a.weeks, a.warmup, a.clock)
    if a.json:
        print(json.dumps(res))
        return 0
    for k, v in res.items():
        print(f"{k:>18} {v:8.2f} ms/week")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
