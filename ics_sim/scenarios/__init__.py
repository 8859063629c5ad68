"""Scenario files: the schema, ``extends`` and the one YAML reader whose errors name the
file, line and field (shared with experiment files).
"""
