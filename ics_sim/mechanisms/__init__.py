"""The mechanisms of the weekly tick, one module each, in the order they run.

Order (see docs/ODD.md, "Process overview and scheduling"): leaders leave and arrive; pressure
and budgets move and set the time leaders give to the system; forums meet and leaders meet;
safety moves; aims pool; power and voice are set; joint work is done; conflicts arise, surface,
resolve or fester; forums decide; the week's experiences update trust (synchronously, all at
once); transaction costs are counted for next week; leaders imitate what is rewarded; ties
form through the week's encounters and introductions, and weak unused ties fade.

These built-ins are added to the one registry (:mod:`ics_sim.core.registry`) in this order;
plugins join them there. ``ics-sim list mechanisms`` prints the weekly plan with what each
mechanism reads, writes and which levers it reads.
"""

from ..core.params import Param
from ..core.registry import REGISTRY
from .base import Mechanism
from .conflict import Conflict
from .contact import Contact
from .decisions import Decisions
from .joint_work import JointWork
from .learning import Learning
from .power import Power
from .pressure import Pressure
from .purpose import Purpose
from .safety import Safety
from .ties import Ties
from .transaction_costs import TransactionCosts
from .trust import Trust
from .turnover import Turnover

ORDER: tuple[type[Mechanism], ...] = (
    Turnover,
    Pressure,
    Contact,
    Safety,
    Purpose,
    Power,
    JointWork,
    Conflict,
    Decisions,
    Trust,
    TransactionCosts,
    Learning,
    Ties,
)

#: The built-in mechanisms by name (the registry's plan adds any plugins).
MECHANISMS: dict[str, type[Mechanism]] = {m.name: m for m in ORDER}

#: State variables with more than one writer, and why. Every other variable has exactly one
#: (checked by tests/mechanisms/test_declarations.py).
SHARED_WRITES: dict[str, str] = {
    "good": "the week's good experiences: every mechanism where organisations meet or work "
    "together adds its own, and trust applies them all at once (a synchronous update)",
    "bad": "the week's breaches, added like good experiences by each mechanism where they "
    "happen and applied together by trust",
    "conflict": "conflict raises, surfaces and resolves conflicts; decisions raise latent "
    "conflict where a decision is unacceptable to an affected organisation",
    "familiarity": "contact builds it; turnover resets it when a leader leaves (the successor "
    "does not know the person behind the other role)",
    "trust": "trust updates it from experience; turnover takes away the personal part a "
    "departing leader does not hand on (the successor inherits the rest)",
    "trust_personal": "trust builds the personal part of trust with each gain; turnover takes "
    "away what a departing leader does not hand on",
    "orientation": "learning moves it by imitation; turnover draws a new leader's orientation",
    "resources": "pressure sets income and spending; joint work spends on and earns from joint "
    "projects",
}

for _m in ORDER:
    REGISTRY.add(_m)

__all__ = ["MECHANISMS", "ORDER", "SHARED_WRITES", "Mechanism", "Param"]
