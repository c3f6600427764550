"""The HTML report in a real browser (issue 15): on a 390 px phone and a 1280 px screen no text
runs off the page and no two text boxes overlap; printed, the shipped portfolio stays within
3 A4 pages per project plus the summary.

tests/browser/layout_check.js runs inside the page (headless Chromium, --dump-dom) and writes
what it measured into the DOM; the page sits in an iframe of the wanted width, because headless
Chromium will not make its window narrower than 500 px.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.chromium import require_chromium
from tests.chromium import run_chromium as run_browser
from tests.conftest import PROJECTS

CHECK = Path(__file__).parent / "browser" / "layout_check.js"
PAGES_PER_PROJECT = 3
BIB_ENTRIES_PER_PAGE = 30


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture
def shipped_page(shipped_full_report: Path) -> Path:
    """The shipped report with --history and the uncertainty section (tests/conftest.py)."""
    return shipped_full_report


@pytest.fixture
def printed_page(shipped_report: Path) -> Path:
    """The shipped report without --history (tests/conftest.py's shipped_report), so its page
    count does not depend on how many commits the checkout holds (tests/test_report_trend.py
    prints a trend within budget)."""
    return shipped_report


def run_chromium(*args: str, profile: Path) -> str:
    """What headless Chromium printed (the DOM for --dump-dom)."""
    return run_browser(*args, profile=profile).stdout


def measure(page_html: str, width: int, tmp: Path) -> dict:
    """Lay the page out `width` CSS px wide with every <details> open; what layout_check.js saw."""
    inner = page_html.replace("</body>", f"<script>{CHECK.read_text()}</script></body>")
    copy_result = (
        "var r=this.contentDocument.getElementById('layout-result');"
        "var o=document.createElement('pre');o.id='result';"
        "o.textContent=r?r.textContent:'{}';document.body.appendChild(o)"
    )
    wrapper = tmp / f"at-{width}.html"
    wrapper.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe style="width:{width}px;height:900px;border:0" '
        f'srcdoc="{html.escape(inner, quote=True)}" onload="{copy_result}"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    dom = run_chromium(
        "--window-size=1400,900", "--dump-dom", wrapper.as_uri(), profile=tmp / f"p{width}"
    )
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


def test_the_check_sees_overflow_and_overlap(chromium: Path, tmp_path: Path) -> None:
    """A page with a nowrap line wider than a phone and a title printed over a badge fails."""
    bad = (
        '<!DOCTYPE html><html><body><p style="white-space:nowrap">'
        + "word-" * 40
        + '</p><div style="position:relative"><span>Status badge</span>'
        '<span style="position:absolute;left:0;top:0">Title over it</span></div></body></html>'
    )
    seen = measure(bad, 390, tmp_path)
    assert seen["viewport"] == 390
    assert seen["overflowCount"] == 1 and seen["scrollWidth"] > 390
    assert seen["overlaps"] == ["Status badge | Title over it"]


@pytest.mark.xdist_group("shipped-page")
@pytest.mark.parametrize("width", [390, 1280])
def test_report_fits_the_screen_without_overlap(
    chromium: Path, shipped_page: Path, tmp_path: Path, width: int
) -> None:
    seen = measure(shipped_page.read_text(encoding="utf-8"), width, tmp_path)
    assert seen["viewport"] == width
    assert seen["boxes"] > 2000  # the whole page was measured, criteria tables included
    assert seen["scrollWidth"] <= width, seen["overflow"]
    assert seen["overflowCount"] == 0, seen["overflow"]
    assert seen["overlapCount"] == 0, seen["overlaps"]
    assert seen["smallestFont"] >= 10  # no label shrinks to a few pixels
    # The rank and Sobol charts keep readable text (they scroll sideways on a phone; they
    # used to scale down to about 4 px).
    assert seen["charts"] >= 2
    assert seen["smallestChartText"] >= 10, seen["smallestChartText"]


@pytest.mark.xdist_group("shipped-report")
def test_printed_report_stays_within_the_page_budget(
    chromium: Path, printed_page: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "report.pdf"
    run_chromium(
        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", printed_page.as_uri(), profile=tmp_path
    )
    reader = PdfReader(pdf)
    projects = len(list(PROJECTS.glob("*.yaml")))
    pages = [page.extract_text() for page in reader.pages]
    numbers = _bibliography_numbers(reader)
    # The body (summary, projects, method) keeps the per-project budget; the bibliography grows
    # with the sources the research cites (quoted profiles cite 350+), not with the projects, so
    # it has a density budget of its own: two columns, at least BIB_ENTRIES_PER_PAGE a page.
    first_bib_page = numbers[0][2]
    assert first_bib_page <= PAGES_PER_PROJECT * projects + 1, first_bib_page
    bib_pages = len(pages) - first_bib_page
    bib_budget = math.ceil(len(numbers) / BIB_ENTRIES_PER_PAGE) + 1
    assert bib_pages <= bib_budget, (bib_pages, len(numbers))
    # The summary is page 1: the ranking, the heat map and the red flags all start on it, and
    # each project starts a page of its own.
    assert "Summary" in pages[0] and "Pillar scores by project" in pages[0]
    assert "caps the band at" in pages[0]
    starts = [text.split("\n", 1)[0] for text in pages if re.match(r"\d+\. ", text)]
    assert [int(line.split(".")[0]) for line in starts[:projects]] == list(range(1, projects + 1))
    # No near-empty page before the bibliography; links print their URL.
    assert all(len(text) > 600 for text in pages[:-1]), [len(t) for t in pages]
    assert "<https://" in "".join(pages)
    # The title names the portfolio's countries, not only the criteria set's.
    assert "projects in Mongolia, Pakistan and Zambia: risk report" in " ".join(pages[0].split())
    # The two-column bibliography keeps each entry's number inside its own column: it used to
    # hang left of the column, cut at the page edge ("160." printed with the 1 cut to a
    # dotless i) and run into the text of the column before.
    assert len(numbers) > 100 and max(n for n, _, _ in numbers) >= 100
    page_width = float(reader.pages[-1].mediabox.width)
    left, gap = 12 / 25.4 * 72, 18 * 0.75  # @page margin 12 mm; column-gap 18 px in points
    second = page_width / 2 + gap / 2
    for number, x, page in numbers:
        assert x >= left - 0.5, (number, x, page)
        assert not (second - gap - 0.5 < x < second - 0.5), (number, x, page)


def _bibliography_numbers(reader: PdfReader) -> list[tuple[int, float, int]]:
    """(number, left edge in points, page) of each numbered source entry after "Sources": the
    text runs that read 1, 2, 3, ... in order (with or without their full stop)."""
    found: list[tuple[int, float, int]] = []
    started = False
    for index, page in enumerate(reader.pages):
        items: list[tuple[str, float]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            items.append((text.strip(), tm[4] * cm[0] + tm[5] * cm[2] + cm[4]))  # noqa: B023

        page.extract_text(visitor_text=visit)
        for text, x in items:
            started = started or text == "Sources"
            if started and text.rstrip(".") == str(len(found) + 1):
                found.append((len(found) + 1, x, index))
    return found
