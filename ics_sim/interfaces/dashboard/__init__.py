"""The workshop dashboard: an interactive view of the model in a web browser.

Start it with ``ics-sim dashboard [SCENARIO.yaml]`` (see :mod:`.launch`).
The package is split so that only :mod:`.app` and
:mod:`.components` need Solara:

- :mod:`.simulation`: one participant's run (and its side-by-side twin),
  the changes made while it runs, and the CSV export; no web code.
- :mod:`.views`: what is drawn, as plain data.
- :mod:`.text`: every label and explanation in plain language.
- :mod:`.export`: the PNG of the current view.
- :mod:`.launch`: the ``dashboard`` subcommand.
"""
