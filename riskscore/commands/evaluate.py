"""`riskscore evaluate`: score profiles and print explained scorecards, or a ranking."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Annotated

import typer

from riskscore.commands.common import (
    CriteriaOpt,
    LensOpt,
    ProfilesArg,
    finite,
    group_by_option,
    handled,
    term_width,
    today,
    use_color,
    where_option,
)
from riskscore.render import BINARY_FORMATS, FORMATS

if TYPE_CHECKING:
    from riskscore.commands.targets import Target
    from riskscore.engine.scorecard import Scorecard
    from riskscore.load.criteria.criteria_set import CriteriaSet
    from riskscore.render import RenderOptions

EvalFormat = Enum(  # type: ignore[misc]
    "EvalFormat", {name: name for name in ("auto", *FORMATS, *BINARY_FORMATS)}, type=str
)
"""Choices for `evaluate --format`: the renderer registry, plus `auto`."""


def resolve_format(name: str) -> str:
    """`auto` is `github` under GitHub Actions (annotations on the PR), else `table`."""
    if name != "auto":
        return name
    return (
        "github" if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in FORMATS else "table"
    )


def evaluate(
    paths: ProfilesArg,
    criteria: CriteriaOpt = None,
    fmt: Annotated[
        list[EvalFormat] | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default table). Repeat it for several formats from one "
            "scoring run; then name each file with --output FORMAT=FILE (one format may "
            "stay on stdout).",
        ),
    ] = None,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            "-o",
            metavar="[FORMAT=]FILE",
            help="Write to FILE (atomically) instead of stdout; with several formats, "
            "FORMAT=FILE once per format written to a file.",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Report and gate only findings new against this baseline (written by "
            "--create-baseline): SARIF marks each result new, unchanged or absent, GitHub "
            "annotations and --fail-on-flag skip the findings it lists.",
        ),
    ] = None,
    create_baseline: Annotated[
        Path | None,
        typer.Option(
            "--create-baseline",
            metavar="FILE",
            help="Also write this run's findings (red flags; unmet, partial and unknown "
            "criteria; per profile path) to FILE as a baseline (JSON).",
        ),
    ] = None,
    where: Annotated[
        list[str] | None,
        where_option(
            "Keep",
            ", e.g. band=weak or flag=serious-abuses",
            " Gates see only the projects kept.",
        ),
    ] = None,
    group_by: Annotated[
        str | None,
        group_by_option("Rankings (table, markdown, xlsx): one ranking per"),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            callback=finite,
            min=0,
            max=100,
            help="Exit 1 if any project scores below SCORE (a provisional score counts too).",
            metavar="SCORE",
        ),
    ] = None,
    fail_on_flag: Annotated[
        bool,
        typer.Option(
            "--fail-on-flag",
            help="Exit 1 if any project has a verified red flag that no active waiver covers "
            "(unverified flags, whose facts are unknown, never fail; with --baseline, only "
            "flags the baseline does not list).",
        ),
    ] = False,
    fail_on_insufficient: Annotated[
        bool,
        typer.Option(
            "--fail-on-insufficient",
            help="Exit 1 if the evidence of any project is insufficient for a band "
            "(coverage or band range outside what the criteria set allows).",
        ),
    ] = False,
    fail_on_unverified: Annotated[
        bool,
        typer.Option(
            "--fail-on-unverified",
            help="Exit 1 if any project has a red flag not checked (its facts are unknown, so "
            "it caps nothing; the scorecard lists the band it would impose).",
        ),
    ] = False,
    no_waivers: Annotated[
        bool, typer.Option("--no-waivers", help="Ignore every waiver (the audit view).")
    ] = False,
    lens: LensOpt = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Table: show each criterion's arithmetic (score × max = points).",
        ),
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Table: list every criterion, not only those that cost the most points."
        ),
    ] = False,
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going",
            help="Score every profile that can be scored and print those results even when "
            "another profile is bad; the bad ones are reported on stderr and the exit code is "
            "still 2.",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            max=64,
            help="Worker processes (default: 1 for "
            "small runs, up to 4 for large ones). Output order never depends on it.",
        ),
    ] = None,
) -> None:
    """Score project profiles and print explained scorecards (several: a ranking)."""
    with handled():
        from riskscore.analysis.ci_gates import GateView, gate_failures
        from riskscore.analysis.pipeline import open_criteria
        from riskscore.analysis.portfolio import evaluate_json
        from riskscore.analysis.views import check_group_key, parse_where_in
        from riskscore.commands.progress import with_progress
        from riskscore.commands.targets import plan_targets
        from riskscore.errors import UsageError
        from riskscore.load.discovery import discover_profiles
        from riskscore.render import get_renderer
        from riskscore.render.escape import log_line

        names = [resolve_format(f.value) for f in fmt or [EvalFormat("table")]]
        targets = plan_targets(names, output or [], {*FORMATS, *BINARY_FORMATS})
        for target in targets:
            if target.format in BINARY_FORMATS:
                if target.path is None:
                    raise UsageError(
                        f"--format {target.format} writes a binary file; give --output FILE"
                        if len(targets) == 1
                        else f"--format {target.format} writes a binary file; give "
                        f"--output {target.format}=FILE"
                    )
                _binary_module(target.format).check()
            else:
                get_renderer(target.format)
        group = check_group_key(group_by)
        files = discover_profiles(paths)
        cset = open_criteria(criteria, lens)
        kept = parse_where_in(where or [], cset)
        accepted = None
        if baseline is not None:
            from riskscore.load.baseline import read_baseline

            accepted = (str(baseline), read_baseline(baseline))
        views: list[GateView] = []
        lines = len(targets) == 1 and targets[0].format == "jsonl"
        failed: list[str] | None = [] if keep_going else None
        notes: list[str] = []  # what a format left out to fit its consumer's limits
        stream = with_progress(
            evaluate_json(
                files,
                cset,
                today(),
                not no_waivers,
                jobs,
                views,
                lines,
                failed,
                accepted,
                kept or None,
            ),
            len(files),
        )

        def gates() -> list[str]:
            return gate_failures(
                views, fail_under, fail_on_flag, fail_on_insufficient, fail_on_unverified
            )

        with ExitStack() as stack:
            # Several outputs read one spooled copy of the scored run: scored once.
            spool = (
                stack.enter_context(tempfile.SpooledTemporaryFile(SPOOL_BYTES))
                if len(targets) > 1
                else None
            )
            source = _Source(stream, lines, spool)
            for target in targets:
                options = _options(target, verbose, full, group, kept.describe(), notes)
                _write(target, source, cset, files, options, gates)
        if create_baseline is not None:
            from riskscore.commands.output import write_atomic, wrote
            from riskscore.load.baseline import baseline_text

            text = baseline_text({view.path: list(view.findings) for view in views})
            write_atomic(create_baseline, text, files)
            wrote(create_baseline, len(text.encode("utf-8")))
        for note in notes:
            sys.stderr.write(f"riskscore: note: {log_line(note)}\n")
        failures = gates()
        for line in failures:  # names from profiles: never a workflow command in the job log
            sys.stderr.write(f"riskscore: gate: {log_line(line)}\n")
        if failed:
            sys.stderr.write("".join(f"{log_line(line)}\n" for line in failed))
            sys.stderr.write(
                f"riskscore: {len(files) - len(views)} of {len(files)} profiles could not be "
                "scored (above); the output shows the others\n"
            )
            raise typer.Exit(2)
        if failures:
            raise typer.Exit(1)


def _binary_module(name: str) -> ModuleType:
    """The module of a binary format (BINARY_FORMATS)."""
    from importlib import import_module

    return import_module(BINARY_FORMATS[name])


def _options(
    target: Target,
    verbose: bool,
    full: bool,
    group: str | None,
    where: str,
    notes: list[str],
) -> RenderOptions:
    from riskscore.render import RenderOptions

    return RenderOptions(
        use_color(target.path),
        term_width(),
        verbose=verbose,
        full=full,
        group_by=group,
        where=where,
        notes=notes,
    )


SPOOL_BYTES = 8 << 20
"""Scorecards of a several-format run held in memory before they spill to a temporary file."""


class _Source:
    """The run's scorecards for each output. One output reads the scoring stream as it comes
    (memory flat in portfolio size); several read a copy of it written to `spool` (a
    temporary file), so the profiles are scored once whatever the number of formats."""

    def __init__(self, stream: Iterator[bytes], lines: bool, spool: IO[bytes] | None) -> None:
        self._stream: Iterator[bytes] | None = stream
        self._lines = lines
        self._spool = spool
        if spool is not None:
            for text in stream:  # scored here, once; each scorecard after its length
                spool.write(len(text).to_bytes(8, "big") + text)
            self._stream = None

    def _take(self) -> Iterator[bytes]:
        if self._spool is None:
            assert self._stream is not None, "a single-output run reads its stream once"
            stream, self._stream = self._stream, None
            return stream
        return self._replay(self._spool)

    @staticmethod
    def _replay(spool: IO[bytes]) -> Iterator[bytes]:
        spool.seek(0)
        while size := spool.read(8):
            yield spool.read(int.from_bytes(size, "big"))

    def json(self) -> Iterator[bytes]:
        """Each scorecard as the JSON report's `scorecards` list holds it (indented)."""
        assert not self._lines
        return self._take()

    def jsonl(self) -> Iterator[bytes]:
        """Each scorecard as a JSON Lines line."""
        if self._lines:
            return self._take()
        from riskscore.render.jsonl_format import line

        return (line(card) for card in self.cards())

    def cards(self) -> Iterator[Scorecard]:
        from riskscore.engine.scorecard import Scorecard

        return (Scorecard.model_validate_json(text) for text in self._take())


