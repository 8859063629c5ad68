"""Bottom layer: errors, declared parameters, random streams, array helpers, the outcome
table and the one registry. Imports nothing from the rest of the package; numpy only.
"""
