"""`riskscore evidence`: the research queue as a terminal table, markdown, JSON or CSV.

Pure: takes the ResearchQueue that riskscore.analysis.research_queue computed and draws it.
Profile text (fact ids, paths, details) is escaped for each consumer (riskscore.render.escape).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from tabulate import tabulate

from riskscore.analysis.research_queue import Check, ResearchQueue, UnknownFact
from riskscore.render import RenderOptions
from riskscore.render.common import console_text
from riskscore.render.escape import csv_cell, md_cell, plain
from riskscore.render.layout import Column, fit_table

KIND_TITLES = {
    "stale": "stale",
    "going_stale": "going stale",
    "assumption": "assumption",
    "unquoted": "no quote",
}

CSV_HEAD = [
    "rank",
    "kind",
    "profile",
    "path",
    "line",
    "fact",
    "settles_flags",
    "trips_on",
    "settles_band",
    "settles_evidence",
    "evidence_after",
    "narrows",
    "score_low",
    "score_high",
    "width_after_min",
    "width_after_max",
    "band_low",
    "band_high",
    "band_steps",
    "band_steps_after",
    "points",
    "criteria",
    "searched",
    "detail",
]
"""The CSV's columns: one row per unknown fact (kind `unknown`, ranked) then one per check
(kind `stale`, `going_stale`, `assumption` or `unquoted`, rank empty)."""


def settles_text(row: UnknownFact) -> str:
    """What documenting the fact settles, in words: `red flag bribery-and-peps (caps at poor;
    trips if substantiated_open); band; evidence`, or `nothing on its own`."""
    parts = []
    for flag in row.settles_flags:
        trips = f"; trips if {' or '.join(row.trips_on)}" if row.trips_on else "; clears"
        parts.append(f"red flag {flag.criterion} (caps at {flag.cap}{trips})")
    if row.settles_band:
        parts.append("band")
    if row.settles_evidence:
        parts.append("evidence (sufficient whatever the value)")
    return "; ".join(parts) or "nothing on its own"


def _band_text(row: UnknownFact) -> str:
    """`2 → ≤1`: band steps of today's band range, and the most once the fact is known."""
    return f"{row.band_steps} → ≤{row.band_steps_after}"


def _where(check: Check) -> str:
    return f"{check.path}:{check.line}" if check.line else check.path


def _portfolio(queue: ResearchQueue) -> bool:
    return len(queue.profiles) > 1


def _unknown_rows(queue: ResearchQueue) -> list[list[str]]:
    many = _portfolio(queue)
    return [
        [
            str(rank),
            *([row.profile] if many else []),
            row.fact,
            settles_text(row),
            f"{row.narrows:.2f}",
            _band_text(row),
            f"{row.points:.2f}",
            row.searched or "",
        ]
        for rank, row in enumerate(queue.unknowns, start=1)
    ]


_UNKNOWN_HEAD = ["#", "fact", "settles", "narrows", "band steps", "points", "searched"]


def _unknown_head(queue: ResearchQueue) -> list[str]:
    head = list(_UNKNOWN_HEAD)
    if _portfolio(queue):
        head.insert(1, "profile")
    return head


def _check_rows(queue: ResearchQueue) -> list[list[str]]:
    return [[KIND_TITLES[c.kind], c.profile, c.fact, _where(c), c.detail] for c in queue.checks]


_CHECK_HEAD = ["check", "profile", "fact", "where", "detail"]

_COUNT_KEEP = [
    ("unknown", 10),
    ("settle a flag", 9),
    ("unverified flags", 8),
    ("stale", 7),
    ("going stale", 5),
    ("assumed", 6),
    ("no quote", 7),
]
"""The count columns after coverage, and how long each stays when the terminal is narrow."""
_COUNT_HEAD = ["profile", "band", "evidence", "coverage", *(h for h, _ in _COUNT_KEEP)]


def _count_rows(queue: ResearchQueue) -> list[list[str]]:
    return [
        [
            p.profile,
            p.band,
            "sufficient" if p.evidence_sufficient else "insufficient",
            f"{p.coverage:.1f}%",
            str(p.unknown),
            str(p.settle_a_flag),
            str(p.unverified_flags),
            str(p.stale),
            str(p.going_stale),
            str(p.assumptions),
            str(p.unquoted),
        ]
        for p in queue.profiles
    ]


def _titles(queue: ResearchQueue) -> tuple[str, str, str]:
    return (
        "Unknown facts, ranked by what documenting them would settle (narrows: points the "
        "score range is sure to narrow by; band steps: today → at most, once known)",
        f"Facts to re-check (as of {queue.as_of}; going stale within {queue.within} months)",
        "Per profile",
    )


