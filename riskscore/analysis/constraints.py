"""The binding constraints of a scorecard, and the improvements to pursue first (issue 19, P8).

A constraint *binds* when it holds the band: a verified, unwaived red flag (gate) or an unmet
critical floor whose cap is the band the scorecard gives, whether or not the score alone lands
in the same band (Reko Diq's score reaches Weak, and two red flags cap it at Weak: raising the
score never lifts the band). Whatever else rises, the band stays until it is lifted, so
the roadmap's first step and evaluate's first improvement address it (IRMA's critical
requirements and OECD Annex II both put red flags before scores).

A constraint is a *lever* when a fact it reads is one the parties can change (the vocabulary's
`actionable`); otherwise (abuse allegations, conflict nearby) the step is the criterion's
remediation text, e.g. an independent investigation, not a change of fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from riskscore.engine.evaluate import remediation_for
from riskscore.engine.rules import holds
from riskscore.engine.scorecard import Improvement, Result, Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Criterion, WeightedRule, condition_facts
from riskscore.load.profile_models import Profile

TOP_IMPROVEMENTS = 3
"""Improvements a scorecard lists (as engine.evaluate's own list)."""


class Constraint(Result):
    """A gate or critical floor that holds the band (kind `gate` or `floor`)."""

    kind: str
    criterion: str
    cap: str
    """The band id it caps at (the scorecard's band)."""
    severity: str | None = None
    text: str
    """The flag's own wording (the gate's message), or the floor's rule in words."""
    lever: bool
    """Whether a fact it reads is one the parties can change (`actionable`)."""


def rule_facts(crit: Criterion) -> list[str]:
    """The facts a criterion's scoring rule reads, in order."""
    rule = crit.rule
    parts = [p.rule for p in rule.parts] if isinstance(rule, WeightedRule) else [rule]
    return [p.fact for p in parts]


def gate_facts(crit: Criterion) -> list[str]:
    """The facts the criterion's red flags read, each once."""
    gates = [g for g in (crit.gate, *crit.more_gates) if g is not None]
    return list(dict.fromkeys(f for g in gates for f in condition_facts(g.when)))


def is_lever(crit: Criterion, facts: Sequence[str], cset: CriteriaSet) -> bool:
    """Whether the parties can act on any of `facts` for a governance criterion."""
    if crit.kind == "context":
        return False
    vocab = cset.facts
    return any(f in vocab and vocab[f].actionable for f in facts)


def binding_constraints(card: Scorecard, cset: CriteriaSet, profile: Profile) -> list[Constraint]:
    """The gates and critical floors that hold `card`'s band (their cap is the band), gates
    first (worst severity first, then criterion id), then floors in the set's order. Empty
    when none caps at the band. Unverified red flags (unknown facts) never bind."""
    order = [b.id for b in cset.header.bands]
    if card.band not in order:
        return []
    found: list[Constraint] = []
    severity = {"critical": 0, "high": 1, "medium": 2}
    flags = [
        f
        for f in card.flags
        if f.cap == card.band and getattr(f, "verified", True) and not _waived(f)
    ]
    for flag in sorted(flags, key=lambda f: (severity.get(f.severity, 3), f.criterion)):
        crit = cset.criterion(flag.criterion)
        found.append(
            Constraint(
                kind="gate",
                criterion=flag.criterion,
                cap=flag.cap,
                severity=flag.severity,
                text=flag.message.strip(),
                lever=is_lever(crit, gate_facts(crit), cset),
            )
        )
    results = {r.id: r for r in card.criteria}
    values = {k: f.value for k, f in profile.facts.items()}
    titles = {b.id: b.title for b in cset.header.bands}
    for floor in cset.header.critical:
        i = order.index(floor.band)
        if i + 1 >= len(order) or order[i + 1] != card.band:
            continue
        when = getattr(floor, "when", None)  # method v3: floors scaled to a condition
        if when is not None and holds(when, values) is False:
            continue
        for cid in floor.criteria:
            result = results.get(cid)
            if result is None or result.status == "not_applicable":
                continue
            if result.score is not None and result.score >= float(floor.min):
                continue
            if any(c.criterion == cid for c in found):
                continue
            crit = cset.criterion(cid)
            shown = "unknown" if result.score is None else f"{result.score:.2f}"
            found.append(
                Constraint(
                    kind="floor",
                    criterion=cid,
                    cap=card.band,
                    text=f"critical criterion '{crit.title}' scores {shown}; "
                    f"{titles[floor.band]} requires at least {float(floor.min):.2f}",
                    lever=is_lever(crit, rule_facts(crit), cset),
                )
            )
    return found


def _waived(flag: Any) -> bool:
    waiver = getattr(flag, "waiver", None)
    return bool(waiver is not None and waiver.active)


def top_improvements(
    card: Scorecard,
    cset: CriteriaSet,
    profile: Profile,
    proposable: Sequence[str] | None = None,
    binding: list[Constraint] | None = None,
) -> list[Improvement]:
    """The improvements evaluate lists, in the roadmap's order: the binding constraints first
    (their remediation, lever or not), then the engine's own list (largest point gains among
    the criteria the parties can act on). `proposable`, when given, keeps only the engine's
    entries a roadmap has a step for (analysis.roadmap.with_first_steps), so the first
    improvement is the roadmap's first step. `binding`, when the caller has it, must be
    binding_constraints(card, cset, profile)."""
    results = {r.id: r for r in card.criteria}
    out: list[Improvement] = []
    if binding is None:
        binding = binding_constraints(card, cset, profile)
    for constraint in binding:
        if any(i.criterion == constraint.criterion for i in out):
            continue
        crit = cset.criterion(constraint.criterion)
        result = results[constraint.criterion]
        out.append(
            Improvement(
                criterion=crit.id,
                title=crit.title,
                gain=round(result.max_points - result.points, 2),
                remediation=remediation_for(crit, profile.country_iso),
            )
        )
    taken = {i.criterion for i in out}
    keep = None if proposable is None else set(proposable)
    out += [
        i
        for i in card.improvements
        if i.criterion not in taken and (keep is None or i.criterion in keep)
    ]
    return out[:TOP_IMPROVEMENTS]
