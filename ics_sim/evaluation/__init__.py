"""Evaluation of the model: verification cases, validation patterns, sensitivity
analysis and paired comparisons. Returns tables; drawing is :mod:`ics_sim.reporting`'s.
"""
