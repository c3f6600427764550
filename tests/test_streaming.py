"""Streamed formats: `riskscore evaluate` writes csv, junit, github, sarif, markdown and table
holding one scorecard at a time, and the text is the one the whole-report renderers wrote
before they streamed.

The references below are those whole-document algorithms (one DictWriter over every row; one
ElementTree holding every suite, indented once; one json.dumps of the whole SARIF log; every
GitHub finding sorted in one list; the markdown parts joined; the ranking over full
scorecards). The streamed text must equal theirs for any portfolio: empty, one project, two,
and any selection and order of scorecards.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskscore.analysis.pipeline import evaluate_paths, make_report, open_criteria
from riskscore.commands.app import app
from riskscore.engine.scorecard import Report, Scorecard
from riskscore.render import (
    RenderOptions,
    csv_format,
    get_streamer,
    github,
    junit,
    markdown,
    sarif,
    table,
)
from riskscore.render.common import cell, console_text, ranking_groups
from riskscore.render.escape import plain
from tests.conftest import ROOT

TODAY = "2026-11-23"
GOLDEN = ROOT / "tests" / "test_formats"
PROFILES = sorted((ROOT / "projects").glob("*.yaml"))
OPTIONS = RenderOptions()


def csv_whole(report: Report) -> str:
    pillars = dict.fromkeys(p.id for card in report.scorecards for p in card.pillars)
    head = [*csv_format.HEAD, *(f"pillar_{p}" for p in pillars), *csv_format.TAIL]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=head, lineterminator="\n")
    writer.writeheader()
    for card in report.scorecards:
        writer.writerow({k: csv_format.csv_cell(v) for k, v in csv_format._row(card).items()})
    return out.getvalue()


def junit_whole(report: Report) -> str:
    root = ET.Element("testsuites", name="riskscore")
    for card in report.scorecards:
        root.append(junit._suite(card))
    for key in junit.TOTALS:
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in root)))
    junit._xml_safe(root)
    ET.indent(root, space="  ")
    return junit.DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def sarif_whole(report: Report) -> str:
    rules = sarif._rules(report)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [r for card in report.scorecards for r in sarif._card_results(card, index)]
    projects = [sarif._project(card) for card in report.scorecards]
    log = sarif._log(report, rules, results, projects)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def github_whole(report: Report, gates: list[str] | None = None) -> str:
    flags: list[github.Item] = []
    rest: list[github.Item] = []
    for card in report.scorecards:
        for item in github._annotations(card):
            (flags if item[0] == "error" else rest).append(item)
    gate_items: list[github.Item] = [("error", g, {"title": "riskscore gate"}) for g in gates or []]
    summaries: list[github.Item] = [
        ("notice", github._summary(card), {}) for card in report.scorecards
    ]
    rest.sort(key=lambda item: github._PRIORITY[item[0]])
    ordered = [*flags, *gate_items, *summaries, *rest]
    counts = {"error": 0, "warning": 0, "notice": 0}
    for name, _, _ in ordered:
        counts[name] += 1
    overflow = len(ordered) > github.PER_JOB or any(n > github.PER_LEVEL for n in counts.values())
    marks = list(github._within_caps(ordered, overflow))
    left_out = [item for shown, item in marks if not shown]
    lines = [github.command(n, m, **p) for shown, (n, m, p) in marks if shown]
    if left_out:
        lines.append(f"::group::riskscore: {len(left_out)} more findings, not annotated")
        lines += [github._plain_line(n, m, p) for n, m, p in left_out]
        lines.append("::endgroup::")
        lines.append(
            github.command(
                "notice", _closing(len(left_out)), title="riskscore: annotations left out"
            )
        )
    return "".join(f"{line}\n" for line in lines)


def _closing(count: int) -> str:
    return (
        f"{count} findings were left out of the annotations (GitHub shows "
        f"{github.PER_LEVEL} per level per step); they are in this step's log under "
        "'riskscore: more findings'. Read every finding in the code-scanning alerts "
        "(--format sarif) or the job summary (--format markdown >> $GITHUB_STEP_SUMMARY)."
    )


def markdown_whole(report: Report, options: RenderOptions = OPTIONS) -> str:
    parts: list[str] = []
    if len(report.scorecards) > 1:
        parts += ["# riskscore portfolio", ""]
        if options.where:
            parts += [f"Projects where {options.where}.", ""]
        if options.group_by is None:
            parts += [markdown.ranking_table(report.scorecards), ""]
        for label, members in ranking_groups(report.scorecards, options.group_by):
            if label is not None:
                count = f"{len(members)} project{'s' if len(members) != 1 else ''}"
                parts += [f"## {cell(label)} — {count}", "", markdown.ranking_table(members), ""]
    level = 2 if len(report.scorecards) > 1 else 1
    parts += [markdown.scorecard_section(card, level) + "\n" for card in report.scorecards]
    return plain("\n".join(parts))


def table_whole(report: Report) -> str:
    if len(report.scorecards) == 1:
        return console_text(OPTIONS, table.scorecard_view(report.scorecards[0], OPTIONS))
    return console_text(OPTIONS, table.ranking_view(report.scorecards, OPTIONS.width))


WHOLE: dict[str, Callable[[Report], str]] = {
    "csv": csv_whole,
    "junit": junit_whole,
    "sarif": sarif_whole,
    "github": github_whole,
    "markdown": markdown_whole,
    "table": table_whole,
}


def streamed(fmt: str, cards: list[Scorecard], frame: Report) -> str:
    streamer = get_streamer(fmt)
    assert streamer is not None
    return "".join(streamer(iter(cards), frame, OPTIONS))


_CACHE: list[Scorecard] = []


def shipped_cards() -> list[Scorecard]:
    """The shipped profiles' scorecards (a plain cache: module fixtures cannot feed @given)."""
    if not _CACHE:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(ROOT)
            cset = open_criteria(Path("criteria"))
            paths = [p.relative_to(ROOT) for p in PROFILES]
            _CACHE.extend(evaluate_paths(paths, cset, today=TODAY).scorecards)
    return _CACHE


