"""``python -m tests.golden --regenerate``: rewrite the stored golden trajectories."""

from __future__ import annotations

import argparse

from .cases import GOLDEN, compute_all, save

parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__)
parser.add_argument("--regenerate", action="store_true", help=f"rewrite {GOLDEN.name}")
args = parser.parse_args()
if not args.regenerate:
    parser.error("nothing to do: pass --regenerate to rewrite the golden file")
arrays = compute_all()
save(arrays)
print(f"wrote {len(arrays)} arrays to {GOLDEN}")
