"""Render a project's history: a terminal table (rich), markdown (tabulate) or JSON."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from tabulate import tabulate

from riskscore.analysis.history import History, HistoryStep
from riskscore.render import RenderOptions, pick_format
from riskscore.render.common import console_text, fmt_score, fmt_signed
from riskscore.render.diff_causes import fact_phrase, fact_value, share
from riskscore.render.escape import md_cell, md_line

HEADERS = [
    "commit",
    "date",
    "score",
    "range",
    "delta",
    "band",
    "criteria",
    "facts",
    "what changed",
]


def _range(step: HistoryStep) -> str:
    """'51.48-61.20' with an en dash: the score with every unknown fact at worst / best."""
    if step.score_range is None:
        return "–"
    low, high = step.score_range
    return f"{fmt_score(low)}–{fmt_score(high)}"


def what_changed(step: HistoryStep, previous: HistoryStep | None) -> str:
    """The commit subject, then each changed fact (old → new; a country file's as 'country fact
    x (countries/pk.yaml)'; a fact whose value stayed says where it now comes from) and any
    criteria set change. The first step, and any step whose country file differs from the
    previous one's, lists the facts inherited from the country file."""
    parts = [step.subject]
    if step.errors:
        return f"{step.subject}; does not load: {step.errors[0]}"
    change = step.change
    if change is not None:
        parts += [fact_phrase(f) for f in change.facts]
    if step.inherited and (previous is None or previous.country_file != step.country_file):
        facts = ", ".join(f"{k} {fact_value(v)}" for k, v in step.inherited.items())
        parts.append(f"inherits from {step.country_file}: {facts}")
    if previous is not None and previous.criteria_hash != step.criteria_hash:
        before, after = previous.criteria_version, step.criteria_version
        parts.append(
            f"criteria {before} → {after}" if before != after else f"criteria changed ({after})"
        )
    return "; ".join(parts)


def rows(h: History) -> list[list[str]]:
    """One row per step, oldest first."""
    out: list[list[str]] = []
    previous: HistoryStep | None = None
    for step in h.steps:
        change, split = step.change, step.change.attribution if step.change else None
        out.append(
            [
                step.commit[:10],
                step.date or "",
                "–" if step.score is None else fmt_score(step.score),
                _range(step),
                "" if change is None or change.delta is None else fmt_signed(change.delta),
                (step.band_title or step.band or "–")
                if change is None or not change.band_changed or previous is None
                else f"{previous.band_title or change.old_band} → {step.band_title}",
                share(split.criteria_share) if split else "",
                share(split.facts_share) if split else "",
                what_changed(step, previous),
            ]
        )
        if step.score is not None:
            previous = step
    return out


def _title(h: History) -> str:
    return f"{h.project} ({h.path}): {len(h.steps)} versions, scored with {h.criteria}"


def render_markdown(h: History) -> str:
    cells = [[md_cell(c) for c in row] for row in rows(h)]
    table = tabulate(cells, HEADERS, "github", disable_numparse=True)
    warning = f"**{md_cell(h.truncated)}**\n\n" if h.truncated else ""
    return f"## {md_line(_title(h))}\n\n{warning}{table}\n"


def render_table(h: History, options: RenderOptions) -> str:
    table = Table(title=_title(h), title_justify="left", expand=True)
    for col in HEADERS:
        right = col in ("score", "range", "delta", "criteria", "facts")
        table.add_column(col, justify="right" if right else "left", overflow="fold")
    for row in rows(h):
        table.add_row(*row)
    note = Text("criteria and facts: each cause's share of the delta, as in `riskscore diff`.")
    if h.truncated:
        return console_text(options, Text(h.truncated, style="bold"), table, note, markup=False)
    return console_text(options, table, note, markup=False)


FORMATS: dict[str, Callable[[History, RenderOptions], str]] = {
    "table": render_table,
    "markdown": lambda h, _options: render_markdown(h),
    "json": lambda h, _options: h.model_dump_json(indent=2) + "\n",
}
"""Format name -> renderer taking (history, options)."""


def render_history(h: History, fmt: str, options: RenderOptions) -> str:
    """The history in the named format; a clear error for an unknown one."""
    renderer = pick_format(FORMATS, fmt)
    return renderer(h, options)
