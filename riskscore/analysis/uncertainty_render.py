"""Text outputs of the uncertainty and sensitivity analysis: table (rich), markdown, JSON."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from riskscore.analysis.formats import add_rows, md_table
from riskscore.analysis.uncertainty import SensitivityResult, Sobol
from riskscore.analysis.uncertainty_inputs import GROUP_TITLES
from riskscore.render import RenderOptions
from riskscore.render.common import cell, console_text

HEADS = ["rank", "project", "baseline", "band", "median", "5–95%", "bands", "rank 5–95%"]
SOBOL_HEADS = ["output", "group", "inputs", "first-order S_i", "total-order S_Ti"]
TOP_HEADS = ["output", "input", "group", "first-order S_i"]
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
            f"{p.baseline:.2f}",
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
    notes += [f"{sobol.reading} {_convergence(sobol)}" for _, sobol in analyses]
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
    table = Table(title=Text(title), title_justify="left")
    for col in HEADS:
        table.add_column(col, justify="left" if col in ("project", "band", "bands") else "right")
    add_rows(table, rows)
    sobol = Table(title=Text(sobol_title), title_justify="left")
    for col in SOBOL_HEADS:
        sobol.add_column(col, justify="left" if col in ("output", "group") else "right")
    add_rows(sobol, sobol_rows)
    parts: list[Table | Text] = [table, sobol]
    if top_rows:
        tops = Table(title=Text(TOP_TITLE), title_justify="left")
        for col in TOP_HEADS:
            tops.add_column(col, justify="right" if col.startswith("first") else "left")
        add_rows(tops, top_rows)
        parts.append(tops)
    return console_text(options, *parts, Text("\n".join(notes)))


def _convergence(sobol: Sobol) -> str:
    verdict = "stable" if sobol.converged else "not yet stable: use more samples"
    return f"(largest change of S_Ti from N/2 to N: {sobol.convergence:.3f}, {verdict})"


def _bands(probability: dict[str, float]) -> str:
    return " · ".join(f"{b} {round(100 * p, 1):g}%" for b, p in probability.items() if p > 0)
