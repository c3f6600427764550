"""Progress on stderr for long runs, only where a person is watching: a bar for portfolio
runs (`evaluate`), a spinner naming the current stage for `report` and `sensitivity`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def stages(title: str) -> Iterator[Callable[[str], None]]:
    """Yield `step(what)`, which names the stage now running; on a terminal a transient
    spinner on stderr shows `title: what` and the time elapsed, elsewhere nothing is drawn.

    For commands that work for many seconds in a few long steps (`report`, `sensitivity`)
    whose length a count cannot show. stdout is never touched.
    """
    if not sys.stderr.isatty():
        yield lambda _what: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(title, total=None)

        def step(what: str) -> None:
            progress.update(task, description=f"{title}: {what}")
            progress.refresh()  # draw each stage at once, however short

        yield step
