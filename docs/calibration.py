"""Re-measure the calibration of ``safety_base``, ``power_voice_exponent`` and ``surface_rate``
(docs/ODD.md).

Targets, from the survey in Walsh and de Sarandy (2023), "The practice of collaborative
leadership across health and care services":

- Practice 1: "Half of our survey respondents stated they are working in a system where it is
  not safe enough to voice a different perspective" -> ``unsafe_share`` about 0.5;
- Practice 4: "More than 50 per cent of our survey respondents felt that power was not being
  well shared" -> ``power_not_shared_share`` above 0.5;
- Practice 5: "Most survey respondents indicated they are surfacing and managing conflict" ->
  ``conflict_health`` above 0.5 (a majority level).

Each parameter is scanned with the others at their defaults, in the baseline (default ICS, no
intervention), over the same seeds, for 260 weeks after the warm-up; each row gives the three
measures, mean (sd across seeds), at weeks 0, 130 and 260. Selection rules (docs/ODD.md,
Calibration):

- ``safety_base``: on the grid below (steps of 0.01 near the target), the value whose mean
  unsafe share lies in [0.4, 0.6] at all three weeks, the closest to 0.5 averaged over them if
  several do; the neighbouring values show how tightly the target pins the parameter.
- ``power_voice_exponent``: the smallest value whose mean minus one sd of the not-shared share
  exceeds 0.5 at all three weeks (the survey gives only a lower bound).
- ``surface_rate``: the smallest value whose mean minus one sd of conflict health exceeds 0.5
  at all three weeks and at which switching the conflict mechanism off does not raise the
  collaboration index (mean over the run, paired by seed): silence must not look healthier
  than handling conflict (Lessons factor 3: "The absence of conflicts can be more worrying
  than their presence").

Finally the two shares at the defaults are broken down by kind of organisation.

Run: ``.venv/bin/python docs/calibration.py`` (a few minutes on a shared machine). ``--quick``
scans only each default and its two neighbours on 3 seeds over 26 weeks (for the tests; the
exit status still says whether the defaults meet every target); ``--grid`` adds 20 pairs of the
first two parameters to show that each measure depends on one of them only; ``--warmup 52``
repeats everything after a shorter warm-up. Exit status 1 if the current defaults miss a
target.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from ics_sim.composition import default
from ics_sim.engine import Engine, all_params
from ics_sim.kinds import Kind
from ics_sim.runner import simulate

SAFETY = (0.60, 0.63, 0.64, 0.645, 0.65, 0.655, 0.66, 0.665, 0.67, 0.68, 0.70)
EXPONENT = (1.0, 2.0, 2.5, 3.0, 3.25, 3.5, 3.75, 4.0)
GRID_SAFETY = (0.60, 0.64, 0.655, 0.67, 0.70)  # --grid: every pair of these
GRID_EXPONENT = (2.0, 3.0, 3.5, 4.0)
SURFACE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
MEASURES = ("unsafe_share", "power_not_shared_share", "conflict_health")
SHORT = {"unsafe_share": "unsafe", "power_not_shared_share": "not shared", "conflict_health": "cfh"}
ABOUT_HALF = (0.4, 0.6)  # the validation report's tolerance for "about half"

Result = dict[str, np.ndarray]  # measure -> (3 weeks, [mean, sd])


def measure(seeds: list[int], weeks: int, mechanisms_off=(), **params: float) -> Result:
    """Mean and sd across seeds of each measure at weeks 0, W/2 and W; under ``"index"`` each
    seed's collaboration index averaged over the run."""
    df = simulate(seeds, weeks, mechanisms_off=mechanisms_off, **params)
    out = {}
    for k in MEASURES:
        rows = []
        for w in (0, weeks // 2, weeks):
            x = df.loc[df["week"] == w, k].to_numpy()
            rows.append((x.mean(), x.std(ddof=1) if len(x) > 1 else 0.0))
        out[k] = np.array(rows)
    out["index"] = df.groupby("seed")["collaboration_index"].mean().sort_index().to_numpy()
    return out


def safety_ok(m: Result) -> bool:
    lo, hi = ABOUT_HALF
    x = m["unsafe_share"][:, 0]
    return bool(np.all((x >= lo) & (x <= hi)))


def power_ok(m: Result) -> bool:
    x = m["power_not_shared_share"]
    return bool(np.all(x[:, 0] - x[:, 1] > 0.5))


def conflict_ok(m: Result) -> bool:
    x = m["conflict_health"]
    return bool(np.all(x[:, 0] - x[:, 1] > 0.5))


def silence_not_better(m: Result, off: Result) -> bool:
    """Switching conflict off does not raise the collaboration index (paired mean)."""
    return bool(np.mean(off["index"] - m["index"]) <= 0.0)


def print_table(title: str, rows: list[tuple[str, Result, str]], weeks: int, ok: str) -> None:
    ws = (0, weeks // 2, weeks)
    head = ["value", *(f"{SHORT[m]} w{w}" for m in MEASURES for w in ws), ok]
    body = [[v, *(f"{a:.3f} ({s:.3f})" for k in MEASURES for a, s in m[k]), y] for v, m, y in rows]
    width = [max(len(r[c]) for r in [head, *body]) for c in range(len(head))]
    print(f"\n{title}")
    for r in [head, *body]:
        print("  ".join(c.rjust(w) for c, w in zip(r, width, strict=True)))


def by_kind(seeds: list[int], weeks: int, **params: float) -> None:
    """Share of each kind's organisations below 0.5 in safety and perceived sharing."""
    comp = default()
    eng = Engine(comp, seeds, params)
    snaps = {0: (eng.state.safety.copy(), eng.state.perceived_sharing.copy())}
    for _ in range(weeks):
        eng.step()
    snaps[weeks] = (eng.state.safety.copy(), eng.state.perceived_sharing.copy())
    head = ["kind", "n", *(f"{m} w{w}" for m in ("unsafe", "not shared") for w in snaps)]
    body = []
    for k in Kind:
        sel = comp.kind == int(k)
        if sel.any():
            unsafe = [f"{np.mean(s[:, sel] < 0.5):.2f}" for s, _ in snaps.values()]
            unshared = [f"{np.mean(p[:, sel] < 0.5):.2f}" for _, p in snaps.values()]
            body.append([k.key, str(int(sel.sum())), *unsafe, *unshared])
    width = [max(len(r[c]) for r in [head, *body]) for c in range(len(head))]
    print("\nAt the defaults, share of each kind below 0.5 (pooled over seeds)")
    for r in [head, *body]:
        print("  ".join(c.rjust(w) for c, w in zip(r, width, strict=True)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=10, help="replicates, seeds 1..N (default 10)")
    ap.add_argument("--weeks", type=int, default=260, help="weeks after warm-up (default 260)")
    ap.add_argument("--warmup", type=int, default=None, help="warm-up weeks (default: model's)")
    ap.add_argument("--grid", action="store_true", help="also scan pairs of the two parameters")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="each default and its neighbours only, 3 seeds, 26 weeks (unless given)",
    )
    a = ap.parse_args(argv)
    defaults = {p.name: p.default for p in all_params()}
    sb0, ex0 = defaults["safety_base"], defaults["power_voice_exponent"]
    sr0 = defaults["surface_rate"]
    grids = {"safety": SAFETY, "exponent": EXPONENT, "surface": SURFACE}
    if a.quick:
        given = argv if argv is not None else sys.argv[1:]
        a.seeds = a.seeds if "--seeds" in given else 3
        a.weeks = a.weeks if "--weeks" in given else 26
        grids = {k: _near(g, v) for (k, g), v in zip(grids.items(), (sb0, ex0, sr0), strict=True)}
    seeds = list(range(1, a.seeds + 1))
    base = {} if a.warmup is None else {"warmup_weeks": a.warmup}
    warmup = defaults["warmup_weeks"] if a.warmup is None else a.warmup
    t0 = time.perf_counter()
    print(
        f"Baseline, default ICS; seeds {seeds[0]}-{seeds[-1]}; {a.weeks} weeks after a "
        f"{warmup}-week warm-up. Cells: mean (sd across seeds).\n"
        f"Targets: unsafe share in [{ABOUT_HALF[0]}, {ABOUT_HALF[1]}] (Practice 1, 'half'); "
        "not-shared share mean - sd > 0.5 (Practice 4, 'more than 50 per cent'); conflict "
        "health (cfh) mean - sd > 0.5 (Practice 5, 'most')."
    )

    safety = {sb: measure(seeds, a.weeks, **base, safety_base=sb) for sb in grids["safety"]}
    rows = [(f"{sb:.3f}", m, "yes" if safety_ok(m) else "no") for sb, m in safety.items()]
    print_table(f"safety_base (power_voice_exponent = {ex0})", rows, a.weeks, "half unsafe")
    fits = [sb for sb in safety if safety_ok(safety[sb])]
    pick_sb = min(
        fits, key=lambda sb: abs(safety[sb]["unsafe_share"][:, 0].mean() - 0.5), default=None
    )
    fine = ", ".join(f"{sb:.3f}" for sb in fits) or "none"
    print(f"-> the rule picks {pick_sb}; values meeting the target: {fine}")

    power = {
        ex: measure(seeds, a.weeks, **base, power_voice_exponent=ex) for ex in grids["exponent"]
    }
    rows = [(f"{ex:.2f}", m, "yes" if power_ok(m) else "no") for ex, m in power.items()]
    print_table(f"power_voice_exponent (safety_base = {sb0})", rows, a.weeks, "> half not shared")
    pick_ex = min((ex for ex in power if power_ok(power[ex])), default=None)
    print(f"-> smallest exponent meeting the target: {pick_ex}")

    off = measure(seeds, a.weeks, mechanisms_off=("conflict",), **base)
    surface = {sr: measure(seeds, a.weeks, **base, surface_rate=sr) for sr in grids["surface"]}
    rows = [
        (
            f"{sr:.2f}",
            m,
            f"{'yes' if conflict_ok(m) else 'no'}/{'yes' if silence_not_better(m, off) else 'no'}"
            f" ({np.mean(off['index'] - m['index']):+.4f})",
        )
        for sr, m in surface.items()
    ]
    print_table(
        f"surface_rate (defaults otherwise); conflict off: cfh "
        f"{off['conflict_health'][:, 0].mean():.3f}",
        rows,
        a.weeks,
        "most managed/off not better (index off - on)",
    )
    pick_sr = min(
        (sr for sr in surface if conflict_ok(surface[sr]) and silence_not_better(surface[sr], off)),
        default=None,
    )
    print(f"-> smallest surface_rate meeting both: {pick_sr}")

    if a.grid:
        rows = []
        for sb in GRID_SAFETY:
            for ex in GRID_EXPONENT:
                m = measure(seeds, a.weeks, **base, safety_base=sb, power_voice_exponent=ex)
                rows.append(
                    (f"{sb:.2f}/{ex:.2f}", m, "yes" if safety_ok(m) and power_ok(m) else "no")
                )
        print_table("safety_base/power_voice_exponent pairs", rows, a.weeks, "both")

    by_kind(seeds, a.weeks, **base)
    m = measure(seeds, a.weeks, **base)
    good = safety_ok(m) and power_ok(m) and conflict_ok(m) and silence_not_better(m, off)
    print(
        f"\nDefaults safety_base = {sb0}, power_voice_exponent = {ex0}, surface_rate = {sr0}: "
        f"{'meet every target' if good else 'MISS a target'}; the rules pick {pick_sb}, "
        f"{pick_ex} and {pick_sr}. ({time.perf_counter() - t0:.0f} s)"
    )
    return 0 if good else 1


def _near(grid: tuple[float, ...], value: float) -> tuple[float, ...]:
    """``value`` and its neighbours on ``grid`` (``value`` added if the grid lacks it)."""
    g = sorted(set(grid) | {value})
    i = g.index(value)
    return tuple(g[max(i - 1, 0) : i + 2])


if __name__ == "__main__":
    sys.exit(main())
