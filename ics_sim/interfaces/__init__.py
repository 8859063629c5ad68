"""The faces people use: the ``ics-sim`` command line (the browser dashboard is
:mod:`ics_sim.dashboard`, which belongs to this layer too). argparse and rich live only here.
"""
