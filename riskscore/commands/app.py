"""The typer app: the root options and the explicit list of commands, one module per group.

Exit codes: 0 evaluated and no gate tripped; 1 a requested gate tripped; 2 bad input or usage.
Heavy modules are imported inside commands so `--help` and `--version` start fast.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from typing import Annotated

import typer

from riskscore import __version__
from riskscore.commands import analysis, authoring, common, criteria, evaluate, validate
from riskscore.commands import diff as diff_command
from riskscore.commands import history as history_command
from riskscore.commands import report as report_command
from riskscore.commands.help_style import StyledCommand

app = typer.Typer(
    name="riskscore",
    help="Score the governance and risk of critical-minerals projects against declarative, "
    "sourced criteria. Exit codes: 0 ok, 1 a requested gate tripped, 2 bad input or usage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"riskscore {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """riskscore: explained, weighted governance scorecards for mining projects."""
    common.DEBUG = debug


# Commands that live in their own modules, registered explicitly (no import-time magic).
app.command(cls=StyledCommand)(evaluate.evaluate)
app.command(cls=StyledCommand)(validate.validate)
app.command(name="criteria", cls=StyledCommand)(criteria.list_criteria)
app.command(cls=StyledCommand)(criteria.explain)
app.command(cls=StyledCommand)(diff_command.diff)
app.command(cls=StyledCommand)(history_command.history)
app.command(cls=StyledCommand)(analysis.whatif)
app.command(cls=StyledCommand)(analysis.sensitivity)
app.command(cls=StyledCommand)(analysis.compare)
app.command(cls=StyledCommand)(report_command.report)
app.command(cls=StyledCommand)(authoring.init)
app.command(cls=StyledCommand)(authoring.schema)


def main() -> None:
    """Console-script entry point.

    Commands write through riskscore.commands.output, which turns a refused write into exit 2;
    this also covers what click itself prints (--help, usage errors) to a full disk."""
    try:
        app()
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        with contextlib.suppress(OSError, ValueError):  # silence the final flush
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.stderr.write(f"<stdout>: cannot write: {exc.strerror or exc}\n")
        raise SystemExit(2) from None


_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EFBIG})
"""Errors of a write the system refused (full disk, quota, I/O, read-only, file too large)."""
