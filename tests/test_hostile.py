"""Hostile input: every way a file can be wrong gets one exact `path:line: message` and exit 2.

Each case is a file in tests/corpus/ (profiles) or an overlay on tests/data/mini (criteria); the
tables below name the first line of stderr each must produce through the real CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter
from typer.testing import CliRunner

from riskscore.commands.app import app
from riskscore.load.criteria.checks import never_holds
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.criteria.models import Condition
from riskscore.load.yaml_reader import MAX_FILE_BYTES, MAX_TEXT_CHARS
from tests.conftest import MINI, ROOT

CORPUS = Path(__file__).resolve().parent / "corpus"
runner = CliRunner()

PROFILES: dict[str, tuple[int, str]] = {
    "yaml-syntax": (3, "invalid YAML: did not find expected ',' or ']' "
                    "(while parsing a flow sequence on line 3)"),
    "unquoted-colon": (4, "invalid YAML: mapping values are not allowed in this context; "
                       "quote a value that contains ': '"),
    "tab-indent": (3, "invalid YAML: tabs are not allowed in YAML indentation; indent this "
                   "line with spaces: '\\tcountry: Nowhere'"),
    "tab-after-key": (2, "invalid YAML: tabs are not allowed in YAML indentation; indent "
                      "this line with spaces: '\\tname: Test'"),
    "over-indented": (3, "invalid YAML: this line is indented deeper than the line above (3 "
                      "spaces, not 2), so YAML reads it as part of that line's value; indent "
                      "it like the keys beside it: '   country: Nowhere'"),
    "under-indented": (3, "invalid YAML: did not find expected key (while parsing a block "
                       "mapping on line 1); check the indentation of this line and the one "
                       "above: ' country: Nowhere'"),
    "duplicate-key-top": (6, "duplicate key 'project' (first set on line 1)"),
    "duplicate-key-facts": (7, "duplicate key 'flag' (first set on line 5)"),
    "duplicate-key-fact-full": (12, "duplicate key 'value' (first set on line 10)"),
    "anchor-alias": (4, "YAML anchors ('&srcs') are not allowed; write the value out"),
    "alias-bomb": (4, "YAML anchors ('&a') are not allowed; write the value out"),
    "merge-key": (5, "YAML merge keys (<<) are not allowed; write it out"),
    "tag": (5, "YAML tags ('!!float') are not allowed; quote a value to make it text"),
    "two-documents": (4, "a file holds one YAML document; remove the extra '---'"),
    "empty": (1, "file is empty; expected a mapping of keys to values"),
    "comments-only": (1, "file is empty; expected a mapping of keys to values"),
    "top-list": (1, "expected a mapping of keys to values at the top, found a list"),
    "top-scalar": (1, "expected a mapping of keys to values at the top, "
                   "found a single value ('just some text')"),
    "latin1": (2, "not valid UTF-8 (byte 0xe9); save the file as UTF-8"),
    "control-character": (5, "invalid YAML: control characters are not allowed (U+0007); "
                          "remove it"),
    "bool-no": (5, "facts.flag: 'no' is not a boolean; YAML 1.1 words like yes/no/on/off "
                "are text here, write true or false"),
    "bool-off": (5, "facts.flag: 'off' is not a boolean; YAML 1.1 words like yes/no/on/off "
                 "are text here, write true or false"),
    "enum-yes": (5, "facts.level: 'yes' is not one of: low, mid, high"),
    "assumption-yes": (7, "facts.level.assumption: 'yes' is not a boolean; YAML 1.1 words "
                       "like yes/no/on/off are text here, write true or false"),
    "nan": (5, "facts.share: '.nan' is not allowed; NaN and infinity are not numbers"),
    "inf": (5, "facts.share: '.inf' is not allowed; NaN and infinity are not numbers"),
    "number-overflow": (5, "facts.share: 1e400 is out of range"),
    "number-quoted": (5, "facts.share: expected a number, got '40'; remove the quotes"),
    "share-negative": (5, "facts.share: -5 is below the minimum 0 percent"),
    "share-over-max": (5, "facts.share: 120 is above the maximum 100 percent"),
    "fact-value-list": (6, "facts.level.value: expected a single value "
                        "(text, a number or true/false), got a list"),
    "fact-value-empty": (5, "facts.level: value is empty; give a value or leave the fact out"),
    "unknown-key-top": (4, "fatcs: unknown key 'fatcs' (did you mean 'facts'?)"),
    "unknown-key-project": (2, "project.nmae: unknown key 'nmae' (did you mean 'name'?)"),
    "unknown-key-fact-full": (11, "facts.level.sorce: unknown key 'sorce' "
                              "(did you mean 'source'?)"),
    "unknown-fact": (5, "facts.levl: unknown fact 'levl' (did you mean 'level'?); "
                     "`riskscore criteria --facts` lists the vocabulary"),
    "missing-project": (1, "missing required key 'project'"),
    "missing-project-name": (1, "project: missing required key 'name'"),
    "project-not-mapping": (1, "project: expected a mapping of keys to values, got 'Test'"),
    "unknown-source": (11, "facts.level.source: 's2' is not a key of `sources`; "
                       "`sources` has: s1"),
    "source-without-ref": (5, "sources.s1: a source needs a `url` or a `ref` (e.g. a seed file)"),
    "bad-date": (4, "as_of: '2025-02-30' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"),
    # Bidirectional controls written raw (plain, single-quoted, even in a comment) and as an
    # escape: the text would display in another order than it holds (issue 22).
    "bidi-plain": (2, "the text holds bidirectional control character U+202E, which makes it "
                   "display in another order than it is written; remove it"),
    "bidi-single-quoted": (4, "the text holds bidirectional control character U+2066, which "
                           "makes it display in another order than it is written; remove it"),
    "bidi-comment": (5, "the text holds bidirectional control character U+200F, which makes "
                     "it display in another order than it is written; remove it"),
    "bidi-escaped-alm": (2, "project.name: the text holds control character U+061C (written "
                         "as an escape in quotes); remove it"),
}  # fmt: skip

CRITERIA: dict[str, tuple[str, int, str]] = {
    "duplicate-id": ("c-bool.yml", 1, "id: duplicate criterion id 'c-bool' "
                     "(also in duplicate-id/c-bool.yaml)"),
    "weight-zero": ("c-bool.yaml", 4, "weight: must be greater than 0, got 0"),
    "weight-negative": ("c-bool.yaml", 4, "weight: must be greater than 0, got -1"),
    "weight-string": ("c-bool.yaml", 4, "weight: expected a number, got 'heavy'"),
    "weight-quoted-number": ("c-bool.yaml", 4, "weight: expected a number, got '2'; "
                             "remove the quotes"),
    "undeclared-fact": ("c-levels.yaml", 8, "rule.fact: undeclared fact 'levle' "
                        "(did you mean 'level'?)"),
    "levels-missing-value": ("c-levels.yaml", 9, "rule.scores: scores must cover every value "
                             "of 'level'; missing ['high']"),
    "levels-unknown-value": ("c-levels.yaml", 9, "rule.scores.hihg: 'hihg' is not a value of "
                             "fact 'level' (did you mean 'high'?)"),
    "duplicate-key-rule": ("c-levels.yaml", 9, "duplicate key 'type' (first set on line 7)"),
    "bidi-in-criterion": ("c-levels.yaml", 2, "the text holds bidirectional control character "
                          "U+202E, which makes it display in another order than it is "
                          "written; remove it"),
    "tab-in-criterion": ("c-levels.yaml", 8, "invalid YAML: tabs are not allowed in YAML "
                         "indentation; indent this line with spaces: '\\tfact: level'"),
    "unknown-rule-type": ("c-levels.yaml", 7, "rule.type: unknown type 'level' (did you mean "
                          "'levels'?); expected one of boolean, levels, thresholds, linear, "
                          "weighted"),
    "unknown-key-criterion": ("c-bool.yaml", 12, "remedation: unknown key 'remedation' "
                              "(did you mean 'remediation'?)"),
    "unknown-pillar": ("c-bool.yaml", 3, "pillar: unknown pillar 'aa' (did you mean 'a'?)"),
    "bands-unordered": ("set.yaml", 25, "bands.1.min: bands must be ordered best to worst with "
                        "decreasing `min`; weak (80) is not below good (75)"),
    "last-band-not-zero": ("set.yaml", 29, "bands.2.min: the last band 'failing' must have "
                           "min 0 so every score has a band"),
    "duplicate-pillar": ("set.yaml", 13, "pillars.1.id: duplicate pillar id 'a'"),
    "set-is-invalid": ("set.yaml", 3, "version: 'one' does not fit; write a version such as "
                       "1.0.0"),
    "gate-in-empty": ("c-na.yaml", 12, "gate.when: this gate can never trip: its `in` list "
                      "is empty"),
    "gate-contradictory": ("c-na.yaml", 12, "gate.when: this gate can never trip: its "
                           "conditions on 'risk' contradict each other"),
    "gate-below-minimum": ("c-na.yaml", 12, "gate.when: this gate can never trip: 'share' is "
                           "never below 0 (its minimum is 0)"),
    "gate-unknown-band": ("c-na.yaml", 13, "gate.cap: unknown band 'weka' "
                          "(did you mean 'weak'?)"),
    "not-applicable-never": ("c-na.yaml", 10, "not_applicable_when: this condition can never "
                             "hold: its `in` list is empty"),
    "condition-boolean-number": ("c-na.yaml", 10, "not_applicable_when.in: 1 is not a value "
                                 "of fact 'n_a'"),
    "lens-unknown-criterion": ("lenses/b-heavy.yaml", 5, "criterion_weights.c-bol: unknown "
                               "criterion 'c-bol' (did you mean 'c-bool'?)"),
    "lens-unknown-pillar": ("lenses/b-heavy.yaml", 4, "pillar_weights.bb: unknown pillar 'bb' "
                            "(did you mean 'b'?)"),
}  # fmt: skip


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}"
    )
    return result.exit_code, result.stdout, result.stderr


def first_error(*args: str) -> str:
    """Run the CLI, expecting exit 2, nothing on stdout and no traceback; the first stderr line."""
    code, out, err = run(*args)
    assert code == 2, (code, err)
    assert out == ""
    assert "Traceback" not in err
    return err.splitlines()[0]


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_every_profile_case_has_a_row_and_every_row_a_file() -> None:
    files = {p.stem for p in (CORPUS / "profiles").glob("*.yaml")}
    assert files - {"bom-ok", "country-no-ok"} == set(PROFILES)
    assert {p.name for p in (CORPUS / "criteria").iterdir()} == set(CRITERIA)


@pytest.mark.parametrize("case", sorted(PROFILES))
def test_broken_profile_gives_its_exact_error(case: str, at_root: None) -> None:
    line, message = PROFILES[case]
    path = f"tests/corpus/profiles/{case}.yaml"
    assert first_error("evaluate", path, "--criteria", "tests/data/mini") == (
        f"{path}:{line}: {message}"
    )


@pytest.mark.parametrize("case", sorted(CRITERIA))
def test_broken_criteria_set_gives_its_exact_error(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(MINI, tmp_path / case)
    shutil.copytree(CORPUS / "criteria" / case, tmp_path / case, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    name, line, message = CRITERIA[case]
    assert first_error("validate", "--criteria", case) == f"{case}/{name}:{line}: {message}"


def test_a_utf8_bom_is_fine(at_root: None) -> None:
    code, out, err = run(
        "evaluate", "tests/corpus/profiles/bom-ok.yaml", "-c", "tests/data/mini", "-f", "json"
    )
    assert code == 0, err
    assert json.loads(out)["scorecards"][0]["project"] == "Test"


def test_country_no_is_the_text_no_not_false(at_root: None) -> None:
    code, out, err = run(
        "evaluate",
        "tests/corpus/profiles/country-no-ok.yaml",
        "-c",
        "tests/data/mini",
        "-f",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)["scorecards"][0]["country"] == "NO"


def test_alias_bomb_is_refused_fast_and_small(tmp_path: Path) -> None:
    """A billion-laughs file (10^30 nodes if expanded) is refused at its first anchor.

    The error names line 2, the first anchor, and the run's peak memory stays a few MB: nothing
    was expanded. (No clock: a time limit would fail on a loaded CI machine, not on a bug.)"""
    rows = ["project: {name: T, country: X}", "l0: &l0 [" + ", ".join(["lol"] * 10) + "]"]
    rows += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 30)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tracemalloc.start()
    try:
        error = first_error("evaluate", str(path), "--criteria", str(MINI))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error == f"{path}:2: YAML anchors ('&l0') are not allowed; write the value out"
    assert peak < 50_000_000


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    """PyYAML's C composer overflows the C stack on ~50,000 nested `[`; we never call it."""
    path = tmp_path / "deep.yaml"
    path.write_text("project: {name: T, country: X}\nx: " + "[" * 100_000 + "]" * 100_000)
    error = first_error("evaluate", str(path), "--criteria", str(MINI))
    assert error == f"{path}:2: nesting deeper than 40 levels"


