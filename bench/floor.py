"""The least a typer + pydantic command can cost, timed beside `riskscore evaluate one.yaml`.

    python bench/floor.py typer one.yaml --format json            # riskscore's option types
    python bench/floor.py typer-pydantic one.yaml --format json   # + one tiny pydantic model

No riskscore code runs here. The gap between the two modes is what the first pydantic model
of a process costs (pydantic builds its schema machinery on first use, which the baseline's
lazy `import pydantic` never triggers); riskscore needs pydantic models to validate profiles
and to write scorecards (docs/performance.md).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False)


class Format(StrEnum):
    table = "table"
    json = "json"


@app.command()
def evaluate(
    paths: Annotated[list[Path], typer.Argument()],
    criteria: Annotated[Path | None, typer.Option("--criteria", "-c")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    fail_under: Annotated[float | None, typer.Option("--fail-under")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j")] = None,
) -> None:
    """Print the arguments, or one validated pydantic record as JSON."""
    if MODE == "typer-pydantic":
        from pydantic import BaseModel

        class Record(BaseModel):
            path: str
            score: float

        print(Record(path=str(paths[0]), score=1.0).model_dump_json())
    else:
        print(paths, criteria, fmt, output, fail_under, jobs)


MODES = ("typer", "typer-pydantic")
if len(sys.argv) < 2 or sys.argv[1] not in MODES:
    sys.exit(f"usage: floor.py {{{'|'.join(MODES)}}} PATH... [options]")
MODE = sys.argv.pop(1)

if __name__ == "__main__":
    app()
