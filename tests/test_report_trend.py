"""`riskscore report --history`: each project's score at every committed version, as a chart.

The repository is built here: the mini set and one profile committed three times with fixed
author and committer dates, so the hashes, and with them the golden fragment, are stable.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from xml.etree import ElementTree

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner

from riskscore.analysis.history import History, HistoryStep
from riskscore.commands.report import report
from riskscore.render.html_report import environment
from riskscore.render.svg import band_scales
from riskscore.render.trend_section import TREND_STEPS, trend_context
from riskscore.render.trend_svg import (
    LABEL_GAP,
    LABEL_WIDTH,
    WIDTH,
    TrendPoint,
    _extent,
    _labelled,
    trend_chart,
)
from tests.conftest import MINI
from tests.test_diff import IDENTITY, copy_set
from tests.test_report_layout import (  # noqa: F401 (chromium: a fixture)
    PAGES_PER_PROJECT,
    chromium,
    measure,
    run_chromium,
)

TODAY = "2026-11-23"
PROFILE = """\
project: {{name: Alpha, country: Nowhere}}
sources:
  rep: {{title: Annual report, url: "https://example.org/report"}}
facts:
  flag: {{value: {flag}, source: rep}}
{level}  share: 40
  n_a: true
"""
COMMITS = [
    ("2024-01-15T10:00:00+00:00", "alpha: first profile, level not known", "true", ""),
    ("2025-03-01T10:00:00+00:00", "alpha: level mid (2024 report)", "true", "  level: mid\n"),
    ("2026-06-30T10:00:00+00:00", "alpha: level high, flag false", "false", "  level: high\n"),
]

app = typer.Typer()
app.command()(report)


def git(repo: Path, *args: str, when: str = "2024-01-01T00:00:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(
        ["git", *IDENTITY, *args], cwd=repo, check=True, capture_output=True, text=True, env=env
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini set and projects/alpha.yaml, committed three times; cwd is the repository."""
    root = tmp_path / "repo"
    copy_set(MINI, root / "criteria")
    (root / "projects").mkdir()
    git(root, "init", "-q", "-b", "main")
    for when, subject, flag, level in COMMITS:
        (root / "projects" / "alpha.yaml").write_text(PROFILE.format(flag=flag, level=level))
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", subject, when=when)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


def trend_of(page: str) -> str:
    """The trend section of a one-project page: its heading, chart, table and note."""
    start = page.index("  <h3>History: ")
    end = page.index("</p>\n", page.index("</div>\n", start))
    return page[start : end + len("</p>\n")]


def test_three_versions_make_a_chart_with_exact_scores(repo: Path, file_regression) -> None:
    code, _, err = run("projects", "-c", "criteria", "--history", "-o", "page.html")
    assert code == 0, err
    page = Path("page.html").read_text(encoding="utf-8")
    trend = trend_of(page)
    # Pillar a = (2·flag + 1·level)/3, pillar b = (share 40 -> 0.8, weighted (flag + 3·0.5)/4)
    # over 2 (c-na not applicable); overall = 0.75·a + 0.25·b.
    # 1: level unknown scores 0: a = 2/3 -> 50 + 0.25·71.25 = 67.81; level high at best: 92.81.
    # 2: level mid: a = 2.5/3 -> 62.5 + 17.81 = 80.31, nothing unknown.
    # 3: flag false, level high: a = 1/3 -> 25; b = (0.8 + 0.375)/2 -> 14.69; 39.69.
    titles = re.findall(r'<circle [^>]*fill="(#\w+)"[^>]*><title>([^<]*)</title>', trend)
    hashes = git(repo, "log", "--reverse", "--format=%h", "--abbrev=7").split()
    assert [(colour, title.split(". ", 1)[0]) for colour, title in titles] == [
        ("#d9b430", f"{hashes[0]} (2024-01-15): 67.81, range 67.81–92.81"),  # Weak
        ("#1f5f99", f"{hashes[1]} (2025-03-01): 80.31, range 80.31–80.31"),  # Good
        ("#b2182b", f"{hashes[2]} (2026-06-30): 39.69, range 39.69–39.69"),  # Failing
    ]
    rows = re.findall(r'data-label="Score">([^<]*)', trend)
    assert rows == ["67.81", "80.31 ", "39.69 "]
    assert "(+12.50)" in trend and "(-40.62)" in trend
    assert "alpha: level mid (2024 report); level unknown → mid" in trend
    assert "alpha: level high, flag false; flag true → false; level mid → high" in trend
    assert "<dt>History</dt>" in page
    file_regression.check(trend, extension=".html")


