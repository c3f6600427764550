"""Output formats: an explicit registry of pure `render(report, options) -> str` functions.

A format whose output can be written one scorecard at a time also has `stream` (`Streamer`),
which `riskscore evaluate` uses so that memory does not grow with the portfolio."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, TypeVar

from riskscore.errors import UsageError
from riskscore.suggest import did_you_mean

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from riskscore.engine.scorecard import Report, Scorecard


@dataclass(frozen=True)
class RenderOptions:
    """How the CLI wants text laid out; renderers never look at the terminal themselves."""

    color: bool = False
    width: int = 110
    verbose: bool = False
    """Show the arithmetic of every criterion ("score 0.50 × 2.22 = 1.11 points")."""
    full: bool = False
    """Show every criterion, not only those that cost the most points."""
    group_by: str | None = None
    """Rankings: one ranking per value of this key (analysis.views.KEYS), e.g. `country`."""
    where: str = ""
    """Rankings: the `--where` filter applied (`band=weak`), named in the ranking's title."""
    notes: list[str] | None = field(default=None, compare=False)
    """When given, a renderer appends one line for each thing it left out to stay within its
    consumer's limits (SARIF results per run, a job summary's size); the output says so
    too, and the CLI prints these lines on stderr."""


Renderer = Callable[["Report", RenderOptions], str]
Streamer = Callable[["Iterable[Scorecard]", "Report", RenderOptions], "Iterator[str]"]
"""A format's `stream(scorecards, frame, options)`: the text `render` gives for a report of
those scorecards, in pieces, holding one scorecard at a time (peak memory flat in portfolio
size). `frame` is the report without its scorecards (criteria set, criteria, version)."""

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


T = TypeVar("T")


def pick_format(formats: Mapping[str, T], name: str) -> T:
    """`formats[name]`; for a name it lacks, UsageError (exit 2) `unknown format 'x' (did you
    mean 'y'?); choose from a, b, c` (every registry of formats reports a typo this way)."""
    found = formats.get(name)
    if found is None:
        raise UsageError(
            f"unknown format '{name}'{did_you_mean(name, formats)}; choose from "
            + ", ".join(formats)
        )
    return found


def get_renderer(name: str) -> Renderer:
    """The renderer for a format name; a clear error for an unknown one (pick_format)."""
    renderer: Renderer = import_module(pick_format(FORMATS, name)).render
    return renderer


def get_streamer(name: str) -> Streamer | None:
    """The format's `stream` function when it has one, else None."""
    streamer: Streamer | None = getattr(import_module(FORMATS[name]), "stream", None)
    return streamer
