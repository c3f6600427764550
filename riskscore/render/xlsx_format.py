"""An Excel workbook an analyst can filter and chart (XlsxWriter, the `riskscore[xlsx]` extra).

Sheets: Ranking (one row per project, best first, every scalar scorecard field and one column
per pillar), Scores and Status (project x criterion matrices of the 0-1 criterion score and
its status), Results (one row per project and criterion, for filters and pivot tables), Facts
(each fact a project states or lacks, with its sources and links), Criteria (the set: pillar
and criterion weights, red flags, what each measures). Returns bytes; the CLI writes them.
"""

from __future__ import annotations

import datetime as dt
import io
import typing
from typing import Any

from riskscore.engine.scorecard import Report, Scorecard
from riskscore.errors import UsageError

FIXED_DATE = dt.datetime(2000, 1, 1)
"""The workbook's `created` property, fixed so that the same report gives the same bytes."""


_CELL = (str, int, float, bool, type(None))


def _fits_a_cell(annotation: Any) -> bool:
    """A scalar, an optional scalar, or a list/tuple of scalars (joined with '; ')."""
    if annotation in _CELL:
        return True
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (list, tuple):
        return all(a in _CELL or a is Ellipsis for a in args)
    return bool(args) and all(_fits_a_cell(a) for a in args)


SCALAR_FIELDS = [n for n, f in Scorecard.model_fields.items() if _fits_a_cell(f.annotation)]
"""Scorecard fields shown on the Ranking sheet: every field that fits one cell, including
fields added to the model later (a score range, an evidence verdict, ...)."""


def _scalars(card: Scorecard) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(card, name)
        out[name] = "; ".join(map(str, value)) if isinstance(value, list | tuple) else value
    return out


def _criteria_ids(report: Report) -> list[str]:
    ids = dict.fromkeys(c.id for c in report.criteria)
    ids.update(dict.fromkeys(r.id for card in report.scorecards for r in card.criteria))
    return list(ids)


def check() -> None:
    """Raise UsageError (exit 2) when XlsxWriter is not installed; called before scoring."""
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        raise UsageError("--format xlsx needs XlsxWriter: pip install 'riskscore[xlsx]'") from None


