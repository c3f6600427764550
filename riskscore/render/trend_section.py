"""The HTML report's trend: a project's score at each committed version (`report --history`).

Kept apart from html_report.py, as the uncertainty section is; project.html.j2 includes
`partials/trend.html.j2` when a project has a trend. The figures come from
analysis/history.py (the same series `riskscore history` prints), scored with the report's
criteria set, so the last point is the score on the page when the work tree is committed.
"""

from __future__ import annotations

from typing import Any

from riskscore.analysis.history import History, HistoryStep
from riskscore.render.history import what_changed
from riskscore.render.svg import BandScale
from riskscore.render.trend_svg import TrendPoint, trend_chart

TREND_STEPS = 12
"""The chart and its table show the latest 12 versions, so a long history keeps the printed
page budget; `riskscore history` lists them all."""
SHORT = 7
"""Hash digits shown, as `git log --oneline` shows them."""


def _short(step: HistoryStep) -> str:
    return step.commit if step.date is None else step.commit[:SHORT]


def trend_context(h: History | None, bands: list[BandScale]) -> dict[str, Any] | None:
    """What `partials/trend.html.j2` shows for one project, or None without a history (the
    profile is not in a git repository, or --history was not given).

    One version gives {"single": step} and a one-line note; two or more give the chart, one
    table row per version (version, date, score and move, range, band, what changed) and
    `earlier`, the number of older versions left out (see TREND_STEPS). Both carry
    `truncated`: why git's history is cut off (a shallow clone), or None.
    """
    if h is None or not h.steps:
        return None
    if len(h.steps) == 1:
        return {
            "single": h.steps[0],
            "short": _short(h.steps[0]),
            "path": h.path,
            "truncated": h.truncated,
        }
    by_id = {b.id: b for b in bands}
    notes: list[str] = []
    previous: HistoryStep | None = None
    for step in h.steps:
        notes.append(what_changed(step, previous))
        if step.score is not None:
            previous = step
    shown = list(zip(h.steps, notes, strict=True))[-TREND_STEPS:]
    points = [
        TrendPoint(
            _short(s),
            s.date or "uncommitted",
            s.score,
            s.score_range[0] if s.score_range else None,
            s.score_range[1] if s.score_range else None,
            note,
        )
        for s, note in shown
    ]
    loaded = [s.score for s, _ in shown if s.score is not None]
    label = f"Score of {h.project} at each of its last {len(shown)} versions" + (
        f", from {loaded[0]:.2f} to {loaded[-1]:.2f}" if loaded else ""
    )
    rows = [
        {
            "step": s,
            "short": _short(s),
            "note": note,
            "band": by_id.get(s.band) if s.band else None,
            "delta": s.change.delta if s.change else None,
        }
        for s, note in shown
    ]
    return {
        "single": None,
        "path": h.path,
        "chart": trend_chart(points, bands, label) if loaded else None,
        "rows": rows,
        "earlier": len(h.steps) - len(shown),
        "truncated": h.truncated,
    }
