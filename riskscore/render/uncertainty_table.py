"""Text outputs of the uncertainty and sensitivity analysis: table (rich), markdown, JSON."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from riskscore.analysis.uncertainty import SensitivityResult, Sobol
from riskscore.analysis.uncertainty.inputs import GROUP_TITLES
from riskscore.render import RenderOptions
from riskscore.render.common import cell, console_text
from riskscore.render.formats import md_table
from riskscore.render.layout import Column, fit_table
from riskscore.render.uncertainty_section import unknowns_text

HEADS = ["rank", "project", "baseline", "band", "median", "5–95%", "bands", "rank 5–95%"]
SOBOL_HEADS = ["output", "group", "inputs", "first-order S_i", "total-order S_Ti"]
TOP_HEADS = ["output", "input", "group", "first-order S_i"]
COLUMNS = [
    Column("rank", "figure", "right"),
    Column("project", "prose", ratio=2),
    Column("baseline", "figure", "right"),
    Column("band", "id", keep=4),
    Column("median", "figure", "right", keep=2),
    Column("5–95%", "figure", "right"),
    Column("bands", "prose", keep=1),
    Column("rank 5–95%", "figure", "right", keep=3),
]
SOBOL_COLUMNS = [
    Column("output", "prose"),
    Column("group", "id"),
    Column("inputs", "figure", "right", keep=1),
    Column("first-order S_i", "figure", "right"),
    Column("total-order S_Ti", "figure", "right"),
]
TOP_COLUMNS = [
    Column("output", "prose"),
    Column("input", "id"),
    Column("group", "id", keep=1),
    Column("first-order S_i", "figure", "right"),
]
"""Terminal columns for HEADS, SOBOL_HEADS and TOP_HEADS (render.layout: ids are never cut)."""
TOP_TITLE = "Individual inputs with the largest first-order index (RBD-FAST on the same samples)"


def render(result: SensitivityResult, fmt: str, options: RenderOptions) -> str:
    """The result as `fmt` (json, markdown, or a rich table for anything else)."""
    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    info = result.criteria_set
    lens = f", lens {info.lens}" if info.lens else ""
    title = (
        f"Uncertainty analysis — N = {result.base_samples} base samples, "
        f"{result.model_runs} model runs, seed {result.seed} ({info.name} {info.version}{lens})"
    )
    rows = [
        [
            str(p.baseline_rank),
            p.project,
            f"{p.baseline:.2f}" + ("" if p.baseline_inside else " †"),
            p.baseline_band,
            f"{p.score.median:.2f}",
            f"{p.score.p05:.2f}–{p.score.p95:.2f}",
            _bands(p.band_probability),
            f"{p.rank.median:g} ({p.rank.p05:g}–{p.rank.p95:g})",
        ]
        for p in result.projects
    ]
    sobol_title = (
        f"Sensitivity analysis — Sobol indices per input group, ± half-width of the bootstrap "
        f"95% interval ({result.resamples} resamples)"
    )
    analyses = [("portfolio rank shift", result.portfolio)]
    analyses += [(p.project, p.sobol) for p in result.projects]
    sobol_rows = [
        [
            name if i == 0 else "",
            GROUP_TITLES[ix.group],
            str(ix.inputs),
            f"{ix.first:.2f} ± {ix.first_ci:.2f}",
            f"{ix.total:.2f} ± {ix.total_ci:.2f}",
        ]
        for name, sobol in analyses
        for i, ix in enumerate(sobol.indices)
    ]
    top_rows = [
        [
            name if i == 0 else "",
            top.input,
            GROUP_TITLES[top.group],
            f"{top.first:.2f} ± {top.first_ci:.2f}",
        ]
        for name, sobol in analyses
        for i, top in enumerate(sobol.top_inputs)
    ]
    shift = result.rank_shift
    notes = [
        f"Across the runs a project moves on average {shift.median:g} ranks from the set's own "
        f"ranking (median; {shift.p05:g}–{shift.p95:g} in 90% of runs)."
    ]
    notes.append(f"Unknown facts: {unknowns_text(result)}.")
    notes += [f"† {p.project}: {p.baseline_note}" for p in result.projects if p.baseline_note]
    notes += [f"{sobol.reading} {_convergence(sobol)}" for _, sobol in analyses]
    notes += [f"{name}: {note}" for name, sobol in analyses for note in sobol.notes]
    if fmt == "markdown":
        projects = md_table([[cell(x) for x in r] for r in rows], HEADS)
        indices = md_table([[cell(x) for x in r] for r in sobol_rows], SOBOL_HEADS)
        readings = "".join(f"- {cell(n)}\n" for n in notes)
        top = ""
        if top_rows:
            top_table = md_table([[cell(x) for x in r] for r in top_rows], TOP_HEADS)
            top = f"## {TOP_TITLE}\n\n{top_table}\n\n"
        return (
            f"# {title}\n\n{projects}\n\n## {sobol_title}\n\n{indices}\n\n"
            f"{top}## Reading\n\n{readings}"
        )
    width = options.width
    parts: list[RenderableType] = [
        fit_table(COLUMNS, rows, width, title=Text(title)),
        fit_table(SOBOL_COLUMNS, sobol_rows, width, title=Text(sobol_title)),
    ]
    if top_rows:
        parts.append(fit_table(TOP_COLUMNS, top_rows, width, title=Text(TOP_TITLE)))
    return console_text(options, *parts, Text("\n".join(notes)))


def _convergence(sobol: Sobol) -> str:
    verdict = "stable" if sobol.converged else "not yet stable: use more samples"
    return f"(largest change of S_Ti from N/2 to N: {sobol.convergence:.3f}, {verdict})"


def _bands(probability: dict[str, float]) -> str:
    return " · ".join(f"{b} {round(100 * p, 1):g}%" for b, p in probability.items() if p > 0)
