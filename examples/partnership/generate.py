"""Generate the shipped SYNTHETIC partnership example: organisations, forums, two survey waves.

Everything this script writes is made up. "Riverside and Vale" is not a real partnership,
and its organisations and answers are not real; they exist so that the tests, the tutorial
and the dashboard have a realistic survey to import. Run from the repository root:

    python examples/partnership/generate.py          # writes examples/partnership/*
    ics-sim import-survey examples/partnership/survey_wave1.csv --no-picture \\
        --map examples/partnership/map.yaml --out examples/partnership/partnership.yaml

How the answers are made (seed 20240417, numpy's default generator; same seed, same files):

- Each directed pair has a latent trust: the truster's kind's trust propensity, less half the
  pair of kinds' legacy of mistrust (the model's own defaults, so the example is plausible
  for it, not tuned to it), plus 0.06 per forum the two share (up to 3), a rater effect
  (sd 0.06) and a pair effect (sd 0.08). Latent value rises with the forums shared and
  with the partner's power; contact is the number of forums shared plus a place effect.
- A PARTNER-like questionnaire: trust from three 1-4 questions (reliable, in support of the
  mission, open to discussion), value from three 1-4 questions (power and influence, level
  of involvement, resources contributed), familiarity from one 1-4 question, and contact
  frequency on five labels (Never ... Weekly). Each answer is the latent value plus answer
  noise (sd 0.08), rounded to the scale.
- Non-response: 4 of 25 organisations (two VCSE bodies, one PCN, the ambulance trust) do not
  answer; each respondent skips each partner with probability 0.1 and answers "Don't know"
  to a question with probability 0.04.
- Wave 2, 52 weeks later: latent trust and familiarity regress 30% toward their kind-pair
  means, then change with the forums shared (+0.03 each, up to 3) and a pair effect (sd
  0.06); one VCSE body drops out, another joins the respondents. An invented process, not
  ics-sim's: the validation is not circular.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
SEED = 20240417

PLACES = ["North Shire", "South Vale"]
#: name, kind, place(s) (None: system-wide), traits
ORGS: list[tuple[str, str, object]] = [
    ("Riverside and Vale ICB", "icb", None),
    ("Riverside University Hospitals NHS FT", "acute", "North Shire"),
    ("South Vale Hospital NHS Trust", "acute", "South Vale"),
    ("Riverside Community Health NHS Trust", "community", None),
    ("Riverside and Vale Mental Health NHS FT", "mental_health", None),
    ("Western Counties Ambulance Service", "ambulance", None),
    ("North Shire Council", "local_authority", "North Shire"),
    ("South Vale District Council", "local_authority", "South Vale"),
    ("Riverside GP Federation", "primary_care", ["North Shire", "South Vale"]),
    ("Northgate PCN", "primary_care", "North Shire"),
    ("Millbrook PCN", "primary_care", "North Shire"),
    ("Harbour PCN", "primary_care", "North Shire"),
    ("Oakfield PCN", "primary_care", "North Shire"),
    ("Vale Central PCN", "primary_care", "South Vale"),
    ("Eastbrook PCN", "primary_care", "South Vale"),
    ("Kingsmead PCN", "primary_care", "South Vale"),
    ("North Shire CVS", "vcse", "North Shire"),
    ("Age Well Riverside", "vcse", None),
    ("Carers Together", "vcse", None),
    ("Riverside Mind", "vcse", "North Shire"),
    ("South Vale Food Partnership", "vcse", "South Vale"),
    ("Healthwatch Riverside and Vale", "vcse", None),
    ("Homes and Hope", "vcse", "South Vale"),
    ("Vale Youth Trust", "vcse", "South Vale"),
    ("Riverside Hospice", "vcse", "North Shire"),
]
N = [o[0] for o in ORGS]
FORUMS = [
    ("ICB board", "icb_board", 4, "majority", N[0], [0, 1, 2, 3, 4, 6, 8]),
    (
        "Integrated care partnership",
        "icp",
        13,
        "consensus",
        N[6],
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 21],
    ),
    (
        "North Shire place partnership",
        "place_partnership",
        4,
        "supermajority",
        N[6],
        [0, 1, 3, 4, 6, 9, 10, 11, 12, 16, 19, 24],
    ),
    (
        "South Vale place partnership",
        "place_partnership",
        4,
        "supermajority",
        N[7],
        [0, 2, 3, 4, 7, 13, 14, 15, 20, 22, 23],
    ),
    ("Provider collaborative", "provider_collaborative", 2, "consensus", N[1], [1, 2, 3, 4, 5]),
    ("Urgent care delivery board", "partnership", 4, "majority", N[5], [0, 1, 2, 5, 8, 3]),
    ("Healthy ageing programme", "partnership", 8, "consensus", N[17], [3, 6, 7, 17, 18, 24, 8]),
    ("VCSE alliance", "partnership", 8, "consensus", N[16], [16, 17, 18, 19, 20, 21, 22, 23, 24]),
]
TRUST_Q = ["Reliable", "In support of our mission", "Open to discussion"]
VALUE_Q = ["Power and influence", "Level of involvement", "Resources contributed"]
FAM_Q = "How well do you know their leaders"
FREQ_Q = "How often do you work with them"
FREQ = ["Never", "Once a year or less", "About once a quarter", "About once a month", "Weekly"]
NON_RESPONDENTS_1 = {5, 15, 20, 23}
NON_RESPONDENTS_2 = {5, 15, 22, 23}  # South Vale Food Partnership answers in wave 2


def kinds_defaults() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's kind means (trust propensity, legacy, power), read from ics-sim itself."""
    sys.path.insert(0, str(HERE.parents[1]))
    from ics_sim.system.kinds import legacy_matrix, parse_kind, trait_table

    kind = np.array([int(parse_kind(k)) for _, k, _ in ORGS])
    t = trait_table()
    return t["trust_propensity"][kind], legacy_matrix()[kind][:, kind], t["power"][kind]


