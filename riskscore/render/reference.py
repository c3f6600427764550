"""Markdown documentation of a criteria set, written from the criteria files themselves.

`riskscore criteria --format markdown` prints it (docs/criteria-reference.md is its output,
and a test fails when that file is stale); `riskscore explain ID` shows one criterion.
"""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

from riskscore.engine.aggregate import aggregate
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import (
    AllCondition,
    AnyCondition,
    BooleanRule,
    Criterion,
    LevelsRule,
    LinearRule,
    ThresholdsRule,
    WeightedRule,
)
from riskscore.render import RenderOptions
from riskscore.render.common import console_text
from riskscore.render.escape import md_cell, md_text


def effective_weights(cset: CriteriaSet) -> dict[str, float]:
    """Each criterion's share of the overall score (0-1) when every criterion applies,
    from engine.aggregate() so it can never disagree with a scorecard."""
    nominal = aggregate(
        [(c.id, c.pillar, float(c.weight), 0.0) for c in cset.criteria],
        {p.id: float(p.weight) for p in cset.header.pillars},
    )
    return {cid: points / 100 for cid, points in nominal.max_points.items()}


def describe_condition(cond: Any) -> str:
    """A condition in words, e.g. `conflict_exposure in {high, active_armed_conflict}`."""
    if isinstance(cond, AllCondition):
        return " and ".join(f"({describe_condition(c)})" for c in cond.all)
    if isinstance(cond, AnyCondition):
        return " or ".join(f"({describe_condition(c)})" for c in cond.any)
    if cond.in_ is not None:
        shown = ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in cond.in_)
        return f"{cond.fact} is one of {{{shown}}}"
    if cond.below is not None:
        return f"{cond.fact} < {cond.below:g}"
    return f"{cond.fact} ≥ {cond.at_least:g}"


def describe_rule(rule: Any, indent: str = "") -> list[str]:
    """Bullet lines that say exactly how a rule turns facts into a score."""
    if isinstance(rule, WeightedRule):
        total = sum(float(p.weight) for p in rule.parts)
        lines = [f"{indent}- weighted mean of {len(rule.parts)} parts:"]
        for part in rule.parts:
            lines.append(
                f"{indent}  - weight {float(part.weight):g} "
                f"({100 * float(part.weight) / total:.0f}%):"
            )
            lines += describe_rule(part.rule, indent + "    ")
        return lines
    if isinstance(rule, BooleanRule):
        return [
            f"{indent}- `{rule.fact}`: true → {rule.true_score:g}, false → {rule.false_score:g}"
        ]
    if isinstance(rule, LevelsRule):
        shown = ", ".join(f"{k} → {v:g}" for k, v in rule.scores.items())
        return [f"{indent}- `{rule.fact}`: {shown}"]
    if isinstance(rule, ThresholdsRule):
        steps = ", ".join(f"≥ {s.at_least:g} → {s.score:g}" for s in rule.steps)
        return [
            f"{indent}- `{rule.fact}`: below {rule.steps[0].at_least:g} → {rule.below:g}, {steps}"
        ]
    assert isinstance(rule, LinearRule)
    pts = ", ".join(f"{p.at:g} → {p.score:g}" for p in rule.points)
    return [f"{indent}- `{rule.fact}`: piecewise linear through {pts} (clamped outside)"]


def criterion_markdown(crit: Criterion, cset: CriteriaSet, level: int = 2) -> str:
    h = "#" * level
    share = effective_weights(cset)[crit.id]
    pillar = next(p for p in cset.header.pillars if p.id == crit.pillar)
    lines = [
        f"{h} `{crit.id}` — {crit.title}",
        "",
        f"- Pillar: **{pillar.title}** (`{pillar.id}`); weight {float(crit.weight):g} "
        f"(about {100 * share:.1f}% of the overall score when every criterion applies)",
        f"- Measures: {crit.measures.strip()}",
    ]
    if crit.id in cset.origins:
        lines.append(f"- Comes from: {cset.origins[crit.id]}")
    lines.append("- Scoring rule:")
    lines += describe_rule(crit.rule, "  ")
    if crit.not_applicable_when is not None:
        lines.append(
            f"- Not applicable when {describe_condition(crit.not_applicable_when)} "
            "(then it leaves the denominator)"
        )
    if crit.stages is not None:
        lines.append(f"- Applies at stages: {', '.join(crit.stages)} (else not applicable)")
    if crit.unknown is not None:
        policy = crit.unknown
        what = "left out of the score" if policy.policy == "exclude" else f"scored {policy.score}"
        lines.append(f"- An unknown fact is {what} (overrides the set's unknown policy)")
    if crit.kind == "context":
        lines.append("- Context criterion: measures the setting, not what the parties control")
    for g in [*([crit.gate] if crit.gate is not None else []), *crit.more_gates]:
        lines.append(
            f"- **Red flag ({g.severity})** when {describe_condition(g.when)}: "
            f"{g.message.strip()} The band is capped at `{g.cap}`."
        )
    lines += [
        "",
        f"**Why it matters.** {crit.rationale.strip()}",
        "",
        f"**What would raise it.** {crit.remediation.strip()}",
        "",
        *[
            f"**Advice for projects in `{iso}` only.** {text.strip()}\n"
            for iso, text in sorted(crit.country_advice.items())
        ],
        "**Sources.**",
        "",
    ]
    for src in crit.sources:
        link = f" <{src.url}>" if src.url else ""
        note = f" — {src.note.strip()}" if src.note else ""
        clause = f", {src.clause}" if src.clause else ""
        lines.append(f"- {src.kind}: {src.ref}{clause}{link}{note}")
        if src.quote:
            lines.append(f"  > {md_text(src.quote)}")
    return "\n".join(lines) + "\n"


