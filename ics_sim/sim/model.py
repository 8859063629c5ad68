"""ICSModel: the Mesa model of an integrated care system.

``ICSModel(rng=seed, **params)`` is a :class:`mesa.Model`; ``model.step()`` advances one week;
``model.run(weeks)`` returns the outcomes as a pandas DataFrame; ``model.graph()`` gives the
relationship network with its current state as a networkx DiGraph.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from ..state.outcomes import OUTCOMES
from ..system.composition import Composition
from ..system.lookup import resolve_composition
from .agents import Organisation
from .engine import Engine, Intervention


class ICSModel(mesa.Model):
    """Organisations of an ICS building (or losing) trust, week by week.

    Args:
        rng: seed (an int) or numpy Generator; one seed drives every random stream.
        ics: an ICB code (ODS ``QOX`` or ONS ``E54000040``) or name, ``"england"`` for all 42
            ICSs in one model, a Composition, or None for the default ICS.
        counts: organisations of each kind, e.g. ``{"acute": 2, "vcse": 10, ...}``.
        mechanisms_off: names of mechanisms to switch off (see ``ics_sim.MECHANISMS``).
        interventions: objects with ``apply(engine, week)`` that set levers.
        state: a state file (:mod:`ics_sim.sim.snapshot`) to continue from instead of warming
            up: the seed (when ``rng`` is None), parameters and mechanisms off are the file's;
            ``ics``/``counts`` must name the system it was saved for.
        **params: overrides of declared parameters (see ``ics_sim.parameters()``).
    """

    def __init__(
        self,
        rng: int | np.random.Generator | None = None,
        *,
        ics: str | Composition | None = None,
        counts: Mapping[str, int] | None = None,
        mechanisms_off: Iterable[str] = (),
        interventions: Iterable[Intervention] = (),
        state: str | os.PathLike[str] | None = None,
        **params: Any,
    ):
        if state is not None and rng is None:  # save/load passthrough: the file's seed
            from . import snapshot

            rng = int(snapshot.header(state)["seeds"][0])
        if isinstance(rng, bool):
            raise TypeError("rng must be an int seed or a numpy Generator")
        super().__init__(rng=rng)
        if isinstance(rng, int | np.integer):
            self.seed = int(rng)
        else:
            self.seed = int(self.rng.integers(0, 2**63 - 1))
        self.composition = resolve_composition(ics, counts)
        if state is None:
            self.engine = Engine(
                self.composition, [self.seed], params, mechanisms_off, interventions
            )
        else:  # save/load passthrough
            from . import snapshot

            self.engine = snapshot.load_one(
                state,
                self.composition,
                interventions=interventions,
                params=None if not params else _params(params),
                mechanisms_off=mechanisms_off or None,
                seeds=[self.seed],
            )
        self._first_week = self.engine.week
        self.organisations = [Organisation(self, i) for i in range(self.composition.n)]
        self._now: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in OUTCOMES}
        )
        self._collect()

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return self.engine.week

    @property
    def params(self):
        return self.engine.params

    def _collect(self) -> None:
        self._now = {k: float(v[0]) for k, v in self.engine.outcomes().items()}
        self.datacollector.collect(self)

    def step(self) -> None:
        """Advance one week."""
        self.engine.step()
        self._collect()

    def run(self, weeks: int, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
        """Advance ``weeks`` weeks and return every outcome so far, one row per week."""
        if weeks < 0:
            raise ValueError("weeks must be >= 0")
        for _ in range(weeks):
            self.step()
            if progress is not None:
                progress(1)
        return self.outcomes()

    def outcomes(self) -> pd.DataFrame:
        """Outcomes collected so far: a ``week`` column then one column per outcome."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "week", np.arange(len(df)) + self._first_week)
        return df

    def save_state(self, path: str | os.PathLike[str]) -> Path:
        """Write the model's state now (every random stream included) to a state file."""
        from . import snapshot

        return snapshot.save(self.engine, path, ics=self.composition.name)

    def graph(self) -> nx.DiGraph:
        """The relationship network now, with organisations' and ties' state as attributes."""
        return self.engine.graph(0)


def _params(overrides: Mapping[str, Any]):
    from ..core.params import resolve
    from .engine import all_params

    return resolve(all_params(), overrides)


def _reporter(name: str) -> Callable[[ICSModel], float]:
    def report(model: ICSModel) -> float:
        return model._now[name]

    report.__name__ = name
    return report