def likert(x: np.ndarray | float, rng: np.random.Generator) -> int:
    return int(np.clip(np.rint(1 + 3 * (x + rng.normal(0, 0.08))), 1, 4))


def survey(latent: dict[str, np.ndarray], respondents: set[int], rng) -> pd.DataFrame:
    rows = []
    n = len(ORGS)
    for i in range(n):
        if i in respondents:
            continue
        for j in range(n):
            if i == j or rng.random() < 0.1:
                continue
            qs = [(q, latent["trust"][i, j]) for q in TRUST_Q]
            qs += [(q, latent["value"][i, j]) for q in VALUE_Q]
            qs += [(FAM_Q, latent["familiarity"][i, j])]
            for q, x in qs:
                ans = "Don't know" if rng.random() < 0.04 else str(likert(x, rng))
                rows.append((N[i], N[j], q, ans))
            c = int(np.clip(np.rint(latent["contact"][i, j] + rng.normal(0, 0.5)), 0, 4))
            rows.append((N[i], N[j], FREQ_Q, FREQ[c]))
    return pd.DataFrame(rows, columns=["Respondent organisation", "Partner", "Question", "Answer"])


def main() -> None:
    rng = np.random.default_rng(SEED)
    n = len(ORGS)
    prop, legacy, power = kinds_defaults()
    shared = np.zeros((n, n))
    for *_, members in FORUMS:
        for a in members:
            for b in members:
                shared[a, b] += a != b
    place = [o[2] if isinstance(o[2], str) else None for o in ORGS]
    same_place = np.array(
        [[place[a] is not None and place[a] == place[b] for b in range(n)] for a in range(n)]
    )
    s3 = np.minimum(shared, 3)
    rater = rng.normal(0, 0.06, n)
    trust = prop[:, None] * (1 - 0.5 * legacy) + 0.06 * s3 + rater[:, None]
    trust += rng.normal(0, 0.08, (n, n))
    value = 0.2 + 0.08 * s3 + 0.3 * power[None, :] + rng.normal(0, 0.08, (n, n))
    fam = 0.15 + 0.12 * s3 + 0.1 * same_place + rng.normal(0, 0.08, (n, n))
    contact = 0.5 + 0.8 * s3 + 0.7 * same_place
    w1 = {"trust": trust, "value": value, "familiarity": fam, "contact": contact}
    w1 = {k: np.clip(v, 0, 1) if k != "contact" else v for k, v in w1.items()}
    # wave 2: regress toward kind-pair means, then drift with the forums shared
    kind = [k for _, k, _ in ORGS]
    w2 = dict(w1)
    for item in ("trust", "familiarity"):
        x = w1[item]
        means = np.zeros_like(x)
        for a in range(n):
            for b in range(n):
                same = [
                    (c, d)
                    for c in range(n)
                    for d in range(n)
                    if c != d and kind[c] == kind[a] and kind[d] == kind[b]
                ]
                means[a, b] = np.mean([x[c, d] for c, d in same]) if same else x[a, b]
        w2[item] = np.clip(0.7 * x + 0.3 * means + 0.03 * s3 + rng.normal(0, 0.06, (n, n)), 0, 1)
    survey(w1, NON_RESPONDENTS_1, rng).to_csv(HERE / "survey_wave1.csv", index=False)
    survey(w2, NON_RESPONDENTS_2, rng).to_csv(HERE / "survey_wave2.csv", index=False)
    orgs = []
    for name, k, p in ORGS:
        o: dict = {"name": name, "kind": k}
        if isinstance(p, str):
            o["place"] = p
        elif isinstance(p, list):
            o["places"] = p
        orgs.append(o)
    system = {
        "name": "Riverside and Vale partnership (synthetic)",
        "description": "A made-up partnership of 25 organisations in two places, for examples "
        "and tests. Not real data: generated by examples/partnership/generate.py.",
        "synthetic": True,
        "provenance": "synthetic, examples/partnership/generate.py (seed 20240417)",
        "places": PLACES,
        "organisations": orgs,
        "forums": [
            {
                "name": f,
                "type": t,
                "period": per,
                "rule": rule,
                "chair": chair,
                "members": [N[m] for m in members],
            }
            for f, t, per, rule, chair, members in FORUMS
        ],
        "weeks_between_waves": 52,
    }
    head = "# SYNTHETIC example (not real data): written by examples/partnership/generate.py\n"
    (HERE / "organisations.yaml").write_text(
        head + yaml.safe_dump(system, sort_keys=False, width=100), encoding="utf-8"
    )
    likert4 = {"likert": [1, 4]}
    mapping = {
        "system": "organisations.yaml",
        "layout": "long",
        "columns": {
            "rater": "Respondent organisation",
            "ratee": "Partner",
            "question": "Question",
            "answer": "Answer",
        },
        "items": {
            "trust": {"questions": TRUST_Q, "scale": likert4},
            "value": {"questions": VALUE_Q, "scale": likert4},
            "familiarity": {"questions": [FAM_Q], "scale": likert4},
            "contact": {
                "questions": [FREQ_Q],
                "scale": {"values": dict(zip(FREQ, [0, 0.25, 0.5, 0.75, 1.0], strict=True))},
            },
        },
        "missing": ["", "Don't know"],
        "weeks_between_waves": 52,
    }
    (HERE / "map.yaml").write_text(
        "# How the synthetic PARTNER-like survey maps onto the model (docs/own-partnership.md)\n"
        + yaml.safe_dump(mapping, sort_keys=False, width=100),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
