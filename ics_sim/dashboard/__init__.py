"""The workshop dashboard: an interactive view of the model in a web browser.

Start it with ``ics-sim dashboard [SCENARIO.yaml]`` (see :mod:`ics_sim.dashboard.launch`).
The package is split so that only :mod:`~ics_sim.dashboard.app` and
:mod:`~ics_sim.dashboard.components` need Solara:

- :mod:`~ics_sim.dashboard.simulation`: one participant's run (and its side-by-side twin),
  the changes made while it runs, and the CSV export; no web code.
- :mod:`~ics_sim.dashboard.views`: what is drawn, as plain data.
- :mod:`~ics_sim.dashboard.text`: every label and explanation in plain language.
- :mod:`~ics_sim.dashboard.export`: the PNG of the current view.
- :mod:`~ics_sim.dashboard.launch`: the ``dashboard`` subcommand.
"""
