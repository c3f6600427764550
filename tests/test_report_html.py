"""The HTML report: command, escaping, determinism, charts, and a real headless browser."""

from __future__ import annotations

import html
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from riskscore.analysis.pipeline import load_profiles
from riskscore.commands.report import report
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.discovery import discover_profiles
from riskscore.render.html_report import environment
from riskscore.render.svg import band_of, band_scales
from tests.chromium import require_chromium, run_chromium
from tests.conftest import MINI, PROJECTS

TODAY = "2026-11-23"
ALPHA = """\
project:
  name: "Alpha <script>alert(1)</script>"
  country: Nowhere
  summary: "Mixed <b>bold</b> & more"
sources:
  doc-1:
    title: "A <i>report</i>"
    url: https://example.org/a?x=1&y=2
facts:
  flag: {value: true, source: doc-1}
  level: mid
  share: 40
  risk: severe
"""
BETA = """\
project:
  name: Beta
  country: Elsewhere
facts:
  level: high
  n_a: true
"""

app = typer.Typer()
app.command()(report)
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def mini_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two mini-set profiles written as relative paths, so outputs are byte-stable."""
    monkeypatch.chdir(tmp_path)
    Path("alpha.yaml").write_text(ALPHA, encoding="utf-8")
    Path("beta.yaml").write_text(BETA, encoding="utf-8")
    return ["alpha.yaml", "beta.yaml", "--criteria", str(MINI)]


def test_report_matches_golden_and_is_deterministic(mini_pair, file_regression) -> None:
    code, _, err = run(*mini_pair, "--output", "one.html", "--samples", "50")
    assert code == 0, err
    assert run(*mini_pair, "--output", "two.html", "--samples", "50")[0] == 0
    first = Path("one.html").read_text(encoding="utf-8")
    assert first == Path("two.html").read_text(encoding="utf-8")
    file_regression.check(first, extension=".html")


def test_report_needs_an_output_and_says_what_it_wrote(mini_pair) -> None:
    code, _, err = run(*mini_pair)
    assert (code, err) == (  # no 300 kB of HTML in a terminal
        2,
        "report writes a whole HTML page: give --output FILE, or -o - for stdout\n",
    )
    code, out, err = run(*mini_pair, "--output", "page.html", "--samples", "5")
    assert code == 0 and out == ""
    size = Path("page.html").stat().st_size
    assert err == f"riskscore: wrote page.html ({size / 1000:.1f} kB)\n"


def test_profile_text_is_escaped(mini_pair) -> None:
    code, out, err = run(*mini_pair, "--output", "-")
    assert code == 0, err
    assert "<script>alert(1)</script>" not in out
    assert "Alpha &lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<b>bold</b>" not in out and "Mixed &lt;b&gt;bold&lt;/b&gt; &amp; more" in out
    assert "<i>report</i>" not in out and "A &lt;i&gt;report&lt;/i&gt;" in out
    assert 'href="https://example.org/a?x=1&amp;y=2"' in out
    assert "<script" not in out.lower()


def test_page_is_self_contained(mini_pair) -> None:
    code, out, _ = run(*mini_pair, "--lens", "b-heavy", "-o", "-")
    assert code == 0
    for needle in ("<link", "<script", "<iframe", "@import", "url(", "src=", "@font-face"):
        assert needle not in out.lower(), needle
    assert "<svg" not in out  # charts are HTML and CSS: readable at any width
    assert "Pillar B heavy (<code>b-heavy</code>)" in out
    assert "@media print" in out and "@media screen and (max-width: 760px)" in out
    # The summary comes first, then each project, then the method and one bibliography.
    order = [out.index(f'id="{name}"') for name in ("summary", "p1-alpha", "p2-beta", "method")]
    assert order == sorted(order) and out.index('id="sources"') > order[-1]
    assert out.count('<details class="criteria">') == 2  # collapsed: no `open`
    assert '<table class="heat">' in out and '<p class="legend">Pillar score out of 100' in out
    assert "critical</span> <code>c-na</code>: Severe risk." in out
    assert '<a href="https://example.org/a?x=1&amp;y=2">A &lt;i&gt;report&lt;/i&gt;</a>' in out
    assert f"Evaluated on</dt><dd>{TODAY}" in out


def test_sections_follow_the_ranking_not_the_input_order(mini_pair) -> None:
    out = run("beta.yaml", "alpha.yaml", *mini_pair[2:], "-o", "-")[1]
    ranked = re.findall(r'<section class="project" id="(p\d-[a-z-]+)">', out)
    assert ranked == ["p1-alpha", "p2-beta"]
    assert re.findall(r'<div class="score">([\d.]+)<small>', out) == ["71.41", "25.00"]


def test_output_never_overwrites_an_input(mini_pair) -> None:
    before = Path("alpha.yaml").read_text(encoding="utf-8")
    code, out, err = run(*mini_pair, "--output", "alpha.yaml")
    assert code == 2 and out == ""
    assert "alpha.yaml: refusing to overwrite an input file" in err
    assert Path("alpha.yaml").read_text(encoding="utf-8") == before


def test_bad_profile_is_a_located_error(mini_pair) -> None:
    Path("bad.yaml").write_text("project:\n  name: X\n  country: Y\nfacts:\n  levle: mid\n")
    code, out, err = run("bad.yaml", "--criteria", str(MINI), "--output", "r.html")
    assert code == 2 and out == "" and not Path("r.html").exists()
    assert "bad.yaml:5: facts.levle: unknown fact 'levle' (did you mean 'level'?)" in err


def test_band_colours_and_lookup() -> None:
    five = band_scales([(f"b{i}", f"B{i}", m) for i, m in enumerate((75, 60, 45, 30, 0))])
    assert [b.colour for b in five] == ["#1f5f99", "#4a98c9", "#d9b430", "#e0793a", "#b2182b"]
    three = band_scales([("good", "Good", 75), ("weak", "Weak", 40), ("failing", "Failing", 0)])
    assert [b.colour for b in three] == ["#1f5f99", "#d9b430", "#b2182b"]
    assert [b.ink for b in three] == ["#ffffff", "#111111", "#ffffff"]
    assert [band_of(s, three).id for s in (100, 75, 74.99, 40, 0)] == [
        "good",
        "good",
        "weak",
        "weak",
        "failing",
    ]


def test_range_bars_clamp_to_the_scale_and_escape() -> None:
    macros = environment().get_template("partials/macros.html.j2").module
    bar = str(
        macros.rangebar({"label": "A & <b>", "low": -5, "high": 120, "median": 50, "baseline": 40})
    )
    assert 'aria-label="A &amp; &lt;b&gt;: -5.0 to 120.0, median 50.0"' in bar
    assert 'class="range" style="left:0.0%;width:100.0%"' in bar
    assert 'class="median" style="left:50.0%"' in bar and 'class="base" style="left:40.0%"' in bar


# --- a real browser ----------------------------------------------------------------------


def _png_size_and_colours(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of distinct bytes in the decompressed pixel rows."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


@pytest.fixture
def chromium() -> Path:
    return require_chromium()


@pytest.mark.xdist_group("shipped-report")
def test_headless_chromium_renders_the_shipped_portfolio(
    chromium: Path, shipped: CriteriaSet, shipped_report: Path, tmp_path: Path
) -> None:
    """`riskscore report projects` (tests/conftest.py's shipped_report) in a real browser."""
    page = shipped_report
    shot = tmp_path / "shot.png"
    done = run_chromium(
        "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "a"
    )
    assert shot.is_file(), done.stderr[-2000:]
    width, height, distinct = _png_size_and_colours(shot)
    assert (width, height) == (1280, 2000)
    assert distinct > 32, "the screenshot is blank"
    assert shot.stat().st_size > 50_000
    dom = run_chromium("--dump-dom", page.as_uri(), profile=tmp_path / "b").stdout
    assert 'id="summary"' in dom and "<details" in dom
    profiles = load_profiles(discover_profiles([str(PROJECTS)]), shipped)
    assert len(profiles) >= 2
    for name in (p.project.name for p in profiles):
        assert html.escape(name, quote=False) in dom, name
    shutil.rmtree(tmp_path / "a", ignore_errors=True)
