"""The terminal as a reader sees it (issue 15): goldens at 80 and 120 columns without colour,
and no id, allowed value or figure cut or split at 80 columns in any table."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from riskscore.analysis.compare import compare
from riskscore.analysis.pipeline import make_report
from riskscore.analysis.roadmap import build_roadmap
from riskscore.analysis.uncertainty.run import run_uncertainty
from riskscore.engine.evaluate import evaluate
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import load_profile
from riskscore.render import RenderOptions
from riskscore.render.common import console_text, fmt_score
from riskscore.render.compare import render as render_compare
from riskscore.render.layout import Column, fit_table
from riskscore.render.listing import render_listing
from riskscore.render.roadmap import render as render_roadmap
from riskscore.render.table import render
from riskscore.render.uncertainty_table import render as render_sensitivity
from tests.conftest import PROJECTS, ROOT

TODAY = "2026-11-23"
WIDTHS = [80, 120]


def cards(cset: CriteriaSet, names: list[str] | None = None) -> list:
    paths = [PROJECTS / f"{n}.yaml" for n in names] if names else sorted(PROJECTS.glob("*.yaml"))
    return [evaluate(load_profile(p.relative_to(ROOT), cset), cset, TODAY) for p in paths]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # paths in the output read projects/…, wherever pytest runs


def lines_fit(text: str, width: int) -> None:
    too_wide = [line for line in text.splitlines() if cell_len(line.rstrip()) > width]
    assert not too_wide, f"{len(too_wide)} lines wider than {width}: {too_wide[:2]}"


@pytest.mark.parametrize("width", WIDTHS)
def test_evaluate_one_project_golden(shipped: CriteriaSet, width: int, file_regression) -> None:
    text = render(make_report(cards(shipped, ["reko-diq"]), shipped), RenderOptions(width=width))
    lines_fit(text, width)
    file_regression.check(text, extension=".txt")


def test_default_report_fits_a_screen_and_a_half_at_120(shipped: CriteriaSet) -> None:
    """Header, pillars, red flags, band reason, improvements, costliest criteria: ≤ 60 lines
    (a 40-line screen and a half) for every shipped project; --full lists every criterion."""
    for card in cards(shipped):
        report = make_report([card], shipped)
        short = render(report, RenderOptions(width=120))
        assert len(short.splitlines()) <= 60, card.project
        full = render(report, RenderOptions(width=120, full=True))
        assert all(c.id in full for c in card.criteria)


def test_arithmetic_only_with_verbose(shipped: CriteriaSet) -> None:
    report = make_report(cards(shipped, ["reko-diq"]), shipped)
    assert "×" not in render(report, RenderOptions(width=200, full=True))
    verbose = render(report, RenderOptions(width=200, full=True, verbose=True))
    # every criterion whose explanation carries arithmetic (not the excluded or N/A ones)
    (card,) = report.scorecards
    assert verbose.count("×") == sum("×" in c.explanation for c in card.criteria) > 20


@pytest.mark.parametrize("width", WIDTHS)
def test_ranking_golden(shipped: CriteriaSet, width: int, file_regression) -> None:
    text = render(make_report(cards(shipped), shipped), RenderOptions(width=width))
    lines_fit(text, width)
    file_regression.check(text, extension=".txt")


@pytest.mark.parametrize("width", WIDTHS)
def test_criteria_listing_golden(shipped: CriteriaSet, width: int, file_regression) -> None:
    text = render_listing(shipped, "table", False, False, width)
    lines_fit(text, width)
    file_regression.check(text, extension=".txt")


@pytest.mark.parametrize("width", WIDTHS)
def test_roadmap_golden(shipped: CriteriaSet, width: int, file_regression) -> None:
    profile = load_profile(Path("projects/reko-diq.yaml"), shipped)
    titles = {band.id: band.title for band in shipped.header.bands}
    roadmap = build_roadmap(profile, shipped, TODAY, 5)
    text = render_roadmap(roadmap, "table", RenderOptions(width=width), titles)
    lines_fit(text, width)
    file_regression.check(text, extension=".txt")


def outputs_at_80(cset: CriteriaSet) -> dict[str, str]:
    """Every table the CLI prints for the shipped set, at 80 columns."""
    options = RenderOptions(width=80)
    everything = cards(cset)
    profiles = [load_profile(Path("projects/reko-diq.yaml"), cset)]
    profiles.append(load_profile(Path("projects/saindak.yaml"), cset))
    out = {
        "criteria": render_listing(cset, "table", False, False, 80),
        "facts": render_listing(cset, "table", True, False, 80),
        "ranking": render(make_report(everything, cset), options),
        "compare": render_compare(compare(profiles, cset, TODAY), "table", options),
        "sensitivity": render_sensitivity(
            run_uncertainty(profiles, cset, cset.header.uncertainty, 16, 0, 10), "table", options
        ),
        "roadmap": render_roadmap(build_roadmap(profiles[0], cset, TODAY, 10), "table", options),
    }
    for card in everything:
        out[card.path] = render(make_report([card], cset), RenderOptions(width=80, full=True))
    return out


def test_no_id_or_allowed_value_is_cut_at_80_columns(shipped: CriteriaSet) -> None:
    """Every criterion id, fact id, allowed value, project path and figure that a table shows
    appears whole on one line, and no line is wider than 80 columns."""
    outputs = outputs_at_80(shipped)
    crit_ids = [c.id for c in shipped.criteria]
    fact_ids = [f.id for f in shipped.header.facts]
    allowed = [v for f in shipped.header.facts for v in (f.values or [])]

    def whole(name: str, tokens: list[str]) -> None:
        lines = outputs[name].splitlines()
        missing = [t for t in tokens if not any(t in line for line in lines)]
        assert not missing, f"{name}: cut or missing {missing[:5]}"

    for text in outputs.values():
        lines_fit(text, 80)
    whole("criteria", crit_ids)
    whole("facts", fact_ids + allowed)
    everything = cards(shipped)
    flagged = [f.criterion for c in everything for f in c.flags]
    whole("ranking", flagged + [fmt_score(c.score) for c in everything])  # names may wrap
    whole("compare", crit_ids)
    profiles = [load_profile(Path(f"projects/{n}.yaml"), shipped) for n in ("reko-diq", "saindak")]
    analysis = run_uncertainty(profiles, shipped, shipped.header.uncertainty, 16, 0, 10)
    whole("sensitivity", [f"{p.score.p05:.2f}–{p.score.p95:.2f}" for p in analysis.projects])
    for card in everything:
        whole(card.path, [c.id for c in card.criteria] + [f.criterion for f in card.flags])


def test_fit_table_drops_the_least_needed_column_first() -> None:
    columns = [
        Column("id"),
        Column("extra", "id", keep=1),
        Column("more", "id", keep=2),
        Column("text", "prose", keep=3),
    ]
    rows = [["an-identifier-of-30-characters", "x" * 20, "y" * 10, "some words " * 5]]
    # needs 30, 20, 10, 24 (prose minimum): 84 + 13 cells of borders and padding = 97
    assert [c.header for c in fit_table(columns, rows, 97).columns] == [
        "id",
        "extra",
        "more",
        "text",
    ]
    assert [c.header for c in fit_table(columns, rows, 96).columns] == ["id", "more", "text"]
    assert [c.header for c in fit_table(columns, rows, 61).columns] == ["id", "text"]
    assert [c.header for c in fit_table(columns, rows, 60).columns] == ["id"]
    # the id column never goes: when even it cannot fit, the rows print as records, uncut
    narrow = console_text(RenderOptions(width=32), fit_table(columns, rows, 32))
    assert narrow.splitlines()[:3] == [
        "an-identifier-of-30-characters",
        "  extra: xxxxxxxxxxxxxxxxxxxx",
        "  more: yyyyyyyyyy",
    ]


def test_shared_ranks_for_ties(shipped: CriteriaSet) -> None:
    from riskscore.render.common import ranks

    card = cards(shipped, ["reko-diq"])[0]
    twin = card.model_copy(update={"path": "projects/twin.yaml", "project": "Twin"})
    other = cards(shipped, ["saindak"])[0]
    ranked = [(rank, c.project) for rank, c in ranks([other, twin, card])]
    assert ranked == [(1, "Reko Diq"), (1, "Twin"), (3, other.project)]


def test_help_placeholders_share_one_style() -> None:
    """UPPERCASE placeholders, choices listed as [a|b|c], e.g. `--lens [community|…]`."""
    import re

    import typer
    from typer.testing import CliRunner

    from riskscore.commands.app import app

    group = typer.main.get_command(app)
    runner = CliRunner()
    for name in group.commands:  # type: ignore[attr-defined]
        out = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"}).stdout
        options = out.split("Options:", 1)[1]
        assert not re.search(r"<[a-z ]+>", options), (name, options)
        for line in options.splitlines():
            if "--lens" in line:
                assert "--lens [community|investor|state]" in line
            if "--format" in line:
                assert re.search(r"--format \[[a-z|]+\]", line), line


def test_progress_bar_shows_a_count(monkeypatch) -> None:
    """On a terminal the bar reads "done/total"; items pass through unchanged and in order."""
    import io
    import sys

    from riskscore.commands.progress import PROGRESS_FROM, with_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    total = PROGRESS_FROM + 50
    assert list(with_progress(iter(range(total)), total)) == list(range(total))
    assert f"{total}/{total}" in screen.getvalue()
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert list(with_progress(iter(range(3)), 3)) == [0, 1, 2] and quiet.getvalue() == ""


def test_diff_table_cuts_no_id_at_80_columns(shipped: CriteriaSet, tmp_path: Path) -> None:
    """`riskscore diff` after a weight change at 80 columns: every moved criterion and changed
    project path whole, no line wider than the terminal (the sides table included)."""
    import re
    import shutil

    from riskscore.analysis.criteria_diff import diff_criteria
    from riskscore.load.criteria.loader import load_criteria
    from riskscore.render.diff import render_diff
    from tests.conftest import SHIPPED

    edited = tmp_path / "edited"
    shutil.copytree(SHIPPED, edited)
    path = edited / "base" / "contract-stability.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^weight: \S+$", "weight: 9", text, count=1, flags=re.M), "utf-8")
    files = sorted(Path("projects").glob("*.yaml"))
    result = diff_criteria(shipped, load_criteria(edited), files, TODAY)
    text = render_diff(result, "table", False, 80)
    lines_fit(text, 80)
    lines = text.splitlines()
    moved = [m.id for p in result.projects for m in p.criteria]
    assert "contract-stability" in moved
    for token in moved:
        assert any(token in line for line in lines), token