def test_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("project: {name: T, country: X}\n" + "# padding\n" * (MAX_FILE_BYTES // 10))
    size = path.stat().st_size
    assert first_error("evaluate", str(path), "--criteria", str(MINI)) == (
        f"{path}: file is {size:,} bytes, larger than the {MAX_FILE_BYTES:,}-byte limit"
    )


def test_a_string_over_the_length_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(f"project:\n  name: {'x' * (MAX_TEXT_CHARS + 1)}\n  country: X\n")
    assert first_error("evaluate", str(path), "--criteria", str(MINI)) == (
        f"{path}:2: project.name: text is 20,001 characters, over the 20,000 limit"
    )


def test_a_huge_integer_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "int.yaml"
    path.write_text("project: {name: T, country: X}\nfacts:\n  share: " + "9" * 5000 + "\n")
    assert first_error("evaluate", str(path), "--criteria", str(MINI)) == (
        f"{path}:3: facts.share: a number of 5000 characters is out of range"
    )


def test_a_directory_as_profile_and_a_missing_path(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.yaml"
    folder.mkdir()
    assert first_error("evaluate", str(folder), "--criteria", str(MINI)) == (
        f"{folder}: the directory holds no .yaml profiles (nor .yml, in any case; "
        "hidden files are skipped)"
    )
    missing = tmp_path / "missing.yaml"
    assert first_error("evaluate", str(missing), "--criteria", str(MINI)) == (
        f"{missing}: no such file or directory"
    )


def test_a_directory_where_the_set_file_should_be(tmp_path: Path) -> None:
    crit = tmp_path / "crit"
    shutil.copytree(MINI, crit)
    (crit / "set.yaml").unlink()
    (crit / "set.yaml").mkdir()
    assert first_error("validate", "--criteria", str(crit)) == (
        f"{crit / 'set.yaml'}: is a directory, expected a YAML file"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("project: {name: T, country: X}\n")
    path.chmod(0)
    try:
        assert first_error("evaluate", str(path), "--criteria", str(MINI)) == (
            f"{path}: permission denied"
        )
    finally:
        path.chmod(0o644)


def test_a_read_refused_by_the_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chmod 000 case, for root too: the loader turns PermissionError into one line."""
    path = tmp_path / "secret.yaml"
    path.write_text("project: {name: T, country: X}\n")

    real_open = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    assert first_error("evaluate", str(path), "--criteria", str(MINI)) == (
        f"{path}: permission denied"
    )


def test_a_fifo_or_device_is_refused_without_reading(tmp_path: Path) -> None:
    """Reading a FIFO would block and /dev/zero would never end; neither is opened."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert first_error("evaluate", str(fifo), "--criteria", str(MINI)) == (
        f"{fifo}: is not a regular file, expected a YAML file"
    )
    assert first_error("evaluate", "/dev/zero", "--criteria", str(MINI)) == (
        "/dev/zero: is not a regular file, expected a YAML file"
    )


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS refuses non-UTF-8 file names")
def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.yaml")
    (tmp_path / name).write_text("project: {name: T, country: X}\n")
    assert first_error("evaluate", str(tmp_path), "--criteria", str(MINI)) == (
        f"{tmp_path}/caf\\udce9.yaml: the file name is not valid UTF-8; rename it"
    )


def test_criteria_option_given_a_file(tmp_path: Path) -> None:
    assert first_error("validate", "--criteria", str(MINI / "set.yaml")) == (
        f"{MINI / 'set.yaml'}: is a file; --criteria takes the criteria directory"
    )


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ({"fact": "share", "at_least": 101}, "'share' never reaches 101 (its maximum is 100)"),
        ({"fact": "share", "below": 0}, "'share' is never below 0 (its minimum is 0)"),
        ({"fact": "share", "below": 100.5}, None),
        ({"fact": "flag", "in": [1]}, "no value in its `in` list is a value of 'flag'"),
        (
            {"all": [{"fact": "share", "at_least": 60}, {"fact": "share", "below": 60}]},
            "its conditions on 'share' contradict each other",
        ),
        ({"all": [{"fact": "share", "at_least": 60}, {"fact": "share", "below": 60.1}]}, None),
        (
            {"any": [{"fact": "level", "in": []}, {"fact": "share", "below": -1}]},
            "none of its `any` branches can hold",
        ),
        ({"any": [{"fact": "level", "in": []}, {"fact": "level", "in": ["mid"]}]}, None),
        ({"fact": "undeclared", "in": ["x"]}, None),
    ],
)
def test_conditions_that_can_never_hold(condition: dict[str, Any], reason: str | None) -> None:
    cond = TypeAdapter(Condition).validate_python(condition)
    assert never_holds(cond, load_criteria(MINI).facts) == reason
