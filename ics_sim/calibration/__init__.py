"""Calibration: targets with their evidence, priors, history matching and ABC-SMC."""
