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

from typing import Any

from riskscore.engine.scorecard import Report, Scorecard
from riskscore.render import RenderOptions

_EACH = "__all__"
CRITERIA_TEXT: dict[str, Any] = {
    "band_title": True,
    "band_meaning": True,
    "pillars": {_EACH: {"title"}},
    "criteria": {
        _EACH: {
            "title": True,
            "sources": True,
            "remediation": True,
            "facts": {_EACH: {"source_titles"}},
        }
    },
    "improvements": {_EACH: {"title", "remediation"}},
    "flags": {_EACH: {"message"}},
    "unverified_flags": {_EACH: {"message"}},
    "criteria_set": {"bands"},
}
"""Fields left out of each line (pydantic `exclude` shape): criteria text, given by id."""


def line(card: Scorecard) -> bytes:
    """One scorecard as one line of UTF-8 JSON (no spaces, keys in model order, with `\\n`)."""
    return card.__pydantic_serializer__.to_json(card, exclude=CRITERIA_TEXT) + b"\n"


def render(report: Report, options: RenderOptions) -> str:
    return b"".join(line(card) for card in report.scorecards).decode("utf-8")
