"""The causes of a move in a diff, as text: the criteria/facts split, changed facts (a profile's
own or a country file's), country file changes, renames.

Shared by the table and markdown views of riskscore/render/diff.py; nothing recomputed.
"""

from __future__ import annotations

from riskscore.analysis.attribution import Attribution, FactChange
from riskscore.analysis.criteria_diff import CriteriaDiff, ProjectDiff
from riskscore.load.yaml_reader import plain_scalar

FACT_HEADERS = ["fact", "change", "old", "new", "source"]


def share(value: float | None) -> str:
    """A signed share in points: 2 decimals, a third only when a halved interaction needs it."""
    if value is None:
        return "?"
    if value == 0:
        return "0.00"
    text = f"{value:+.3f}"
    return text[:-1] if text.endswith("0") else text


def causes_line(a: Attribution | None, facts: list[FactChange] | None = None) -> str:
    """'criteria change -10.00, fact changes +2.00 (alone: ...)' or why there is no split.

    When the changed facts all come from a country file, they are 'country fact changes'
    and each is named: 'country fact eiti_status (not_implementing → implementing,
    countries/pk.yaml: pk/iea-eiti-members: EITI Standard …)'.
    """
    if a is None:
        return ""
    if a.criteria_share is None:
        return a.note or "the move cannot be split"
    moving = [f for f in facts or [] if f.kind != "resourced"]
    country = bool(moving) and all(f.country_file for f in moving)
    label = "country fact changes" if country else "fact changes"
    text = f"criteria change {share(a.criteria_share)}, {label} {share(a.facts_share)}"
    if a.interaction:
        text += (
            f" (alone: criteria {share(a.criteria)}, facts {share(a.facts)}; interaction "
            f"{share(a.interaction)}, split equally)"
        )
    named = [country_cause(f) for f in moving if f.country_file]
    if named:
        text += ": " + "; ".join(named)
    return text


def country_cause(f: FactChange) -> str:
    """'country fact eiti_status (not_implementing → implementing, countries/pk.yaml: …)'."""
    sources = "; ".join(f.new_sources or f.old_sources)
    where = f"{f.country_file}: {sources}" if sources else str(f.country_file)
    return f"country fact {f.id} ({fact_value(f.old)} → {fact_value(f.new)}, {where})"


def fact_label(f: FactChange) -> str:
    """The fact's id, 'country fact <id> (countries/pk.yaml)' when it comes from a country file."""
    return f"country fact {f.id} ({f.country_file})" if f.country_file else f.id


def fact_phrase(f: FactChange) -> str:
    """What happened to one fact, in words: 'level mid → high', and for a change that keeps
    the value, where it now comes from ('eiti_status now inherited from countries/pk.yaml
    (unchanged value)'), never a non-change 'x → x'."""
    name = fact_label(f)
    if f.kind != "resourced":
        return f"{name} {fact_value(f.old)} → {fact_value(f.new)}"
    if f.old_origin != f.new_origin:
        if f.new_origin and not f.old_origin:
            return f"{f.id} now inherited from {f.new_origin} (unchanged value)"
        if f.old_origin and not f.new_origin:
            return (
                f"{f.id} now stated in the profile, no longer inherited from {f.old_origin} "
                "(unchanged value)"
            )
        return f"{f.id} now inherited from {f.new_origin}, was {f.old_origin} (unchanged value)"
    return f"{name} sources changed (unchanged value)"


def country_lines(diff: CriteriaDiff) -> list[tuple[str, str]]:
    """One (file path, text) pair per country file whose facts changed: the text names the
    country, each fact (old → new, sources) and how many compared profiles inherit the change.
    The path is apart so that each format marks it up itself (markdown: a code span) and
    escapes the text, which comes from the country file, for its consumer."""
    lines = []
    for c in diff.countries:
        facts = "; ".join(_country_fact(f) for f in c.facts)
        n = len(c.projects)
        moved = f"; inherited by {n} compared profile{'s' if n != 1 else ''}" if n else ""
        lines.append((c.file, f"({c.country}): {facts}{moved}"))
    return lines


def _country_fact(f: FactChange) -> str:
    if f.kind == "resourced":
        before = "; ".join(f.old_sources) or "–"
        return f"{f.id} sources changed ({before} → {'; '.join(f.new_sources) or '–'})"
    sources = "; ".join(f.new_sources or f.old_sources) or "no source"
    return f"{f.id} {fact_value(f.old)} → {fact_value(f.new)} ({sources})"


def fact_value(value: object) -> str:
    """A fact's value as a profile writes it (`true`, `12`, `not_implementing`); `unknown`
    when the side does not state it."""
    return "unknown" if value is None else plain_scalar(value)


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
        rows.append([fact_label(f), f.kind, fact_value(f.old), fact_value(f.new), sources])
    return rows


def profile_lines(diff: CriteriaDiff) -> list[str]:
    """One line per profile added, removed or renamed between the two sides."""
    lines = []
    for p in diff.projects:
        if p.status == "added":
            band = diff.new.band_titles.get(p.new_band or "", p.new_band)
            lines.append(f"added `{p.path}` ({p.project}){_scored(p.new_score, band)}")
        elif p.status == "removed":
            band = diff.old.band_titles.get(p.old_band or "", p.old_band)
            lines.append(f"removed `{p.path}` ({p.project}){_scored(p.old_score, band)}")
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
