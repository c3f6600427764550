"""Authoring help: `init` skeletons and the JSON Schemas editors read (and that are committed)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer
from typer.testing import CliRunner

from riskscore.analysis.authoring import MODELINE, criteria_schema, profile_schema, schema_text
from riskscore.commands.authoring import init, schema
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile import load_profile
from riskscore.load.yaml_reader import load_yaml
from tests.conftest import MINI, PROJECTS, ROOT, SHIPPED

SCHEMA_DIR = ROOT / "docs" / "schema"
SHIPPED_PROFILES = sorted(PROJECTS.glob("*.yaml"))
SHIPPED_CRITERIA = sorted(p for p in (SHIPPED / "base").glob("*.yaml") if p.name != "set.yaml")

app = typer.Typer()
app.command()(init)
app.command()(schema)
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@functools.cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    document = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def errors(check: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return sorted(e.message for e in check.iter_errors(data))


# --- init ------------------------------------------------------------------------------------


def test_init_skeleton_validates_and_lists_every_fact(
    shipped: CriteriaSet, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "projects")
    code, out, err = run("init", 'Thar "Block" 2: coal', "--country", "Pakistan")
    assert code == 0, err
    assert out.splitlines()[0] == MODELINE
    for fact_id in shipped.facts:
        assert f"  # {fact_id}:  # " in out, fact_id
    path = tmp_path / "projects" / "thar.yaml"
    path.parent.mkdir()
    path.write_text(out, encoding="utf-8")
    profile = load_profile(path, shipped)
    assert profile.project.name == 'Thar "Block" 2: coal'
    assert profile.project.country == "Pakistan"
    # The skeleton states nothing itself; Pakistan's country facts are inherited.
    assert {f.id: f.origin for f in profile.facts.values()} == {
        "eiti_status": "countries/pk.yaml",
        "contract_disclosure_required": "countries/pk.yaml",
        "subnational_mineral_authority": "countries/pk.yaml",
    }
    assert all(key.startswith("pk/") for key in profile.sources)
    assert errors(validator("profile"), load_yaml(path).data) == []


def test_init_for_the_mini_set_matches_golden(file_regression) -> None:
    code, out, _ = run("init", "Mini project", "--criteria", str(MINI))
    assert code == 0
    assert "unspecified" in out
    file_regression.check(out, extension=".yaml")


def test_init_never_overwrites_without_force(tmp_path) -> None:
    target = tmp_path / "p.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    code, out, err = run("init", "X", "--output", str(target))
    assert code == 2 and out == ""
    assert f"{target}: already exists; pass --force to overwrite it" in err
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert run("init", "X", "--output", str(target), "--force")[0] == 0
    # outside a checkout: the schema is written beside the profile, and the line points at it
    assert target.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=profile.schema.json\n"
    )


def pointer(path: Path) -> Path:
    """The file a profile's `$schema` line names, resolved as the YAML language server does."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema="), first
    return (path.parent / first.split("$schema=", 1)[1]).resolve()


def test_init_outside_a_checkout_writes_a_pointer_that_resolves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("init", "My Mine", "--output", "my-mine.yaml")
    assert code == 0, err
    schema = pointer(tmp_path / "my-mine.yaml")
    assert schema == tmp_path / "profile.schema.json"
    document = json.loads(schema.read_text(encoding="utf-8"))
    assert document == json.loads((SCHEMA_DIR / "profile.schema.json").read_text("utf-8"))
    # printed to stdout: the installed schema, by absolute path
    code, out, err = run("init", "My Mine")
    assert code == 0, err
    (tmp_path / "printed.yaml").write_text(out, encoding="utf-8")
    assert pointer(tmp_path / "printed.yaml").is_file()
    # another criteria set, printed: no pointer that cannot resolve, but how to get one
    code, out, _ = run("init", "My Mine", "--criteria", str(MINI))
    assert not out.startswith("# yaml-language-server")
    assert "run `riskscore schema profile -c DIR -o profile.schema.json` here" in out


