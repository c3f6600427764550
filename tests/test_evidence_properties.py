"""Properties of evidence-aware scoring on the shipped set: the range always contains the
score, stating a fact never widens the range, a not-applicable criterion never lowers a score
compared with leaving the facts that would score it unknown, and method v3's promises P1
(monotone), P2 (no reward for silence) and P3 (a verdict that measures evidence) hold under
every shipped lens (docs/methodology.md)."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from riskscore.engine.evaluate import evaluate
from riskscore.engine.order import fact_orders
from riskscore.engine.rules import holds
from riskscore.load.criteria.models import WeightedRule, condition_facts, rule_facts
from riskscore.load.profile import build_profile
from riskscore.load.yaml_reader import Document
from tests.test_properties import CSET, TODAY, fact_values, profiles

SOME = settings(max_examples=60, deadline=None)
STAGES = ["exploration", "development", "construction", "production", "agreement", "closed"]
FACTS = {f.id: f for f in CSET.header.facts}


def card_for(facts: dict[str, Any], stage: str | None = None) -> Any:
    project: dict[str, Any] = {"name": "Generated", "country": "Nowhere"}
    if stage is not None:
        project["stage"] = stage
    data = {"project": project, "facts": facts}
    return evaluate(build_profile(Document("gen.yaml", data), CSET), CSET, TODAY)


@SOME
@given(profiles(CSET), st.sampled_from([None, *STAGES]))
# Found in CI: every criterion unknown but tailings; the `exclude` criteria left the means at 0
# while scoring them at their worst allowed value raised them.
@example(facts={"tailings_facility": True}, stage=None)
def test_the_range_contains_the_score(facts: dict[str, Any], stage: str | None) -> None:
    card = card_for(facts, stage)
    low, high = card.score_range
    assert low <= card.score <= high
    order = CSET.header.bands
    ids = [b.id for b in order]
    assert ids.index(card.band_range[1]) <= ids.index(card.band) <= ids.index(card.band_range[0])


@SOME
@given(profiles(CSET), st.data())
def test_stating_a_fact_never_widens_the_range(facts: dict[str, Any], data: Any) -> None:
    unknown = sorted(set(FACTS) - set(facts))
    if not unknown:
        return
    fact_id = data.draw(st.sampled_from(unknown))
    value = data.draw(fact_values(FACTS[fact_id]))
    before = card_for(facts).score_range
    after = card_for({**facts, fact_id: value}).score_range
    assert before[0] <= after[0] and after[1] <= before[1]


CONDITIONAL = [c for c in CSET.criteria if c.not_applicable_when is not None]


@SOME
@given(profiles(CSET), st.sampled_from(CONDITIONAL))
def test_not_applicable_never_lowers_a_score(facts: dict[str, Any], crit: Any) -> None:
    """Marking a criterion not applicable scores at least as well as leaving it applicable
    with the facts it reads unknown (its weight never moves onto worse-scored facts)."""
    own = set(rule_facts(crit.rule))
    cond = condition_facts(crit.not_applicable_when)
    base = {k: v for k, v in facts.items() if k not in own and k not in cond}
    # The shipped conditions are single `in` tests on a boolean fact.
    when = crit.not_applicable_when
    na = card_for({**base, when.fact: when.in_[0]})
    assert {c.id: c.status for c in na.criteria}[crit.id] == "not_applicable"
    assert na.score >= card_for(base).score


@SOME
@given(profiles(CSET), st.sampled_from(STAGES))
@example(facts={"subnational_transfers_published": True}, stage="exploration")  # a staged part
def test_a_stage_that_rules_a_criterion_out_never_lowers_a_score(
    facts: dict[str, Any], stage: str
) -> None:
    """What the stage rules out (whole criteria, and since method v3 parts of a weighted rule,
    such as revenue transfers before production) is stated by no truthful profile at that
    stage, so its facts are left out; the facts that still apply never score lower staged."""
    staged = [c for c in CSET.criteria if c.stages is not None and stage not in c.stages]
    own = {f for c in staged for f in rule_facts(c.rule)}
    own |= {
        f
        for c in CSET.criteria
        if isinstance(c.rule, WeightedRule)
        for part in c.rule.parts
        if part.stages is not None and stage not in part.stages
        for f in rule_facts(part.rule)
    }
    base = {k: v for k, v in facts.items() if k not in own}
    assert card_for(base, stage).score >= card_for(base).score


# --- method v3 promises P1-P3 over generated profiles and every shipped lens -----------------

LENSES = [None, *sorted(CSET.lenses)]
ORDERS = fact_orders(CSET)
ORDERED = sorted(
    f.id
    for f in CSET.header.facts
    if f.id in ORDERS
    or (f.type == "number" and f.id in {r for c in CSET.criteria for r in rule_facts(c.rule)})
)
BANDS = [b.id for b in CSET.header.bands]


def lens_card(facts: dict[str, Any], lens: str | None, stage: str | None = None) -> Any:
    cset = CSET.with_lens(lens)
    project: dict[str, Any] = {"name": "Generated", "country": "Nowhere"}
    if stage is not None:
        project["stage"] = stage
    data = {"project": project, "facts": facts}
    return evaluate(build_profile(Document("gen.yaml", data), cset), cset, TODAY)


def rank(fact_id: str, value: Any) -> Any:
    """Where `value` stands in its fact's order (engine.order): higher is better; None for a
    value outside the order (one that makes its criterion not applicable)."""
    order = ORDERS.get(fact_id)
    if order is None:  # a number: the shipped number rules never score more for less
        return value
    return next((i for i, group in enumerate(order) if value in group), None)


@SOME
@given(profiles(CSET), st.sampled_from(ORDERED), st.sampled_from(LENSES), st.data())
@example(  # v2: an excluded criterion scored at a low value dragged its pillar below its mean
    facts={"conflict_exposure": "low"}, fact_id="serious_abuse_evidence", lens=None, data=None
)
def test_p1_a_better_value_never_lowers_the_score_or_the_band(
    facts: dict[str, Any], fact_id: str, lens: str | None, data: Any
) -> None:
    if data is None:
        a, b = "allegations_unresolved", "substantiated_remediated"
    else:
        a = data.draw(fact_values(FACTS[fact_id]), label="a")
        b = data.draw(fact_values(FACTS[fact_id]), label="b")
        # A value that switches its criterion off is neither better nor worse (engine.order)
        assume(rank(fact_id, a) is not None and rank(fact_id, b) is not None)
    if rank(fact_id, b) < rank(fact_id, a):
        a, b = b, a
    worse = lens_card({**facts, fact_id: a}, lens)
    better = lens_card({**facts, fact_id: b}, lens)
    assert better.score >= worse.score
    assert BANDS.index(better.band) <= BANDS.index(worse.band)


@SOME
@given(profiles(CSET), st.sampled_from(LENSES), st.data())
@example(  # issue 19 item 2: deleting conflict_exposure raised Reko Diq's score under `exclude`
    facts={"conflict_exposure": "active_armed_conflict", "eiti_status": "validated_high"},
    lens=None,
    data=None,
)
@example(  # deleting an applicability fact once let a stated high score count
    facts={"indigenous_peoples_affected": False, "indigenous_consent": "consent_documented"},
    lens=None,
    data=None,
)
def test_p2_deleting_a_stated_fact_never_raises_the_score(
    facts: dict[str, Any], lens: str | None, data: Any
) -> None:
    if not facts:
        return
    gone = sorted(facts)[0] if data is None else data.draw(st.sampled_from(sorted(facts)))
    before = lens_card(facts, lens)
    after = lens_card({k: v for k, v in facts.items() if k != gone}, lens)
    assert after.score <= before.score
    if BANDS.index(after.band) < BANDS.index(before.band):
        # The only way up: a verified red flag became unverified, and the scorecard says so.
        lost = {f.criterion for f in before.flags} - {f.criterion for f in after.flags}
        shown = {f.criterion for f in after.unverified_flags}
        assert lost and lost <= shown, (gone, lost, shown)


GATED = [
    (c.id, g, f)
    for c in CSET.criteria
    for g in ([c.gate] if c.gate else []) + list(c.more_gates)
    for f in dict.fromkeys(condition_facts(g.when))
]


@SOME
@given(profiles(CSET), st.sampled_from(GATED), st.sampled_from(LENSES), st.data())
def test_p3_stating_a_gate_fact_that_trips_nothing_keeps_the_verdict(
    facts: dict[str, Any], gated: Any, lens: str | None, data: Any
) -> None:
    """Stating a gate's fact with a value that neither trips its gate nor moves the band range
    keeps the evidence verdict, unless it moves coverage across the set's minimum or changes
    which red flags due diligence expects checked (the three parts of the verdict)."""
    _cid, gate, fact_id = gated
    facts = {k: v for k, v in facts.items() if k != fact_id}
    value = data.draw(fact_values(FACTS[fact_id]), label="value")
    after_facts = {**facts, fact_id: value}
    assume(holds(gate.when, after_facts) is not True)
    before, after = lens_card(facts, lens), lens_card(after_facts, lens)
    assume(before.band_range == after.band_range)
    least = CSET.with_lens(lens).header.evidence.min_coverage
    assume((before.coverage >= least) == (after.coverage >= least))
    expected = {f.criterion for f in before.unverified_flags if f.expected}
    assume(expected == {f.criterion for f in after.unverified_flags if f.expected})
    assert before.evidence_sufficient == after.evidence_sufficient


def test_a_value_that_switches_its_criterion_off_is_outside_the_order() -> None:
    # Found by the P1 property: `no_state_party` makes state-counterparty-governance not
    # applicable, so the criterion's 0.3 for an unpublished SOE leaves the mean, and with
    # every other fact unknown the score fell 0.55 -> 0 although the set scored the value 1.
    assert not any("no_state_party" in group for group in ORDERS["state_counterparty"])
    assert rank("state_counterparty", "soe_accounts_not_public") == 1
    scored = lens_card({"state_counterparty": "soe_accounts_not_public"}, None)
    off = lens_card({"state_counterparty": "no_state_party"}, None)
    assert (scored.score, off.score) == (0.55, 0.0)
