"""Old import path, kept working: the code lives in :mod:`ics_sim.reporting.evidence`."""

import sys

from .reporting import evidence

if __name__ == "__main__":  # python -m ics_sim.evidence
    raise SystemExit(evidence.main())
sys.modules[__name__] = evidence
