"""An Excel workbook an analyst can filter and chart (XlsxWriter, the `riskscore[xlsx]` extra).

Sheets: Ranking (one row per project, best first, every scalar scorecard field and one column
per pillar), Scores and Status (project x criterion matrices of the 0-1 criterion score and
its status), Results (one row per project and criterion, for filters and pivot tables), Facts
(each fact a project states or lacks, with its sources and links), Criteria (the set: pillar
and criterion weights, red flags, what each measures).

Written as the scorecards arrive (XlsxWriter's constant-memory mode), so a portfolio of any
size needs memory for one scorecard and a short ranking row per project. The CLI opens the
file; this module writes into the handle it is given.

Text is data: every text cell is written with `write_string` (and the workbook is opened with
`strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` off), so a profile name such
as `=WEBSERVICE(...)` is a string cell, never a formula; riskscore writes no formula at all.
Numbers are number cells, `as_of` a date cell, each range (`score_range`, `band_range`) two
columns (`score_low`, `score_high`, ...). Every sheet prints landscape, one page wide, with
its header row repeated on each page.

Excel holds at most 65,530 links per worksheet (MAX_URLS): past that a source's URL is
written as plain text, and the Facts sheet and a note (`notes`, printed on stderr by the CLI)
say how many. A text longer than a cell holds (MAX_CELL_CHARS) ends with CUT_MARK and a note
says how many were cut. XlsxWriter's own warnings never reach stderr raw; they become notes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import typing
import warnings
from collections.abc import Iterable
from typing import Any, BinaryIO

from riskscore.analysis.portfolio import competition_ranks, rank_key
from riskscore.engine.scorecard import CriteriaSetInfo, CriterionInfo, Report, Scorecard
from riskscore.errors import UsageError
from riskscore.render.escape import xlsx_text

FIXED_DATE = dt.datetime(2000, 1, 1)
"""The workbook's `created` property, fixed so that the same report gives the same bytes."""
_CELL = (str, int, float, bool, type(None))


def _fits_a_cell(annotation: Any) -> bool:
    """A scalar, an optional scalar, or a list/tuple of scalars (joined with '; ')."""
    if annotation in _CELL:
        return True
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (list, tuple):
        return all(a in _CELL or a is Ellipsis for a in args)
    return bool(args) and all(_fits_a_cell(a) for a in args)


SCALAR_FIELDS = [n for n, f in Scorecard.model_fields.items() if _fits_a_cell(f.annotation)]
"""Scorecard fields shown on the Ranking sheet: every field that fits one cell, including
fields added to the model later (a score range, an evidence verdict, ...)."""

PAIRS = {
    n: (f"{n.removesuffix('_range')}_low", f"{n.removesuffix('_range')}_high")
    for n, f in Scorecard.model_fields.items()
    if typing.get_origin(f.annotation) is tuple and len(typing.get_args(f.annotation)) == 2
}
"""Two-value fields (`score_range`, `band_range`) shown as two columns each, low then high,
so a range sorts and charts as numbers (`score_low`, `score_high`, as in the CSV)."""

RANKING_FIELDS = [c for n in SCALAR_FIELDS for c in PAIRS.get(n, (n,))]
"""Ranking sheet columns from the scorecard, after `rank`."""

MAX_URLS = 65_530
"""Links Excel allows in one worksheet (Excel specifications and limits: "Hyperlinks in a
worksheet: 65,530"; XlsxWriter drops the rest with a warning)."""

MAX_CELL_CHARS = 32_767
"""Characters Excel holds in one cell (Excel specifications and limits); XlsxWriter would cut
a longer string without a word."""

CUT_MARK = " […]"
"""The end of a text cut to MAX_CELL_CHARS."""

MAX_URL_CHARS = 2_079
"""Longest link Excel accepts (XlsxWriter's limit since Excel 2016)."""

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_DATE_FORMATS = {1: "yyyy", 2: "yyyy-mm", 3: "yyyy-mm-dd"}
"""A date cell's display format by the precision the profile gave (YYYY, YYYY-MM, YYYY-MM-DD)."""


def check() -> None:
    """Raise UsageError (exit 2) when XlsxWriter is not installed; called before scoring."""
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        raise UsageError("--format xlsx needs XlsxWriter: pip install 'riskscore[xlsx]'") from None


