"""Compare: projects side by side, criterion by criterion, and the facts that set them apart."""

from __future__ import annotations

from collections.abc import Sequence

from riskscore.analysis.whatif import FactValue
from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import CriteriaSetInfo, Result, set_info
from riskscore.errors import UsageError
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile


class ProjectColumn(Result):
    project: str
    path: str
    score: float
    band: str
    band_title: str
    evidence_sufficient: bool = True
    """False: the band is provisional (insufficient evidence), marked where it is shown."""
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
            evidence_sufficient=c.evidence_sufficient,
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
