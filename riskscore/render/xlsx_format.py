"""An Excel workbook an analyst can filter and chart (XlsxWriter, the `riskscore[xlsx]` extra).

Sheets: Ranking (one row per project, best first, every scalar scorecard field and one column
per pillar), Scores and Status (project x criterion matrices of the 0-1 criterion score and
its status), Results (one row per project and criterion, for filters and pivot tables), Facts
(each fact a project states or lacks, with its sources and links), Criteria (the set: pillar
and criterion weights, red flags, what each measures).

Written as the scorecards arrive (XlsxWriter's constant-memory mode), so a portfolio of any
size needs memory for one scorecard and a short ranking row per project. The CLI opens the
file; this module writes into the handle it is given.
"""

from __future__ import annotations

import datetime as dt
import io
import typing
from collections.abc import Iterable
from typing import Any, BinaryIO

from riskscore.analysis.portfolio import competition_ranks, rank_key
from riskscore.engine.scorecard import CriteriaSetInfo, CriterionInfo, Report, Scorecard
from riskscore.errors import UsageError

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
    group_by: str | None = None,
) -> None:
    """Write the workbook into `handle`, consuming `cards` one at a time.

    With `group_by` (`evaluate --group-by`, a key of analysis.views), the Ranking sheet starts
    with a column of that key and ranks each group on its own (a project with several values,
    such as two commodities, has a row in each group). Raises UsageError when XlsxWriter is
    not installed.
    """
    check()
    import xlsxwriter

    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_urls": False})
    book.set_properties({"title": "riskscore report", "created": FIXED_DATE})
    fmt = {
        "head": book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1}),
        "num": book.add_format({"num_format": "0.00"}),
        "link": book.add_format({"font_color": "blue", "underline": 1}),
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
    for sheet in (scores, status, results, facts):
        sheet.close()
    _ranking(_Sheet(ranking, [], fmt), light, info.bands, group_by)
    _criteria(_Sheet(book.add_worksheet("Criteria"), CRITERIA_HEADERS, fmt), criteria,
              pillar_weight, info)  # fmt: skip
    book.close()


class _Sheet:
    """A worksheet written row by row: header, frozen panes, filter and widths at the end."""

    def __init__(self, sheet: Any, headers: list[str], fmt: dict[str, Any]) -> None:
        self.sheet, self.fmt, self.rows = sheet, fmt, 0
        self.widths: list[int] = []
        if headers:
            self.head(headers)

    def head(self, headers: list[str]) -> None:
        self.headers = headers
        self.sheet.write_row(0, 0, headers, self.fmt["head"])
        self.widths = [len(h) for h in headers]

    def add(self, row: list[Any], link: str | None = None) -> None:
        self.rows += 1
        for j, value in enumerate(row):
            if isinstance(value, float):
                self.sheet.write_number(self.rows, j, value, self.fmt["num"])
            elif value is None:
                continue
            elif j == len(row) - 1 and link and len(link) <= 2079:  # Excel's hyperlink limit
                self.sheet.write_url(self.rows, j, link, self.fmt["link"], value)
            else:
                self.sheet.write(self.rows, j, value)
            if self.rows <= 200:
                self.widths[j] = max(self.widths[j], len(str(value)))

    def close(self) -> None:
        self.sheet.freeze_panes(1, 1)
        self.sheet.autofilter(0, 0, max(self.rows, 1), len(self.headers) - 1)
        for j, width in enumerate(self.widths):
            self.sheet.set_column(j, j, min(max(width + 2, 8), 60))


def _scalars(card: Scorecard) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(card, name)
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
    head = ["rank", *SCALAR_FIELDS, "red_flags", *(f"pillar_{p}" for p in pillars)]
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
            row = [shared[i], *(scalars[f] for f in SCALAR_FIELDS), flags or None]
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
    sheet.sheet.write_row(sheet.rows + 1, 0, ["criteria set", info.name, info.version, info.hash,
                                               info.lens or ""])  # fmt: skip