def render_bytes(report: Report) -> bytes:
    """The whole workbook as .xlsx bytes (for a report already in memory)."""
    buffer = io.BytesIO()
    write(buffer, report.scorecards, report.criteria, report.criteria_set)
    return buffer.getvalue()


def write(
    handle: BinaryIO,
    cards: Iterable[Scorecard],
    criteria: list[CriterionInfo],
    info: CriteriaSetInfo,
    *,
    group_by: str | None = None,
    notes: list[str] | None = None,
) -> None:
    """Write the workbook into `handle`, consuming `cards` one at a time.

    With `group_by` (`evaluate --group-by`, a key of analysis.views), the Ranking sheet starts
    with a column of that key and ranks each group on its own (a project with several values,
    such as two commodities, has a row in each group). `notes`, when given, receives one line
    for each thing the workbook had to leave out or change to fit Excel (links past MAX_URLS
    written as text; any XlsxWriter warning). Raises UsageError when XlsxWriter is not
    installed.
    """
    check()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        left = _write(handle, cards, criteria, info, group_by)
    said = [f"XlsxWriter: {w.message}" for w in caught]
    if notes is not None:
        notes.extend(left + said)


def _write(
    handle: BinaryIO,
    cards: Iterable[Scorecard],
    criteria: list[CriterionInfo],
    info: CriteriaSetInfo,
    group_by: str | None = None,
) -> list[str]:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"title": "riskscore report", "created": FIXED_DATE})
    fmt = {
        "head": book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1}),
        "num": book.add_format({"num_format": "0.00"}),
        "link": book.add_format({"font_color": "blue", "underline": 1}),
        **{
            f"date{n}": book.add_format({"num_format": f, "align": "left"})
            for n, f in _DATE_FORMATS.items()
        },
    }
    ids = [c.id for c in criteria]
    ranking = book.add_worksheet("Ranking")  # first, filled in at the end
    scores = _Sheet(book.add_worksheet("Scores"), ["project", *ids], fmt)
    status = _Sheet(book.add_worksheet("Status"), ["project", *ids], fmt)
    results = _Sheet(book.add_worksheet("Results"), RESULT_HEADERS, fmt)
    facts = _Sheet(book.add_worksheet("Facts"), FACT_HEADERS, fmt)
    light: list[tuple[dict[str, Any], str, dict[str, float | None]]] = []
    pillar_weight: dict[str, float] = {}
    for card in cards:
        by_id = {r.id: r for r in card.criteria}
        scores.add([card.project, *(_score(by_id.get(i)) for i in ids)])
        status.add([card.project, *(by_id[i].status if i in by_id else None for i in ids)])
        for r in card.criteria:
            results.add(_result_row(card, r))
        for row, url in _fact_rows(card):
            facts.add(row, link=url)
        flags = "; ".join(f.criterion for f in card.flags)
        scalars = _scalars(card)
        if group_by is not None:
            from riskscore.analysis.views import values

            scalars[GROUPS] = values(card, group_by)
        light.append((scalars, flags, {p.id: p.score for p in card.pillars}))
        if not pillar_weight:
            pillar_weight = {p.id: p.weight for p in card.pillars}
    if ids and scores.rows:
        scale = {"type": "3_color_scale", "min_type": "num", "min_value": 0}
        scores.sheet.conditional_format(
            1, 1, scores.rows, len(ids), {**scale, "max_type": "num", "max_value": 1}
        )
    if facts.as_text:
        facts.sheet.write_string(facts.rows + 2, 0, LINKS_AS_TEXT.format(facts.as_text, MAX_URLS))
    for sheet in (scores, status, results, facts):
        sheet.close()
    ranked = _Sheet(ranking, [], fmt)
    _ranking(ranked, light, info.bands, group_by)
    described = _Sheet(book.add_worksheet("Criteria"), CRITERIA_HEADERS, fmt)
    _criteria(described, criteria, pillar_weight, info)
    book.close()
    notes = [LINKS_AS_TEXT.format(facts.as_text, MAX_URLS)] if facts.as_text else []
    cut = sum(s.cut for s in (ranked, scores, status, results, facts, described))
    if cut:
        notes.append(
            f"{cut:,} text cells were cut to Excel's {MAX_CELL_CHARS:,} characters per cell, "
            f"ending with '{CUT_MARK.strip()}'; --format json has the whole text."
        )
    return notes


