"""Output formats: an explicit registry of pure `render(report, options) -> str` functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from riskscore.errors import UsageError
from riskscore.suggest import did_you_mean

if TYPE_CHECKING:
    from riskscore.engine.scorecard import Report


@dataclass(frozen=True)
class RenderOptions:
    """How the CLI wants text laid out; renderers never look at the terminal themselves."""

    color: bool = False
    width: int = 110
    verbose: bool = False
    """Show the arithmetic of every criterion ("score 0.50 × 2.22 = 1.11 points")."""
    full: bool = False
    """Show every criterion, not only those that cost the most points."""


Renderer = Callable[["Report", RenderOptions], str]

FORMATS: dict[str, str] = {
    "table": "riskscore.render.table",
    "json": "riskscore.render.json_format",
    "jsonl": "riskscore.render.jsonl_format",
    "markdown": "riskscore.render.markdown",
    "sarif": "riskscore.render.sarif",
    "junit": "riskscore.render.junit",
    "github": "riskscore.render.github",
    "csv": "riskscore.render.csv_format",
}
"""Format name -> module with a `render` function (imported on demand to keep start-up fast)."""

BINARY_FORMATS: dict[str, str] = {"xlsx": "riskscore.render.xlsx_format"}
"""Formats that are files, not text: a module with `check()` (raises UsageError when an
optional dependency is missing), `render_bytes(report) -> bytes` and
`write(handle, scorecards, criteria, set_info)` (streaming); written to --output only."""


def get_renderer(name: str) -> Renderer:
    """The renderer for a format name; a clear error for an unknown one."""
    module = FORMATS.get(name)
    if module is None:
        raise UsageError(
            f"unknown format '{name}'{did_you_mean(name, FORMATS)}; choose from "
            + ", ".join(FORMATS)
        )
    renderer: Renderer = import_module(module).render
    return renderer
