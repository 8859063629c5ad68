"""Explain a run: what moved the collaboration index and each practice, and by how much.

Two complementary splits of the change in an outcome between two weeks (by default week 0 and
the end), each shown with what it leaves unexplained:

- **By event** (each intervention and shock): knock-out counterfactuals on common random
  numbers. The run is repeated with each subset S of its events switched on (same seeds, so
  the same random numbers wherever the events do not differ; every component draws from its
  own named stream) and v(S) is the mean change of the outcome. Each event's share is its
  Shapley value, the average of what adding it changes over every order of adding the events:
  exact (2^n runs) for up to :data:`EXACT_MAX` events, estimated from sampled orders beyond.
  The shares add up to v(all) - v(none): the **baseline drift** v(none) (how the system would
  have moved with nothing switched on) is its own line, and with sampled orders so is the
  **sampling error** (the rest). An event that changes no lever anyone reads has exactly zero.
- **By mechanism**: a ledger of the full run. An observer hook in
  :meth:`ics_sim.sim.engine.Engine.step` computes the outcomes after the interventions set the
  levers and after each mechanism's step, so each week's change is the sum, telescoping, of
  one line per mechanism (the interventions' line is zero: levers are not state). Summed over
  the weeks, the lines add up to the total change (to floating-point rounding).

Plus the organisations whose state moved most, and a story in plain words per outcome and per
mechanism. The API returns pandas tables (:meth:`Explanation.table`); ``ics-sim explain
RUN_DIR`` and ``ics-sim run SCENARIO --explain`` write them with a waterfall chart.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ICSSimError
from ..core.outcome_table import label_of
from ..core.registry import REGISTRY
from ..sim.engine import Engine, Intervention
from ..state.outcomes import PRACTICES
from ..system.composition import Composition

#: The outcomes explained by default: the index and the six practices.
HEADLINE: tuple[str, ...] = ("collaboration_index", *PRACTICES)
#: Largest number of events whose Shapley values are computed exactly (2^n runs).
EXACT_MAX = 5
#: Orders of the events sampled beyond :data:`EXACT_MAX` (each costs at most n + 1 new runs).
SAMPLES = 64
#: Name of the ledger line of the interventions' lever-setting step.
LEVERS_LINE = "interventions"


# -- Shapley values ---------------------------------------------------------------------------
def shapley(
    n: int,
    value: Callable[[frozenset[int]], np.ndarray],
    *,
    exact_max: int = EXACT_MAX,
    samples: int = SAMPLES,
    seed: int = 0,
) -> tuple[np.ndarray, bool]:
    """Shapley values of ``n`` players under ``value`` (a vector per coalition).

    Returns (values (n, K), exact). Exact by the subset formula when ``n <= exact_max``;
    otherwise the mean marginal contribution over ``samples`` random orders (drawn from
    ``seed``, so reproducible), each order's contributions adding up to v(all) - v(none).
    ``value`` is called once per distinct coalition (memoised).
    """
    memo: dict[frozenset[int], np.ndarray] = {}

    def v(s: frozenset[int]) -> np.ndarray:
        if s not in memo:
            memo[s] = np.asarray(value(s), dtype=float)
        return memo[s]

    players = range(n)
    empty = v(frozenset())
    out = np.zeros((n, *empty.shape))
    if n == 0:
        return out, True
    if n <= exact_max:
        fact = math.factorial
        for i in players:
            others = [j for j in players if j != i]
            for k in range(n):
                w = fact(k) * fact(n - k - 1) / fact(n)
                for combo in itertools.combinations(others, k):
                    s = frozenset(combo)
                    out[i] += w * (v(s | {i}) - v(s))
        return out, True
    rng = np.random.default_rng(seed)
    for _ in range(samples):
        order = rng.permutation(n)
        s: frozenset[int] = frozenset()
        prev = v(s)
        for i in order:
            s = s | {int(i)}
            now = v(s)
            out[i] += now - prev
            prev = now
    return out / samples, False


# -- the mechanism ledger ---------------------------------------------------------------------
@dataclass
class Ledger:
    """Per-week, per-part changes of outcomes in one run (means over replicates)."""

    parts: list[str]  # "interventions", then each mechanism in tick order
    outcomes: list[str]
    #: (weeks, parts, outcomes): change of each outcome in each part of each week
    delta: np.ndarray
    #: (weeks + 1, R, outcomes): each outcome at the start of each week, per replicate
    levels: np.ndarray
    start_week: int


def run_ledger(
    engine: Engine,
    weeks: int,
    outcomes: Sequence[str] = HEADLINE,
    snapshot: Callable[[Engine], None] | None = None,
    at: Iterable[int] = (),
) -> Ledger:
    """Step ``engine`` ``weeks`` times with the observer hook on, recording the ledger.

    ``snapshot(engine)`` is called at the weeks (relative to now) in ``at``.
    """
    outcomes = list(outcomes)
    at = set(at)
    parts = [LEVERS_LINE, *(m.name for m in engine.mechanisms)]
    index = {p: i for i, p in enumerate(parts)}
    R = len(engine.seeds)
    delta = np.zeros((weeks, len(parts), len(outcomes)))
    levels = np.zeros((weeks + 1, R, len(outcomes)))

    def now(e: Engine) -> np.ndarray:
        o = e.outcomes()
        return np.stack([o[k] for k in outcomes], axis=-1)  # (R, K)

    current = now(engine)
    levels[0] = current
    week = 0

    def observe(e: Engine, part: str) -> None:
        nonlocal current
        after = now(e)
        delta[week, index[part]] = (after - current).mean(axis=0)
        current = after

    start = engine.week
    engine.observer = observe
    try:
        for week in range(weeks):
            if snapshot is not None and week in at:
                snapshot(engine)
            engine.step()
            levels[week + 1] = current
    finally:
        engine.observer = None
    if snapshot is not None and weeks in at:
        snapshot(engine)
    return Ledger(parts, outcomes, delta, levels, start)


# -- organisations ----------------------------------------------------------------------------
ORG_MEASURES = ("safety", "trust_in", "trust_out", "power_sharing", "orientation")


def org_state(engine: Engine) -> dict[str, np.ndarray]:
    """Each organisation's state now, mean over replicates: measure -> (N,)."""
    s, t = engine.state, engine.topo
    on = s.active
    trust = np.where(on, s.trust, 0.0)

    def by(idx: np.ndarray) -> np.ndarray:
        tot = np.stack([np.bincount(idx, weights=r, minlength=t.n) for r in trust])
        cnt = np.stack([np.bincount(idx, weights=r, minlength=t.n) for r in on * 1.0])
        return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)

    return {
        "safety": s.safety.mean(axis=0),
        "trust_in": np.nanmean(by(t.dst), axis=0) if on.any() else np.zeros(t.n),
        "trust_out": np.nanmean(by(t.src), axis=0) if on.any() else np.zeros(t.n),
        "power_sharing": s.perceived_sharing.mean(axis=0),
        "orientation": s.orientation.mean(axis=0),
    }