def source_title(kind: str, ref: str) -> str:
    """A criterion source as a reader names it: a seed file `004_e666….txt` reads
    "Source article 004 (seeds/004_e666….txt)"; any other source is its own title."""
    if kind == "seed":
        stem = ref.rsplit("/", 1)[-1]
        return f"Source article {stem.split('_', 1)[0]} (seeds/{stem})"
    return ref


def explain_text(crit: Criterion, cset: CriteriaSet, options: RenderOptions) -> str:
    """`riskscore explain ID` for a terminal: the criterion's Markdown rendered by rich
    (headings, bold, lists; prose wraps between words), sources by title with their URL."""
    from rich.markdown import Markdown

    body, _, _ = criterion_markdown(crit, cset, 1).partition("**Sources.**")
    sources = ["**Sources.**", ""]
    for src in crit.sources:
        url = f" — {src.url}" if src.url else ""
        note = f"  \n  {src.note.strip()}" if src.note else ""
        clause = f", {src.clause}" if src.clause else ""
        quote = f"  \n  > {md_text(src.quote)}" if src.quote else ""
        sources.append(f"- **{source_title(src.kind, src.ref)}**{clause}{url}{note}{quote}")
    markdown = Markdown(body + "\n".join(sources) + "\n", hyperlinks=False)
    return console_text(options, markdown)


def set_markdown(cset: CriteriaSet) -> str:
    """The full criteria reference: pillars, bands, unknown policy, criteria, vocabulary."""
    head = cset.header
    shares = effective_weights(cset)
    out = [
        f"# Criteria reference: {head.title}",
        "",
        "<!-- Generated by `riskscore criteria --format markdown`; do not edit by hand. -->",
        "",
        f"Set `{head.name}` version {head.version}. {head.description.strip()}",
        "",
        *(
            [
                f"It extends {' → '.join(f'`{n}`' for n in cset.chain[:-1])}; each criterion "
                "and fact below says which set it comes from.",
                "",
            ]
            if len(cset.chain) > 1
            else []
        ),
        "## Pillars",
        "",
        tabulate(
            [
                [p.id, md_cell(p.title), f"{float(p.weight):g}", md_cell(p.description.strip())]
                for p in head.pillars
            ],
            headers=["id", "pillar", "weight", "what it covers"],
            tablefmt="github",
        ),
        "",
        "## Rating bands",
        "",
        tabulate(
            [
                [
                    b.id,
                    md_cell(b.title),
                    f"{float(b.min):g}",
                    "–" if b.pillar_min is None else f"{float(b.pillar_min):g}",
                    md_cell(b.meaning.strip()),
                ]
                for b in head.bands
            ],
            headers=["id", "band", "min score", "min per pillar", "meaning"],
            tablefmt="github",
        ),
        "",
        "## Unknown facts",
        "",
        (
            "A fact a profile does not state is *unknown*, never *no*. "
            f"Policy `{head.unknown.policy}`"
            + (
                f": an unknown criterion scores {float(head.unknown.score):g}."
                if head.unknown.policy == "score"
                else ": unknown criteria leave the denominator."
            )
        ),
        "",
        "## Criteria at a glance",
        "",
        tabulate(
            [
                [
                    f"`{c.id}`",
                    c.pillar,
                    f"{float(c.weight):g}",
                    f"{100 * shares[c.id]:.1f}%",
                    c.rule.type,
                    "yes" if c.gate or c.more_gates else "",
                ]
                for c in cset.criteria
            ],
            headers=["criterion", "pillar", "weight", "share of score", "rule", "red flag"],
            tablefmt="github",
        ),
        "",
    ]
    for pillar in head.pillars:
        out += [f"## Pillar: {pillar.title}", ""]
        out += [criterion_markdown(c, cset, 3) for c in cset.criteria if c.pillar == pillar.id]
    out.append(facts_markdown(cset).rstrip())
    if cset.lenses:
        out += ["", "## Lenses", ""]
        for lens in cset.lenses.values():
            changes = [f"pillar `{k}` → {float(v):g}" for k, v in lens.pillar_weights.items()]
            changes += [
                f"criterion `{k}` → {float(v):g}" for k, v in lens.criterion_weights.items()
            ]
            out.append(
                f"- `{lens.id}` — {lens.title}: {lens.description.strip()} "
                f"Weights: {'; '.join(changes) or 'none changed'}."
            )
    return "\n".join(out).rstrip() + "\n"


def facts_markdown(cset: CriteriaSet) -> str:
    """The fact vocabulary profiles may use, with every value's meaning."""
    out = [
        "## Fact vocabulary",
        "",
        "Profiles may state these facts (see docs/profile-format.md).",
        "",
    ]
    for fact in cset.header.facts:
        if fact.type == "enum":
            kind = "one of " + ", ".join(f"`{v}`" for v in fact.values or [])
        elif fact.type == "number":
            unit = f" {fact.unit}" if fact.unit else ""
            kind = (
                f"number from {fact.min if fact.min is not None else '−∞'} to "
                f"{fact.max if fact.max is not None else '∞'}{unit}"
            )
        else:
            kind = "`true` or `false`"
        context = (
            " Context, not actionable: roadmaps never propose changing it."
            if not fact.actionable
            else ""
        )
        origin = f" (from {cset.fact_origins[fact.id]})" if fact.id in cset.fact_origins else ""
        if fact.absence_value is not None:
            shown = str(fact.absence_value).lower()
            context += f" Searched, nothing found: state `{shown}` (cite a `kind: search` source)."
        out.append(f"- `{fact.id}` ({kind}){origin}: {fact.description.strip()}{context}")
        for value, meaning in (fact.value_descriptions or {}).items():
            out.append(f"  - `{value}`: {meaning.strip()}")
    return "\n".join(out) + "\n"
