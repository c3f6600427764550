"""The HTML report's uncertainty section: the portfolio's rank intervals and Sobol bars.

Kept apart from html_report.py so the report's layout and this section can change
independently; the main template includes `_uncertainty.html.j2` with one line.
"""

from __future__ import annotations

from typing import Any

from riskscore.analysis.uncertainty import SensitivityResult, Sobol
from riskscore.analysis.uncertainty.inputs import GROUP_TITLES
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile
from riskscore.render.uncertainty_svg import GroupBar, RankRow, rank_intervals, sobol_bars

RANK_WIDTH = 960
RANK_LABEL = 400


def run_for_report(
    profiles: list[Profile], cset: CriteriaSet, samples: int, seed: int
) -> SensitivityResult:
    """The analysis at the set's (or lens's) declared uncertainty; raises UsageError naming
    the optional extra when numpy or SALib is missing."""
    from riskscore.analysis.uncertainty import require_extra

    require_extra()
    from riskscore.analysis.uncertainty.run import run_uncertainty

    return run_uncertainty(profiles, cset, cset.header.uncertainty, samples, seed)


def uncertainty_context(result: SensitivityResult) -> dict[str, Any]:
    """What `_uncertainty.html.j2` shows: the rank chart, then one Sobol chart per output."""
    rows = [
        RankRow(p.project, p.baseline_rank, p.rank.p05, p.rank.median, p.rank.p95)
        for p in result.projects
    ]
    outputs = [("The portfolio's ranking", "the mean shift in rank", result.portfolio)]
    outputs += [(p.project, "its score", p.sobol) for p in result.projects]
    return {
        "result": result,
        "unknowns": unknowns_text(result),
        "baseline_notes": [
            f"{p.project}: {p.baseline_note}" for p in result.projects if p.baseline_note
        ],
        "ranks": rank_intervals(
            rows,
            len(rows),
            "Median rank of every project with its 5–95% interval across the runs",
            width=RANK_WIDTH,
            left=RANK_LABEL,
        ),
        "sobol": [
            {
                "title": title,
                "output": output,
                "reading": sobol.reading,
                "chart": sobol_bars(_bars(sobol), f"Sobol indices of {output}: {title}"),
                "converged": sobol.converged,
                "notes": sobol.notes,
                "convergence": sobol.convergence,
            }
            for title, output, sobol in outputs
        ],
    }


def unknowns_text(result: SensitivityResult) -> str:
    """How the run treated unknown facts, from its `uncertainty:` settings."""
    unknowns: Any = result.uncertainty.get("unknowns", {})
    if unknowns.get("vary") and unknowns.get("draw") == "documented":
        prior = float(unknowns.get("gate_prior", 0))
        return (
            f"every unknown fact drawn as if documented (a red-flag value with probability "
            f"{prior:g}, the others evenly)"
        )
    return "no unknown fact (each stays unknown and scores 0, as the method scores it)"


def _bars(sobol: Sobol) -> list[GroupBar]:
    return [
        GroupBar(GROUP_TITLES[i.group], i.first, i.first_ci, i.total, i.total_ci)
        for i in sobol.indices
    ]
