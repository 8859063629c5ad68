"""``python -m ics_sim.interfaces.dashboard``: the ``ics-sim dashboard`` command on its own."""

from .launch import main

raise SystemExit(main())
