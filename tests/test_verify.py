"""`riskscore verify`: a criteria set's test cases (tests/ beside it), run in CI on the shipped
set; a broken expectation is `path:line: message` and exit 1 (CliRunner and subprocess)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.commands.app import app
from tests.conftest import MINI, ROOT, SHIPPED

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["verify", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_shipped_set_meets_its_expectations() -> None:
    """CI runs the shipped set's cases here (criteria/tests/)."""
    code, out, err = run(str(SHIPPED))
    assert code == 0, out + err
    assert out.splitlines()[-1].endswith(": all hold")
    assert len(list((SHIPPED / "tests").glob("*.yaml"))) >= 6


def test_subprocess_verify_from_the_repository_root() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "riskscore", "verify", "--verbose"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "criteria/tests/everything-best.yaml: ok" in proc.stdout


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_criteria_change_breaks_the_expectations_it_should(tmp_path: Path) -> None:
    """Lowering the serious-abuses caps from failing to weak (method v3: substantiated and
    unresolved allegations both cap at failing, OECD Annex II para 2) breaks exactly the cases
    that pin them; the lapsed allegation and the other cases still hold."""
    root = tmp_path / "criteria"
    shutil.copytree(SHIPPED, root)
    gate = root / "base" / "serious-abuses.yaml"
    text = gate.read_text()
    assert text.count("  cap: failing\n") == 2  # substantiated_open, allegations_unresolved
    gate.write_text(text.replace("  cap: failing\n", "  cap: weak\n"))
    code, out, err = run(str(root))
    assert code == 1, err
    for name in ("substantiated-abuse", "unresolved-allegations"):
        case = root / "tests" / f"{name}.yaml"
        expected = f"{case}:{line_of(case, 'band: failing')}: band: expected band failing, got weak"
        assert any(line.startswith(expected) for line in out.splitlines()), out
    assert "broken in 2 cases" in out.splitlines()[-1], out


MINI_CASE = """\
description: Every mini criterion met.
profile:
  project: {name: Mini, country: Testland}
  facts:
    flag: true
    level: high
    share: 100
    n_a: false
    risk: none
expect:
  band: good
  evidence: sufficient
  score_at_least: 99
  no_red_flags: [c-na]
  criteria:
    c-bool: {status: met, score: 1}
"""


@pytest.fixture
def mini_set(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    (root / "tests").mkdir()
    (root / "tests" / "best.yaml").write_text(MINI_CASE)
    return root


def test_every_kind_of_expectation_can_hold(mini_set: Path) -> None:
    code, out, err = run(str(mini_set), "-v")
    assert code == 0, out + err
    assert "ok, 6 expectations: Every mini criterion met." in out


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ("band: weak", "band: expected band weak, got good"),
        ("band_at_most: weak", "band_at_most: expected band at most weak, got good"),
        ("evidence: insufficient", "evidence: expected insufficient, got sufficient"),
        ("score_at_most: 50", "score_at_most: expected 50, got 100"),
        ("red_flags: [c-na]", "red_flags: expected c-na to trip, verified; got none"),
        (
            "unverified_red_flags: [c-na]",
            "unverified_red_flags: expected c-na listed as not checked; it is checked",
        ),
        ("red_flags: [c-bool]", "red_flags: no red flag 'c-bool'"),
        ("criteria: {c-bool: {status: unmet}}", "criteria.c-bool.status: expected unmet, got met"),
        ("criteria: {c-bool: {score_at_most: 0.5}}", "criteria.c-bool.score_at_most: expected 0.5"),
        (
            "criteria: {c-boo: {status: met}}",
            "criteria: no criterion 'c-boo' (did you mean 'c-bool'?)",
        ),
        ("band: great", "band: no band 'great'"),
    ],
)
def test_a_broken_expectation_is_path_line_and_exit_1(mini_set, expect, message) -> None:
    case = mini_set / "tests" / "broken.yaml"
    head = MINI_CASE.split("expect:")[0]
    case.write_text(head + "expect:\n  score_at_least: 0\n" + textwrap.indent(expect, "  "))
    code, out, _ = run(str(mini_set))
    assert code == 1
    broken = [line for line in out.splitlines() if line.startswith(str(case))]
    assert len(broken) == 1, out
    assert broken[0].startswith(f"{case}:{line_of(case, expect.split(':')[0])}: {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("expect: {band: good}\n", "profile: give the case's profile"),
        (MINI_CASE.replace("  band: good", "  bnd: good"), "expect.bnd: unknown expectation"),
        (MINI_CASE.replace("  band: good", "  band: 3"), "expect.band: expected text"),
        (MINI_CASE.replace("    level: high", "    level: highest"), "facts.level"),
        ("profile: {}\nexpect: [\n", "invalid YAML"),
    ],
)
def test_a_case_that_does_not_load_is_exit_2(mini_set, text, message) -> None:
    case = mini_set / "tests" / "bad.yaml"
    case.write_text(text)
    code, out, err = run(str(mini_set))
    assert code == 2 and out == ""
    assert err.startswith(f"{case}:") and message in err


def test_a_set_without_cases_is_not_a_pass(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    code, _, err = run(str(tmp_path / "mini"))
    assert code == 2 and "no test cases" in err


def test_every_problem_of_every_case_is_reported_at_once(mini_set: Path) -> None:
    """A bad case does not hide the next: verify reads every case and lists each problem once,
    in file order, before exit 2 (a case with two problems, then one that is not YAML)."""
    first = mini_set / "tests" / "a-bad.yaml"
    first.write_text(MINI_CASE.replace("  band:", "  bnd:").replace("  evidence:", "  evdnce:"))
    second = mini_set / "tests" / "c-bad.yaml"
    second.write_text("profile: {}\nexpect: [\n")
    code, out, err = run(str(mini_set))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 3, err
    assert lines[0].startswith(f"{first}:") and "expect.bnd: unknown expectation" in lines[0]
    assert lines[1].startswith(f"{first}:") and "expect.evdnce: unknown expectation" in lines[1]
    assert lines[2].startswith(f"{second}:2: invalid YAML")
