"""The faces people use: the ``ics-sim`` command line and the browser dashboard
(:mod:`ics_sim.interfaces.dashboard`). argparse, rich and solara live only here.
"""
