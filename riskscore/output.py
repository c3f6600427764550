"""Writing results: atomically, and never over a file the run read."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from riskscore.errors import UsageError


def write_atomic(target: Path, text: str, inputs: Iterable[Path] = ()) -> None:
    """Write `text` to `target` via a temporary file and rename; refuse to overwrite an input."""
    resolved = target.resolve()
    if any(resolved == Path(p).resolve() for p in inputs):
        raise UsageError(f"{target}: refusing to overwrite an input file")
    if target.is_dir():
        raise UsageError(f"{target}: is a directory")
    parent = resolved.parent
    if not parent.is_dir():
        raise UsageError(f"{target}: directory {parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, resolved)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(text: str, output: Path | None, inputs: Iterable[Path] = ()) -> None:
    """Print to stdout, or write the file when --output is given."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text, inputs)
