"""Compare: projects side by side, criterion by criterion, and the facts that set them apart."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from riskscore.analysis.formats import md_table, show
from riskscore.analysis.whatif import FactValue
from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import CriteriaSetInfo, Result, set_info
from riskscore.errors import UsageError
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile
from riskscore.render import RenderOptions
from riskscore.render.common import STATUS_MARK, cell, console_text, fmt_score
from riskscore.render.layout import Column, fit_table


class ProjectColumn(Result):
    project: str
    path: str
    score: float
    band: str
    band_title: str
    coverage: float
    flags: list[str]


class Cell(Result):
    status: str
    points: float
    max_points: float


class CriterionRow(Result):
    id: str
    title: str
    pillar: str
    cells: list[Cell]


class FactDiff(Result):
    """A fact whose value is not the same in every profile (unknown counts as a value)."""

    id: str
    values: list[FactValue | None]
    sources: list[list[str]]


class Comparison(Result):
    criteria_set: CriteriaSetInfo
    projects: list[ProjectColumn]
    criteria: list[CriterionRow]
    facts: list[FactDiff]


def compare(profiles: Sequence[Profile], cset: CriteriaSet, today: str | None = None) -> Comparison:
    """Evaluate every profile and line the results up in the order given."""
    if len(profiles) < 2:
        raise UsageError(f"compare needs at least 2 profiles, got {len(profiles)}")
    cards = [evaluate(p, cset, today) for p in profiles]
    projects = [
        ProjectColumn(
            project=c.project,
            path=c.path,
            score=c.score,
            band=c.band,
            band_title=c.band_title,
            coverage=c.coverage,
            flags=[f.criterion for f in c.flags],
        )
        for c in cards
    ]
    rows = [
        CriterionRow(
            id=crit.id,
            title=crit.title,
            pillar=crit.pillar,
            cells=[
                Cell(status=r.status, points=r.points, max_points=r.max_points)
                for r in (card.criteria[i] for card in cards)
            ],
        )
        for i, crit in enumerate(cards[0].criteria)
    ]
    facts: list[FactDiff] = []
    for fact_id in cset.facts:
        stated = [p.facts.get(fact_id) for p in profiles]
        if len({(type(s.value), s.value) if s else None for s in stated}) > 1:
            facts.append(
                FactDiff(
                    id=fact_id,
                    values=[s.value if s else None for s in stated],
                    sources=[list(s.sources) if s else [] for s in stated],
                )
            )
    return Comparison(criteria_set=set_info(cset), projects=projects, criteria=rows, facts=facts)


def render(result: Comparison, fmt: str, options: RenderOptions) -> str:
    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    names = [p.project for p in result.projects]
    heads = [
        ["score", *(fmt_score(p.score) for p in result.projects)],
        ["band", *(p.band_title for p in result.projects)],
        ["coverage", *(f"{p.coverage:.0f}%" for p in result.projects)],
        ["red flags", *(str(len(p.flags)) for p in result.projects)],
    ]
    rows = [
        [row.id, *(f"{STATUS_MARK[c.status]} {fmt_score(c.points)}" for c in row.cells)]
        for row in result.criteria
    ]
    facts = [
        [
            fact.id,
            *(
                "\n".join([show(v), *(f"[{key}]" for key in s)])
                for v, s in zip(fact.values, fact.sources, strict=True)
            ),
        ]
        for fact in result.facts
    ]
    if fmt == "markdown":
        named = [", ".join(p.flags) or "none" for p in result.projects]
        md_heads = [*heads[:3], ["red flags", *named]]
        lines = ["# Comparison", "", md_table(_md(md_heads + rows), ["", *map(cell, names)])]
        lines += ["", "## Facts that differ", ""]
        lines.append(md_table(_md(facts), ["fact", *map(cell, names)]) if facts else "None.")
        return "\n".join(lines) + "\n"
    # Every cell holds ids, values and figures (no prose): one per line, never folded.
    columns = [Column(""), *(Column(name, "id") for name in names)]
    table = fit_table(
        columns, heads + rows, options.width, title="Comparison (status and points per criterion)"
    )
    fact_columns = [Column("fact"), *(Column(name, "id") for name in names)]
    fact_table = fit_table(
        fact_columns, facts, options.width, title="Facts that differ [sources]", show_lines=True
    )
    flag_lines = [
        Text(f"Red flags of {p.project}: {', '.join(p.flags)}") for p in result.projects if p.flags
    ]
    return console_text(options, table, *flag_lines, fact_table if facts else "No fact differs.")


def _md(rows: list[list[str]]) -> list[list[str]]:
    return [[cell(c) for c in row] for row in rows]