def _write(
    target: Target,
    source: _Source,
    cset: CriteriaSet,
    files: list[Path],
    options: RenderOptions,
    gates: Callable[[], list[str]],
) -> None:
    """Render one format of the run and write it to its file (atomically) or stdout."""
    from riskscore.analysis.pipeline import make_report
    from riskscore.analysis.portfolio import json_document
    from riskscore.commands.output import emit, emit_stream
    from riskscore.render import get_renderer, get_streamer

    name, output = target.format, target.path
    if name == "json":
        emit_stream(json_document(cset, source.json()), output, inputs=files)
    elif name == "jsonl":
        emit_stream(source.jsonl(), output, inputs=files)
    elif name in BINARY_FORMATS:
        from riskscore.commands.output import binary_target, wrote
        from riskscore.engine.scorecard import criterion_definitions, set_info

        assert output is not None
        module = _binary_module(name)
        with binary_target(output, files) as handle:
            module.write(
                handle,
                source.cards(),
                criterion_definitions(cset),
                set_info(cset),
                group_by=options.group_by,
                notes=options.notes,
            )
        wrote(output, output.stat().st_size)
    elif (streamer := get_streamer(name)) is not None:
        # One scorecard at a time: memory stays flat however many profiles.
        if name == "github":  # tripped gates are annotated right after the red flags
            from riskscore.render.github import stream_with_gates

            pieces = stream_with_gates(source.cards(), gates)
        else:
            pieces = streamer(source.cards(), make_report([], cset), options)
        emit_stream((piece.encode("utf-8") for piece in pieces), output, files)
    else:
        report = make_report(list(source.cards()), cset)
        if name == "github":  # tripped gates are annotated right after the red flags
            from riskscore.render.github import render_with_gates

            text = render_with_gates(report, gates())
        else:
            text = get_renderer(name)(report, options)
        emit(text, output, files)
