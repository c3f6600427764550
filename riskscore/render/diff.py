"""Render a criteria diff: a terminal table (rich), markdown for a PR (tabulate), or JSON."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from tabulate import tabulate

from riskscore.analysis.criteria_diff import Change, CriteriaDiff, CriterionMove, ProjectDiff
from riskscore.render import RenderOptions, pick_format
from riskscore.render.common import console_text, fmt_score, fmt_signed
from riskscore.render.diff_causes import (
    FACT_HEADERS,
    causes_line,
    country_lines,
    explained,
    fact_rows,
    profile_lines,
    share,
    split_shown,
)
from riskscore.render.escape import md_cell, md_code, md_line
from riskscore.render.layout import Column, fit_table


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    return fmt_signed(value) if signed else fmt_score(value)


def _band(p: ProjectDiff, diff: CriteriaDiff) -> str:
    """The band as people read it, by its title in each side's set (`Weak → Poor`)."""
    old = diff.old.band_titles.get(p.old_band or "", p.old_band)
    new = diff.new.band_titles.get(p.new_band or "", p.new_band)
    if p.band_changed or old is None or new is None:
        return f"{old or '–'} → {new or '–'}"
    return new


def _flags(p: ProjectDiff) -> str:
    return ", ".join([f"+{f}" for f in p.flags_gained] + [f"−{f}" for f in p.flags_lost])


def _kinds(m: CriterionMove) -> str:
    return ", ".join(k.replace("_", " ") for k in m.kinds) or "share only"


def set_lines(diff: CriteriaDiff) -> list[str]:
    """One line per set-level change, e.g. 'criterion `x` changed: weight 3 -> 5'."""
    c = diff.changes
    groups: list[tuple[str, list[Change]]] = [
        ("criterion", c.criteria),
        ("pillar", c.pillars),
        ("band", c.bands),
        ("fact", c.facts),
        ("lens", c.lenses),
    ]
    lines = [
        f"{what} `{ch.id}` {ch.kind}"
        + (f" (from {ch.origin})" if ch.origin else "")
        + (f": {', '.join(ch.details)}" if ch.details else "")
        for what, changes in groups
        for ch in changes
    ]
    if c.unknown_policy:
        lines.append(f"unknown-fact policy changed: {', '.join(c.unknown_policy)}")
    return lines


def _sides(diff: CriteriaDiff) -> list[list[str]]:
    rows = [
        ["criteria", f"`{diff.old.label}`", f"`{diff.new.label}`"],
        ["set", diff.old.name, diff.new.name],
        ["version", diff.old.version, diff.new.version],
        ["hash", f"`{diff.old.hash[:19]}`", f"`{diff.new.hash[:19]}`"],
    ]
    if diff.old.lens or diff.new.lens:
        rows.append(["lens", diff.old.lens or "–", diff.new.lens or "–"])
    if diff.old.profiles != diff.new.profiles:
        rows.append(["profiles", f"`{diff.old.profiles}`", f"`{diff.new.profiles}`"])
    return rows


def _summary(diff: CriteriaDiff) -> str:
    total = len(diff.projects)
    if diff.empty:
        return f"No criteria changes, no profile changes and no project moves ({total} compared)."
    changed = diff.profiles_changed
    profiles = f" {changed} profile{'s' if changed != 1 else ''} changed." if changed else ""
    n = len(diff.countries)
    if n:
        profiles += f" {n} country file{'s' if n != 1 else ''} changed."
    if not diff.moved:
        return f"No project moves ({total} compared).{profiles}"
    verb = "moves" if diff.moved == 1 else "move"
    return f"{diff.moved} of {total} projects {verb}.{profiles}"


def _errors(diff: CriteriaDiff) -> list[tuple[str, str, str]]:
    """(profile path, 'old' or 'new', one error line) for every profile a set could not load."""
    return [
        (p.path, side, line)
        for p in diff.projects
        for side, errors in (("old", p.old_errors), ("new", p.new_errors))
        for line in errors
    ]


def _project_rows(diff: CriteriaDiff) -> list[list[str]]:
    return [
        [
            p.project,
            p.path,
            _num(p.old_score),
            _num(p.new_score),
            _num(p.delta, True),
            share(p.attribution.criteria_share) if p.attribution else "",
            share(p.attribution.facts_share) if p.attribution else "",
            _band(p, diff),
            _flags(p),
        ]
        for p in diff.projects
        if explained(p) or p.old_errors or p.new_errors
    ]


