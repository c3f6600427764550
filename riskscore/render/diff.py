"""Render a criteria diff: a terminal table (rich), markdown for a PR (tabulate), or JSON."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from tabulate import tabulate

from riskscore.analysis.criteria_diff import Change, CriteriaDiff, CriterionMove, ProjectDiff
from riskscore.errors import UsageError
from riskscore.render import RenderOptions
from riskscore.render.common import console_text
from riskscore.suggest import did_you_mean


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _band(p: ProjectDiff) -> str:
    if p.band_changed or p.old_band is None or p.new_band is None:
        return f"{p.old_band or '–'} → {p.new_band or '–'}"
    return p.new_band


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
    return rows


def _summary(diff: CriteriaDiff) -> str:
    total = len(diff.projects)
    if diff.empty:
        return f"No criteria changes and no project moves ({total} compared)."
    if not diff.moved:
        return f"No project moves ({total} compared)."
    verb = "moves" if diff.moved == 1 else "move"
    return f"{diff.moved} of {total} projects {verb}."


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
            _band(p),
            _flags(p),
        ]
        for p in diff.projects
        if p.moved or p.old_errors or p.new_errors
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


PROJECT_HEADERS = ["project", "path", "old", "new", "delta", "band", "red flags ±"]
MOVE_HEADERS = ["criterion", "change", "reason", "old pts", "new pts", "delta"]
LEGEND = "✎ marks a criterion whose own definition changed; the others only shift in share."


def render_markdown(diff: CriteriaDiff) -> str:
    out = ["## riskscore diff", "", tabulate(_sides(diff), ["", "old", "new"], "github"), ""]
    if diff.changes.version_warning:
        out += [f"> **Warning:** {diff.changes.version_warning}", ""]
    if diff.empty:
        return "\n".join([*out, _summary(diff), ""])
    out += ["### Criteria set changes", ""]
    out += [f"- {line}" for line in set_lines(diff)] or ["None."]
    out += ["", "### Projects", "", _summary(diff), ""]
    rows = _project_rows(diff)
    if rows:
        cells = [[cell.replace("|", "\\|") for cell in row] for row in rows]
        out += [tabulate(cells, PROJECT_HEADERS, "github", disable_numparse=True), ""]
    errors = _errors(diff)
    if errors:
        out += ["### Profiles that could not be scored", ""]
        out += [f"- `{path}` against the {side} set: {line}" for path, side, line in errors]
        out.append("")
    moved = [p for p in diff.projects if p.moved]
    if moved:
        out += ["### Why they move", "", f"*{LEGEND}*", ""]
    for p in moved:
        out += [f"#### {p.project}: {_num(p.old_score)} → {_num(p.new_score)}", ""]
        cells = [[cell.replace("|", "\\|") for cell in row] for row in _move_rows(p)]
        out += [tabulate(cells, MOVE_HEADERS, "github", disable_numparse=True), ""]
    return "\n".join(out)


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
    parts.append(Text(_summary(diff), style="bold"))
    rows = _project_rows(diff)
    if rows:
        table = Table(expand=True)
        for col in PROJECT_HEADERS:
            right = col in ("old", "new", "delta")
            table.add_column(col, justify="right" if right else "left", overflow="fold")
        for row in rows:
            table.add_row(*row)
        parts.append(table)
    for path, side, line in _errors(diff):
        parts.append(Text(f"error: {path} against the {side} set: {line}", style="red"))
    for p in (p for p in diff.projects if p.moved):
        table = Table(
            title=f"{p.project}: {_num(p.old_score)} → {_num(p.new_score)} ({_num(p.delta, True)})",
            title_justify="left",
            caption=LEGEND,
            caption_justify="left",
            expand=True,
        )
        for col in MOVE_HEADERS:
            table.add_column(col, justify="right" if "pts" in col or col == "delta" else "left")
        for row in _move_rows(p):
            table.add_row(*row)
        parts.append(table)
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


def render_diff(diff: CriteriaDiff, fmt: str, color: bool = False, width: int = 110) -> str:
    """The diff in the named format; a clear error for an unknown one."""
    renderer = FORMATS.get(fmt)
    if renderer is None:
        raise UsageError(
            f"unknown format '{fmt}'{did_you_mean(fmt, FORMATS)}; choose from " + ", ".join(FORMATS)
        )
    return renderer(diff, color, width)
