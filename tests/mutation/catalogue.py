"""The fixed catalogue of meaningful mutants: each is a modelling error the tests should catch.

A mutant is an exact text in one file (it must occur there exactly once, so the catalogue stays
in step with the code: the runner fails, naming the mutant, when it does not), its replacement,
and the modelling error it stands for. ``first`` lists the test files most likely to kill it,
run before the rest so that killed mutants die fast.

Kept out on purpose: ``ics_sim/mechanisms/conflict.py`` and the ``conflict_health`` outcome
(being rewritten; mutants there would chase a moving target).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    old: str
    new: str
    why: str
    first: tuple[str, ...] = ()


M = "ics_sim/mechanisms/"
IV = "ics_sim/interventions/"
T_IV = ("tests/interventions/test_interventions.py", "tests/interventions/test_costs.py")

CATALOGUE: tuple[Mutant, ...] = (
    # --- trust ---------------------------------------------------------------------------
    Mutant(
        "trust-breach-sign",
        M + "trust.py",
        "kept = (1.0 - p.trust_loss) ** bad",
        "kept = (1.0 + p.trust_loss) ** bad",
        "Sign flipped in the trust update: a breach raises trust instead of lowering it.",
        ("tests/mechanisms/test_trust.py",),
    ),
    Mutant(
        "trust-legacy-speeds",
        M + "trust.py",
        "* (1.0 - p.legacy_drag * sp.at(s.legacy, x))",
        "* (1.0 + p.legacy_drag * sp.at(s.legacy, x))",
        "Legacy mistrust speeds the building of trust instead of slowing it.",
        ("tests/mechanisms/test_trust.py",),
    ),
    Mutant(
        "trust-familiarity-inverted",
        M + "trust.py",
        "* (1.0 - p.familiarity_weight * (1.0 - sp.at(s.familiarity, x)))",
        "* (1.0 - p.familiarity_weight * sp.at(s.familiarity, x))",
        "Knowing the person behind the role slows trust instead of helping it.",
        ("tests/mechanisms/test_trust.py",),
    ),
    Mutant(
        "broker-chain-wrong-direction",
        M + "trust.py",
        "trust[r_idx, e_ib] * trust[r_idx, e_bj]",
        "trust[r_idx, e_ib] * trust[r_idx, t.rev[e_bj]]",
        "Tie direction swapped: the chain through a broker uses j's trust in the broker "
        "instead of the broker's trust in j.",
        ("tests/mechanisms/test_trust.py",),
    ),
    # --- ties ----------------------------------------------------------------------------
    Mutant(
        "ties-used-ties-fade",
        M + "ties.py",
        "faded.reshape(-1)[x.flat[~used & (weak < p.tie_fade_familiarity)]] = True",
        "faded.reshape(-1)[x.flat[weak < p.tie_fade_familiarity]] = True",
        "Ties fade even in weeks they are used (contact, joint work, open conflict).",
        ("tests/mechanisms/test_ties.py",),
    ),
    Mutant(
        "ties-introduction-one-way",
        M + "ties.py",
        "        out[r_new, e_new] = True\n        out[r_new, t.rev[e_new]] = True\n",
        "        out[r_new, e_new] = True\n",
        "An introduction forms the tie in one direction only (rev forgotten).",
        ("tests/mechanisms/test_ties.py",),
    ),
    # --- contact -------------------------------------------------------------------------
    Mutant(
        "contact-own-reliability",
        M + "contact.py",
        "c * sp.node(reliability, x, t.dst)",
        "c * sp.node(reliability, x, t.src)",
        "Wrong partner's reliability: contact evidence reads the truster's own pressure and "
        "orientation instead of the trustee's.",
        ("tests/mechanisms/test_contact.py",),
    ),
    Mutant(
        "contact-attendance-lever-ignored",
        M + "contact.py",
        "            + lv.attendance_boost[:, t.mem_org],\n",
        "            ,\n",
        "A lever ignored: the attendance lever (industrial action pulls leaders out of "
        "meetings) has no effect.",
        ("tests/mechanisms/test_contact.py", *T_IV),
    ),
    # --- pressure ------------------------------------------------------------------------
    Mutant(
        "pressure-financial-stress-halved",
        M + "pressure.py",
        "s.base_pressure + p.financial_weight * stress",
        "s.base_pressure + 0.5 * p.financial_weight * stress",
        "A financial squeeze adds half the declared pressure per unit of stress.",
        ("tests/mechanisms/test_pressure.py",),
    ),
    Mutant(
        "pressure-missing-clip",
        M + "pressure.py",
        "        np.clip(s.pressure, 0.0, 1.0, out=s.pressure)\n",
        "",
        "A missing clip: pressure leaves [0, 1] under noise and shocks.",
        ("tests/mechanisms/test_pressure.py", "tests/behaviour/test_properties.py"),
    ),
    Mutant(
        "pressure-money-refunded",
        M + "pressure.py",
        "income = income - lv.money_cost / p.acute_week_budget",
        "income = income + lv.money_cost / p.acute_week_budget",
        "A cost not charged: money spent on hosting and fees is added to the budget.",
        ("tests/mechanisms/test_pressure.py", "tests/interventions/test_costs.py"),
    ),
    Mutant(
        "pressure-transaction-cost-gives-time",
        M + "pressure.py",
        "+ lv.capacity_boost - burden",
        "+ lv.capacity_boost + burden",
        "Sign flipped: the bureaucracy of low trust gives leaders time instead of taking it.",
        ("tests/mechanisms/test_pressure.py", "tests/mechanisms/test_transaction_costs.py"),
    ),
    # --- safety --------------------------------------------------------------------------
    Mutant(
        "safety-power-gap-reversed",
        M + "safety.py",
        "gap = np.maximum(0.0, partner_power - s.power)",
        "gap = np.maximum(0.0, s.power - partner_power)",
        "Direction swapped: the powerful feel out-powered, the small feel safe.",
        ("tests/mechanisms/test_safety.py",),
    ),
    Mutant(
        "safety-boost-lever-ignored",
        M + "safety.py",
        "            + lv.safety_boost\n",
        "",
        "A lever ignored: the safety lever (big breakfast, blame culture) does nothing.",
        ("tests/mechanisms/test_safety.py", *T_IV),
    ),
    # --- transaction costs ---------------------------------------------------------------
    Mutant(
        "tc-charged-on-trust",
        M + "transaction_costs.py",
        "sp.sum_by(x, 1.0 - sp.at(s.brokered, x),",
        "sp.sum_by(x, sp.at(s.brokered, x),",
        "Sign flipped: bureaucracy grows with trust instead of with distrust.",
        ("tests/mechanisms/test_transaction_costs.py",),
    ),
    # --- joint work ----------------------------------------------------------------------
    Mutant(
        "joint-without-partner-consent",
        M + "joint_work.py",
        "go = wants(c) & wants(sp.reverse(c, t))",
        "go = wants(c)",
        "Joint work starts when one side wants it; the partner's wish (rev) is ignored.",
        ("tests/mechanisms/test_joint_work.py",),
    ),
    Mutant(
        "joint-defection-blames-helper",
        M + "joint_work.py",
        "j.take(helps & ~helped)",
        "j.take(~helps & helped)",
        "The breach is charged to the wrong side: the defector loses trust in the helper.",
        ("tests/mechanisms/test_joint_work.py",),
    ),
    Mutant(
        "joint-selectivity-lever-ignored",
        M + "joint_work.py",
        "bar = np.maximum(lv.selectivity, p.purpose_selectivity * lv.purpose_clarity)",
        "bar = p.purpose_selectivity * lv.purpose_clarity",
        "A lever ignored: collaborate_selectively's minimum advantage has no effect.",
        ("tests/mechanisms/test_joint_work.py", *T_IV),
    ),
    # --- turnover ------------------------------------------------------------------------
    Mutant(
        "turnover-succession-ignored",
        M + "turnover.py",
        "keep = np.clip(p.baseline_succession + lv.succession, 0.0, 1.0)",
        "keep = np.clip(p.baseline_succession + 0.0 * lv.succession, 0.0, 1.0)",
        "A lever ignored: succession planning hands nothing on.",
        ("tests/mechanisms/test_turnover.py", *T_IV),
    ),
    Mutant(
        "turnover-departure-raises-trust",
        M + "turnover.py",
        "trust.reshape(-1)[x.flat] -= lost",
        "trust.reshape(-1)[x.flat] += lost",
        "Sign flipped: a leader leaving adds the personal trust instead of removing it.",
        ("tests/mechanisms/test_turnover.py",),
    ),
    Mutant(
        "turnover-churn-shock-ignored",
        M + "turnover.py",
        "(1.0 + p.pressure_hazard * s.pressure) * lv.hazard_factor",
        "(1.0 + p.pressure_hazard * s.pressure)",
        "A lever ignored: the leadership churn shock does not raise the hazard.",
        ("tests/mechanisms/test_turnover.py", *T_IV),
    ),
    # --- learning ------------------------------------------------------------------------
    Mutant(
        "learning-reward-ignored",
        M + "learning.py",
        "p.learning_rate * (s.payoff + lv.reward)",
        "p.learning_rate * s.payoff",
        "A lever ignored: reward for collaboration does not reinforce helping.",
        ("tests/mechanisms/test_learning.py", *T_IV),
    ),
    Mutant(
        "learning-imitates-the-worse",
        M + "learning.py",
        "np.exp(-p.selection * diff)",
        "np.exp(p.selection * diff)",
        "Sign flipped: leaders imitate partners who do worse.",
        ("tests/mechanisms/test_learning.py",),
    ),
    # --- purpose -------------------------------------------------------------------------
    Mutant(
        "purpose-susceptibility-inverted",
        M + "purpose.py",
        "new = sus * pooled + (1.0 - sus) * s.interests",
        "new = (1.0 - sus) * pooled + sus * s.interests",
        "Collaboratively oriented organisations hold to their own interests.",
        ("tests/mechanisms/test_purpose.py",),
    ),
    # --- decisions -----------------------------------------------------------------------
    Mutant(
        "decisions-unsafe-speak-up",
        M + "decisions.py",
        "voiced = u_voice < s.safety[:, mo]",
        "voiced = u_voice < 1.0 - s.safety[:, mo]",
        "Unsafe organisations voice dissent, safe ones keep quiet.",
        ("tests/mechanisms/test_decisions.py",),
    ),
    Mutant(
        "decisions-agreement-one-way",
        M + "decisions.py",
        "        np.add.at(s.good.reshape(-1), flat_rev[k_good], ev_good[k_good])\n",
        "",
        "Agreeing builds trust toward the proposer only, never back (rev forgotten).",
        ("tests/mechanisms/test_decisions.py",),
    ),
    # --- interventions -------------------------------------------------------------------
    Mutant(
        "iv-starts-a-week-late",
        IV + "base.py",
        "return week >= self.start and",
        "return week > self.start and",
        "Off-by-one in the start week: every intervention starts one week late.",
        T_IV,
    ),
    Mutant(
        "iv-hosting-not-shared",
        IV + "base.py",
        "engine.levers.money_cost[:, who] += thousands / k",
        "engine.levers.money_cost[:, who] += thousands",
        "Each payer pays the whole bill instead of an equal share.",
        ("tests/interventions/test_costs.py",),
    ),
    Mutant(
        "iv-meeting-hours-not-charged",
        IV + "base.py",
        "            if who.ndim == 1:\n                lv[:, who] += hours\n"
        "            else:\n                lv[who] += hours\n",
        "            if who.ndim == 1:\n                lv[:, who] += hours\n",
        "A cost not charged: hours spent in meetings (per-replicate attendance) are free.",
        ("tests/interventions/test_costs.py",),
    ),
    Mutant(
        "iv-setup-week-off-by-one",
        IV + "base.py",
        "(setup_hours if weeks_in == 0 else 0)",
        "(setup_hours if weeks_in == 1 else 0)",
        "Off-by-one: setup hours charged in the second week instead of the first.",
        ("tests/interventions/test_costs.py",),
    ),
    Mutant(
        "iv-breakfast-safety-skipped",
        IV + "relational.py",
        "        engine.levers.safety_boost[:, self.mask] += self.p.safety\n",
        "",
        "An intervention lever not set: the big breakfast's safety lift is skipped.",
        T_IV,
    ),
    Mutant(
        "iv-programme-cohort-short",
        IV + "relational.py",
        'chosen = np.argsort(keys, axis=1, kind="stable")[:, :size]',
        'chosen = np.argsort(keys, axis=1, kind="stable")[:, : size - 1]',
        "Off-by-one: the leadership programme's cohort is one leader short.",
        T_IV,
    ),
    Mutant(
        "iv-selectively-bar-zero",
        IV + "structural.py",
        "lv[:, self.mask] = max(self.p.min_advantage, 0.0)",
        "lv[:, self.mask] = min(self.p.min_advantage, 0.0)",
        "Collaborate selectively sets a zero bar: it costs hours and does nothing.",
        T_IV,
    ),
    Mutant(
        "shock-squeeze-raises-income",
        IV + "shocks.py",
        "income_factor[:, self.mask] *= 1.0 - self.p.cut",
        "income_factor[:, self.mask] *= 1.0 + self.p.cut",
        "Sign flipped: a financial squeeze raises income.",
        T_IV,
    ),
    # --- state and outcomes --------------------------------------------------------------
    Mutant(
        "outcome-people-share-unweighted",
        "ics_sim/state/people.py",
        "return row_sum(share_below(value) * w) / w.sum()",
        "return row_sum(share_below(value)) / len(w)",
        "Wrong people share: the survey share counts organisations, not their leaders.",
        ("tests/state/test_people.py",),
    ),
    Mutant(
        "outcome-cross-sector-counts-absent-ties",
        "ics_sim/state/outcomes.py",
        '"cross_sector_trust": row_sum(np.where(on & cross, s.trust, 0.0))',
        '"cross_sector_trust": row_sum(np.where(cross, s.trust, 0.0))',
        "Cross-sector trust sums over ties that no longer exist.",
        ("tests/sim/test_by_ics.py",),
    ),
    Mutant(
        "init-legacy-inverted",
        "ics_sim/state/variables.py",
        "(1.0 - p.legacy_trust_weight * legacy)",
        "(1.0 - p.legacy_trust_weight * (1.0 - legacy))",
        "Legacy mistrust inverted in initialisation: the worst histories start most trusted.",
        ("tests/mechanisms/test_trust.py",),
    ),
    # --- engine --------------------------------------------------------------------------
    Mutant(
        "engine-levers-not-reset",
        "ics_sim/sim/engine.py",
        "        self.levers.reset()\n",
        "",
        "Levers are never reset: an intervention's lever piles up week after week.",
        T_IV,
    ),
    Mutant(
        "engine-warmup-counts-as-run",
        "ics_sim/sim/engine.py",
        "            self.step()\n        self.week = 0\n",
        "            self.step()\n",
        "Warm-up weeks counted as run weeks: interventions and schedules are shifted.",
        ("tests/sim/test_warmup.py",),
    ),
    # --- random streams ------------------------------------------------------------------
    Mutant(
        "rng-one-stream-for-all",
        "ics_sim/core/rng.py",
        'key = zlib.crc32(name.encode("utf-8"))',
        "key = 0",
        "Seed stream mixing: every component draws from the same stream, so switching one "
        "mechanism off changes the others' draws.",
        ("tests/core/test_registry.py", "tests/behaviour/test_properties.py"),
    ),
    Mutant(
        "rng-batch-first-generator",
        "ics_sim/core/rng.py",
        "return np.stack([g.random(shape) for g in self.gens])",
        "return np.stack([self.gens[0].random(shape) for g in self.gens])",
        "Batched replicate mixing: every replicate of a batch draws from the first one's "
        "generator.",
        ("tests/behaviour/test_properties.py",),
    ),
    # --- experiments ---------------------------------------------------------------------
    Mutant(
        "sweep-seeds-collide",
        "ics_sim/experiments/spec.py",
        "seed + point * replicates + replicate)",
        "seed + point + replicate)",
        "Without common random numbers, runs of neighbouring points share seeds.",
        ("tests/experiments/test_sweep.py",),
    ),
)
