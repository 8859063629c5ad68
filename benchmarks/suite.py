"""The benchmark suite behind ``python -m benchmarks``: ratios measured in one run.

Every comparison is timed in the same process, one after the other, with an untimed warm-up
run first, several repeats and the median (the machine is shared and noisy: ratios from one
run mean more than absolute times). Sections:

1. ics-sim against two Mesa implementations of the same rules, for synthetic systems of 30,
   200 and 2,000 organisations (:func:`ics_sim.synthetic.system`), seconds per run of 520
   weeks (building the model included, no warm-up) and the ratios: the tuned, idiomatic Mesa
   model (:mod:`benchmarks.mesa_tuned`, the honest speed reference) and the draw-for-draw
   transliteration with networkx edge attributes (:mod:`benchmarks.reference`, the
   equivalence oracle, untuned).
2. How cost grows: ics-sim's time per week against the number of directed ties, 1e3 to 1e6,
   with the slope of a least-squares line on log-log axes.
3. Peak resident memory per size, each run in a fresh process (:mod:`benchmarks.memory`).
4. Batched replicates: replicates per second one at a time and batched, default ICS.
5. England: all 42 ICSs in one model, 520 weeks after the warm-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ics_sim.engine import Engine
from ics_sim.synthetic import system
from ics_sim.system.network import build_topology

NO_WARMUP = {"warmup_weeks": 0}


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import mesa
    import networkx

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.date.today().isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "networkx": networkx.__version__,
    }


# -- 1. against the references ------------------------------------------------------------
def _run_time(make: Callable[[], Any], weeks: int, sample: int) -> float:
    """Seconds to build a model and run ``weeks`` weeks, timing ``sample`` weeks of them and
    scaling (cost per week is steady; building is timed in full)."""
    t0 = time.perf_counter()
    model = make()
    t_setup = time.perf_counter() - t0
    t_weeks = _timed(lambda: model.run(sample))
    return t_setup + t_weeks / sample * weeks


def _weeks_to_time(make: Callable[[], Any], weeks: int, budget: float) -> int:
    """All ``weeks`` if a run fits in ``budget`` seconds, else fewer (a third of the budget's
    worth, at least 3), from a probe of 3 weeks (which also warms the model's code up)."""
    model = make()
    per_week = _timed(lambda: model.run(3)) / 3
    if per_week * weeks <= budget:
        return weeks
    return min(weeks, max(3, int(budget / 3 / max(per_week, 1e-9))))


def versus_reference(
    sizes: list[int],
    weeks: int,
    repeats: int,
    budget: float,
    log: Callable[[str], None],
    tuned_budget: float | None = None,
) -> list[dict[str, Any]]:
    """Seconds per run of ``weeks`` weeks: ics-sim, the tuned Mesa model
    (:mod:`benchmarks.mesa_tuned`) and the transliteration (:mod:`benchmarks.reference`).

    Each repeat times the three back to back (ics-sim, tuned, transliteration), so besides the
    ratio of median times the row has the median of the per-repeat ratios (``*_paired``), which
    a load change on the shared machine moves less. A model whose run is expected to take more
    than its budget (``budget``; ``tuned_budget`` for the tuned model, default ``budget``) is
    timed over fewer weeks and scaled to ``weeks``; the row says so.
    """
    from .mesa_tuned import TunedModel
    from .reference import ReferenceModel

    tuned_budget = budget if tuned_budget is None else tuned_budget
    rows = []
    for n in sizes:
        comp = system(n)
        edges = build_topology(comp).e

        def ours(comp=comp) -> None:
            Engine(comp, [1], NO_WARMUP).run(weeks)

        def make_tuned(comp=comp) -> TunedModel:
            return TunedModel(comp, seed=1, params=NO_WARMUP)

        def make_ref(comp=comp) -> ReferenceModel:
            return ReferenceModel(comp, seed=1, params=NO_WARMUP)

        Engine(comp, [1], NO_WARMUP).run(2)  # warm-up: imports, caches
        tuned_weeks = _weeks_to_time(make_tuned, weeks, tuned_budget)
        ref_weeks = _weeks_to_time(make_ref, weeks, budget)
        t_o, t_t, t_r = [], [], []
        for _ in range(repeats):
            t_o.append(_timed(ours))
            t_t.append(_run_time(make_tuned, weeks, tuned_weeks))
            t_r.append(_run_time(make_ref, weeks, ref_weeks))
        t_ours, t_tuned, t_ref = (statistics.median(x) for x in (t_o, t_t, t_r))
        row = {
            "organisations": n,
            "ties": edges,
            "weeks": weeks,
            "ics_sim_s": t_ours,
            "tuned_s": t_tuned,
            "tuned_weeks_timed": tuned_weeks,
            "ratio_tuned": t_tuned / t_ours,
            "ratio_tuned_paired": statistics.median(b / a for a, b in zip(t_o, t_t, strict=True)),
            "reference_s": t_ref,
            "reference_weeks_timed": ref_weeks,
            "ratio": t_ref / t_ours,
            "ratio_paired": statistics.median(c / a for a, c in zip(t_o, t_r, strict=True)),
        }

        def timed_over(w: int) -> str:
            return "" if w == weeks else f" (from {w} weeks)"

        log(
            f"  {n:>6} organisations, {edges:>7} ties: ics-sim {t_ours:7.3f} s; "
            f"tuned Mesa {t_tuned:8.2f} s{timed_over(tuned_weeks)}, {row['ratio_tuned']:5.1f}x "
            f"(back to back {row['ratio_tuned_paired']:.1f}x); transliteration {t_ref:8.2f} s"
            f"{timed_over(ref_weeks)}, {row['ratio']:5.0f}x (back to back "
            f"{row['ratio_paired']:.0f}x)"
        )
        rows.append(row)
    return rows


# -- 2. scaling ----------------------------------------------------------------------------
def scaling(sizes: list[int], repeats: int, log: Callable[[str], None]) -> dict[str, Any]:
    """ics-sim's seconds per week against directed ties; slope of the log-log fit."""
    rows = []
    for n in sizes:
        engine = Engine(system(n), [1], NO_WARMUP)
        for _ in range(2):
            engine.step()
        per_week = _timed(engine.step)
        weeks = max(3, min(200, int(0.3 / max(per_week, 1e-6))))
        times = []
        for _ in range(repeats):
            times.append(_timed(lambda engine=engine, weeks=weeks: _steps(engine, weeks)) / weeks)
        t = statistics.median(times)
        rows.append({"organisations": n, "ties": engine.topo.e, "s_per_week": t})
        log(
            f"  {n:>6} organisations, {engine.topo.e:>8} ties: {t * 1e3:8.2f} ms/week "
            f"({t / engine.topo.e * 1e9:5.0f} ns per tie-week)"
        )
        del engine
    x = np.log([r["ties"] for r in rows])
    y = np.log([r["s_per_week"] for r in rows])
    slope = float(np.polyfit(x, y, 1)[0]) if len(rows) > 1 else float("nan")
    log(f"  log-log slope of time per week against ties: {slope:.2f}")
    return {"rows": rows, "slope": slope}


def _steps(engine: Engine, weeks: int) -> None:
    for _ in range(weeks):
        engine.step()


# -- 3. memory -----------------------------------------------------------------------------
def memory(jobs: list[tuple[str, int]], weeks: int, log: Callable[[str], None]) -> list[dict]:
    """Peak resident set of each (engine, size) run in a fresh process."""
    rows = []
    root = Path(__file__).resolve().parents[1]
    for engine, n in jobs:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.memory", engine, str(n), str(weeks)],
            capture_output=True,
            text=True,
            cwd=root,
            check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        log(
            f"  {engine:>9} {row['n']:>6} organisations: peak {row['peak_mb']:7.0f} MB "
            f"(interpreter and libraries {row['baseline_mb']:.0f} MB)"
        )
    return rows


# -- 4. batched replicates -----------------------------------------------------------------
def batched(
    batch_sizes: list[int], weeks: int, repeats: int, log: Callable[[str], None]
) -> list[dict]:
    """Replicates per second of the default ICS, one at a time and in batches of R."""
    comp = system(43)
    rows = []
    Engine(comp, [0]).run(2)  # warm-up
    for R in [1, *batch_sizes]:
        t = statistics.median(
            _timed(lambda R=R: Engine(comp, list(range(R))).run(weeks)) for _ in range(repeats)
        )
        rows.append({"batch": R, "replicates_per_s": R / t})
    base = rows[0]["replicates_per_s"]
    for r in rows:
        r["speed_up"] = r["replicates_per_s"] / base
        log(
            f"  batch of {r['batch']:>3}: {r['replicates_per_s']:7.1f} replicates/s "
            f"({r['speed_up']:.1f}x one at a time)"
        )
    return rows


def all_params_default(name: str) -> float:
    """The default of a declared parameter (the warm-up the runs include)."""
    from ics_sim.engine import all_params

    return next(p.default for p in all_params() if p.name == name)


# -- 5. England ----------------------------------------------------------------------------
def england(weeks: int, repeats: int, log: Callable[[str], None]) -> dict[str, Any]:
    """All of England in one model: build, warm-up and ``weeks`` weeks."""
    from ics_sim.england import england as build

    comp = build()
    edges = build_topology(comp).e
    t_run = statistics.median(_timed(lambda: Engine(comp, [1]).run(weeks)) for _ in range(repeats))
    warm = int(all_params_default("warmup_weeks"))
    row = {"organisations": comp.n, "ties": edges, "weeks": weeks, "seconds": t_run}
    row["warmup_weeks"] = warm
    log(
        f"  {comp.n} organisations, {edges} candidate ties, {len(comp.ics_names)} ICSs: "
        f"{t_run:.1f} s for {weeks} weeks (+{warm} warm-up)"
    )
    return row


# -- report --------------------------------------------------------------------------------
def markdown(res: dict[str, Any]) -> str:
    """The results as the Markdown tables the README quotes."""
    m = res["machine"]
    lines = [
        f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, shared), Python "
        f"{m['python']}, numpy {m['numpy']}, Mesa {m['mesa']}, networkx {m['networkx']}; "
        "medians of repeats, one process.",
        "",
    ]
    if res.get("reference"):
        lines += [
            "| organisations | directed ties | ics-sim (s/run) | tuned Mesa (s/run) | ics-sim "
            "faster than tuned Mesa | back to back | Mesa + networkx transliteration (s/run) "
            "| ics-sim faster than the transliteration | back to back |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in res["reference"]:
            star_t = "" if r["tuned_weeks_timed"] == r["weeks"] else " *"
            star_r = "" if r["reference_weeks_timed"] == r["weeks"] else " *"
            lines.append(
                f"| {r['organisations']:,} | {r['ties']:,} | {r['ics_sim_s']:.3f} | "
                f"{r['tuned_s']:.2f}{star_t} | {r['ratio_tuned']:.1f}x | "
                f"{r['ratio_tuned_paired']:.1f}x | {r['reference_s']:.2f}{star_r} | "
                f"{r['ratio']:.0f}x | {r['ratio_paired']:.0f}x |"
            )
        weeks = res["reference"][0]["weeks"]
        lines.append("")
        lines.append(
            f"Runs of {weeks} weeks, building the model included; 'back to back' is the median "
            "of the ratios of runs timed one after the other."
        )
        sampled = [
            f"{r['organisations']:,} organisations: {name} timed over {r[key]} weeks"
            for r in res["reference"]
            for name, key in (
                ("tuned", "tuned_weeks_timed"),
                ("transliteration", "reference_weeks_timed"),
            )
            if r[key] != r["weeks"]
        ]
        if sampled:
            lines.append(
                "\\* extrapolated: timed over fewer weeks and scaled to the full run (cost per "
                "week is steady; building timed in full): " + "; ".join(sampled) + "."
            )
        lines.append("")
    if res.get("scaling"):
        s = res["scaling"]
        lines += ["| directed ties | organisations | ms per week | ns per tie-week |"]
        lines += ["|---:|---:|---:|---:|"]
        for r in s["rows"]:
            lines.append(
                f"| {r['ties']:,} | {r['organisations']:,} | {r['s_per_week'] * 1e3:.2f} | "
                f"{r['s_per_week'] / r['ties'] * 1e9:.0f} |"
            )
        lines += ["", f"Log-log slope of time per week against ties: **{s['slope']:.2f}**.", ""]
    if res.get("memory"):
        lines += [
            "| model | organisations | peak resident memory (MB) | of which interpreter "
            "and libraries (MB) |",
            "|---|---:|---:|---:|",
        ]
        for r in res["memory"]:
            lines.append(
                f"| {r['engine']} | {r['n']:,} | {r['peak_mb']:.0f} | {r['baseline_mb']:.0f} |"
            )
        lines.append("")
    if res.get("batched"):
        lines += ["| replicates batched | replicates per second | speed-up |", "|---:|---:|---:|"]
        for r in res["batched"]:
            lines.append(f"| {r['batch']} | {r['replicates_per_s']:.1f} | {r['speed_up']:.1f}x |")
        lines.append("")
    if res.get("england"):
        e = res["england"]
        lines.append(
            f"England: {e['organisations']:,} organisations, {e['ties']:,} ties, "
            f"{e['weeks']} weeks after the warm-up in **{e['seconds']:.1f} s** on one core."
        )
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark ics-sim against a tuned Mesa implementation of the same rules "
        "(and the untuned Mesa + networkx transliteration), and measure how its cost grows.",
    )
    ap.add_argument("--quick", action="store_true", help="small sizes, a minute (a smoke test)")
    ap.add_argument("--weeks", type=int, default=None, help="weeks per run (default 520)")
    ap.add_argument("--repeats", type=int, default=None, help="timed repeats (default 3)")
    ap.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="longest a single transliteration run may take before it is timed over fewer "
        "weeks and scaled (seconds, default 120)",
    )
    ap.add_argument(
        "--tuned-budget",
        type=float,
        default=None,
        help="the same for the tuned Mesa model (seconds, default: --budget)",
    )
    ap.add_argument(
        "--only",
        nargs="+",
        default=None,
        choices=["reference", "scaling", "memory", "batched", "england"],
        help="run only these sections",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    ap.add_argument("--markdown", type=Path, default=None, help="also write the tables")
    args = ap.parse_args(argv)
    quick = args.quick
    weeks = args.weeks or (20 if quick else 520)
    repeats = args.repeats or (2 if quick else 3)
    only = set(args.only or ["reference", "scaling", "memory", "batched", "england"])
    if quick:
        only.discard("england")

    def log(text: str) -> None:
        print(text, flush=True)

    res: dict[str, Any] = {"machine": machine()}
    log(f"ics-sim benchmarks, {res['machine']['date']}, {res['machine']['cpu']}")
    if "reference" in only:
        log(f"1. ics-sim against the tuned Mesa model and the transliteration, {weeks} weeks")
        sizes = [30, 200] if quick else [30, 200, 2000]
        res["reference"] = versus_reference(
            sizes, weeks, repeats, args.budget, log, tuned_budget=args.tuned_budget
        )
    if "scaling" in only:
        log("2. Time per week against directed ties")
        sizes = [52, 160, 520] if quick else [52, 160, 520, 1600, 5200, 16000, 52000]
        res["scaling"] = scaling(sizes, repeats, log)
    if "memory" in only:
        log("3. Peak resident memory, each in a fresh process")
        jobs = [("ics-sim", 30), ("reference", 30)]
        if not quick:
            jobs += [("ics-sim", 200), ("reference", 200), ("ics-sim", 2000)]
            jobs += [("reference", 2000), ("ics-sim", 52000), ("england", 0)]
        res["memory"] = memory(jobs, 4, log)
    if "batched" in only:
        log("4. Batched replicates, default ICS")
        res["batched"] = batched([4] if quick else [8, 16, 32], weeks, repeats, log)
    if "england" in only:
        log("5. England")
        res["england"] = england(weeks, repeats, log)
    table = markdown(res)
    print()
    print(table)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(table)
    return 0
