"""The model's dynamic state (numpy arrays), the levers interventions set, and the outcomes
computed from state each week. Imports only the layers below (system, core).
"""
