"""Argument types shared by every command: whole numbers in a range, a number of seconds.

argparse calls a type with the option's text; an ``ArgumentTypeError`` becomes the one-line
message the CLI prints (naming the option) with exit status 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def whole_number(name: str, lo: int, hi: int | None = None) -> Callable[[str], int]:
    """A type for ``name`` accepting base-10 whole numbers from ``lo`` to ``hi`` (inclusive)."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if value < lo or (hi is not None and value > hi):
            limit = f"between {lo} and {hi}" if hi is not None else f">= {lo}"
            raise argparse.ArgumentTypeError(f"must be {limit}, got {value}")
        return value

    parse.__name__ = name  # argparse names the type in some messages
    return parse


def seconds(hi: float) -> Callable[[str], float]:
    """A type accepting a number of seconds above 0 and at most ``hi``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
        if not 0 < value <= hi:
            raise argparse.ArgumentTypeError(f"must be above 0 and at most {hi:g}, got {text}")
        return value

    parse.__name__ = "seconds"
    return parse