def test_no_git_no_chart_and_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    Path("alpha.yaml").write_text(PROFILE.format(flag="true", level=""))
    code, _, err = run("alpha.yaml", "-c", str(MINI), "--history", "-o", "page.html")
    assert code == 0, err
    assert "Traceback" not in err and "git" not in err
    page = Path("page.html").read_text(encoding="utf-8")
    assert "History: " not in page and "<svg" not in page


def test_one_version_is_a_line_and_without_the_option_nothing(repo: Path) -> None:
    (repo / "projects" / "beta.yaml").write_text(
        PROFILE.format(flag="true", level="").replace("Alpha", "Beta")
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "beta", when="2026-07-01T10:00:00+00:00")
    code, _, err = run("projects", "-c", "criteria", "--history", "-o", "page.html")
    assert code == 0, err
    page = Path("page.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 1  # alpha's chart; beta, a copy of alpha, has one version
    beta = page[page.index("Beta</h2>") :]
    assert "One committed version of <code>projects/beta.yaml</code>" in beta
    assert "no trend yet" in beta
    code, _, err = run("projects", "-c", "criteria", "-o", "plain.html")
    assert code == 0, err
    plain = Path("plain.html").read_text(encoding="utf-8")
    assert "History: " not in plain and "<dt>History</dt>" not in plain


def test_uncommitted_edits_are_the_last_point(repo: Path) -> None:
    profile = repo / "projects" / "alpha.yaml"
    profile.write_text(profile.read_text().replace("level: high", "level: mid"))
    code, page, err = run("projects", "-c", "criteria", "--history", "-o", "-")
    assert code == 0, err
    trend = trend_of(page)
    # flag false, level mid: a = 0.5/3 -> 12.5; b (0.8 + 0.375)/2 -> 14.69; 27.19, the score
    # at the top of the page.
    assert re.findall(r'data-label="Score">([\d.]+)', trend)[-1] == "27.19"
    assert '<div class="score">27.19<small>' in page
    assert '<code>work tree</code> <span class="when">uncommitted</span>' in trend


def test_a_real_process_writes_the_chart(repo: Path) -> None:
    env = {**os.environ, "RISKSCORE_TODAY": TODAY}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "riskscore",
            "report",
            "projects",
            "-c",
            "criteria",
            "--history",
            "-o",
            "page.html",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = (repo / "page.html").read_text(encoding="utf-8")
    assert page.count("<circle ") == 3 and "Traceback" not in done.stderr


@st.composite
def trend_points(draw: st.DrawFn) -> list[TrendPoint]:
    """2-40 versions; some did not load (no score); every range contains its score."""
    points = []
    for _ in range(draw(st.integers(2, 40))):
        date = draw(st.sampled_from(["2024-01-01", "uncommitted"]))
        score = draw(st.one_of(st.none(), st.floats(0, 100)))
        if score is None:
            points.append(TrendPoint("abcdef1", date, None, None, None, "did not load"))
            continue
        low, high = draw(st.floats(0, score)), draw(st.floats(score, 100))
        points.append(TrendPoint("abcdef1", date, score, low, high, "x"))
    return points


@settings(max_examples=60, deadline=None)
@given(trend_points())
def test_chart_stays_inside_and_labels_never_touch(points: list[TrendPoint]) -> None:
    bands = band_scales([("good", "Good", 75), ("weak", "Weak", 40), ("failing", "Failing", 0)])
    svg = str(trend_chart(points, bands, "t"))
    xs = [float(x) for x in re.findall(r' c?x="([-\d.]+)"', svg)]
    ys = [float(y) for y in re.findall(r' c?y="([-\d.]+)"', svg)]
    found = re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg)
    assert found is not None
    assert min(xs) >= 0 and max(xs) <= WIDTH and min(ys) >= 0 and max(ys) <= float(found[1])
    assert svg.count("<circle") == sum(p.score is not None for p in points)
    assert svg.count("<polyline") == len(
        [run for run in "".join("x" if p.score is None else "o" for p in points).split("x") if run]
    )
    # Labels anchored at their ends (first, last) and centred ones never come closer than the
    # margin, at the chart's own spacing and at a tight one.
    for step in (WIDTH / max(len(points), 1), 37.0):
        places = [i * step for i in range(len(points))]
        shown = _labelled(places)
        assert shown[-1] == len(points) - 1
        edges = [_extent(i, len(points), places[i]) for i in shown]
        assert all(b[0] - a[1] >= LABEL_GAP - LABEL_WIDTH for a, b in pairwise(edges))


