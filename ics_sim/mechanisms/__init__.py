"""The mechanisms of the weekly tick, one module each, in the order they run.

Order (see docs/ODD.md, "Process overview and scheduling"): leaders leave and arrive; pressure
and budgets move and set the time leaders give to the system; forums meet and leaders meet;
safety moves; aims pool; power and voice are set; joint work is done; conflicts arise, surface,
resolve or fester; forums decide; the week's experiences update trust (synchronously, all at
once); transaction costs are counted for next week; leaders imitate what is rewarded.
"""

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
)

MECHANISMS: dict[str, type[Mechanism]] = {m.name: m for m in ORDER}

__all__ = ["MECHANISMS", "ORDER", "Mechanism"]
