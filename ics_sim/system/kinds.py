"""Kinds of organisation in an integrated care system and their default traits.

Each kind's defaults are the mean of the distribution its organisations are drawn from at
initialisation. Where a source document supports a value's *ordering* between kinds, the
``SOURCES`` table cites it; the exact numbers are assumptions, listed in
``docs/evidence.md`` and varied in the sensitivity analysis.

Short names of the sources (see ``docs/evidence.md``):

- *Practice*: Walsh and de Sarandy, "The practice of collaborative leadership across health and
  care services", The King's Fund, 2023.
- *Lessons*: Hulks et al., "Leading across the health and care system: lessons from experience",
  The King's Fund, 2017 (the five factors).
- *Miller*: R. Miller, "Promises, pitfalls and processes of collaborative leadership", 2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Kind(IntEnum):
    """Kind of organisation; the integer is the code stored in the state arrays."""

    ICB = 0
    ACUTE = 1
    COMMUNITY = 2
    MENTAL_HEALTH = 3
    AMBULANCE = 4
    PRIMARY_CARE = 5
    LOCAL_AUTHORITY = 6
    VCSE = 7

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def key(self) -> str:
        return self.name.lower()


KIND_KEYS: tuple[str, ...] = tuple(k.key for k in Kind)

LABELS = {
    Kind.ICB: "Integrated care board",
    Kind.ACUTE: "Acute trust",
    Kind.COMMUNITY: "Community trust",
    Kind.MENTAL_HEALTH: "Mental health trust",
    Kind.AMBULANCE: "Ambulance trust",
    Kind.PRIMARY_CARE: "Primary care (PCN / GP federation)",
    Kind.LOCAL_AUTHORITY: "Local authority",
    Kind.VCSE: "VCSE body",
}

#: Sector of each kind: 0 NHS, 1 local government, 2 voluntary and community sector.
SECTOR = np.array([0, 0, 0, 0, 0, 0, 1, 2], dtype=np.int8)
SECTOR_NAMES = ("NHS", "local government", "VCSE")


@dataclass(frozen=True)
class KindTraits:
    """Mean initial traits of one kind of organisation (all in [0, 1] but ``resources``)."""

    power: float  # formal and informal power: share of voice when weighted by power
    resources: float  # budget relative to an acute trust's (acute = 1)
    pressure: float  # baseline operational and financial pressure
    capacity: float  # share of leadership time available for system work when unpressured
    orientation: float  # leader's collaborative orientation (altruism vs self-interest)
    trust_propensity: float  # disposition to trust a partner it does not yet know
    sharing: float  # disposition to share power ("persuasion rather than hierarchy")
    tenure_years: float  # mean tenure of the leader at the start


TRAITS: dict[Kind, KindTraits] = {
    Kind.ICB: KindTraits(0.75, 0.80, 0.50, 0.75, 0.65, 0.55, 0.55, 2.0),
    Kind.ACUTE: KindTraits(0.90, 1.00, 0.80, 0.30, 0.40, 0.45, 0.35, 4.0),
    Kind.COMMUNITY: KindTraits(0.40, 0.35, 0.60, 0.45, 0.60, 0.55, 0.50, 4.0),
    Kind.MENTAL_HEALTH: KindTraits(0.45, 0.45, 0.65, 0.45, 0.60, 0.55, 0.50, 4.0),
    Kind.AMBULANCE: KindTraits(0.45, 0.45, 0.75, 0.25, 0.50, 0.50, 0.40, 4.0),
    Kind.PRIMARY_CARE: KindTraits(0.20, 0.10, 0.70, 0.30, 0.55, 0.50, 0.45, 5.0),
    Kind.LOCAL_AUTHORITY: KindTraits(0.55, 0.55, 0.70, 0.50, 0.60, 0.45, 0.65, 4.0),
    Kind.VCSE: KindTraits(0.10, 0.04, 0.55, 0.60, 0.75, 0.60, 0.60, 6.0),
}

#: Why each kind's traits are ordered as they are.
SOURCES: dict[Kind, str] = {
    Kind.ICB: "Practice, Introduction: the ICB is the statutory NHS body that brings partners "
    "together (formal authority, convener); leaders new in post in 2022 (short tenure).",
    Kind.ACUTE: "Practice 4: 'the acutes rule the roost in the ICB'; Practice, Introduction: "
    "foundation trusts 'encouraged for more than 30 years to compete' (high power, low "
    "orientation, long competitive legacy); Practice, Where next: 'record numbers of people "
    "are waiting for treatment' (high pressure).",
    Kind.COMMUNITY: "Practice 4: community and mental health services 'very much second tier "
    "in the pecking order' (medium power).",
    Kind.MENTAL_HEALTH: "Practice 4: 'very much second tier in the pecking order'.",
    Kind.AMBULANCE: "Model notes, section 2: ambulance trusts span several ICSs (medium power, "
    "few local ties, low capacity for any one system); Practice, Introduction: paramedics' "
    "industrial action (high pressure).",
    Kind.PRIMARY_CARE: "Miller, MDTs: primary care leads neighbourhood MDTs; low power "
    "individually and many of them (assumption for the numbers).",
    Kind.LOCAL_AUTHORITY: "Practice, Where next: 'inflation is hitting local government "
    "finances' (squeezed); Lessons: local government leaders achieve results 'through "
    "consultation, engagement, persuasion and influence rather than hierarchical power' "
    "(high sharing); Lessons factor 3: elected members hold 'a right of veto'.",
    Kind.VCSE: "Practice 1: a VCSE body hosts the 'big breakfast' (boundary spanner, high "
    "orientation); Practice, Where next: the VCSE sector is 'still needing' to compete for "
    "funding (low power and resources).",
}

#: Senior leaders each organisation of a kind stands for (board members and senior staff who
#: take part in system working): who the survey shares count (:mod:`ics_sim.state.people`).
#: Ordered by the size of each kind's leadership: an NHS trust board has a chair, up to five
#: non-executive and five executive directors (The NHS Trusts (Membership and Procedure)
#: Regulations 1990), foundation trusts and ICB boards (with partner members) a few more; a
#: council's statutory chief officers (chief executive, directors of adult social services,
#: children's services and public health) with its leader and health portfolio holder; a PCN's
#: clinical director and manager (Network Contract DES); a small VCSE body's chief executive
#: and chair. The numbers are assumptions. With them the default ICS's leaders are about two
#: thirds NHS, like the survey's respondents, "drawn predominantly from the NHS" (Practice,
#: Appendix).
PEOPLE: dict[Kind, int] = {
    Kind.ICB: 14,
    Kind.ACUTE: 14,
    Kind.COMMUNITY: 11,
    Kind.MENTAL_HEALTH: 11,
    Kind.AMBULANCE: 11,
    Kind.PRIMARY_CARE: 2,
    Kind.LOCAL_AUTHORITY: 6,
    Kind.VCSE: 2,
}


def people_table() -> np.ndarray:
    """Senior leaders per organisation, indexed by kind code (see :data:`PEOPLE`)."""
    return np.array([float(PEOPLE[k]) for k in Kind])


#: Mean legacy of mistrust between kinds (row: truster, column: trustee), in [0, 1].
#: Practice, Introduction: NHS trusts competed for 30 years; Practice 2: 'elements of mistrust'
#: between ICS leaders and local authorities, 'some of that is history'; providers' mistrust is
#: 'affecting the development of provider collaboratives'. The numbers are assumptions.
_NHS_PROVIDERS = (Kind.ACUTE, Kind.COMMUNITY, Kind.MENTAL_HEALTH, Kind.AMBULANCE)


def legacy_matrix() -> np.ndarray:
    """Kind-by-kind mean legacy of mistrust (8 x 8)."""
    m = np.full((len(Kind), len(Kind)), 0.15)
    for a in _NHS_PROVIDERS:
        for b in _NHS_PROVIDERS:
            m[a, b] = 0.30
    m[Kind.ACUTE, Kind.ACUTE] = 0.50  # direct competitors for activity and staff
    for a in (*_NHS_PROVIDERS, Kind.ICB, Kind.PRIMARY_CARE):
        m[a, Kind.LOCAL_AUTHORITY] = 0.40
        m[Kind.LOCAL_AUTHORITY, a] = 0.40
    m[Kind.ACUTE, Kind.PRIMARY_CARE] = m[Kind.PRIMARY_CARE, Kind.ACUTE] = 0.30
    np.fill_diagonal(m, np.maximum(np.diag(m), 0.15))
    return m


def trait_table() -> dict[str, np.ndarray]:
    """Each trait as an array indexed by kind code."""
    names = KindTraits.__dataclass_fields__.keys()
    return {n: np.array([getattr(TRAITS[k], n) for k in Kind]) for n in names}


def parse_kind(name: str) -> Kind:
    """The kind named ``name`` (``"acute"``, ``"Acute trust"``, ``"la"``...)."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {
        "acute_trust": "acute",
        "acute_specialist": "acute",
        "community_trust": "community",
        "mental_health_trust": "mental_health",
        "mh": "mental_health",
        "ambulance_trust": "ambulance",
        "pcn": "primary_care",
        "gp_federation": "primary_care",
        "la": "local_authority",
        "council": "local_authority",
        "vcse_body": "vcse",
        "vcs": "vcse",
    }
    key = aliases.get(key, key)
    if key not in KIND_KEYS:
        from ..core.errors import ICSSimError
        from ..core.params import suggest

        raise ICSSimError(
            f"unknown organisation kind {name!r}{suggest(key, KIND_KEYS)}; valid kinds: "
            + ", ".join(KIND_KEYS)
        )
    return Kind[key.upper()]
