"""The weekly rules, one module per mechanism, in the order the package runs them.

Each module has ``step(model, rng, week)`` (and some an ``init(model)`` for their starting
values); ``rng`` is the package's stream of the same name, ``ics_sim.rng.Streams``.
"""

from . import (
    conflict,
    contact,
    decisions,
    joint_work,
    learning,
    power,
    pressure,
    purpose,
    safety,
    ties,
    transaction_costs,
    trust,
    turnover,
)

#: (name of the mechanism and of its random stream, module), in tick order.
ORDER = (
    ("turnover", turnover),
    ("pressure", pressure),
    ("contact", contact),
    ("safety", safety),
    ("purpose", purpose),
    ("power", power),
    ("joint_work", joint_work),
    ("conflict", conflict),
    ("decisions", decisions),
    ("trust", trust),
    ("transaction_costs", transaction_costs),
    ("learning", learning),
    ("ties", ties),
)