def _move_rows(p: ProjectDiff) -> list[list[str]]:
    return [
        [
            f"{m.id} ✎" if m.definition_changed else m.id,
            _kinds(m),
            m.reason,
            _num(m.old_points),
            _num(m.new_points),
            _num(m.points_delta, True),
        ]
        for m in p.criteria
    ]


PROJECT_HEADERS = [
    "project",
    "path",
    "old",
    "new",
    "delta",
    "criteria",
    "facts",
    "band",
    "red flags ±",
]
MOVE_HEADERS = ["criterion", "change", "reason", "old pts", "new pts", "delta"]
PROJECT_COLUMNS = [
    Column("project", "prose", ratio=2),  # a name: it may wrap
    Column("path", "id", keep=1),
    Column("old", "figure", "right"),
    Column("new", "figure", "right"),
    Column("delta", "figure", "right"),
    Column("criteria", "figure", "right", keep=4),
    Column("facts", "figure", "right", keep=4),
    Column("band", "id", keep=3),
    Column("red flags ±", "prose", keep=2),
]
FACT_COLUMNS = [
    Column("fact", "id"),
    Column("change", "id", keep=2),
    Column("old", "id"),
    Column("new", "id"),
    Column("source", "prose", keep=1),
]
MOVE_COLUMNS = [
    Column("criterion", "id"),
    Column("change", "id", keep=2),
    Column("reason", "prose", keep=3),
    Column("old pts", "figure", "right", keep=1),
    Column("new pts", "figure", "right", keep=1),
    Column("delta", "figure", "right"),
]
"""The terminal's columns for PROJECT_HEADERS, FACT_HEADERS and MOVE_HEADERS; see
render.layout."""
LEGEND = "✎ marks a criterion whose own definition changed; the others only shift in share."
CAUSES = (
    "criteria and facts: each cause's share of the delta (they add up to it); a change that "
    "only matters with the other is split equally between them."
)


MAX_BYTES = 1_000_000
"""Largest diff markdown (UTF-8 bytes): under the 1 MiB GitHub accepts for a job summary, as
in `--format markdown` of `evaluate` (render/markdown.py)."""


def render_markdown(diff: CriteriaDiff, notes: list[str] | None = None) -> str:
    """The diff as GitHub markdown, profile text inert (escape.md_line/md_cell/md_code). The
    "Why they move" sections that would take it past MAX_BYTES are left out whole, with a
    closing line (and one in `notes`) saying how many."""
    out = ["## riskscore diff", "", tabulate(_sides(diff), ["", "old", "new"], "github"), ""]
    if diff.changes.version_warning:
        out += [f"> **Warning:** {diff.changes.version_warning}", ""]
    if diff.empty:
        return "\n".join([*out, _summary(diff), ""])
    out += ["### Criteria set changes", ""]
    out += [f"- {line}" for line in set_lines(diff)] or ["None."]
    countries = country_lines(diff)
    if countries:
        out += ["", "### Country file changes", ""]
        out += [f"- {md_code(file)} {md_line(line)}" for file, line in countries]
    out += ["", "### Projects", "", _summary(diff), ""]
    rows = _project_rows(diff)
    if rows:
        cells = [[md_cell(c) for c in row] for row in rows]
        out += [tabulate(cells, PROJECT_HEADERS, "github", disable_numparse=True), ""]
        out += [f"*{CAUSES}*", ""]
    listed = profile_lines(diff)
    if listed:
        out += ["### Profiles added, removed or renamed", ""]
        out += [f"- {line}" for line in listed]
        out.append("")
    errors = _errors(diff)
    if errors:
        out += ["### Profiles that could not be scored", ""]
        out += [
            f"- {md_code(path)} against the {side} set: {md_line(line)}"
            for path, side, line in errors
        ]
        out.append("")
    moved = [p for p in diff.projects if explained(p)]
    if moved:
        out += ["### Why they move", "", f"*{LEGEND}*", ""]
    text = "\n".join(out)
    budget = MAX_BYTES - len(text.encode("utf-8")) - len(_left_out(len(moved), len(moved)))
    for shown, p in enumerate(moved):
        section = "\n" + "\n".join(_why(p))
        budget -= len(section.encode("utf-8"))
        if budget < 0:
            line = _left_out(len(moved) - shown, len(moved))
            if notes is not None:
                notes.append(line.strip().strip("_"))
            return text + line
        text += section
    return text


