"""The model's state: numpy arrays indexed by replicate, then organisation, tie or forum.

Every array has a leading replicate axis R (R = 1 for a single run), so many replicates of one
scenario step as one vectorised computation with results identical to running them one by
one. Mesa agents (:mod:`ics_sim.agents`) are views onto replicate 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.params import Param, Params
from ..core.registry import REGISTRY
from ..core.rng import Streams
from ..system.composition import Composition
from ..system.kinds import SECTOR, legacy_matrix, trait_table
from ..system.network import Topology

#: Dimensions of an organisation's aims (its view of what the system should prioritise):
#: urgent and elective care, prevention and inequalities, financial balance. The four core
#: purposes of ICSs (Practice, Introduction) pull in these directions.
AIM_DIMENSIONS = ("urgent_and_elective_care", "prevention_and_inequalities", "financial_balance")

#: Mean aims by kind (rows in Kind order). Assumption, ordered by each kind's remit.
KIND_AIMS = np.array(
    [
        [0.50, 0.60, 0.70],  # ICB
        [0.85, 0.30, 0.60],  # acute
        [0.60, 0.60, 0.50],  # community
        [0.50, 0.70, 0.40],  # mental health
        [0.90, 0.30, 0.40],  # ambulance
        [0.50, 0.65, 0.40],  # primary care
        [0.30, 0.80, 0.70],  # local authority
        [0.20, 0.90, 0.20],  # VCSE
    ]
)

INIT_PARAMS = (
    Param(
        "warmup_weeks",
        260,
        0,
        1040,
        "weeks",
        "Weeks simulated before week 0, with no "
        "intervention, so that outcomes start from the system's own dynamics rather than "
        "from the arbitrary initial values (STRESS-ABS warm-up). Five years: the network "
        "settles in three to four (weak ties nobody uses fade), and after five the baseline "
        "drifts by at most about 0.02 over the next ten (docs/validation, section 6).",
        "Monks et al. 2019; chosen by the warm-up scan of the validation report",
        integer=True,
    ),
    Param(
        "trait_noise",
        0.08,
        0.0,
        0.3,
        "sd",
        "Spread of organisations' initial traits around their kind's mean.",
        "assumption",
    ),
    Param(
        "aim_noise",
        0.12,
        0.0,
        0.5,
        "sd",
        "Spread of initial aims around the kind's mean.",
        "assumption",
    ),
    Param(
        "initial_familiarity",
        0.3,
        0.0,
        1.0,
        "share",
        "Mean familiarity between leaders at the start (knowing 'the person behind the role').",
        "assumption; Lessons factor 2",
    ),
    Param(
        "legacy_scale",
        1.0,
        0.0,
        1.0,
        "share",
        "Null-model switch: share of the drawn legacy of past relationships kept (1: the "
        "model as described; 0: the no-legacy null model, every pair starts without history).",
        "assumption (null model: Grimm et al. 2005, pattern-oriented modelling)",
    ),
    Param(
        "legacy_trust_weight",
        0.5,
        0.0,
        1.0,
        "share",
        "How much legacy mistrust lowers initial trust below the truster's propensity.",
        "Practice 2: 'in some cases, past experiences mean there is a legacy of mistrust'",
    ),
    Param(
        "legacy_noise",
        0.1,
        0.0,
        0.5,
        "sd",
        "Spread of a tie's initial legacy of mistrust around its pair of kinds' value.",
        "assumption",
    ),
    Param(
        "trust_noise",
        0.05,
        0.0,
        0.5,
        "sd",
        "Spread of a tie's initial trust around the truster's propensity (less legacy).",
        "assumption",
    ),
    Param(
        "familiarity_noise",
        0.3,
        0.0,
        1.0,
        "relative sd",
        "Spread of initial familiarity around its mean, relative to the mean.",
        "assumption",
    ),
    Param(
        "advantage_base",
        0.5,
        0.0,
        1.0,
        "advantage",
        "Highest potential collaborative advantage of a pair of organisations of one kind.",
        "Huxham and Vangen 2005 (in Practice, Introduction); assumption (size)",
    ),
    Param(
        "cross_kind_advantage",
        0.3,
        0.0,
        1.0,
        "advantage",
        "Extra potential advantage of a pair of different kinds (different capabilities).",
        "Practice, Introduction: 'something ... that any one of the participating "
        "organisations cannot achieve if acting alone' (Huxham and Vangen 2005)",
    ),
    Param(
        "cross_sector_advantage",
        0.2,
        0.0,
        1.0,
        "advantage",
        "Extra potential advantage of a pair from different sectors (NHS, council, VCSE).",
        "Practice, Introduction (Huxham and Vangen 2005); assumption (size)",
    ),
)

#: Numerical bounds of a tie's initial trust, which keep it off 0 and 1 (a multiplicative
#: trust update never leaves them).
INITIAL_TRUST_BOUNDS = (0.02, 0.98)

REGISTRY.add_init_params(INIT_PARAMS)


@dataclass
class State:
    """All dynamic state. Shapes: (R, N) organisations, (R, E) ties, (R, F) forums."""

    # organisations
    kind: np.ndarray  # (N,)
    sector: np.ndarray  # (N,)
    capacity: np.ndarray  # (R, N) share of leadership time available for system work
    base_power: np.ndarray  # (R, N)
    power: np.ndarray  # (R, N)
    base_resources: np.ndarray  # (R, N)
    resources: np.ndarray  # (R, N) >= 0
    base_pressure: np.ndarray  # (R, N)
    pressure: np.ndarray  # (R, N) in [0, 1]
    system_time: np.ndarray  # (R, N) in [0, 1]
    safety: np.ndarray  # (R, N) in [0, 1]
    orientation: np.ndarray  # (R, N) in [0, 1]
    trust_propensity: np.ndarray  # (R, N)
    sharing_trait: np.ndarray  # (R, N)
    sharing: np.ndarray  # (R, N) disposition to share power this week
    tenure: np.ndarray  # (R, N) weeks the current leader has been in post
    hazard: np.ndarray  # (R, N) weekly chance the leader leaves (0 if turnover is off)
    leader_changes: np.ndarray  # (R, N)
    aims: np.ndarray  # (R, N, D)
    interests: np.ndarray  # (R, N, D) the organisation's own interest (Friedkin-Johnsen anchor)
    perceived_sharing: np.ndarray  # (R, N) perceived share of voice, in [0, 1]
    influence: np.ndarray  # (R, N) power earned through decisions and relationships, in [0, 1]
    carried: np.ndarray  # (R, N) how far its forums' decisions go its way (smoothed fit)
    payoff: np.ndarray  # (R, N) what helping was worth this week (read by learning)
    tc_burden: np.ndarray  # (R, N) share of system time lost to transaction costs
    workload: np.ndarray  # (R, N) joint projects this week
    # ties
    trust: np.ndarray  # (R, E)
    trust_base: np.ndarray  # (R, E) the initial trust of the tie
    trust_personal: np.ndarray  # (R, E) the part of trust that is personal, leaves with a leader
    familiarity: np.ndarray  # (R, E)
    legacy: np.ndarray  # (R, E)
    advantage: np.ndarray  # (R, E) potential collaborative advantage of the pair
    contact: np.ndarray  # (R, E) quality-weighted contact this week
    brokered: np.ndarray  # (R, E) trust reachable through the most trusted third party
    joint: np.ndarray  # (R, E) bool: joint work this week
    good: np.ndarray  # (R, E) good experiences this week (applied by the trust mechanism)
    bad: np.ndarray  # (R, E) breaches this week
    conflict: np.ndarray  # (R, E) int8: 0 none, 1 latent (festering), 2 surfaced
    active: np.ndarray  # (R, E) bool: the candidate tie exists (set by the ties mechanism)
    encounter: np.ndarray  # (R, E) contact this week on a candidate pair with no tie
    # forums and memberships
    meets: np.ndarray  # (R, F) bool: the forum met this week
    present: np.ndarray  # (R, M) someone from the organisation attends this week
    leader_present: np.ndarray  # (R, M) the leader attends in person
    voice: np.ndarray  # (R, M) voice weight of each membership
    forum_sharing: np.ndarray  # (R, F) power-sharing level of the forum
    prop_pos: np.ndarray  # (R, F, D) position of the proposal on the forum's agenda
    prop_value: np.ndarray  # (R, F) value of the proposal (0: none tabled)
    prop_age: np.ndarray  # (R, F) weeks since tabled
    prop_chair: np.ndarray  # (R, F) membership index of the proposer
    affected: np.ndarray  # (R, M) the membership's organisation is affected by the proposal
    prop_loss: np.ndarray  # (R, M) income, power or status the live proposal costs the member
    # flows and smoothed measures, per replicate
    tally: dict[str, np.ndarray]
    # values derived from state and shared by several mechanisms in a tick (see aim_gap)
    derived: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def r(self) -> int:
        return self.trust.shape[0]

    @property
    def n(self) -> int:
        return self.kind.shape[0]


def initialise(comp: Composition, topo: Topology, p: Params, seeds: list[int]) -> State:
    """Initial state for each replicate seed (stream ``init``).

    Every number that shapes the start is a declared parameter (:data:`INIT_PARAMS`) or one
    of these documented constants: initial trust kept within :data:`INITIAL_TRUST_BOUNDS`; a
    leader's tenure uniform on [0, 2 x the kind's mean tenure] (so its mean is the kind's);
    and three placeholders that the mechanisms replace before they are read (safety 0.5:
    the safety mechanism starts it at its target; perceived sharing 0.5: the power
    mechanism starts it from the voice in each forum; system time
    ``capacity * (1 - 0.5 * pressure)``: the pressure mechanism sets it each week before
    anything reads it, and it stays at this value only if pressure is switched off).
    Only the initial ties (``topo.initial``) are active; the other candidate pairs start with
    no tie and no familiarity, their trust, legacy and advantage drawn like every tie's (what
    they would bring to a first meeting). ``legacy_scale`` (1 by default) scales the drawn
    legacy: at 0 it is the no-legacy null model (Grimm et al. 2005), the draws unchanged.
    """
    rng = Streams(seeds, "init")
    R, N, E, F = len(seeds), comp.n, topo.e, topo.n_forums
    M, D = len(topo.mem_org), len(AIM_DIMENSIONS)
    kind = comp.kind.astype(np.int64)
    t = trait_table()

    def trait(name: str, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
        return np.clip(t[name][kind] * (1.0 + p.trait_noise * rng.normal(N)), lo, hi)

    power = trait("power", 0.01, 1.0)
    resources = trait("resources", 0.001, 10.0)
    pressure = trait("pressure")
    capacity = trait("capacity")
    orientation = trait("orientation")
    propensity = trait("trust_propensity")
    sharing = trait("sharing")
    tenure = rng.random(N) * 2.0 * t["tenure_years"][kind] * 52.0
    aims = np.clip(KIND_AIMS[kind][None] + p.aim_noise * rng.normal((N, D)), 0.0, 1.0)
    src, dst = topo.src, topo.dst
    legacy = p.legacy_scale * np.clip(
        legacy_matrix()[kind[src], kind[dst]] + p.legacy_noise * rng.normal(E), 0.0, 1.0
    )
    trust = np.clip(
        propensity[:, src] * (1.0 - p.legacy_trust_weight * legacy) + p.trust_noise * rng.normal(E),
        *INITIAL_TRUST_BOUNDS,
    )
    familiarity = np.clip(
        p.initial_familiarity * (1.0 + p.familiarity_noise * rng.normal(E)), 0.0, 1.0
    )
    familiarity = np.where(topo.initial, familiarity, 0.0)  # candidates: strangers
    cross_kind = (kind[src] != kind[dst]).astype(float)
    cross_sector = (SECTOR[kind[src]] != SECTOR[kind[dst]]).astype(float)
    u = rng.random(E)
    # Advantage is a property of the pair, so both directions share it.
    u = np.minimum(u, u[:, topo.rev])
    reach = p.advantage_base + p.cross_kind_advantage * cross_kind
    reach = reach + p.cross_sector_advantage * cross_sector
    advantage = np.clip(u * reach, 0.0, 1.0)
    zeros_n = np.zeros((R, N))
    zeros_e = np.zeros((R, E))
    state = State(
        kind=kind,
        sector=SECTOR[kind].astype(np.int64),
        capacity=capacity,
        base_power=power.copy(),
        power=power,
        base_resources=resources.copy(),
        resources=resources,
        base_pressure=pressure.copy(),
        pressure=pressure,
        system_time=capacity * (1.0 - 0.5 * pressure),
        safety=np.full((R, N), 0.5),
        orientation=orientation,
        trust_propensity=propensity,
        sharing_trait=sharing,
        sharing=sharing.copy(),
        tenure=tenure,
        hazard=zeros_n.copy(),
        leader_changes=zeros_n.copy(),
        aims=aims,
        interests=aims.copy(),
        perceived_sharing=np.full((R, N), 0.5),
        influence=power.copy(),  # its standing at the start is the power it has
        carried=np.full((R, N), 0.5),  # placeholder: the first decisions replace it
        payoff=zeros_n.copy(),
        tc_burden=zeros_n.copy(),
        workload=zeros_n.copy(),
        trust=trust,
        trust_base=trust.copy(),
        trust_personal=zeros_e.copy(),  # initial trust is the organisations' (trust mechanism)
        familiarity=familiarity,
        legacy=legacy,
        advantage=advantage,
        contact=zeros_e.copy(),
        brokered=trust.copy(),
        joint=np.zeros((R, E), dtype=bool),
        good=zeros_e.copy(),
        bad=zeros_e.copy(),
        conflict=np.zeros((R, E), dtype=np.int8),
        active=np.broadcast_to(topo.initial, (R, E)).copy(),
        encounter=zeros_e.copy(),
        meets=np.zeros((R, F), dtype=bool),
        present=np.zeros((R, M), dtype=bool),
        leader_present=np.zeros((R, M), dtype=bool),
        voice=np.ones((R, M)),
        forum_sharing=np.zeros((R, F)),
        prop_pos=np.zeros((R, F, D)),
        prop_value=np.zeros((R, F)),
        prop_age=np.zeros((R, F)),
        prop_chair=np.zeros((R, F), dtype=np.int64),
        affected=np.zeros((R, M), dtype=bool),
        prop_loss=np.zeros((R, M)),
        tally={},
    )
    # A partnership's own system file: its surveyed ties and known traits replace the draws.
    from .observed import apply_observed

    apply_observed(state, comp, topo, p)
    return state


def aim_gap(s: State, topo: Topology) -> np.ndarray:
    """Mean absolute difference of the two sides' aims on every tie: (R, E).

    Several mechanisms read it each week; it is computed once per value of ``s.aims`` (which
    the purpose mechanism replaces, never mutates) and kept while that array is current.
    """
    hit = s.derived.get("aim_gap")
    if hit is not None and hit[0] is s.aims:
        return hit[1]
    gap = mean_abs_gap(s.aims, topo.src, s.aims, topo.dst)
    s.derived["aim_gap"] = (s.aims, gap)
    return gap


def by_dim(x: np.ndarray) -> list[np.ndarray]:
    """The last axis of ``x`` (R, K, D) as D contiguous (R, K) arrays (fast to gather from)."""
    return [np.ascontiguousarray(x[..., d]) for d in range(x.shape[-1])]


def mean_abs_gap(a: np.ndarray, i: np.ndarray, b: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``np.abs(a[:, i] - b[:, j]).mean(axis=-1)`` for (R, K, D) arrays, bit for bit.

    Big arrays are summed dimension by dimension on contiguous (R, K) slices, about ten times
    faster than gathering along the middle axis; small ones, where the cost is the number of
    numpy calls, with the one expression.
    """
    if a.shape[0] * len(i) <= 2048:
        return np.abs(a[:, i, :] - b[:, j, :]).mean(axis=-1)
    a_d, b_d = by_dim(a), by_dim(b)
    gap = np.abs(np.take(a_d[0], i, axis=1) - np.take(b_d[0], j, axis=1))
    for x, y in zip(a_d[1:], b_d[1:], strict=True):
        gap += np.abs(np.take(x, i, axis=1) - np.take(y, j, axis=1))
    gap /= len(a_d)
    return gap


