"""CSV, one row per project, so a portfolio can be sorted, charted and joined in a spreadsheet.

Columns, in this order: project, slug, path, country, score, score_low, score_high, band,
band_low, band_high, evidence_sufficient, band_reason, band_before_caps, coverage,
coverage_sourced, coverage_assumed, governance_score, context_rating, red_flags (criterion
ids joined by ';'), one pillar_<id> per pillar (empty when the pillar has no applicable
criterion), criteria_set, criteria_version, criteria_hash, lens; with `evaluate --baseline`,
then new_findings and absent_findings (finding ids joined by ';') and unchanged_findings (a
count).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from riskscore.engine.scorecard import Report, Scorecard
from riskscore.render import RenderOptions
from riskscore.render.escape import csv_cell

HEAD = [
    "project",
    "slug",
    "path",
    "country",
    "score",
    "score_low",
    "score_high",
    "band",
    "band_low",
    "band_high",
    "evidence_sufficient",
    "band_reason",
    "band_before_caps",
    "coverage",
    "coverage_sourced",
    "coverage_assumed",
    "governance_score",
    "context_rating",
    "red_flags",
]
TAIL = ["criteria_set", "criteria_version", "criteria_hash", "lens"]
BASELINE = ["new_findings", "unchanged_findings", "absent_findings"]
"""Columns added when the run compares with a baseline (`evaluate --baseline`)."""


def _row(card: Scorecard) -> dict[str, object]:
    info = card.criteria_set
    row: dict[str, object] = {
        "project": card.project,
        "slug": card.slug,
        "path": card.path,
        "country": card.country,
        "score": card.score,
        "score_low": card.score_range[0],
        "score_high": card.score_range[1],
        "band": card.band,
        "band_low": card.band_range[0],
        "band_high": card.band_range[1],
        "evidence_sufficient": "true" if card.evidence_sufficient else "false",
        "band_reason": card.band_reason,
        "band_before_caps": card.band_before_caps,
        "coverage": card.coverage,
        "coverage_sourced": card.coverage_sourced,
        "coverage_assumed": card.coverage_assumed,
        "governance_score": "" if card.governance_score is None else card.governance_score,
        "context_rating": card.context_rating or "",
        "red_flags": ";".join(f.criterion for f in card.flags),
        "criteria_set": info.name,
        "criteria_version": info.version,
        "criteria_hash": info.hash,
        "lens": info.lens or "",
    }
    row.update({f"pillar_{p.id}": "" if p.score is None else p.score for p in card.pillars})
    if card.baseline is not None:
        row["new_findings"] = ";".join(card.baseline.new)
        row["unchanged_findings"] = len(card.baseline.unchanged)
        row["absent_findings"] = ";".join(card.baseline.absent)
    return row


def render(report: Report, options: RenderOptions) -> str:
    return "".join(stream(report.scorecards, report, options))


def stream(cards: Iterable[Scorecard], frame: Report, options: RenderOptions) -> Iterator[str]:
    """The same text as render(), one row at a time, holding one scorecard at a time.

    The header waits for the first scorecard: its pillars are the columns (every scorecard of
    a run has the same pillars, in the set's order); with none, there are no pillar columns."""
    out = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for card in cards:
        if writer is None:
            head = [*HEAD, *(f"pillar_{p.id}" for p in card.pillars), *TAIL]
            head += BASELINE if card.baseline is not None else []
            writer = csv.DictWriter(out, fieldnames=head, lineterminator="\n")
            writer.writeheader()
        writer.writerow({k: csv_cell(v) for k, v in _row(card).items()})
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if writer is None:
        csv.DictWriter(out, fieldnames=[*HEAD, *TAIL], lineterminator="\n").writeheader()
        yield out.getvalue()
