"""Everything drawn or written for people: figures (one palette, :mod:`ics_sim.palette`),
the standard files of a run, and the generated documentation.
"""
