"""A progress bar on stderr for long portfolio runs, only where a person is watching."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

PROGRESS_FROM = 200
"""Runs with fewer profiles finish before a bar would help."""


def with_progress(items: Iterator[T], total: int) -> Iterator[T]:
    """`items` unchanged, drawing a transient bar on stderr when it is a terminal.

    stdout is never touched, so JSON, SARIF and JUnit stay parseable.
    """
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("Scoring profiles"),
        BarColumn(),
        MofNCompleteColumn(),  # "120/500": a count, not only a bar
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield from progress.track(items, total=total)
