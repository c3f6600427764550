"""Country facts in one place: countries/<iso>.yaml, inherited by every profile of the country."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.analysis.shares import effective_weights
from riskscore.commands.app import app
from riskscore.engine.evaluate import evaluate
from riskscore.errors import RiskscoreError
from riskscore.load.countries import load_countries
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import load_profile
from tests.conftest import PROJECTS, ROOT, SHIPPED

runner = CliRunner()
PROFILES = sorted(PROJECTS.glob("*.yaml"))


def _scores(shipped: CriteriaSet) -> dict[str, tuple[str, float, float]]:
    """Per profile: country, score, and the points eiti-implementation can earn in it."""
    out = {}
    for path in PROFILES:
        card = evaluate(load_profile(path, shipped), shipped, "2026-11-23")
        eiti = next(c for c in card.criteria if c.id == "eiti-implementation")
        out[path.stem] = (card.country, card.score, eiti.max_points)
    return out


def test_changing_pakistans_eiti_status_in_one_file_moves_every_pakistani_profile(
    shipped: CriteriaSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _scores(shipped)
    shutil.copytree(ROOT / "countries", tmp_path / "countries")
    pk = tmp_path / "countries" / "pk.yaml"
    pk.write_text(pk.read_text().replace("value: not_implementing", "value: validated_high"))
    monkeypatch.chdir(tmp_path)
    after = _scores(shipped)
    # not_implementing scores 0 and validated_high 1, so each Pakistani project gains the
    # criterion's full points; the status is stated both times, so no denominator changes.
    # The points are the criterion's nominal share only where every criterion is scored:
    # criteria whose unknown facts are excluded leave the denominator (methodology section 4).
    pakistani = [k for k, (country, _, _) in before.items() if country == "Pakistan"]
    assert len(pakistani) >= 5
    nominal = 100 * effective_weights(shipped)["eiti-implementation"]
    for key, (country, score, points) in before.items():
        moved = after[key][1] - score
        if country == "Pakistan":
            assert points >= nominal - 0.011, key
            assert moved == pytest.approx(points, abs=0.011), key
        else:
            assert moved == 0, key


def test_an_inherited_fact_says_where_it_comes_from(shipped: CriteriaSet) -> None:
    profile = load_profile(PROJECTS / "saindak.yaml", shipped)
    fact = profile.facts["eiti_status"]
    assert fact.origin == "countries/pk.yaml" and fact.line is None
    # every source id is namespaced by the country file, in the order its citations list them
    assert fact.sources == (
        "pk/seed-004",
        "pk/thenews-prosperity-or-peril",
        "pk/iea-eiti-members",
    )
    card = evaluate(profile, shipped, "2026-11-23")
    crit = next(c for c in card.criteria if c.id == "eiti-implementation")
    assert crit.facts[0].origin == "countries/pk.yaml"
    assert (
        "eiti_status = not_implementing [pk/seed-004 (press), pk/thenews-prosperity-or-peril "
        "(press), pk/iea-eiti-members (official record)] (from countries/pk.yaml) (assumption)"
    ) in crit.explanation
    assert [p.ref for p in crit.facts[0].citations] == list(fact.sources)  # passages inherited
    assert card.citations["pk/iea-eiti-members"].kind == "official_record"
    mongolia = load_profile(PROJECTS / "oyu-tolgoi.yaml", shipped)
    assert mongolia.facts["eiti_status"].value == "validated_moderate"
    assert "contract_disclosure_required" not in mongolia.facts  # mn.yaml does not state it


def _profile(write, name: str, facts: str) -> Path:
    return write(
        f"projects/{name}.yaml",
        f"project:\n  name: {name}\n  country: Pakistan\nsources:\n"
        f"  s: {{title: T, url: 'https://example.org/x'}}\nfacts:\n{facts}",
    )


def test_an_override_needs_a_note(shipped: CriteriaSet, write) -> None:
    path = _profile(write, "a", "  eiti_status: {value: intent_announced, source: s}\n")
    with pytest.raises(RiskscoreError) as info:
        load_profile(path, shipped)
    assert f"{path}:7: facts.eiti_status: overrides countries/pk.yaml (not_implementing)" in str(
        info.value
    )
    path = _profile(write, "b", "  eiti_status: {value: intent_announced, source: s, note: Why.}\n")
    fact = load_profile(path, shipped).facts["eiti_status"]
    assert (fact.value, fact.origin, fact.overrides) == (
        "intent_announced",
        None,
        "not_implementing",
    )


def test_validate_flags_profiles_of_one_country_that_override_differently(write) -> None:
    a = _profile(write, "a", "  eiti_status: {value: intent_announced, source: s, note: A.}\n")
    b = _profile(write, "b", "  eiti_status: {value: validated_low, source: s, note: B.}\n")
    result = runner.invoke(app, ["validate", str(a), str(b), "-c", str(SHIPPED)])
    assert result.exit_code == 0
    assert (
        f"warning: profiles of Pakistan disagree on eiti_status, which they override: "
        f"{a}:7 says intent_announced, {b}:7 says validated_low (the country file says "
        "not_implementing)"
    ) in result.stderr
    result = runner.invoke(app, ["validate", str(a), str(b), "-c", str(SHIPPED), "--strict"])
    assert result.exit_code == 1


def test_country_file_mistakes_are_path_line_messages(tmp_path: Path) -> None:
    folder = tmp_path / "countries"
    folder.mkdir()
    (folder / "xx.yaml").write_text(
        "country: X\niso: xy\nsources: {}\nfacts:\n  eiti_status: {value: a, source: nope}\n"
    )
    with pytest.raises(RiskscoreError) as info:
        load_countries(folder)
    text = str(info.value)
    assert f"{folder / 'xx.yaml'}:2: iso: file name must match the ISO code ('xy.yaml')" in text
    assert f"{folder / 'xx.yaml'}:5: facts.eiti_status.source: 'nope' is not a key" in text


def test_a_country_citation_of_an_unknown_source_points_at_its_ref(tmp_path: Path) -> None:
    """A citation (`source: [{ref: ...}]`) naming no key of `sources` is reported at the
    citation's `ref` line with a did-you-mean, as in a profile, but without the profile's list
    of known keys."""
    folder = tmp_path / "countries"
    folder.mkdir()
    (folder / "xx.yaml").write_text(
        "country: X\niso: xx\nsources:\n"
        "  eiti-2024: {title: EITI, url: 'https://eiti.org', kind: official_record}\n"
        "facts:\n  eiti_status:\n    value: a\n    source:\n"
        "      - ref: eiti-2024\n      - ref: eiti-2O24\n        quote: q\n"
    )
    with pytest.raises(RiskscoreError) as info:
        load_countries(folder)
    assert str(info.value) == (
        f"{folder / 'xx.yaml'}:10: facts.eiti_status.source.1.ref: 'eiti-2O24' is not a key "
        "of `sources` (did you mean 'eiti-2024'?)"
    )
