"""JSON Lines: one compact scorecard per line, the portfolio format for jq, pandas and DuckDB.

Each line is the Scorecard model as `--format json` writes it, without indentation and
without the text that belongs to the criteria set rather than the project: criterion,
pillar and band titles, band meanings, criterion sources and remediation, red-flag messages
and the fact citations' titles (each line's `citations` holds every cited source once).
Those are read by id from `riskscore criteria --format json`; a remediation is the criterion's
`remediation`, followed by a space and its `country_advice[country_iso]` when the line's
`country_iso` has advice. Every other field, including fields added to the Scorecard model
later, is written as is.
"""

from __future__ import annotations

from riskscore.analysis.portfolio import line
from riskscore.engine.scorecard import Report
from riskscore.render import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    return b"".join(line(card) for card in report.scorecards).decode("utf-8")