def render_bytes(report: Report) -> bytes:
    """The workbook as .xlsx bytes. Raises UsageError when XlsxWriter is not installed."""
    check()
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_urls": False})
    book.set_properties({"title": "riskscore report", "created": FIXED_DATE})
    fmt = {
        "head": book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1}),
        "num": book.add_format({"num_format": "0.00"}),
        "link": book.add_format({"font_color": "blue", "underline": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    _ranking(book, report, fmt)
    _matrices(book, report, fmt)
    _results(book, report, fmt)
    _facts(book, report, fmt)
    _criteria(book, report, fmt)
    book.close()
    return buffer.getvalue()


def _table(sheet: Any, headers: list[str], rows: list[list[Any]], fmt: dict[str, Any]) -> None:
    """Headers, rows, a frozen header row and an autofilter over the whole range."""
    sheet.write_row(0, 0, headers, fmt["head"])
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, float):
                sheet.write_number(i, j, value, fmt["num"])
            elif value is None:
                sheet.write_blank(i, j, None)
            else:
                sheet.write(i, j, value)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    for j, name in enumerate(headers):
        width = max([len(str(name)), *(len(str(r[j])) for r in rows[:200] if r[j] is not None)])
        sheet.set_column(j, j, min(max(width + 2, 8), 60))


def _ranking(book: Any, report: Report, fmt: dict[str, Any]) -> None:
    cards = sorted(report.scorecards, key=lambda c: (-c.score, c.project))
    fields = list(dict.fromkeys(k for c in cards for k in _scalars(c)))
    pillars = list(dict.fromkeys(p.id for c in cards for p in c.pillars))
    headers = ["rank", *fields, "red_flags", *(f"pillar_{p}" for p in pillars)]
    rows = []
    for rank, card in enumerate(cards, start=1):
        scalars = _scalars(card)
        scores = {p.id: p.score for p in card.pillars}
        rows.append(
            [
                rank,
                *(scalars.get(f) for f in fields),
                "; ".join(f.criterion for f in card.flags),
                *(scores.get(p) for p in pillars),
            ]
        )
    _table(book.add_worksheet("Ranking"), headers, rows, fmt)


def _matrices(book: Any, report: Report, fmt: dict[str, Any]) -> None:
    ids = _criteria_ids(report)
    by_card = [(c, {r.id: r for r in c.criteria}) for c in report.scorecards]
    scores = [[c.project, *(_score(res.get(i)) for i in ids)] for c, res in by_card]
    sheet = book.add_worksheet("Scores")
    _table(sheet, ["project", *ids], scores, fmt)
    if ids and scores:
        sheet.conditional_format(
            1,
            1,
            len(scores),
            len(ids),
            {
                "type": "3_color_scale",
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": 1,
            },
        )
    statuses = [
        [c.project, *(res[i].status if i in res else None for i in ids)] for c, res in by_card
    ]
    _table(book.add_worksheet("Status"), ["project", *ids], statuses, fmt)


def _score(result: Any) -> float | None:
    return None if result is None or result.score is None else float(result.score)


def _results(book: Any, report: Report, fmt: dict[str, Any]) -> None:
    headers = [
        "project",
        "criterion",
        "pillar",
        "status",
        "score",
        "points",
        "max_points",
        "coverage",
        "waived",
        "explanation",
    ]
    rows = [
        [
            c.project,
            r.id,
            r.pillar,
            r.status,
            _score(r),
            float(r.points),
            float(r.max_points),
            float(r.coverage),
            r.waiver is not None and r.waiver.active,
            r.explanation,
        ]
        for c in report.scorecards
        for r in c.criteria
    ]
    _table(book.add_worksheet("Results"), headers, rows, fmt)


def _facts(book: Any, report: Report, fmt: dict[str, Any]) -> None:
    headers = [
        "project",
        "fact",
        "value",
        "known",
        "assumption",
        "line",
        "sources",
        "source titles",
        "link",
    ]
    sheet = book.add_worksheet("Facts")
    rows, links = [], []
    for card in report.scorecards:
        seen: set[str] = set()
        for result in card.criteria:
            for fact in result.facts:
                if fact.id in seen:
                    continue
                seen.add(fact.id)
                cites = [card.citations[k] for k in fact.sources if k in card.citations]
                urls = [c.url for c in cites if c.url]
                titles = [c.title for c in cites] or list(fact.source_titles)
                value = fact.value if not isinstance(fact.value, bool) else str(fact.value).lower()
                rows.append(
                    [
                        card.project,
                        fact.id,
                        value,
                        fact.known,
                        fact.assumption,
                        fact.line,
                        "; ".join(fact.sources),
                        "; ".join(titles),
                        urls[0] if urls else None,
                    ]
                )
                links.append(urls[0] if urls else None)
    _table(sheet, headers, rows, fmt)
    for i, url in enumerate(links, start=1):
        if url and len(url) <= 2079:  # Excel's limit for a hyperlink
            sheet.write_url(i, len(headers) - 1, url, fmt["link"], url)


def _criteria(book: Any, report: Report, fmt: dict[str, Any]) -> None:
    first = report.scorecards[0] if report.scorecards else None
    pillar_weight = {p.id: p.weight for p in first.pillars} if first else {}
    headers = [
        "criterion",
        "title",
        "pillar",
        "pillar weight",
        "weight",
        "red flag",
        "measures",
        "sources",
        "remediation",
    ]
    rows = [
        [
            c.id,
            c.title,
            c.pillar,
            pillar_weight.get(c.pillar),
            float(c.weight),
            f"{c.gate.severity}, caps at {c.gate.cap}" if c.gate else None,
            c.measures,
            "; ".join(c.sources),
            c.remediation,
        ]
        for c in report.criteria
    ]
    sheet = book.add_worksheet("Criteria")
    _table(sheet, headers, rows, fmt)
    info = report.criteria_set
    sheet.write_row(
        len(rows) + 2, 0, ["criteria set", info.name, info.version, info.hash, info.lens or ""]
    )