def render_table(queue: ResearchQueue, options: RenderOptions) -> str:
    """Three tables: the ranked unknown facts, the facts to re-check, the per-profile counts."""
    unknown_title, check_title, count_title = _titles(queue)
    many = _portfolio(queue)
    unknown_cols = [
        Column("#", "figure", "right"),
        *([Column("profile", "id", keep=4)] if many else []),
        Column("fact", "id"),
        Column("settles", "prose", keep=5, ratio=2),
        Column("narrows", "figure", "right", keep=3),
        Column("band\nsteps", "id", keep=2),
        Column("points", "figure", "right", keep=1),
        Column("searched", "id", keep=0),
    ]
    check_cols = [
        Column("check", "id"),
        Column("profile", "id", keep=1),
        Column("fact", "id"),
        Column("where", "id", keep=3),
        Column("detail", "prose", keep=2),
    ]
    count_cols = [
        Column("profile", "id"),
        Column("band", "id", keep=2),
        Column("evidence", "id", keep=3),
        Column("coverage", "figure", "right", keep=4),
        *[Column(h.replace(" ", "\n"), "figure", "right", keep=k) for h, k in _COUNT_KEEP],
    ]
    parts: list[RenderableType] = [
        Text(
            f"Research queue as of {queue.as_of}: {len(queue.unknowns)} unknown fact(s), "
            f"{len(queue.checks)} fact(s) to re-check, {len(queue.profiles)} profile(s)",
            style="bold",
        )
    ]
    if queue.unknowns:
        parts.append(fit_table(unknown_cols, _unknown_rows(queue), options.width, unknown_title))
    if queue.checks:
        parts.append(fit_table(check_cols, _check_rows(queue), options.width, check_title))
    parts.append(fit_table(count_cols, _count_rows(queue), options.width, count_title))
    return console_text(options, *parts, markup=False)


def render_markdown(queue: ResearchQueue) -> str:
    """The same three tables as GitHub markdown, every cell escaped (md_cell)."""
    unknown_title, check_title, count_title = _titles(queue)

    def table(head: list[str], rows: list[list[str]]) -> str:
        cells = [[md_cell(c) for c in row] for row in rows]
        return tabulate(cells, headers=head, tablefmt="github", disable_numparse=True)

    lines = [
        f"# Research queue as of {queue.as_of}",
        "",
        f"{len(queue.unknowns)} unknown fact(s), {len(queue.checks)} fact(s) to re-check, "
        f"{len(queue.profiles)} profile(s).",
    ]
    if queue.unknowns:
        lines += ["", f"## {unknown_title}", "", table(_unknown_head(queue), _unknown_rows(queue))]
    if queue.checks:
        lines += ["", f"## {check_title}", "", table(_CHECK_HEAD, _check_rows(queue))]
    lines += ["", f"## {count_title}", "", table(_COUNT_HEAD, _count_rows(queue))]
    return plain("\n".join(lines) + "\n")


def as_data(queue: ResearchQueue) -> dict[str, Any]:
    """The queue as JSON data: each unknown fact with its rank and `narrows`, then the checks
    and the per-profile counts, field names as in riskscore.analysis.research_queue."""
    unknowns = []
    for rank, row in enumerate(queue.unknowns, start=1):
        data = asdict(row)
        unknowns.append(
            {"rank": rank, **data, "narrows": row.narrows, "settles": settles_text(row)}
        )
    return {
        "as_of": queue.as_of,
        "within_months": queue.within,
        "unknowns": unknowns,
        "checks": [asdict(c) for c in queue.checks],
        "profiles": [asdict(p) for p in queue.profiles],
    }


def render_json(queue: ResearchQueue) -> str:
    return json.dumps(as_data(queue), indent=2, ensure_ascii=False) + "\n"


def render_csv(queue: ResearchQueue) -> str:
    """One row per unknown fact, then one per check (CSV_HEAD); text cells that a spreadsheet
    would read as a formula are escaped (csv_cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEAD)
    for rank, row in enumerate(queue.unknowns, start=1):
        values: list[Any] = [
            rank,
            "unknown",
            row.profile,
            row.path,
            "",
            row.fact,
            ";".join(f"{f.criterion}:{f.cap}" for f in row.settles_flags),
            ";".join(row.trips_on),
            str(row.settles_band).lower(),
            str(row.settles_evidence).lower(),
            row.evidence_after,
            row.narrows,
            row.score_range[0],
            row.score_range[1],
            row.score_width_after[0],
            row.score_width_after[1],
            row.band_range[0],
            row.band_range[1],
            row.band_steps,
            row.band_steps_after,
            row.points,
            ";".join(row.criteria),
            row.searched or "",
            settles_text(row),
        ]
        writer.writerow([csv_cell(v) for v in values])
    for check in queue.checks:
        values = [
            "",
            check.kind,
            check.profile,
            check.path,
            check.line or "",
            check.fact,
            *[""] * 16,
            "",
            check.detail,
        ]
        writer.writerow([csv_cell(v) for v in values])
    return out.getvalue()


RENDERERS = {
    "table": render_table,
    "markdown": lambda q, _options: render_markdown(q),
    "json": lambda q, _options: render_json(q),
    "csv": lambda q, _options: render_csv(q),
}
"""The formats `riskscore evidence --format` offers, by name."""


def render(queue: ResearchQueue, fmt: str, options: RenderOptions) -> str:
    """The queue in format `fmt` (a key of RENDERERS)."""
    return RENDERERS[fmt](queue, options)
