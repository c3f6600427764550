"""`riskscore verify`: run a criteria set's test cases (its tests/ folder), as `conftest verify`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from riskscore.commands.common import handled, today


def verify(
    criteria: Annotated[
        Path | None,
        typer.Argument(
            help="The criteria set whose tests/ folder to run (default: ./criteria if "
            "present, else the set shipped with riskscore).",
            metavar="[SET]",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also list each case whose expectations all hold."),
    ] = False,
) -> None:
    """Run a criteria set's test cases (SET/tests/) and report broken expectations.

    Each file in SET/tests/ is a profile with the outcome it must produce (band, evidence,
    red flags, a criterion's status or score).

    Prints `path:line: message` for every broken expectation and exits 1 if any broke; exit 2
    when a case or its profile does not load, or SET has no cases. The case format is in
    docs/criteria-format.md ("Test cases for a criteria set").
    """
    with handled():
        from riskscore.analysis.pipeline import load_each, open_criteria
        from riskscore.analysis.verify import run_case
        from riskscore.errors import UsageError
        from riskscore.load.criteria.loader import default_criteria_dir
        from riskscore.load.verify_cases import TESTS_FOLDER, case_files, load_case

        folder = _shown(criteria or default_criteria_dir())
        cset = open_criteria(folder)
        files = case_files(folder)
        if not files:
            raise UsageError(
                f"{folder / TESTS_FOLDER}: no test cases (YAML files) to run; "
                "a run that checks nothing is not a pass"
            )
        results = load_each(files, lambda path: run_case(load_case(path), cset, today()))
        out: list[str] = []
        checked = broken = 0
        for result in results:
            case = result.case
            checked += len(case.expectations)
            broken += len(result.broken)
            if result.broken:
                out += [str(b) for b in result.broken]
            elif verbose:
                out.append(f"{case.path}: ok, {len(case.expectations)} expectations: "
                           f"{case.description}")  # fmt: skip
        failed_cases = sum(1 for r in results if r.broken)
        out.append(
            f"riskscore verify: {len(results)} cases, {checked} expectations against "
            f"{cset.header.name} {cset.header.version}: "
            + (
                f"{broken} broken in {failed_cases} case{'s' if failed_cases != 1 else ''}"
                if broken
                else "all hold"
            )
        )
        sys.stdout.write("\n".join(out) + "\n")
        if broken:
            raise typer.Exit(1)


def _shown(path: Path) -> Path:
    """`path` relative to the working directory when it lies under it (so messages read
    `criteria/tests/x.yaml:4:`), else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