@pytest.mark.usefixtures("chromium")
@pytest.mark.parametrize("width", [390, 1280])
def test_the_trend_fits_the_screen_without_overlap(repo: Path, tmp_path: Path, width: int) -> None:
    """Chromium lays out the three-version page: chart labels and table stay on the screen
    and no two text boxes overlap (tests/browser/layout_check.js)."""
    code, page, err = run("projects", "-c", "criteria", "--history", "-o", "-")
    assert code == 0, err
    seen = measure(page, width, tmp_path)
    assert seen["viewport"] == width
    assert seen["scrollWidth"] <= width, seen["overflow"]
    assert seen["overflowCount"] == 0, seen["overflow"]
    assert seen["overlapCount"] == 0, seen["overlaps"]


def _step(i: int, score: float | None) -> HistoryStep:
    loaded = score is not None
    return HistoryStep(
        commit=f"{i:07d}abc",
        date=f"2025-01-{i + 1:02d}",
        subject=f"edit {i}",
        path="projects/alpha.yaml",
        criteria_version="0.1.0",
        criteria_hash="sha256:x",
        score=score,
        band=("good" if (score or 0) >= 75 else "weak") if loaded else None,
        score_range=(score - 1, score + 1) if score is not None else None,
        errors=[] if loaded else ["projects/alpha.yaml:3: bad value"],
    )


def test_a_long_history_shows_the_latest_twelve_and_a_gap_for_a_broken_version() -> None:
    """14 versions: the first two are left out and named; version 12 did not load, so the
    line breaks there and its row shows dashes and its error."""
    steps = [_step(i, None if i == 12 else 50.0 + i) for i in range(14)]
    h = History(project="Alpha", path="projects/alpha.yaml", criteria="x", steps=steps)
    bands = band_scales([("good", "Good", 75), ("weak", "Weak", 40), ("failing", "Failing", 0)])
    trend = trend_context(h, bands)
    assert trend is not None
    assert trend["earlier"] == 2 and len(trend["rows"]) == TREND_STEPS == 12
    assert [r["short"] for r in trend["rows"]][:2] == ["0000002", "0000003"]
    chart = str(trend["chart"])
    assert chart.count("<circle") == 11 and chart.count("<polyline") == 2
    assert "does not load: projects/alpha.yaml:3: bad value" in trend["rows"][10]["note"]
    page = (
        environment()
        .get_template("partials/trend.html.j2")
        .render(p={"trend": trend}, card={"project": "Alpha"})
    )
    assert "The 2 older versions: <code>riskscore history projects/alpha.yaml</code>" in page
    assert page.count('<td class="num" data-label="Score">–</td>') == 1
    assert trend_context(None, bands) is None


def test_commit_subjects_and_names_are_escaped_and_the_svg_is_well_formed(repo: Path) -> None:
    profile = repo / "projects" / "alpha.yaml"
    profile.write_text(
        profile.read_text().replace("name: Alpha", 'name: "A <i>&</i> Co"').replace("40", "60")
    )
    git(repo, "commit", "-q", "-am", 'share 60 <script>alert(1)</script> & "more"')
    code, page, err = run("projects", "-c", "criteria", "--history", "-o", "-")
    assert code == 0, err
    assert "<script" not in page.lower() and "<i>&</i>" not in page
    assert "share 60 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;more&#34;" in page
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    root = ElementTree.fromstring(svg)  # well-formed XML: every text was escaped
    # share 60: c-linear 1, c-weighted (0 + 3·1)/4, pillar b 87.5; 25 + 21.875 = 46.88.
    label = "Score of A <i>&</i> Co at each of its last 4 versions, from 67.81 to 46.88"
    assert root.get("aria-label") == label
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert titles[-1].endswith('share 60 <script>alert(1)</script> & "more"; share 40 → 60')
    for needle in ("<link", "@import", "url(", "src=", "<iframe"):
        assert needle not in page.lower(), needle


@pytest.mark.usefixtures("chromium")
def test_the_trend_prints_beside_its_table_within_the_budget(repo: Path, tmp_path: Path) -> None:
    """Printed, the one-project page keeps the project within its 3 pages, and the chart's
    labels and every table row are on one page."""
    code, _, err = run("projects", "-c", "criteria", "--history", "-o", "page.html")
    assert code == 0, err
    pdf = tmp_path / "page.pdf"
    run_chromium(
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        (repo / "page.html").as_uri(),
        profile=tmp_path / "chromium",
    )
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    assert len(pages) <= PAGES_PER_PROJECT + 1, len(pages)
    hashes = git(repo, "log", "--format=%h", "--abbrev=7").split()
    holding = [i for i, text in enumerate(pages) if "History: the score" in text]
    assert len(holding) == 1
    trend_page = pages[holding[0]]
    assert all(trend_page.count(h) >= 2 for h in hashes)  # under the chart and in the table
