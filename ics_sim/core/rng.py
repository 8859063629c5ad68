"""Random streams: one seed drives everything, each component draws from its own stream.

Streams are keyed by the component's name (not by its position in a list), so switching one
mechanism off, or adding a new one, leaves every other mechanism's draws unchanged: common
random numbers across scenarios, which shrinks the replicates a comparison needs.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for component ``name`` under ``seed``."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))


class Streams:
    """One generator per replicate for one component; draws are stacked on a leading axis.

    Replicate r of a batch draws exactly what a single run with seed ``seeds[r]`` draws, so
    batched and one-by-one runs are bit-identical.
    """

    def __init__(self, seeds: list[int], name: str):
        self.gens = [stream(s, name) for s in seeds]

    def random(self, shape: int | tuple[int, ...]) -> np.ndarray:
        if len(self.gens) == 1:
            return self.gens[0].random(shape)[None]
        return np.stack([g.random(shape) for g in self.gens])

    def randoms(self, k: int, size: int) -> np.ndarray:
        """k uniform draws of length ``size`` in one call per replicate: (k, R, size).

        Draws the same numbers as k successive ``random(size)`` calls, with k times fewer
        calls: what matters when many replicates are batched.
        """
        if len(self.gens) == 1:
            return self.gens[0].random((k, size))[:, None, :]
        out = np.empty((len(self.gens), k, size))
        for g, o in zip(self.gens, out, strict=True):
            g.random((k, size), out=o)
        return out.transpose(1, 0, 2)

    def normal(self, shape: int | tuple[int, ...]) -> np.ndarray:
        if len(self.gens) == 1:
            return self.gens[0].standard_normal(shape)[None]
        return np.stack([g.standard_normal(shape) for g in self.gens])
