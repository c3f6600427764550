"""What every command shares: option types, the error handler, colour, width and today's date.

It imports only typer and the standard library, so `riskscore --help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

DEBUG = False
"""Set by `riskscore --debug`: let expected errors raise with a traceback."""


class TextFormat(StrEnum):
    """Formats of the analysis commands: a terminal table, markdown, or JSON."""

    table = "table"
    markdown = "markdown"
    json = "json"


PATHS_HELP = (
    "Profile files, directories or globs. A directory or glob picks up files ending in .yaml "
    "or .yml (any case) and skips hidden files and folders (names starting with '.'); a file "
    "named explicitly is always read. Each file is scored once. A link leading out of the "
    "directory or glob's tree is an error."
)
"""The discovery rule (riskscore.load.discovery), as every command's PATH help states it."""
ProfilesArg = Annotated[list[str], typer.Argument(help=PATHS_HELP, metavar="PATH...")]
"""The profiles a command scores: one or more files, directories or globs (PATHS_HELP)."""

CriteriaOpt = Annotated[
    Path | None,
    typer.Option(
        "--criteria",
        "-c",
        help="Criteria directory (default: ./criteria if present, "
        "else the set shipped with riskscore).",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to FILE (atomically) instead of stdout."),
]
FormatOpt = Annotated[TextFormat, typer.Option("--format", "-f", help="Output format.")]
"""`--format table|markdown|json` of the analysis commands (TextFormat)."""


def shipped_lenses() -> list[str]:
    """Lens names of the set shipped with riskscore (installed, or in a source checkout): its
    own lenses/ and those of the base set it extends (base/lenses/), read without loading it."""
    package = Path(__file__).resolve().parents[1]
    for root in (package / "_criteria", package.parent / "criteria"):
        if (root / "set.yaml").is_file():
            found = {
                p.stem for sub in ("lenses", "base/lenses") for p in (root / sub).glob("*.yaml")
            }
            return sorted(found)
    return []


_SHIPPED_LENSES = shipped_lenses()  # listed once per start: every command's --lens shows them
LENS_METAVAR = "[" + "|".join(_SHIPPED_LENSES) + "]" if _SHIPPED_LENSES else "NAME"
"""`--lens [community|investor|state]`: the shipped set's lenses (another set may add more)."""
LensOpt = Annotated[
    str | None,
    typer.Option(
        "--lens",
        "-l",
        metavar=LENS_METAVAR,
        help="Re-weight with a lens of the criteria set (its lenses/ folder).",
    ),
]


VIEW_KEYS = "country, stage, commodity, band or flag"
"""analysis.views.KEYS as help text (not imported from there, so `--help` stays fast)."""


def where_option(verb: str, example: str = "", after: str = "") -> Any:
    """`--where/-w KEY=VALUE` (analysis.views.parse_where), declared once for every command
    that filters projects; the help reads `{verb} only projects where KEY (...) has
    VALUE{example}; repeat: ...{after}`, so each command words what it does with the kept ones.
    Use as `Annotated[list[str] | None, where_option(...)] = None`."""
    return typer.Option(
        "--where",
        "-w",
        metavar="KEY=VALUE",
        help=f"{verb} only projects where KEY ({VIEW_KEYS}) has VALUE{example}; repeat: the "
        f"same key means either value, different keys must all hold.{after}",
    )


def group_by_option(lead: str) -> Any:
    """`--group-by/-g KEY` (analysis.views.check_group_key), declared once for every command
    that groups a ranking; the help reads `{lead} {VIEW_KEYS}.`.
    Use as `Annotated[str | None, group_by_option(...)] = None`."""
    return typer.Option("--group-by", "-g", metavar="KEY", help=f"{lead} {VIEW_KEYS}.")


def finite(value: float | None) -> float | None:
    """Option callback: NaN and infinities are not numbers (a NaN threshold turns a gate off,
    since every comparison with it is false). A usage error, exit 2."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


@contextmanager
def handled() -> Iterator[None]:
    """Expected problems become `path:line: message` on stderr and their exit code (2)."""
    from riskscore.errors import RiskscoreError

    try:
        yield
    except RiskscoreError as exc:
        if DEBUG:
            raise
        from riskscore.render.escape import log_text

        # A message may quote a profile's value; under GitHub Actions stderr is the job log.
        sys.stderr.write(f"{log_text(str(exc))}\n")
        raise typer.Exit(exc.exit_code) from None


def use_color(output: Path | None) -> bool:
    """Whether to colour stdout, by the conventions users set: never into a file (--output);
    never when NO_COLOR is set and not empty (no-color.org); always when FORCE_COLOR is set and
    not empty (force-color.org); never when TERM=dumb; otherwise only on a terminal."""
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return os.environ.get("TERM") != "dumb" and sys.stdout.isatty()


def term_width() -> int:
    """The terminal's width (at least 80), or a fixed 110 when output is redirected."""
    return max(80, shutil.get_terminal_size((110, 40)).columns) if sys.stdout.isatty() else 110


def today() -> str:
    """Today's date in UTC (YYYY-MM-DD), whatever the machine's time zone: the clock for
    waiver expiry when a profile states no `as_of` (engine.evaluate.expiry_day).
    RISKSCORE_TODAY (YYYY-MM-DD) pins it for reproducible runs."""
    pinned = os.environ.get("RISKSCORE_TODAY")
    if not pinned:
        return dt.datetime.now(dt.UTC).date().isoformat()
    try:
        return dt.date.fromisoformat(pinned).isoformat()
    except ValueError:
        from riskscore.errors import UsageError

        raise UsageError(f"RISKSCORE_TODAY={pinned!r} is not a date; write YYYY-MM-DD") from None