def org_table(comp: Composition, before: Mapping, after: Mapping) -> pd.DataFrame:
    """Organisations by how far their state moved (sum of absolute changes), largest first."""
    from ..system.kinds import Kind

    df = pd.DataFrame(
        {
            "organisation": list(comp.org_names),
            "kind": [Kind(int(k)).name.lower() for k in comp.kind],
        }
    )
    moved = np.zeros(comp.n)
    for k in ORG_MEASURES:
        d = np.nan_to_num(after[k] - before[k])
        df[f"{k}_before"] = before[k]
        df[f"{k}_change"] = d
        moved += np.abs(d)
    df["moved"] = moved
    return df.sort_values("moved", ascending=False, kind="stable").reset_index(drop=True)


# -- the explanation ----------------------------------------------------------------------------
@dataclass
class Explanation:
    """Everything ``explain`` found; :meth:`table` is the one long table of it."""

    start: int
    end: int
    outcomes: list[str]
    seeds: list[int]
    events: list[str]  # event keys, in the scenario's order
    event_titles: list[str]
    total: np.ndarray  # (K,) mean change of each outcome, full run
    drift: np.ndarray  # (K,) v(none): the change with no events
    event_values: np.ndarray  # (n, K) Shapley values
    exact: bool
    sampling_error: np.ndarray  # (K,)
    mechanism_values: dict[str, np.ndarray]  # part -> (K,)
    mechanism_titles: dict[str, str]
    organisations: pd.DataFrame
    #: per replicate, change with all events and with none: (R, K) each (for intervals)
    per_replicate: dict[str, np.ndarray] = field(default_factory=dict)
    runs: int = 0

    def table(self) -> pd.DataFrame:
        """Long table: outcome, split (event/mechanism), part, title, change."""
        rows = []
        for j, k in enumerate(self.outcomes):
            for i, key in enumerate(self.events):
                rows.append((k, "event", key, self.event_titles[i], self.event_values[i, j]))
            rows.append((k, "event", "baseline_drift", "No event (baseline drift)", self.drift[j]))
            rows.append((k, "event", "sampling_error", "Sampling error", self.sampling_error[j]))
            for part, vals in self.mechanism_values.items():
                rows.append((k, "mechanism", part, self.mechanism_titles[part], vals[j]))
            for split in ("event", "mechanism"):
                rows.append((k, split, "total", "Total change", self.total[j]))
        return pd.DataFrame(rows, columns=["outcome", "split", "part", "title", "change"])

    def residual(self) -> np.ndarray:
        """Total minus the sum of the event shares: baseline drift plus sampling error."""
        return self.total - self.event_values.sum(axis=0)

    def story(self, top: int = 4, floor: float = 5e-4) -> list[str]:
        """One plain-words paragraph per outcome, then one per mechanism that moved anything."""
        out = []
        R = len(self.seeds)
        for j, k in enumerate(self.outcomes):
            tot = self.total[j]
            if abs(tot) < floor:
                head = f"{label_of(k)} hardly changed ({tot:+.4f})"
            else:
                head = f"{label_of(k)} {'rose' if tot > 0 else 'fell'} {abs(tot):.3f}"
            reps = f"{R} replicates" if R != 1 else "1 replicate"
            head += f" from week {self.start} to week {self.end} (mean of {reps})"
            ev = sorted(
                ((self.event_titles[i], self.event_values[i, j]) for i in range(len(self.events))),
                key=lambda x: -abs(x[1]),
            )
            parts = [f"{t} {v:+.3f}" for t, v in ev if abs(v) >= floor][:top]
            text = head + ": " + (", ".join(parts) if parts else "no event moved it")
            text += f"; with nothing switched on it would have moved {self.drift[j]:+.3f}"
            if not self.exact:
                text += f" (sampling error {self.sampling_error[j]:+.3f})"
            mech = sorted(
                ((self.mechanism_titles[p], v[j]) for p, v in self.mechanism_values.items()),
                key=lambda x: -abs(x[1]),
            )
            mparts = [f"{t.lower()} {v:+.3f}" for t, v in mech if abs(v) >= floor][:top]
            if mparts:
                text += ". Week by week, by mechanism: " + ", ".join(mparts)
            out.append(text + ".")
        for part, vals in self.mechanism_values.items():
            moved = [(label_of(k), vals[j]) for j, k in enumerate(self.outcomes)]
            moved = [(t, v) for t, v in moved if abs(v) >= floor]
            if moved:
                out.append(
                    f"{self.mechanism_titles[part]}: "
                    + ", ".join(f"{t.lower()} {v:+.3f}" for t, v in moved)
                    + "."
                )
        return out


