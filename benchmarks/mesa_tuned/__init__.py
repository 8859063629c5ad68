"""A tuned, idiomatic Mesa implementation of ics-sim's weekly rules: the honest speed reference.

Where :mod:`benchmarks.reference` is a draw-for-draw transliteration (the equivalence oracle,
networkx edge attributes read inside the tick), this package is the same model as a Mesa author
would write it to run fast, with its own topology, initial state and random streams:

- :class:`~.model.TunedModel` is a ``mesa.Model``; the organisations are ``mesa.Agent`` objects
  in ``model.agents`` (an ``AgentSet``), and every rule that an organisation applies to itself
  runs through ``AgentSet.do`` (pressure, safety, aims, standing, power, learning).
- Structure is built once (:mod:`.network`): every candidate pair of organisations is a
  ``__slots__`` object holding what the pair shares, with its two directed ties; each agent
  caches its ties out, in, and to each partner, and its existing ties (updated when a tie
  forms or fades). Forums cache their seats. No networkx, no numpy in the tick.
- Each rule visits only what it can change: the pairs that met, the pairs with a project, the
  pairs in conflict, the existing ties; parameters are plain attributes.
- Outcomes (the package's names, :data:`ics_sim.outcomes.OUTCOMES`) are computed once a week
  and collected by a ``mesa.DataCollector``.

It implements ``ics_sim/mechanisms/`` with every mechanism on and no interventions (levers
neutral), like the transliteration; it reads every parameter (checked against the package at
the defaults only), and its rules are synchronous where the package's are (two-phase ``do``
for aims and imitation; the order of ``do`` changes nothing else). It has its own draws
(``model.random``; ``model.rng`` for the initial state): it agrees with the package in
distribution, not draw for draw (``tests/test_mesa_tuned.py``). Mesa API used: ``Model(rng=)``,
``model.agents``, ``AgentSet.do``, ``model.random``, ``model.rng``, ``DataCollector`` (shared by
Mesa 3.3 and 3.5).

    from benchmarks.mesa_tuned import TunedModel
    model = TunedModel(seed=1)                     # default ICS, after the warm-up
    model.run(52)
    table = model.datacollector.get_model_vars_dataframe()
"""

from .model import TunedModel

__all__ = ["TunedModel"]
