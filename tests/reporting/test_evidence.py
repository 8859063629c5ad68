"""docs/evidence.md is generated from the code and must be current."""

from __future__ import annotations

import importlib
from pathlib import Path

from ics_sim import evidence
from ics_sim.interventions import REGISTRY
from ics_sim.mechanisms import ORDER

DOC = Path(__file__).resolve().parents[2] / "docs" / "evidence.md"


def test_evidence_document_is_current():
    assert evidence.main(["--check", str(DOC)]) == 0, (
        "docs/evidence.md is stale: run python -m ics_sim.evidence docs/evidence.md"
    )


def test_every_mechanism_and_intervention_has_a_quoted_passage():
    text = evidence.render()
    for m in ORDER:
        assert f"(`{m.name}`)" in text
        para = evidence._evidence_paragraph(importlib.import_module(m.__module__))
        assert '"' in para or "'" in para, m.name  # it quotes the source
    for name, cls in REGISTRY.items():
        assert f"(`{name}`," in text and "'" in cls.evidence, name