LINKS_AS_TEXT = (
    "The Facts sheet has {0:,} source links written as plain text (`title <url>`), not as "
    "links: Excel allows {1:,} links per worksheet."
)


class _Sheet:
    """A worksheet written row by row: header, frozen panes, filter, widths and print setup
    at the end. Every value is written by its type: text as text, never a formula."""

    def __init__(self, sheet: Any, headers: list[str], fmt: dict[str, Any]) -> None:
        self.sheet, self.fmt, self.rows = sheet, fmt, 0
        self.widths: list[int] = []
        self.urls = 0
        self.as_text = 0
        """Links written as plain text because the sheet already holds MAX_URLS links."""
        self.cut = 0
        """Text cells cut to Excel's MAX_CELL_CHARS."""
        if headers:
            self.head(headers)

    def head(self, headers: list[str]) -> None:
        self.headers = headers
        for j, name in enumerate(headers):
            self.sheet.write_string(0, j, xlsx_text(name), self.fmt["head"])
        self.widths = [len(h) for h in headers]

    def add(self, row: list[Any], link: str | None = None) -> None:
        self.rows += 1
        for j, value in enumerate(row):
            if value is None:
                continue
            if j == len(row) - 1 and link:
                self._link(j, link, value)
            else:
                self.put(self.rows, j, value)
            if self.rows <= 200:
                self.widths[j] = max(self.widths[j], len(str(value)))

    def put(self, i: int, j: int, value: Any) -> None:
        """One cell by the value's type: bool, number, date (`dt.date`) or text."""
        if isinstance(value, bool):
            self.sheet.write_boolean(i, j, value)
        elif isinstance(value, float):
            self.sheet.write_number(i, j, value, self.fmt["num"])
        elif isinstance(value, int):
            self.sheet.write_number(i, j, value)
        elif isinstance(value, _Date):
            self.sheet.write_datetime(i, j, value.when, self.fmt[f"date{value.parts}"])
        else:
            text = xlsx_text(str(value))
            if len(text) > MAX_CELL_CHARS:
                self.cut += 1
                text = text[: MAX_CELL_CHARS - len(CUT_MARK)] + CUT_MARK
            self.sheet.write_string(i, j, text)

    def _link(self, j: int, url: str, text: Any) -> None:
        if len(url) > MAX_URL_CHARS:
            self.put(self.rows, j, text)
        elif self.urls >= MAX_URLS:
            self.as_text += 1
            self.sheet.write_string(self.rows, j, xlsx_text(f"{text} <{url}>"))
        else:
            self.urls += 1
            self.sheet.write_url(self.rows, j, url, self.fmt["link"], xlsx_text(str(text)))

    def close(self) -> None:
        self.sheet.freeze_panes(1, 1)
        self.sheet.autofilter(0, 0, max(self.rows, 1), len(self.headers) - 1)
        for j, width in enumerate(self.widths):
            self.sheet.set_column(j, j, min(max(width + 2, 8), 60))
        print_setup(self.sheet)


def print_setup(sheet: Any) -> None:
    """Landscape, one page wide (as many pages tall as needed), header row on every page."""
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


class _Date(typing.NamedTuple):
    """A profile date (YYYY, YYYY-MM or YYYY-MM-DD) as a date cell shown to that precision."""

    when: dt.datetime
    parts: int


def _date(text: str | None) -> _Date | str | None:
    """`text` as a date cell when it is a date, else as given (text or None)."""
    found = _DATE.match(text or "")
    if found is None:
        return text
    year, month, day = (int(g) if g else 1 for g in found.groups())
    try:
        return _Date(dt.datetime(year, month, day), sum(g is not None for g in found.groups()))
    except ValueError:
        return text


def _scalars(card: Scorecard) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(card, name)
        if name in PAIRS:
            out.update(zip(PAIRS[name], value, strict=True))
        elif name == "as_of":
            out[name] = _date(value)
        else:
            out[name] = "; ".join(map(str, value)) if isinstance(value, list | tuple) else value
    return out


