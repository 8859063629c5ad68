"""Who is in the system and how they are tied: kinds of organisation, compositions, the
network topology, England's ICSs and synthetic systems. Imports only :mod:`ics_sim.core`.
"""
