"""How every output words a fact's quoted passages and a search that found nothing (issue 20).

Plain text only: each renderer escapes the result for its consumer (riskscore.render.escape).
"""

from __future__ import annotations

from collections.abc import Callable

from riskscore.engine.scorecard import CriterionResult, Passage, Scorecard, SearchInfo

Escape = Callable[[str], str]
_SAME = "nothing public found"


def _as_is(text: str) -> str:
    return text


def passage_text(passage: Passage, esc: Escape = _as_is) -> str:
    """`"The reserve is 1,013 Mt." (translation: "…") — ref, Section 15.1, accessed 2026-12-06`;
    without a quote, the reference and locator alone. `esc` escapes the profile's text (the
    quote, translation, reference and locator) for the consumer, not the wording around it."""
    where = ", ".join(
        part
        for part in (
            esc(passage.ref),
            esc(passage.locator) if passage.locator else None,
            f"accessed {passage.accessed}" if passage.accessed else None,
        )
        if part
    )
    if passage.quote is None:
        return where
    translated = f' (translation: "{esc(passage.translation)}")' if passage.translation else ""
    return f'"{esc(passage.quote)}"{translated} — {where}'


def searched_text(search: SearchInfo, esc: Escape = _as_is) -> str:
    """`searched ACLED events 2024-2026, nothing public found, 2026-12-06 — note`; the note is
    left out when it only repeats "nothing public found". `esc` as for `passage_text`."""
    note = search.note
    shown = f" — {esc(note)}" if note and note.strip(" .").casefold() != _SAME else ""
    origin = f" (from {esc(search.origin)})" if search.origin else ""
    return f"searched {esc(search.what)}, {_SAME}, {search.accessed}{shown}{origin}"


def fact_evidence(crit: CriterionResult, card: Scorecard) -> list[tuple[str, str]]:
    """(fact id, line) pairs to print under a criterion's explanation: each stated fact's
    passages, and each unknown fact's search record, in the order the criterion reads them."""
    searched = {s.fact: s for s in card.searched}
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for use in crit.facts:
        if use.id in seen:
            continue
        seen.add(use.id)
        if use.known:
            out += [(use.id, passage_text(p)) for p in use.citations]
        elif use.id in searched:
            out.append((use.id, searched_text(searched[use.id])))
    return out


def card_evidence(
    card: Scorecard, esc: Escape = _as_is
) -> tuple[list[tuple[str, list[str]]], list[SearchInfo]]:
    """The scorecard's quoted passages by fact (each fact once, in criteria order) and its
    search records: what a markdown report lists under its evidence headings."""
    quoted: dict[str, list[str]] = {}
    for crit in card.criteria:
        for use in crit.facts:
            if use.known and use.citations and use.id not in quoted:
                quoted[use.id] = [passage_text(p, esc) for p in use.citations]
    return list(quoted.items()), list(card.searched)


def grouped_evidence(crit: CriterionResult, card: Scorecard) -> list[tuple[str, str, list[str]]]:
    """`fact_evidence` grouped by fact: (fact id, "quoted" or "searched", lines), for a report
    that folds each fact's passages under one summary."""
    groups: dict[str, tuple[str, str, list[str]]] = {}
    known = {use.id for use in crit.facts if use.known}
    for fact_id, line in fact_evidence(crit, card):
        kind = "quoted" if fact_id in known else "searched"
        groups.setdefault(fact_id, (fact_id, kind, []))[2].append(line)
    return list(groups.values())
