"""Property tests: generated profiles keep every number in range and the score monotone, and
randomly mutated shipped files either load or fail with one `path:line: message` per problem."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from riskscore.engine.evaluate import evaluate
from riskscore.engine.rules import SCORERS
from riskscore.errors import RiskscoreError
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.criteria.models import Fact, WeightedRule, condition_facts
from riskscore.load.profile import build_profile, load_profile
from riskscore.load.yaml_reader import Document
from tests.conftest import PROJECTS, SHIPPED

TODAY = "2026-11-23"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CSET = load_criteria(SHIPPED)
ERROR_LINE = re.compile(r"^[^:\n]+:(\d+: )?.+$")


# --- generated profiles --------------------------------------------------------------------


def fact_values(fact: Fact) -> st.SearchStrategy[Any]:
    """Every value the vocabulary allows for one fact."""
    if fact.type == "enum":
        return st.sampled_from(fact.values or [])
    if fact.type == "boolean":
        return st.booleans()
    lo = fact.min if fact.min is not None else -1e6
    hi = fact.max if fact.max is not None else 1e6
    return st.one_of(
        st.integers(int(lo), int(hi)), st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    )


def profiles(cset: CriteriaSet) -> st.SearchStrategy[dict[str, Any]]:
    """Stated facts: any subset of the vocabulary, each with an allowed value."""
    return st.fixed_dictionaries({}, optional={f.id: fact_values(f) for f in cset.header.facts})


def card_for(facts: dict[str, Any], cset: CriteriaSet = CSET) -> Any:
    data = {"project": {"name": "Generated", "country": "Nowhere"}, "facts": facts}
    return evaluate(build_profile(Document("gen.yaml", data), cset), cset, TODAY)


@FAST
@given(profiles(CSET))
def test_every_number_stays_in_range_and_adds_up(facts: dict[str, Any]) -> None:
    card = card_for(facts)
    assert 0 <= card.score <= 100
    assert 0 <= card.coverage <= 100
    for pillar in card.pillars:
        assert pillar.score is None or 0 <= pillar.score <= 100
    # Each printed figure is the exact value rounded half-up to 2 decimals, so the printed
    # points may miss the printed score by at most half a cent per figure.
    assert abs(card.score - sum(c.points for c in card.criteria)) <= 0.005 * (
        len(card.criteria) + 1
    )
    for crit in card.criteria:
        assert crit.score is None or 0 <= crit.score <= 1
        assert 0 <= crit.points <= crit.max_points + 1e-9


def _rules_reading(fact_id: str, cset: CriteriaSet) -> list[Any]:
    rules: list[Any] = []
    for crit in cset.criteria:
        parts = (
            [p.rule for p in crit.rule.parts]
            if isinstance(crit.rule, WeightedRule)
            else [crit.rule]
        )
        rules.extend(r for r in parts if r.fact == fact_id)
    return rules


_CONDITION_FACTS = {
    f
    for c in CSET.criteria
    if c.not_applicable_when is not None
    for f in condition_facts(c.not_applicable_when)
}
SCORED_FACTS = sorted(
    f.id for f in CSET.header.facts if _rules_reading(f.id, CSET) and f.id not in _CONDITION_FACTS
)
"""Facts that only feed scores (a fact that makes a criterion not applicable changes the
denominator, so a better value there may rightly lower the overall score)."""


@FAST
@given(st.data())
def test_a_better_value_never_lowers_the_score(data: st.DataObject) -> None:
    facts = data.draw(profiles(CSET), label="facts")
    fact = CSET.facts[data.draw(st.sampled_from(SCORED_FACTS), label="fact")]
    a = data.draw(fact_values(fact), label="a")
    b = data.draw(fact_values(fact), label="b")
    rules = _rules_reading(fact.id, CSET)
    gain = [SCORERS[r.type](r, b) - SCORERS[r.type](r, a) for r in rules]
    if all(g <= 0 for g in gain):
        a, b, gain = b, a, [-g for g in gain]
    assume(all(g >= 0 for g in gain))  # b scores at least as well as a in every rule
    worse = card_for({**facts, fact.id: a}).score
    better = card_for({**facts, fact.id: b}).score
    assert better >= worse


def test_monotonicity_covers_every_kind_of_fact() -> None:
    kinds = {CSET.facts[f].type for f in SCORED_FACTS}
    assert kinds == {"enum", "boolean", "number"}


# --- mutation fuzzing ----------------------------------------------------------------------

INSERTS = ["\t", ":", ": ", '"', "'", "&a ", "*a", "- ", "{", "]", "#", "<<: ", "!!str ", "\xe9"]
VALUES = ["yes", "no", "off", "NaN", ".nan", ".inf", "-1", "0", "1e400", "~", "[]", "{}",
          "x" * 25_000, "2025-02-30", "'", "*a", "&a b", "!!python/name:os.system"]  # fmt: skip
KINDS = ["delete", "duplicate", "swap", "insert", "indent", "dedent", "value", "truncate"]
Mutation = tuple[str, int, str, str]
mutations = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 1 << 16),
        st.sampled_from(INSERTS),
        st.sampled_from(VALUES),
    ),
    min_size=1,
    max_size=4,
)


def mutate(text: str, ops: list[Mutation]) -> bytes:
    """Apply edits a careless hand (or a bad merge) makes; latin-1 bytes where é is inserted."""
    for kind, pos, insert, value in ops:
        lines = text.split("\n")
        i = pos % max(len(lines), 1)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and len(text) > 1:
            j = pos % (len(text) - 1)
            text = text[:j] + text[j + 1] + text[j] + text[j + 2 :]
            continue
        elif kind == "insert":
            j = pos % (len(text) + 1)
            text = text[:j] + insert + text[j:]
            continue
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        elif kind == "value" and ": " in lines[i]:
            lines[i] = lines[i].split(": ", 1)[0] + ": " + value
        elif kind == "truncate":
            text = text[: pos % (len(text) + 1)]
            continue
        text = "\n".join(lines)
    return text.encode("utf-8").replace("\xe9".encode(), b"\xe9")


def assert_well_formed(exc: RiskscoreError) -> None:
    text = str(exc)
    assert text, "an error without a message"
    for line in text.splitlines():
        assert ERROR_LINE.match(line), line


PROFILE_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(PROJECTS.glob("*.yaml"))}
CRITERIA_FILES = sorted(str(p.relative_to(SHIPPED)) for p in SHIPPED.rglob("*.yaml"))


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


@FAST
@given(name=st.sampled_from(sorted(PROFILE_TEXTS)), ops=mutations)
def test_mutated_profiles_load_or_fail_cleanly(
    scratch: Path, name: str, ops: list[Mutation]
) -> None:
    path = scratch / name
    path.write_bytes(mutate(PROFILE_TEXTS[name], ops))
    try:
        card = evaluate(load_profile(path, CSET), CSET, TODAY)
    except RiskscoreError as exc:
        assert_well_formed(exc)
    else:
        assert 0 <= card.score <= 100


@pytest.fixture(scope="module")
def criteria_copy(scratch: Path) -> Path:
    copy = scratch / "criteria"
    shutil.copytree(SHIPPED, copy)
    return copy


@FAST
@given(name=st.sampled_from(CRITERIA_FILES), ops=mutations)
def test_mutated_criteria_load_or_fail_cleanly(
    criteria_copy: Path, name: str, ops: list[Mutation]
) -> None:
    path = criteria_copy / name
    original = (SHIPPED / name).read_bytes()
    path.write_bytes(mutate(original.decode("utf-8"), ops))
    try:
        cset = load_criteria(criteria_copy)
        for lens in [None, *cset.lenses]:
            lensed = cset.with_lens(lens)
            for profile in sorted(PROJECTS.glob("*.yaml")):
                try:
                    card = evaluate(load_profile(profile, lensed), lensed, TODAY)
                except RiskscoreError as exc:
                    assert_well_formed(exc)
                else:
                    assert 0 <= card.score <= 100
    except RiskscoreError as exc:
        assert_well_formed(exc)
    finally:
        path.write_bytes(original)
