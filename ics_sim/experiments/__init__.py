"""Experiments on the model: the experiment spec and its designs, the sweep (executors
behind one interface), the result store and run manifest, and ``ics_sim.run``.
"""
