"""The least a typer + pydantic command can cost, timed beside `riskscore evaluate one.yaml`.

    python bench/floor.py typer one.yaml --format json            # riskscore's option types
    python bench/floor.py typer-pydantic one.yaml --format json   # + one tiny pydantic model
    python bench/floor.py typer-yaml-pydantic one.yaml --format json   # issue 14's floor

The third is the floor command as issue 14 defines it: a typer command that loads one YAML
file (PyYAML's C loader), validates it into one pydantic model and prints JSON.

No riskscore code runs here. The gap between the two modes is what the first pydantic model
of a process costs (pydantic builds its schema machinery on first use, which the baseline's
lazy `import pydantic` never triggers); riskscore needs pydantic models to validate profiles
and to write scorecards (docs/performance.md).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

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
    if MODE == "typer-yaml-pydantic":
        import yaml
        from pydantic import BaseModel, ConfigDict

        class Document(BaseModel):
            model_config = ConfigDict(extra="allow")
            project: dict[str, Any]

        with paths[0].open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=yaml.CSafeLoader)
        print(Document.model_validate(data).model_dump_json())
    elif MODE == "typer-pydantic":
        from pydantic import BaseModel

        class Record(BaseModel):
            path: str
            score: float

        print(Record(path=str(paths[0]), score=1.0).model_dump_json())
    else:
        print(paths, criteria, fmt, output, fail_under, jobs)


MODES = ("typer", "typer-pydantic", "typer-yaml-pydantic")
if len(sys.argv) < 2 or sys.argv[1] not in MODES:
    sys.exit(f"usage: floor.py {{{'|'.join(MODES)}}} PATH... [options]")
MODE = sys.argv.pop(1)

if __name__ == "__main__":
    app()
