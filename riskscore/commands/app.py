"""The typer app: the root options and the explicit list of commands, one module per group.

Exit codes: 0 evaluated and no gate tripped; 1 a requested gate tripped; 2 bad input or usage.
Heavy modules are imported inside commands so `--help` and `--version` start fast.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated

import typer

from riskscore import __version__
from riskscore.commands import (
    analysis,
    authoring,
    common,
    criteria,
    evaluate,
    evidence,
    validate,
    verify,
)
from riskscore.commands import diff as diff_command
from riskscore.commands import history as history_command
from riskscore.commands import report as report_command
from riskscore.commands.help_style import StyledCommand

# Commands that live in their own modules, registered explicitly (no import-time magic).
COMMANDS: dict[str, Callable[..., None]] = {
    "evaluate": evaluate.evaluate,
    "validate": validate.validate,
    "verify": verify.verify,
    "criteria": criteria.list_criteria,
    "explain": criteria.explain,
    "diff": diff_command.diff,
    "history": history_command.history,
    "whatif": analysis.whatif,
    "sensitivity": analysis.sensitivity,
    "compare": analysis.compare,
    "report": report_command.report,
    "init": authoring.init,
    "schema": authoring.schema,
    "evidence": evidence.evidence,
}
_ROOT_FLAGS = frozenset({"--debug"})
"""Root options that may come before the command name and take no value."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"riskscore {__version__}")
        raise typer.Exit(0)


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


def build_app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The typer app with the root options and the named commands (all by default)."""
    built = typer.Typer(
        name="riskscore",
        help="Score the governance and risk of critical-minerals projects against declarative, "
        "sourced criteria. Exit codes: 0 ok, 1 a requested gate tripped, 2 bad input or usage.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_show_locals=False,
        rich_markup_mode=None,
    )
    built.callback()(root)
    for name in names:
        built.command(name=name, cls=StyledCommand)(COMMANDS[name])
    return built


app = build_app()


def _requested(args: list[str]) -> str | None:
    """The command `args` run, when it is one we know and only root flags come before it."""
    for arg in args:
        if arg not in _ROOT_FLAGS:
            return arg if arg in COMMANDS else None
    return None


class Stopped(BaseException):
    """Raised in the main thread when a stop signal arrives (SIGTERM from a CI runner cancelling
    a job, SIGINT from Ctrl-C, SIGHUP from a closed terminal). A BaseException, so no
    `except Exception` swallows it and click does not turn it into its "Aborted!" exit 1; every
    `finally` and `except BaseException` on the way up runs, which is how the atomic writes
    (commands/output.py) and the criteria cache remove their temporary files."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)
"""The signals a run ends cleanly on: exit 128 + the signal's number (143, 130, 129)."""


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """Turn the stop signals into Stopped while the block runs, then restore the handlers."""
    previous = {}
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, _stop)
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main() -> None:
    """Console-script entry point.

    Commands write through riskscore.commands.output, which turns a refused write into exit 2;
    this also covers what click itself prints (--help, usage errors) to a full disk. A stop
    signal ends the run with one line on stderr and exit 128 + its number, after the temporary
    files are removed (Stopped)."""
    # typer turns every command's signature into click options on each start (about 30 ms for
    # all thirteen); a run of one command needs only that one. The root help, a mistyped command
    # (with its did-you-mean) and anything unusual get the full app.
    requested = _requested(sys.argv[1:])
    # A run allocates far more than it frees while it imports and builds models; young-object
    # collections every 700 allocations then walk objects that all survive. Every 100,000
    # keeps cyclic garbage bounded in a long batch run and saves about 15 ms of a short one.
    # Objects still alive when the process ends are frozen then, so the garbage collector's walk
    # at interpreter exit skips them: about 40 ms of a 300 ms one-profile run. At exit, not
    # when main() returns, so a caller that runs main() several times frees what each run left.
    # Nothing else changes: objects are still freed and atexit handlers still run.
    atexit.unregister(gc.freeze)  # registered once however often main() runs
    atexit.register(gc.freeze)
    threshold = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        with _stoppable():
            (build_app([requested]) if requested else app)()
    except Stopped as stop:
        name = signal.Signals(stop.signum).name
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"riskscore: stopped by {name} (exit {128 + stop.signum})\n")
        raise SystemExit(128 + stop.signum) from None
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        with contextlib.suppress(OSError, ValueError):  # silence the final flush
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.stderr.write(f"<stdout>: cannot write: {exc.strerror or exc}\n")
        raise SystemExit(2) from None
    finally:
        gc.set_threshold(*threshold)


GC_THRESHOLD = (100_000, 10, 10)
"""The garbage collector's thresholds while a command runs (main()); bench/stages.py times
each stage under them, as a command pays it."""

_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EFBIG})
"""Errors of a write the system refused (full disk, quota, I/O, read-only, file too large)."""
