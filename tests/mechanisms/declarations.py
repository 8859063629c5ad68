"""Checking a mechanism's declarations against its code.

A mechanism reads state as ``s.<variable>`` and levers as ``lv.<lever>`` in its module; every
variable it touches must be declared in ``reads`` or ``writes``, and its levers must be
exactly ``reads_levers``. What it writes is checked at run time by the engine's checking
mode (tests/mechanisms/test_declarations.py).
"""

from __future__ import annotations

import ast
import inspect


def used_names(cls: type) -> tuple[set[str], set[str]]:
    """(state variables, levers) the code of ``cls``'s module refers to."""
    tree = ast.parse(inspect.getsource(inspect.getmodule(cls)))
    state, levers = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "s" and node.attr not in ("tally", "derived", "r", "n"):
                state.add(node.attr)
            elif node.value.id == "lv":
                levers.add(node.attr)
    return state, levers


def check_declarations(cls: type) -> None:
    state, levers = used_names(cls)
    undeclared = state - set(cls.reads) - set(cls.writes)
    assert not undeclared, f"{cls.name} uses {sorted(undeclared)} without declaring them"
    assert levers == set(cls.reads_levers), (cls.name, sorted(levers), cls.reads_levers)
    assert cls.summary and cls.evidence and cls.title, cls.name
