"""The shipped criteria set and profiles: complete, sourced, and calibrated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskscore.engine.evaluate import evaluate
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import build_profile, load_profile
from riskscore.load.yaml_reader import parse_yaml
from riskscore.render.reference import set_markdown
from tests.conftest import PROJECTS, ROOT
from tests.test_weights_rule import MINIMUMS  # the design brief's minimum list

SEEDS = ROOT.parent / "shared" / "seeds"
PROFILES = sorted(PROJECTS.glob("*.yaml"))


def test_the_set_is_large_enough_and_has_every_family(shipped: CriteriaSet) -> None:
    assert len(shipped.criteria) >= 18
    assert len({c.pillar for c in shipped.criteria}) >= 6
    assert {c.id for c in shipped.criteria} >= MINIMUMS
    assert sum(1 for c in shipped.criteria if c.gate is not None) >= 3
    assert {"investor", "community", "state"} <= set(shipped.lenses)


def test_bands_follow_the_rgi_scale(shipped: CriteriaSet) -> None:
    assert [(b.id, b.min) for b in shipped.header.bands] == [
        ("good", 75),
        ("satisfactory", 60),
        ("weak", 45),
        ("poor", 30),
        ("failing", 0),
    ]


@pytest.mark.parametrize(
    "crit_id",
    [p.stem for p in sorted((ROOT / "criteria" / "base").glob("*.yaml")) if p.name != "set.yaml"],
)
def test_every_criterion_is_sourced_and_explained(shipped: CriteriaSet, crit_id: str) -> None:
    crit = shipped.criterion(crit_id)
    seeds = [s.ref for s in crit.sources if s.kind == "seed"]
    assert seeds and all(re.fullmatch(r"00[0-4]_[0-9a-f]{16}\.txt", s) for s in seeds)
    if SEEDS.is_dir():
        assert all((SEEDS / s).is_file() for s in seeds)
    assert any(s.kind == "standard" for s in crit.sources)
    assert len(crit.rationale.split()) >= 25
    assert len(crit.remediation.split()) >= 8
    assert 0 < crit.weight <= 5


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_every_profile_fact_is_sourced(shipped: CriteriaSet, path: Path) -> None:
    profile = load_profile(path, shipped)
    assert profile.facts, "a shipped profile states facts"
    for fact in profile.facts.values():
        assert fact.sources, f"{path}:{fact.line}: {fact.id} has no source"
        if fact.assumption:
            assert fact.note, f"{path}:{fact.line}: assumption {fact.id} needs a note"
    for key, src in profile.sources.items():
        if src.ref and src.ref.startswith("seeds/") and SEEDS.is_dir():
            assert (SEEDS.parent / src.ref).is_file(), key


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_every_scorecard_line_is_explained(shipped: CriteriaSet, path: Path) -> None:
    card = evaluate(load_profile(path, shipped), shipped, "2026-11-23")
    for crit in card.criteria:
        assert crit.explanation and crit.sources
        if crit.status not in ("met", "not_applicable"):
            assert crit.remediation


def _extreme_profile(cset: CriteriaSet, best: bool) -> str:
    """A profile stating, for each fact alone, the value that scores highest (or lowest); each
    alone beside the condition facts that make every criterion apply (an unknown
    applicability scores 0 in method v3, which would tie every value of the fact it gates)."""
    from tests.conftest import APPLYING

    chosen: dict[str, object] = {}
    for fact in cset.header.facts:
        if fact.type == "enum":
            candidates: list[object] = list(fact.values or [])
        elif fact.type == "boolean":
            candidates = [True, False]
        else:
            candidates = [fact.min if fact.min is not None else 0, fact.max or 100]
        scored = []
        for value in candidates:
            others = "".join(f"  {k}: {_yaml(v)}\n" for k, v in APPLYING.items() if k != fact.id)
            text = (
                f"project: {{name: X, country: Nowhere}}\nfacts:\n  {fact.id}: {_yaml(value)}\n"
                + others
            )
            card = evaluate(build_profile(parse_yaml(text, "x.yaml"), cset), cset)
            scored.append((card.score, value))
        pick = max if best else min
        chosen[fact.id] = pick(scored, key=lambda sv: sv[0])[1]
    lines = "".join(f"  {k}: {_yaml(v)}\n" for k, v in chosen.items())
    return f"project: {{name: X, country: Nowhere}}\nfacts:\n{lines}"


def _yaml(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def test_sanity_order_documented_in_docs_weights(shipped: CriteriaSet) -> None:
    """docs/weights.md, "The sanity order": checks that the method is not upside down,
    written before the scores were computed; not a target the weights were tuned to."""
    text = _extreme_profile(shipped, best=True)
    card = evaluate(build_profile(parse_yaml(text, "x.yaml"), shipped), shipped)
    assert (card.score, card.band) == (100, "good"), text
    text = _extreme_profile(shipped, best=False)
    card = evaluate(build_profile(parse_yaml(text, "x.yaml"), shipped), shipped)
    # tailings' worst value (national standards only) keeps 0.2 of the criterion's 1.33
    # possible points (12 x 3 / 27: the environment pillar's criteria weigh 27 in set 3.0.0)
    assert (card.score, card.band) == (0.27, "failing"), text
    cards = {p.stem: evaluate(load_profile(p, shipped), shipped, "2026-11-23") for p in PROFILES}
    assert cards["reko-diq"].score > cards["reko-diq-tethyan-2011"].score
    assert cards["ussm-fwo-agreement"].score < cards["reko-diq"].score
    assert len(PROFILES) >= 10


def test_criteria_reference_doc_is_current(shipped: CriteriaSet) -> None:
    doc = ROOT / "docs" / "criteria-reference.md"
    from riskscore.load.countries import country_names

    names = country_names(ROOT / "countries")
    assert doc.read_text(encoding="utf-8") == set_markdown(shipped, names), (
        "docs/criteria-reference.md is stale: run "
        "`riskscore criteria --format markdown -o docs/criteria-reference.md`"
    )


def test_reference_names_countries_and_cites_seed_articles_by_headline(
    shipped: CriteriaSet,
) -> None:
    """Country advice is introduced by the country's name (not its ISO code), and a seed
    article by headline, publisher and date (not its file name, which no reader can open)."""
    from riskscore.load.countries import country_names

    text = set_markdown(shipped, country_names(ROOT / "countries"))
    assert "in `pk` only" not in text and "**Advice for projects in Pakistan only.**" in text
    assert not re.search(r"- seed: \d{3}_[0-9a-f]{16}\.txt", text)
    assert (
        "- seed: \u201cA US-Pakistan opportunity\u201d, Asia News Network, 2025-10-27 "
        "<https://asianews.network/a-us-pakistan-opportunity>"
    ) in text
    assert "an intended benefit since" not in (ROOT / "criteria" / "set.yaml").read_text("utf-8")
    assert "National Mineral Policy 2013" in text
    for crit in shipped.criteria:
        for src in crit.sources:
            if src.kind == "seed":
                assert src.title and src.date, (crit.id, src.ref)
