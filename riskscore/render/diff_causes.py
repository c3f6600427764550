"""The causes of a move in a diff, as text: the criteria/facts split, changed facts, renames.

Shared by the table and markdown views of riskscore/render/diff.py; nothing recomputed.
"""

from __future__ import annotations

from riskscore.analysis.attribution import Attribution, FactChange
from riskscore.analysis.criteria_diff import CriteriaDiff, ProjectDiff

FACT_HEADERS = ["fact", "change", "old", "new", "source"]


def share(value: float | None) -> str:
    """A signed share in points: 2 decimals, a third only when a halved interaction needs it."""
    if value is None:
        return "?"
    if value == 0:
        return "0.00"
    text = f"{value:+.3f}"
    return text[:-1] if text.endswith("0") else text


def causes_line(a: Attribution | None) -> str:
    """'criteria change -10.00, fact changes +2.00 (alone: ...)' or why there is no split."""
    if a is None:
        return ""
    if a.criteria_share is None:
        return a.note or "the move cannot be split"
    text = f"criteria change {share(a.criteria_share)}, fact changes {share(a.facts_share)}"
    if a.interaction:
        text += (
            f" (alone: criteria {share(a.criteria)}, facts {share(a.facts)}; interaction "
            f"{share(a.interaction)}, split equally)"
        )
    return text


def _value(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fact_rows(facts: list[FactChange]) -> list[list[str]]:
    """One row per changed fact: id, kind, old and new value, the sources of each."""
    rows = []
    for f in facts:
        if f.old_sources == f.new_sources:
            sources = "; ".join(f.new_sources)
        else:
            before = "; ".join(f.old_sources) or "–"
            after = "; ".join(f.new_sources) or "–"
            sources = f"{before} → {after}"
        rows.append([f.id, f.kind, _value(f.old), _value(f.new), sources])
    return rows


def profile_lines(diff: CriteriaDiff) -> list[str]:
    """One line per profile added, removed or renamed between the two sides."""
    lines = []
    for p in diff.projects:
        if p.status == "added":
            lines.append(f"added `{p.path}` ({p.project}){_scored(p.new_score, p.new_band)}")
        elif p.status == "removed":
            lines.append(f"removed `{p.path}` ({p.project}){_scored(p.old_score, p.old_band)}")
        elif p.status == "renamed":
            lines.append(f"renamed `{p.old_path}` → `{p.path}` ({p.project})")
    return lines


def _scored(score: float | None, band: str | None) -> str:
    return "" if score is None else f": {score:.2f}, {band}"


def split_shown(p: ProjectDiff) -> bool:
    """The causes line is worth a line when facts changed value (else it is all criteria)."""
    return bool(p.delta) and any(f.kind != "resourced" for f in p.facts)


def explained(p: ProjectDiff) -> bool:
    """Projects that get their own 'why' section: they move, or their facts changed."""
    return p.moved or bool(p.facts)
