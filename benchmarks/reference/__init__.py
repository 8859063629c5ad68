"""The weekly rules of ics-sim written the obvious way: Mesa agents and networkx attributes.

This is the baseline the benchmarks compare the package against (issue 7), and a teaching
artefact: what an idiomatic Mesa + networkx implementation of the same model looks like.

- Each organisation is a :class:`mesa.Agent` (:class:`~.agents.Organisation`) holding its own
  state as Python floats (and lists for its aims).
- The relationship network is a :class:`networkx.DiGraph`; the state of each directed tie
  (trust, familiarity, legacy, advantage, contact, conflict, this week's experiences...) lives in
  its edge attributes, ``model.G[i][j]``.
- Forums and their seats are plain Python objects (:mod:`.forums`).
- Each weekly rule (:mod:`.mechanisms`, one module per mechanism, in the package's order) loops
  over agents, their neighbours (``G[i].items()``), forums and seats. No numpy inside the tick.

It implements exactly the rules of ``ics_sim/mechanisms/``, for any parameter values, with
two restrictions:

- **No interventions or shocks.** Every lever (``ics_sim/levers.py``) is at its neutral value,
  so terms such as ``+ safety_boost`` (0) or ``* income_factor`` (1) are left out; adding 0 or
  multiplying by 1 is exact in floating point, so leaving them out changes no bit.
- **Every mechanism on** (no ``mechanisms_off``).

The constructor warms up as ``Engine.warm_up`` does (``warmup_weeks`` weeks, then the week
counter restarts at 0 and leader changes are forgotten), so week 0 is the package's week 0.

To agree with the package draw for draw, each mechanism draws from the package's own stream
(``ics_sim.rng.Streams([seed], name)``) with the same calls in the same order each week, and
uses the draw of tie ``e`` / forum ``f`` / seat ``m`` at the package's index: ties carry the
package's edge index as the attribute ``eid`` (ties are numbered in (truster, trustee) order)
and the index of the draw their pair shares as ``pair_eid``; seats carry their membership index
``m``. The initial state is taken from ``ics_sim.state.variables.initialise`` for the same
seed, and the parameters are the package's declarations (``ics_sim.engine.all_params``).

Sums are accumulated in the package's order (an organisation's ties in edge order, a forum's
seats in membership order), so every discrete event is the same as in the package and every
number agrees to within a few units in the last place (measured over 260 weeks: outcomes
within 1.3e-14, trust within 4e-16; ``tests/test_reference.py`` checks 1e-9). It is not
bit-identical because ``math.exp``, ``math.log`` and ``**`` may differ from numpy's vectorised
versions in the last bit, and the package sums some outcomes pairwise (``numpy.sum``) rather
than in order.

    from benchmarks.reference import ReferenceModel
    model = ReferenceModel(seed=1)        # default ICS of 43 organisations, after warm-up
    rows = model.run(52)                  # {outcome: [week 0, week 1, ...]}
"""

from .model import ReferenceModel

__all__ = ["ReferenceModel"]
