"""Analytic special cases the model's own code must reproduce (model notes, section 6).

Each case builds a tiny system, switches every other mechanism off, sets the state that encodes
the textbook case, runs the model's real step, and compares with the closed form. The test
suite and ``ics-sim validate`` both call these, so the report and the tests cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.registry import REGISTRY
from ..sim.engine import Engine
from ..system.composition import CONSENSUS, Composition, Forum

W = np.array([[0.5, 0.3, 0.2], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]])
X0 = np.array([1.0, 0.0, 0.5])


@dataclass(frozen=True)
class Case:
    """One verification case: what was expected, what the model gave, and the tolerance."""

    name: str
    source: str
    expected: float | tuple[float, ...]
    got: float | tuple[float, ...]
    tolerance: float

    @property
    def error(self) -> float:
        e = np.atleast_1d(np.asarray(self.expected, dtype=float))
        g = np.atleast_1d(np.asarray(self.got, dtype=float))
        return float(np.abs(e - g).max())

    @property
    def passed(self) -> bool:
        return self.error <= self.tolerance


def clique(n: int, kinds: list[int] | None = None) -> Composition:
    """n organisations that all sit in one forum meeting every week (all pairs tied)."""
    kinds = kinds if kinds is not None else [1] * n
    forum = Forum("All", "provider_collaborative", np.arange(n), 1, 0, CONSENSUS)
    return Composition(
        name=f"clique of {n}",
        org_names=[f"Org {i}" for i in range(n)],
        kind=np.array(kinds),
        place=np.full(n, -1),
        place_names=[],
        forums=[forum],
    )


def only(*keep: str) -> list[str]:
    """Names of every mechanism except ``keep`` (to switch off)."""
    return [m for m in REGISTRY.mechanism_names() if m not in keep]


def pooling_engine(susceptibility: np.ndarray, w: np.ndarray = W, x0: np.ndarray = X0) -> Engine:
    """Organisations whose trust, safety and orientation encode W and the susceptibilities.

    The purpose mechanism sets W_ii = 1 - safety_i and spreads the rest over partners in
    proportion to trust, so trust_ij = W_ij and safety_i = 1 - W_ii give exactly W.
    """
    n = len(x0)
    eng = Engine(clique(n), [7], {"warmup_weeks": 0}, mechanisms_off=only("purpose"))
    s, t = eng.state, eng.topo
    s.trust[0] = w[t.src, t.dst]
    s.safety[0] = 1.0 - np.diag(w)
    s.orientation[0] = susceptibility
    s.aims[0] = x0[:, None]
    s.interests[0] = x0[:, None]
    return eng


def degroot(steps: int = 200) -> tuple[Case, list[float]]:
    """All converge to 13/28; returns the case and the error after each step."""
    eng = pooling_engine(np.ones(3))
    errors = []
    for _ in range(steps):
        eng.step()
        errors.append(float(np.abs(eng.state.aims[0, :, 0] - 13 / 28).max()))
    case = Case(
        "DeGroot consensus",
        "model notes 6; DeGroot 1974",
        13 / 28,
        tuple(eng.state.aims[0, :, 0]),
        1e-9,
    )
    return case, errors


def friedkin_johnsen(steps: int = 400) -> Case:
    eng = pooling_engine(np.array([0.9, 0.5, 0.0]))
    for _ in range(steps):
        eng.step()
    return Case(
        "Friedkin-Johnsen equilibrium",
        "model notes 6; Friedkin and Johnsen 1990",
        (0.409218, 0.129888, 0.5),
        tuple(eng.state.aims[0, :, 0]),
        5e-7,
    )


def mean_conservation(steps: int = 50, seed: int = 3) -> Case:
    """Symmetric trust and equal self-weights make W doubly stochastic: the mean is kept."""
    rng = np.random.default_rng(seed)
    n = 6
    a = rng.random((n, n))
    a = (a + a.T) / 2
    np.fill_diagonal(a, 0.0)
    # Make off-diagonal rows sum to the same total (Sinkhorn on a symmetric matrix keeps it
    # symmetric when scaling by the same vector on both sides).
    for _ in range(500):
        d = np.sqrt(a.sum(axis=1))
        a = a / d[:, None] / d[None, :]
    w = 0.5 * np.eye(n) + 0.5 * a / a.sum(axis=1, keepdims=True)
    x0 = rng.random(n)
    eng = pooling_engine(np.ones(n), w, x0)
    for _ in range(steps):
        eng.step()
    return Case(
        "Mean conservation (doubly stochastic pooling)",
        "model notes 6",
        float(x0.mean()),
        float(eng.state.aims[0, :, 0].mean()),
        1e-12,
    )


def asymmetric_trust() -> list[Case]:
    """t0 0.5, gain 0.05, loss 0.3: ten good events 0.7006, a breach 0.4904, 11 to recover."""
    eng = Engine(
        clique(2),
        [3],
        {"warmup_weeks": 0, "legacy_drag": 0.0, "familiarity_weight": 0.0},
        mechanisms_off=only("trust"),
    )
    (trust,) = eng.mechanisms
    s = eng.state
    s.trust[:] = 0.5

    def week(good: float, bad: float) -> None:
        s.good[:] = good
        s.bad[:] = bad
        trust.step(s, eng.levers, 0)

    for _ in range(10):
        week(1.0, 0.0)
    ten = float(s.trust[0, 0])
    week(0.0, 1.0)
    breach = float(s.trust[0, 0])
    weeks = 0
    while s.trust[0, 0] < ten - 5e-5 and weeks < 100:
        week(1.0, 0.0)
        weeks += 1
    src = "model notes 6; Practice 2"
    return [
        Case("Asymmetric trust: ten good experiences", src, 0.7006, ten, 5e-5),
        Case("Asymmetric trust: one breach", src, 0.4904, breach, 5e-5),
        Case("Asymmetric trust: good experiences to recover", src, 11.0, float(weeks), 0.0),
    ]


def donation_game(c: float = 0.1, x0: float = 0.9, t: int = 20) -> Case:
    """Well mixed, no reciprocity: x(t) = x0 e^-ct / (1 - x0 + x0 e^-ct)."""
    eng = Engine(
        clique(4),
        [2],
        {"warmup_weeks": 0, "learning_rate": 1.0, "imitation_rate": 0.0},
        mechanisms_off=only("learning"),
    )
    (learning,) = eng.mechanisms
    s = eng.state
    s.orientation[:] = x0
    for _ in range(t):
        s.workload[:] = 1.0
        s.payoff[:] = -c
        learning.step(s, eng.levers, 0)
    exact = x0 * np.exp(-c * t) / (1 - x0 + x0 * np.exp(-c * t))
    return Case(
        "Donation game replicator",
        "model notes 6; Nowak 2006",
        float(exact),
        float(s.orientation.max()),
        1e-12,
    )


def all_cases() -> list[Case]:
    """Every verification case, run now."""
    return [
        degroot()[0],
        friedkin_johnsen(),
        mean_conservation(),
        *asymmetric_trust(),
        donation_game(),
    ]
