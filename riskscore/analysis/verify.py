"""Check a criteria set against its test cases (`riskscore verify`): evaluate each case's
profile and compare the scorecard with every expectation (riskscore.load.verify_cases).

An expectation naming a band, criterion or red flag the set does not have is broken, not
bad input: a policy team that renames a criterion sees which expectations it breaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import build_profile
from riskscore.load.verify_cases import Case, Expectation
from riskscore.suggest import did_you_mean


@dataclass(frozen=True)
class Broken:
    """An expectation the scorecard does not meet: where it is written and what happened."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class CaseResult:
    """A case, its scorecard and the expectations it breaks (empty: the case passes)."""

    case: Case
    card: Scorecard
    broken: tuple[Broken, ...]


def run_case(case: Case, cset: CriteriaSet, today: str | None = None) -> CaseResult:
    """Evaluate the case's profile with `cset` and check each expectation.

    Raises ErrorGroup/RiskscoreError (exit 2) when the profile does not load."""
    card = evaluate(build_profile(case.profile, cset), cset, today)
    broken = []
    for exp in case.expectations:
        message = check(exp, card, cset)
        if message is not None:
            broken.append(Broken(case.path, exp.line, message))
    return CaseResult(case, card, tuple(broken))


def check(exp: Expectation, card: Scorecard, cset: CriteriaSet) -> str | None:
    """None when the scorecard meets the expectation, else what the author reads."""
    bands = [b.id for b in cset.header.bands]  # best first
    if exp.key in ("band", "band_at_least", "band_at_most"):
        if exp.value not in bands:
            return f"{exp.key}: no band '{exp.value}'{did_you_mean(exp.value, bands)} in the set"
        have, want = bands.index(card.band), bands.index(exp.value)
        ok = {
            "band": have == want,
            "band_at_least": have <= want,
            "band_at_most": have >= want,
        }[exp.key]
        words = {"band": "", "band_at_least": "at least ", "band_at_most": "at most "}
        return (
            None
            if ok
            else (
                f"{exp.key}: expected band {words[exp.key]}{exp.value}, got {card.band} "
                f"({card.band_reason})"
            )
        )
    if exp.key == "evidence":
        if exp.value not in ("sufficient", "insufficient"):
            return "evidence: expected sufficient or insufficient"
        state = "sufficient" if card.evidence_sufficient else "insufficient"
        return (
            None
            if state == exp.value
            else (f"evidence: expected {exp.value}, got {state} ({card.band_reason})")
        )
    if exp.key in ("score_at_least", "score_at_most"):
        ok = card.score >= exp.value if exp.key == "score_at_least" else card.score <= exp.value
        return None if ok else f"{exp.key}: expected {exp.value:g}, got {card.score:g}"
    if exp.key in ("red_flags", "no_red_flags", "unverified_red_flags"):
        return _flag(exp, card, cset)
    return _criterion(exp, card, cset)


def _flag(exp: Expectation, card: Scorecard, cset: CriteriaSet) -> str | None:
    gates = [c.id for c in cset.criteria if c.gate is not None]
    if exp.subject not in gates:
        return (
            f"{exp.key}: no red flag '{exp.subject}'{did_you_mean(exp.subject, gates)} "
            "(no criterion of that id has a gate)"
        )
    verified = {f.criterion for f in card.flags}
    unverified = {f.criterion for f in card.unverified_flags}
    if exp.key == "red_flags" and exp.subject not in verified:
        state = "only unverified (its facts are unknown)" if exp.subject in unverified else "none"
        return f"red_flags: expected {exp.subject} to trip, verified; got {state}"
    if exp.key == "no_red_flags" and exp.subject in verified:
        flag = next(f for f in card.flags if f.criterion == exp.subject)
        return f"no_red_flags: {exp.subject} trips: {flag.evidence}"
    if exp.key == "unverified_red_flags" and exp.subject not in unverified:
        state = "it trips, verified" if exp.subject in verified else "it is checked and clear"
        return f"unverified_red_flags: expected {exp.subject} listed as not checked; {state}"
    return None


def _criterion(exp: Expectation, card: Scorecard, cset: CriteriaSet) -> str | None:
    result = next((c for c in card.criteria if c.id == exp.subject), None)
    ids = [c.id for c in cset.criteria]
    if result is None:
        return f"criteria: no criterion '{exp.subject}'{did_you_mean(exp.subject, ids)}"
    what = exp.key.removeprefix("criteria.")
    label = f"criteria.{exp.subject}.{what}"
    if what == "status":
        return (
            None
            if result.status == exp.value
            else (f"{label}: expected {exp.value}, got {result.status} ({result.explanation})")
        )
    if result.score is None:
        return f"{label}: expected a score, got none ({result.status})"
    ok = {
        "score": abs(result.score - exp.value) < 1e-9,
        "score_at_least": result.score >= exp.value,
        "score_at_most": result.score <= exp.value,
    }[what]
    return (
        None
        if ok
        else (f"{label}: expected {exp.value:g}, got {result.score:g} ({result.explanation})")
    )