def _score(result: Any) -> float | None:
    return None if result is None or result.score is None else float(result.score)


GROUPS = "__groups__"
"""Key of a ranking row's `--group-by` values among its scalars."""


def _ranking(
    sheet: _Sheet,
    light: list[tuple[dict[str, Any], str, dict[str, Any]]],
    bands: list[str],
    group_by: str | None = None,
) -> None:
    """The Ranking sheet in the one ranking's order and ranks (analysis.portfolio); with
    `group_by`, one block per group value, each ranked on its own, its value in a first column."""
    pillars = list(dict.fromkeys(p for _, _, scores in light for p in scores))
    head = ["rank", *RANKING_FIELDS, "red_flags", *(f"pillar_{p}" for p in pillars)]
    groups: list[tuple[str | None, list[Any]]] = [(None, light)]
    if group_by is not None:
        names = sorted({g for item in light for g in item[0][GROUPS]}, key=_group_order)
        groups = [(g, [item for item in light if g in item[0][GROUPS]]) for g in names]
        head.insert(0, group_by)
    sheet.head(head)
    for group, members in groups:
        keys = [
            rank_key(s["band"], bands, s["score"], s["project"], s["path"]) for s, _, _ in members
        ]
        order = sorted(range(len(members)), key=lambda i: keys[i])
        shared = competition_ranks(keys)
        for i in order:
            scalars, flags, scores = members[i]
            row = [shared[i], *(scalars[f] for f in RANKING_FIELDS), flags or None]
            sheet.add(
                ([group] if group_by is not None else []) + row + [scores.get(p) for p in pillars]
            )
    sheet.close()


def _group_order(value: str) -> tuple[bool, str]:
    """Groups alphabetically, the `none` and `unknown` groups last (as analysis.views)."""
    return value in ("none", "unknown"), value.lower()


RESULT_HEADERS = ["project", "criterion", "pillar", "status", "score", "points", "max_points",
                  "coverage", "waived", "explanation"]  # fmt: skip


def _result_row(card: Scorecard, r: Any) -> list[Any]:
    waived = r.waiver is not None and r.waiver.active
    return [card.project, r.id, r.pillar, r.status, _score(r), float(r.points),
            float(r.max_points), float(r.coverage), waived, r.explanation]  # fmt: skip


FACT_HEADERS = ["project", "fact", "value", "known", "assumption", "line", "sources",
                "source titles", "link"]  # fmt: skip


def _fact_rows(card: Scorecard) -> Iterable[tuple[list[Any], str | None]]:
    """Each fact the scorecard's criteria read, once, with the first source URL as a link."""
    seen: set[str] = set()
    for result in card.criteria:
        for fact in result.facts:
            if fact.id in seen:
                continue
            seen.add(fact.id)
            cites = [card.citations[k] for k in fact.sources if k in card.citations]
            urls = [c.url for c in cites if c.url]
            titles = [c.title for c in cites] or list(fact.source_titles)
            value = str(fact.value).lower() if isinstance(fact.value, bool) else fact.value
            url = urls[0] if urls else None
            keys = "; ".join(fact.sources) or None
            row = [card.project, fact.id, value, fact.known, fact.assumption, fact.line, keys]
            yield [*row, "; ".join(titles) or None, url], url


CRITERIA_HEADERS = ["criterion", "title", "pillar", "pillar weight", "weight", "red flag",
                    "measures", "sources", "remediation"]  # fmt: skip


def _criteria(
    sheet: _Sheet,
    criteria: list[CriterionInfo],
    pillar_weight: dict[str, float],
    info: CriteriaSetInfo,
) -> None:
    for c in criteria:
        flag = f"{c.gate.severity}, caps at {c.gate.cap}" if c.gate else None
        sheet.add([c.id, c.title, c.pillar, pillar_weight.get(c.pillar), float(c.weight), flag,
                   c.measures, "; ".join(c.sources), c.remediation])  # fmt: skip
    sheet.close()
    sheet.rows += 1
    for j, text in enumerate(["criteria set", info.name, info.version, info.hash, info.lens]):
        if text:
            sheet.put(sheet.rows + 1, j, text)