def _why(p: ProjectDiff) -> list[str]:
    """One project's "Why they move" section."""
    out = [f"#### {md_line(p.project)}: {_num(p.old_score)} → {_num(p.new_score)}", ""]
    if split_shown(p):
        out += [f"Causes: {md_line(causes_line(p.attribution, p.facts))}.", ""]
    if p.facts:
        cells = [[md_cell(c) for c in row] for row in fact_rows(p.facts)]
        out += [tabulate(cells, FACT_HEADERS, "github", disable_numparse=True), ""]
    if p.criteria:
        cells = [[md_cell(c) for c in row] for row in _move_rows(p)]
        out += [tabulate(cells, MOVE_HEADERS, "github", disable_numparse=True), ""]
    return out


def _left_out(missing: int, total: int) -> str:
    return (
        f"\n_{missing} of {total} project sections left out to keep this markdown under "
        f"{MAX_BYTES:,} bytes (GitHub shows no job summary over 1 MiB); `--format json` "
        "has every change._\n"
    )


def render_table(diff: CriteriaDiff, color: bool = False, width: int = 110) -> str:
    parts: list[RenderableType] = []
    sides = Table(title="riskscore diff", title_justify="left")
    for col in ("", "old", "new"):
        sides.add_column(col)
    for row in _sides(diff):
        sides.add_row(*(cell.strip("`") for cell in row))
    parts.append(sides)
    if diff.changes.version_warning:
        parts.append(Text(f"warning: {diff.changes.version_warning}", style="yellow"))
    if not diff.empty:
        parts.append(Text("Criteria set changes:", style="bold"))
        for line in set_lines(diff) or ["none"]:
            parts.append(Text(f"  • {line.replace('`', '')}"))
        countries = country_lines(diff)
        if countries:
            parts.append(Text("Country file changes:", style="bold"))
            parts += [Text(f"  • {file} {line}") for file, line in countries]
    parts.append(Text(_summary(diff), style="bold"))
    rows = _project_rows(diff)
    if rows:
        parts.append(fit_table(PROJECT_COLUMNS, rows, width))
        parts.append(Text(CAUSES))
    listed = profile_lines(diff)
    if listed:
        parts.append(Text("Profiles added, removed or renamed:", style="bold"))
        parts += [Text(f"  • {line.replace('`', '')}") for line in listed]
    for path, side, line in _errors(diff):
        parts.append(Text(f"error: {path} against the {side} set: {line}", style="red"))
    for p in (p for p in diff.projects if explained(p)):
        if split_shown(p):
            parts.append(Text(f"{p.project}: {causes_line(p.attribution, p.facts)}", style="bold"))
        if p.facts:
            title = f"{p.project}: changed facts"
            parts.append(fit_table(FACT_COLUMNS, fact_rows(p.facts), width, title=title))
        if not p.criteria:
            continue
        title = f"{p.project}: {_num(p.old_score)} → {_num(p.new_score)} ({_num(p.delta, True)})"
        parts.append(fit_table(MOVE_COLUMNS, _move_rows(p), width, title=title))
        parts.append(Text(LEGEND, style="dim"))
    # markup off: names and error messages may hold [brackets]; print them as written
    return console_text(RenderOptions(color, width), *parts, markup=False)


def render_json(diff: CriteriaDiff) -> str:
    return diff.model_dump_json(indent=2) + "\n"


FORMATS: dict[str, Callable[[CriteriaDiff, bool, int], str]] = {
    "table": render_table,
    "markdown": lambda diff, _color, _width: render_markdown(diff),
    "json": lambda diff, _color, _width: render_json(diff),
}
"""Format name -> renderer taking (diff, color, width)."""


def render_diff(
    diff: CriteriaDiff,
    fmt: str,
    color: bool = False,
    width: int = 110,
    notes: list[str] | None = None,
) -> str:
    """The diff in the named format; a clear error for an unknown one. `notes` receives a
    line for what the markdown left out to stay under GitHub's job-summary limit."""
    renderer = pick_format(FORMATS, fmt)
    if fmt == "markdown":
        return render_markdown(diff, notes)
    return renderer(diff, color, width)