def test_init_in_a_checkout_points_at_the_committed_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT / "projects")
    code, out, _ = run("init", "X")
    assert code == 0 and out.splitlines()[0] == MODELINE
    monkeypatch.chdir(ROOT)
    code, out, _ = run("init", "X")
    assert out.splitlines()[0] == "# yaml-language-server: $schema=docs/schema/profile.schema.json"


def test_init_rejects_an_empty_name() -> None:
    code, _, err = run("init", "  ")
    assert code == 2 and "NAME must not be empty" in err


# --- schema ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["profile", "criteria"])
def test_committed_schema_is_fresh(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("schema", kind)
    assert code == 0, err
    committed = SCHEMA_DIR / f"{kind}.schema.json"
    assert committed.read_text(encoding="utf-8") == out, (
        f"docs/schema/{kind}.schema.json is stale; regenerate it with "
        f"`riskscore schema {kind} --output docs/schema/{kind}.schema.json`"
    )


def test_schema_text_is_sorted_indented_and_ends_with_newline(shipped: CriteriaSet) -> None:
    text = schema_text(profile_schema(shipped))
    assert text.endswith("}\n") and text.startswith('{\n  "$defs": {')
    assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", SHIPPED_PROFILES, ids=lambda p: p.name)
def test_shipped_profile_validates_against_the_schema(path: Path) -> None:
    assert errors(validator("profile"), load_yaml(path).data) == []


@pytest.mark.parametrize("path", SHIPPED_PROFILES, ids=lambda p: p.name)
def test_shipped_profile_starts_with_the_modeline(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    assert (path.parent / first.split("$schema=", 1)[1]).resolve().is_file()


@pytest.mark.parametrize("path", SHIPPED_CRITERIA, ids=lambda p: p.name)
def test_shipped_criterion_validates_against_the_schema(path: Path) -> None:
    assert errors(validator("criteria"), load_yaml(path).data) == []


def test_profile_schema_closes_the_vocabulary(mini: CriteriaSet) -> None:
    document = profile_schema(mini)
    jsonschema.Draft202012Validator.check_schema(document)
    check = jsonschema.Draft202012Validator(document)
    base = {"project": {"name": "P", "country": "C"}, "sources": {"s": {"title": "T", "ref": "r"}}}
    good = {"flag": True, "level": {"value": "mid", "source": "s", "date": 2024}, "share": 0}
    assert errors(check, {**base, "facts": good}) == []
    assert errors(check, {**base, "facts": {"levle": "mid"}}) == [
        "Additional properties are not allowed ('levle' was unexpected)"
    ]
    for bad in ("top", {"value": "top"}, {"value": "mid", "typo": 1}):
        assert errors(check, {**base, "facts": {"level": bad}}), bad
    for bad in (101, -1, "40", {"value": 100.5}):
        assert errors(check, {**base, "facts": {"share": bad}}), bad
    assert errors(check, {**base, "facts": {"flag": "yes"}})
    assert errors(check, {**base, "sources": {"s": {"title": "no locator"}}})
    share = document["properties"]["facts"]["properties"]["share"]
    assert share["anyOf"][0] == {"type": "number", "minimum": 0, "maximum": 100}
    assert share["description"] == "A percentage. (number: 0 to 100 percent)"


def test_criteria_schema_uses_standard_bounds() -> None:
    document = criteria_schema()
    weight = document["properties"]["weight"]
    assert weight["exclusiveMinimum"] == 0 and weight["maximum"] == 1000
    text = json.dumps(document)
    assert not [k for k in ('"gt":', '"ge":', '"lt":', '"le":') if k in text]
    check = jsonschema.Draft202012Validator(document)
    data = load_yaml(SHIPPED_CRITERIA[0]).data
    assert errors(check, {**data, "weight": 0}) == ["0 is less than or equal to the minimum of 0"]