def count_by(mask: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    """How many True entries of ``mask`` (R, K) fall in each of ``size`` bins of ``index``
    (K,): (R, size) floats. Counts are exact, so no weights are needed."""
    r, k = np.nonzero(mask)
    counts = np.bincount(r * size + index[k], minlength=mask.shape[0] * size)
    return counts.reshape(mask.shape[0], size).astype(float)


def segment_sum(values: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    """Sum ``values`` (R, K) into ``size`` bins by ``index`` (K,), per replicate: (R, size).

    bincount adds in index order, so each replicate's sums are the same whatever R is.
    """
    R = values.shape[0]
    if R == 1:
        return np.bincount(index, weights=values.ravel(), minlength=size)[None]
    flat = _offsets(index, size, R)
    return np.bincount(flat, weights=values.ravel(), minlength=R * size).reshape(R, size)


_OFFSETS: dict[tuple[int, int, int, int], tuple[np.ndarray, np.ndarray]] = {}


def _offsets(index: np.ndarray, size: int, R: int) -> np.ndarray:
    """``index`` shifted by ``size`` for each replicate, cached (the cache holds ``index``)."""
    key = (id(index), index.size, size, R)
    hit = _OFFSETS.get(key)
    if hit is not None and hit[0] is index:
        return hit[1]
    flat = (index[None, :] + size * np.arange(R)[:, None]).ravel()
    if len(_OFFSETS) > 256:
        _OFFSETS.clear()
    _OFFSETS[key] = (index, flat)
    return flat


def row_sum(values: np.ndarray) -> np.ndarray:
    """Sum over everything but the replicate axis: (R,).

    Each row is summed on its own, so a batch of replicates gives bit for bit what single runs
    give: counts for boolean arrays, numpy's pairwise sum over each contiguous row otherwise.
    """
    flat = values.reshape(values.shape[0], -1)
    if flat.dtype == bool:  # counts are exact in any order
        return np.add.reduce(flat, axis=1, dtype=float)
    if flat.dtype != np.float64 or not flat.flags.c_contiguous:
        flat = np.ascontiguousarray(flat, dtype=float)
    # A C-contiguous row is reduced by one inner loop of its own length, so its sum does not
    # depend on how many rows there are (checked by tests/test_properties.py).
    return np.add.reduce(flat, axis=1)


def row_mean(values: np.ndarray) -> np.ndarray:
    """Mean over everything but the replicate axis (see :func:`row_sum`): (R,)."""
    k = values[0].size
    return row_sum(values) / k if k else np.zeros(values.shape[0])
