"""The one-sentence reading of a Sobol analysis: which group of choices drives the output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskscore.analysis.uncertainty.inputs import GROUP_TITLES

if TYPE_CHECKING:
    from riskscore.analysis.uncertainty import SobolIndex

ADVICE = {
    "weights": "agree the weights with the index's users before reading small differences",
    "aggregation": "decide whether a weak pillar may be offset by strong ones",
    "unknowns": "collect evidence before re-weighting",
    "assumptions": "verify the assumed facts before relying on the result",
    "cutoffs": "the score sits near a band cut-off: read the score, not only the band",
}
SHARES = (
    (0.85, "Nearly all"),
    (0.7, "Three quarters"),
    (0.6, "Two thirds"),
    (0.45, "Half"),
    (0.3, "A third"),
)
"""A first-order index at or above the number reads as the words (rounded down)."""


def reading(project: str | None, indices: list[SobolIndex], variance: float) -> str:
    """E.g. "Two thirds of the variation of Reko Diq's score comes from unknown facts:
    collect evidence before re-weighting." The group named has the largest total-order
    index; the share is its first-order index (its effect alone). When that is below 0.3,
    the sentence says the group matters through interactions instead."""
    what = "the portfolio's ranking" if project is None else f"{project}'s score"
    if variance == 0 or not indices:
        return f"Nothing declared uncertain moves {what}."
    top = max(indices, key=lambda i: (i.total, i.first))
    title = GROUP_TITLES[top.group]
    for threshold, words in SHARES:
        if top.first >= threshold:
            return f"{words} of the variation of {what} comes from {title}: {ADVICE[top.group]}."
    return (
        f"No single group drives {what}; counting interactions, the largest share comes from "
        f"{title} (total-order index {top.total:.2f}): {ADVICE[top.group]}."
    )
