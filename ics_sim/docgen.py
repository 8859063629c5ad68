"""Old import path, kept working: the code lives in :mod:`ics_sim.reporting.docgen`."""

import sys

from .reporting import docgen

if __name__ == "__main__":  # python -m ics_sim.docgen
    raise SystemExit(docgen.main())
sys.modules[__name__] = docgen