@pytest.mark.parametrize("fmt", sorted(WHOLE))
def test_streamed_text_equals_the_whole_document(fmt: str) -> None:
    cards = shipped_cards()
    frame = make_report([], open_criteria(ROOT / "criteria"))
    for some in (cards, cards[:1], cards[:2], [], cards[::-1]):
        if fmt == "table" and not some:
            continue  # the terminal ranking needs at least one project
        expected = WHOLE[fmt](frame.model_copy(update={"scorecards": some}))
        assert streamed(fmt, some, frame) == expected


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_any_portfolio_streams_as_the_whole_document(data: st.DataObject) -> None:
    # Any selection, order and repetition of scorecards, as a portfolio of many files gives.
    cards = shipped_cards()
    some = data.draw(st.lists(st.sampled_from(cards), min_size=1, max_size=12))
    fmt = data.draw(st.sampled_from(sorted(WHOLE)))
    frame = make_report([], open_criteria(ROOT / "criteria"))
    assert streamed(fmt, some, frame) == WHOLE[fmt](frame.model_copy(update={"scorecards": some}))


@pytest.mark.parametrize(
    "options",
    [
        RenderOptions(where="stage=production"),
        RenderOptions(group_by="country"),
        RenderOptions(where="band=failing", group_by="band"),
    ],
)
def test_markdown_rankings_stream_as_the_whole_document(options: RenderOptions) -> None:
    """--where and --group-by rankings: one blank line between the title, the filter, each
    group's ranking and the first project section, as the whole document writes them."""
    cards = shipped_cards()
    frame = make_report([], open_criteria(ROOT / "criteria"))
    for some in (cards, cards[:2], cards[::-1]):
        report = frame.model_copy(update={"scorecards": some})
        text = "".join(markdown.stream(iter(some), frame, options))
        assert text == markdown_whole(report, options) == markdown.render(report, options)
        assert "\n\n\n" not in text


