"""People inside organisations: survey shares as shares of leaders, not of organisations.

The King's Fund survey counts people: "Half of our survey respondents stated they are working in
a system where it is not safe enough to voice a different perspective" and "More than 50 per cent
of our survey respondents felt that power was not being well shared" (Practice 1 and 4; "more
than 50 health and care leaders drawn predominantly from the NHS", Appendix). Within one
organisation, leaders differ: "some NHS leaders do not feel safe enough to fully participate in
discussions" (Practice 1). So the shares count senior leaders, who vary within an organisation.

Each organisation stands for its senior leaders (board members and senior staff,
:data:`ics_sim.system.kinds.PEOPLE`), and a leader's value is the organisation's value moved by
the leader's own offset on the logit scale::

    person = logistic(logit(org value) + z),   z ~ Normal(0, PEOPLE_SPREAD)

so the median leader is the organisation and values stay in [0, 1]. The share of the leaders
of an organisation whose value is below the threshold t = 0.5 is then exactly
``Phi((logit(t) - logit(value)) / PEOPLE_SPREAD)``, Phi the standard normal distribution
function, and a system's share is that weighted by the number of leaders of each organisation.
It falls smoothly and strictly as the organisation's value rises, where counting organisations
below 0.5 jumps from 1 to 0 as one organisation crosses it. The shares are computed
analytically from the organisation-level state: no per-person state, no random draw, nothing
that feeds back into the dynamics (they are measurements, so ``PEOPLE_SPREAD`` is a fixed,
declared measurement constant, not a behaviour parameter). With ``spread = 0`` they are the old
organisation counts, weighted by people.
"""

from __future__ import annotations

import numpy as np

from ..core.params import Param
from ..system.kinds import people_table
from .variables import row_sum, segment_sum

#: The threshold of the survey's yes/no reading of a level in [0, 1] (documented constant).
THRESHOLD = 0.5

#: Values are kept this far inside (0, 1) before the logit, so 0 and 1 give shares of exactly
#: 1 and (to double precision) 0 rather than infinities (a numerical constant).
EDGE = 1e-12

#: Spread of leaders' values around their organisation's, on the logit scale.
PEOPLE_SPREAD = Param(
    "people_spread",
    1.0,
    0.0,
    3.0,
    "logit sd",
    "Spread of senior leaders' perceived safety and power sharing around their organisation's "
    "(sd of the logit offset): 1 puts the middle two thirds of an organisation at 0.5 within "
    "about 0.27 to 0.73.",
    "Practice 1: 'some NHS leaders do not feel safe enough to fully participate'; assumption "
    "(size)",
)


def share_below(value: np.ndarray, spread: float = PEOPLE_SPREAD.default) -> np.ndarray:
    """Share of an organisation's leaders whose value is below :data:`THRESHOLD`, elementwise.

    ``value`` is the organisation's level in [0, 1]; with ``spread == 0`` it is 1 below the
    threshold and 0 at or above it.
    """
    from scipy.special import ndtr  # here, so importing the package does not load scipy

    value = np.asarray(value, dtype=float)
    if spread == 0:
        return (value < THRESHOLD).astype(float)
    x = np.clip(value, EDGE, 1.0 - EDGE)
    cut = np.log(THRESHOLD / (1.0 - THRESHOLD))
    return ndtr((cut - np.log(x / (1.0 - x))) / spread)


def people(kind: np.ndarray) -> np.ndarray:
    """(N,) the number of senior leaders each organisation of these kinds stands for."""
    return people_table()[np.asarray(kind, dtype=np.int64)]


def people_share(value: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Share of all leaders below the threshold: (R, N) organisation values -> (R,)."""
    w = people(kind)
    return row_sum(share_below(value) * w) / w.sum()


def people_share_by(
    value: np.ndarray, kind: np.ndarray, group: np.ndarray, n_groups: int
) -> np.ndarray:
    """Share of each group's leaders below the threshold: (R, N) values -> (R, n_groups)."""
    w = people(kind)
    total = np.bincount(np.asarray(group, dtype=np.int64), weights=w, minlength=n_groups)
    return segment_sum(share_below(value) * w, group, n_groups) / np.maximum(total, 1.0)
