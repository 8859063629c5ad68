"""Old import path, kept working: the code lives in :mod:`ics_sim.interfaces.cli`."""

import sys

from .interfaces import cli

if __name__ == "__main__":  # python -m ics_sim.cli
    raise SystemExit(cli.main())
sys.modules[__name__] = cli