def test_a_cut_markdown_stream_is_the_whole_document_up_to_the_last_section_that_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the byte budget the streamed text is the whole document's ranking and leading
    sections, as many as fit whole, then the line saying how many were left out."""
    cards = shipped_cards()
    report = make_report(cards, open_criteria(ROOT / "criteria"))
    whole = markdown_whole(report)
    sections = ["\n" + plain(markdown.scorecard_section(c, 2)) + "\n" for c in cards]
    head = whole[: len(whole) - len("".join(sections))]
    assert head + "".join(sections) == whole
    limit = len(head.encode()) + sum(len(s.encode()) for s in sections[:2]) + 600
    monkeypatch.setattr(markdown, "MAX_BYTES", limit)
    notes: list[str] = []
    text = "".join(markdown.stream(iter(cards), report, RenderOptions(notes=notes)))
    assert text == markdown.render(report, RenderOptions())
    kept = [n for n in range(len(sections) + 1) if text.startswith(head + "".join(sections[:n]))]
    shown = max(kept)
    assert 0 < shown < len(sections) and len(text.encode()) <= limit
    assert len((head + "".join(sections[: shown + 1])).encode()) > limit - 400  # as many as fit
    rest = text[len(head + "".join(sections[:shown])) :]
    assert rest.startswith("\n_") and rest.endswith("._\n") and "\n\n\n" not in text
    assert f"{len(sections) - shown} of {len(sections)} project sections left out" in rest
    assert notes == [rest.strip().strip("_")]


def test_github_gates_follow_the_red_flags_when_streamed() -> None:
    cards = shipped_cards()
    frame = make_report(cards, open_criteria(ROOT / "criteria"))
    gates = ["projects/a.yaml: A scores 40.0, below --fail-under 50", "second gate"]
    pieces = github.stream_with_gates(iter(cards), lambda: gates)
    assert "".join(pieces) == github_whole(frame, gates)
    assert github.render_with_gates(frame, gates) == github_whole(frame, gates)


STREAMED = ["csv", "junit", "github", "sarif"]
SUFFIX = {"csv": "csv", "junit": "xml", "github": "txt", "sarif": "sarif"}


@pytest.mark.parametrize("fmt", STREAMED)
def test_the_cli_streams_the_golden_portfolio(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    expected = (GOLDEN / f"portfolio_{fmt}.{SUFFIX[fmt]}").read_text(encoding="utf-8")
    args = ["evaluate", "projects", "--criteria", "criteria", "--format", fmt]
    shown = CliRunner().invoke(app, args, env={"RISKSCORE_TODAY": TODAY})
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout == expected
    target = tmp_path / f"out.{fmt}"
    written = CliRunner().invoke(
        app, [*args, "--output", str(target)], env={"RISKSCORE_TODAY": TODAY}
    )
    assert written.exit_code == 0, written.stderr
    assert target.read_text(encoding="utf-8") == expected
    assert list(tmp_path.iterdir()) == [target]  # the temporary file was renamed, not left


@pytest.mark.parametrize("fmt", ["markdown", "table"])
def test_the_cli_streams_what_the_report_renders(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["evaluate", "projects", "--criteria", "criteria", "--format", fmt]
    shown = CliRunner().invoke(app, args, env={"RISKSCORE_TODAY": TODAY, "COLUMNS": "110"})
    assert shown.exit_code == 0, shown.stderr
    frame = make_report(shipped_cards(), open_criteria(Path("criteria")))
    assert shown.stdout == WHOLE[fmt](frame)


def test_json_and_jsonl_do_not_use_the_text_streamers() -> None:
    assert get_streamer("json") is None and get_streamer("jsonl") is None


PYTHON_M = [sys.executable, "-m", "riskscore"]


@pytest.mark.parametrize("fmt", ["junit", "sarif"])
def test_a_real_process_with_two_workers_streams_the_golden(fmt: str) -> None:
    # The worker pool (--jobs 2) feeds the streamed renderer in a real process, as in CI.
    proc = subprocess.run(
        [*PYTHON_M, "evaluate", "projects", "-c", "criteria", "--format", fmt, "--jobs", "2"],
        cwd=ROOT,
        env={**os.environ, "RISKSCORE_TODAY": TODAY},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    expected = (GOLDEN / f"portfolio_{fmt}.{SUFFIX[fmt]}").read_text(encoding="utf-8")
    assert proc.stdout == expected


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("color", [False, True])
def test_a_long_ranking_prints_in_slices_as_one_table(
    width: int, color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Slices of 4 rows over 30 projects: the borders between slices must vanish exactly.
    monkeypatch.setattr(table, "BATCH_ROWS", 4)
    cards = shipped_cards() * 5
    options = RenderOptions(color=color, width=width)
    frame = make_report(cards, open_criteria(ROOT / "criteria"))
    whole = console_text(options, table.ranking_view(cards, width))
    assert "".join(table.stream(iter(cards), frame, options)) == whole
