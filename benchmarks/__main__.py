"""``python -m benchmarks``: the benchmark table (see :mod:`benchmarks.suite`)."""

import sys

from .suite import main

sys.exit(main())
