"""The model as a plain function, for SALib, EMA Workbench and any other experiment tool.

``ics_sim.run(params, seed)`` runs one replicate and returns the final value of every outcome
as a dict of floats. It is the same computation a sweep runs (:mod:`ics_sim.sweep`), so a
value from ``run`` equals the sweep's ``<outcome>_final`` for the same parameters and seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ParameterError

if TYPE_CHECKING:
    from ..scenarios.schema import Scenario

#: Keys of ``params`` that are not model or scenario parameters.
SPECIAL = ("weeks",)


def run(
    params: Mapping[str, Any] | None = None,
    seed: int = 1,
    *,
    scenario: str | Path | Scenario | None = None,
) -> dict[str, float]:
    """One run of the model; the value of every outcome at the final week.

    Args:
        params: any of
            - model parameters by name (``{"trust_gain": 0.08}``; ``ics_sim.parameters()``
              lists them with their valid ranges);
            - ``weeks``: the horizon, weeks simulated after the warm-up (`warmup_weeks`, 260)
              (default: the scenario's, 260 without a scenario);
            - with a ``scenario``, its interventions' and shocks' parameters and timing by
              path: ``interventions[0].params.attendance``, ``shocks[0].params.cut``,
              ``interventions[0].start``, ``shocks[0].end``.
            Whole-number parameters given as floats (as optimisers and samplers give them)
            are rounded to the nearest whole number.
        seed: the random seed (an int >= 0); the same params and seed give the same result.
        scenario: optional base scenario (a file path or a loaded Scenario): its ICS,
            parameters, interventions and shocks apply; ``params`` override them. Without it,
            the default ICS with no intervention.

    Returns:
        ``{outcome: value}`` for every name in ``ics_sim.OUTCOMES`` (the six practices, the
        collaboration index and the diagnostics), each a Python float, at week ``weeks``.

    Raises:
        ParameterError: an unknown name (the message lists the valid ones) or a value out of
            its valid range.
    """
    from ..scenarios.schema import Scenario, from_dict, load
    from .spec import apply, resolve_target, scenario_data

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"seed must be a whole number >= 0, got {seed!r}")
    if scenario is None:
        base = from_dict({"name": "ics_sim.run"})
    elif isinstance(scenario, Scenario):
        base = scenario
    else:
        base = load(scenario)
    values = dict(params or {})
    weeks = _weeks(values.pop("weeks", base.weeks))

    targets, coerced = [], []
    for name, value in values.items():
        try:
            t = resolve_target(name, base)
        except ParameterError as e:
            text = str(e) if repr(name) in str(e) else f"{name!r}: {e}"
            raise ParameterError(f"{text}; other keys: {', '.join(SPECIAL)}") from None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ParameterError(f"parameter {name!r} must be a finite number, got {value!r}")
        v = t.coerce(value)
        if not t.lo <= v <= t.hi:
            raise ParameterError(
                f"parameter {name!r} = {value!r} is out of range; valid: [{t.lo}, {t.hi}]"
            )
        targets.append(t)
        coerced.append(v)

    data = apply(scenario_data(base), targets, coerced)
    from ..scenarios.schema import ScenarioError

    try:
        scn = from_dict(data, source=str(base.source) if base.source else None)
    except ScenarioError as e:  # e.g. an intervention's end before its start
        raise ParameterError(f"{e.field}: {e.detail}") from None
    result = scn.engine([seed]).run(weeks)
    return {k: float(v[-1, 0]) for k, v in result.items()}


def _weeks(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(f"weeks must be a whole number >= 0, got {value!r}")
    if float(value) != int(value) or value < 0:
        raise ParameterError(f"weeks must be a whole number >= 0, got {value!r}")
    return int(value)