def _titles() -> dict[str, str]:
    titles = {m.name: m.title for m in REGISTRY.plan()}
    titles[LEVERS_LINE] = "Interventions set their levers"
    return titles


def event_title(iv: Any) -> str:
    """'Big breakfast (weeks 26-)' from an intervention."""
    title = getattr(type(iv), "title", type(iv).__name__)
    start, end = getattr(iv, "start", 0), getattr(iv, "end", None)
    return f"{title} (week {start}{'-' + str(end) if end is not None else ' on'})"


def explain(
    composition: Composition,
    seeds: Sequence[int],
    weeks: int,
    *,
    events: Sequence[Intervention] = (),
    params: Mapping[str, Any] | None = None,
    mechanisms_off: Iterable[str] = (),
    start: int = 0,
    end: int | None = None,
    outcomes: Sequence[str] = HEADLINE,
    exact_max: int = EXACT_MAX,
    samples: int = SAMPLES,
    engine: Callable[[Sequence[Intervention]], Engine] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Explanation:
    """Explain the change of ``outcomes`` from week ``start`` to ``end`` (default ``weeks``).

    ``engine(events)``, when given, builds the engine for a subset of the events (default:
    ``Engine(composition, seeds, params, mechanisms_off, events)``); events keep their keys,
    so each keeps its own random stream in every subset.
    """
    end = weeks if end is None else end
    if not 0 <= start < end <= weeks:
        raise ICSSimError(
            f"explain: weeks must satisfy 0 <= start < end <= {weeks}, got start {start}, end {end}"
        )
    events = list(events)
    seeds = [int(s) for s in seeds]
    off = list(mechanisms_off)

    def build(subset: Sequence[Intervention]) -> Engine:
        if engine is not None:
            return engine(subset)
        return Engine(composition, seeds, params, off, subset)

    outcomes = list(outcomes)
    runs = 0
    captured: dict[str, Any] = {}

    def change(e: Engine, record: bool = False) -> np.ndarray:
        nonlocal runs
        runs += 1
        if record:
            led = run_ledger(
                e,
                end,
                outcomes,
                snapshot=lambda en: captured.setdefault("orgs", []).append(org_state(en)),
                at=(start, end),
            )
            captured["ledger"] = led
            if progress is not None:
                progress(1)
            return led.levels[end] - led.levels[start]  # (R, K)
        rows = e.run(end)
        if progress is not None:
            progress(1)
        return np.stack([rows[k][end] - rows[k][start] for k in outcomes], axis=-1)

    full = frozenset(range(len(events)))
    per_rep: dict[str, np.ndarray] = {}

    def value(s: frozenset[int]) -> np.ndarray:
        d = change(build([ev for i, ev in enumerate(events) if i in s]), record=s == full)
        if s == full:
            per_rep["all"] = d
        if not s:
            per_rep["none"] = d
        return d.mean(axis=0)

    total = value(full)  # the ledger run first (memoised below)
    first = {full: total}

    def cached(s: frozenset[int]) -> np.ndarray:
        if s not in first:
            first[s] = value(s)
        return first[s]

    phi, exact = shapley(len(events), cached, exact_max=exact_max, samples=samples)
    drift = cached(frozenset()) if events else total
    if not events:
        per_rep["none"] = per_rep["all"]
    sampling = total - drift - phi.sum(axis=0)
    led: Ledger = captured["ledger"]
    window = led.delta[start:end]  # weeks start .. end-1
    mech = {
        p: np.array([math.fsum(window[:, i, j]) for j in range(len(outcomes))])
        for i, p in enumerate(led.parts)
    }
    titles = _titles()
    before, after = captured["orgs"]
    return Explanation(
        start=start,
        end=end,
        outcomes=outcomes,
        seeds=seeds,
        events=[getattr(ev, "key", str(i)) for i, ev in enumerate(events)],
        event_titles=[event_title(ev) for ev in events],
        total=total,
        drift=drift,
        event_values=phi,
        exact=exact,
        sampling_error=sampling,
        mechanism_values=mech,
        mechanism_titles={p: titles.get(p, p) for p in led.parts},
        organisations=org_table(composition, before, after),
        per_replicate=per_rep,
        runs=runs,
    )


def explain_scenario(
    scn: Any,
    replicates: int | None = None,
    weeks: int | None = None,
    seed: int | None = None,
    **kw: Any,
) -> Explanation:
    """:func:`explain` for a :class:`ics_sim.scenarios.schema.Scenario` (its events, seeds,
    parameters and mechanisms off)."""
    weeks = scn.weeks if weeks is None else weeks
    seeds = scn.seeds(replicates, seed)
    comp = scn.composition()
    events = scn.create_events()
    return explain(
        comp,
        seeds,
        weeks,
        events=events,
        params=scn.parameters,
        mechanisms_off=scn.mechanisms_off,
        **kw,
    )


def comparison(ex: Explanation, level: float = 0.95) -> pd.DataFrame:
    """The scenario against the same system with nothing switched on, on the same seeds:
    per outcome, the mean paired difference of the change with a ``level`` t-interval."""
    from scipy import stats

    a, b = ex.per_replicate["all"], ex.per_replicate["none"]
    d = a - b
    n = d.shape[0]
    mean = d.mean(axis=0)
    if n > 1:
        half = stats.t.ppf(0.5 + level / 2, n - 1) * d.std(axis=0, ddof=1) / math.sqrt(n)
    else:
        half = np.full_like(mean, np.nan)
    return pd.DataFrame(
        {
            "outcome": ex.outcomes,
            "difference": mean,
            "ci_low": mean - half,
            "ci_high": mean + half,
            "replicates": n,
        }
    )
