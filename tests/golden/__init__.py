"""Golden trajectories: the outcomes of a fixed set of scenarios and seeds, stored bit for bit.

``tests/test_golden.py`` compares fresh runs with ``trajectories.npz``. The file is only ever
rewritten on purpose, when a change is meant to move trajectories::

    python -m tests.golden --regenerate

(the test never regenerates it).
"""
