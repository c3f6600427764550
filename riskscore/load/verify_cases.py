"""Test cases for criteria authors (`riskscore verify`): a fixture profile kept beside a
criteria set with the outcome it must produce, as `conftest verify` runs policy tests.

Each YAML file in the set's `tests/` folder is one case:

    description: A substantiated, open serious abuse caps the band at Failing.
    profile:            # a profile, exactly as under projects/ (project, facts, sources, ...)
      project: {name: Abuse case, country: Testland}
      facts: {...}
    expect:
      band: failing                 # the band, exactly (a band id of the set)
      band_at_least: weak           # or a bound: at least / at most this good
      band_at_most: poor
      evidence: sufficient          # or insufficient
      score_at_least: 60            # bounds on the 0-100 score
      score_at_most: 90
      red_flags: [serious-abuses]   # each trips, verified (its facts are stated)
      no_red_flags: [provincial-consent]     # none of these trips (verified)
      unverified_red_flags: [bribery-and-peps]  # listed as not checked (facts unknown)
      criteria:
        eiti-implementation: {status: met, score: 1}   # also score_at_least, score_at_most

Every expectation keeps the line it is written on, so a broken one is reported as
`path:line: message`. A country with no file under countries/ (`Testland`) keeps a case
independent of country facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskscore.errors import ErrorGroup, InputError, RiskscoreError
from riskscore.load.yaml_reader import Document, list_yaml_files, load_yaml
from riskscore.suggest import did_you_mean

TESTS_FOLDER = "tests"
"""The folder of a criteria set that holds its cases."""

SCALAR_KEYS: dict[str, type | tuple[type, ...]] = {
    "band": str,
    "band_at_least": str,
    "band_at_most": str,
    "evidence": str,
    "score_at_least": (int, float),
    "score_at_most": (int, float),
}
LIST_KEYS = ("red_flags", "no_red_flags", "unverified_red_flags")
CRITERION_KEYS: dict[str, type | tuple[type, ...]] = {
    "status": str,
    "score": (int, float),
    "score_at_least": (int, float),
    "score_at_most": (int, float),
}
EXPECT_KEYS = (*SCALAR_KEYS, *LIST_KEYS, "criteria")


@dataclass(frozen=True)
class Expectation:
    """One checked outcome: `key` (`band`, `red_flags`, `criteria.status`...), the criterion
    or flag it concerns (`subject`, '' for the whole project), the expected value, its line."""

    key: str
    subject: str
    value: Any
    line: int


@dataclass(frozen=True)
class Case:
    """One test case: its file, what it is about, its profile and its expectations."""

    path: str
    description: str
    profile: Document
    expectations: tuple[Expectation, ...]


def case_files(set_folder: Path) -> list[Path]:
    """The case files of a criteria set (`<set>/tests/*.yaml`), sorted; [] when none."""
    folder = set_folder / TESTS_FOLDER
    return list_yaml_files(folder) if folder.is_dir() else []


def load_case(path: Path) -> Case:
    """Read one case file. Raises ErrorGroup (`path:line: message`, exit 2) for a file that is
    not a case: a missing `profile` or `expect`, an unknown key, a value of the wrong type."""
    doc = load_yaml(path)
    errors: list[RiskscoreError] = []

    def problem(message: str, *loc: str | int) -> None:
        errors.append(InputError(message, doc.path, doc.line(loc)))

    data = doc.data
    for key in data:
        if key not in ("description", "profile", "expect"):
            problem(
                f"{key}: unknown key{did_you_mean(key, ('description', 'profile', 'expect'))}; "
                "a case has description, profile and expect",
                key,
            )
    profile, expect = data.get("profile"), data.get("expect")
    if not isinstance(profile, dict):
        problem("profile: give the case's profile as a mapping (project, facts, ...)", "profile")
    if not isinstance(expect, dict) or not expect:
        problem("expect: give at least one expected outcome (band, red_flags, ...)", "expect")
    description = data.get("description", "")
    if not isinstance(description, str):
        problem("description: write one line of text", "description")
    expectations = _expectations(expect, doc, problem) if isinstance(expect, dict) else []
    if errors:
        raise ErrorGroup(errors)
    assert isinstance(profile, dict)
    inner = {loc[1:]: line for loc, line in doc.lines.items() if loc[:1] == ("profile",)}
    return Case(doc.path, str(description), Document(doc.path, profile, inner), tuple(expectations))


def _expectations(expect: dict[str, Any], doc: Document, problem: Any) -> list[Expectation]:
    found: list[Expectation] = []
    for key, value in expect.items():
        loc = ("expect", key)
        if key in SCALAR_KEYS:
            if isinstance(value, bool) or not isinstance(value, SCALAR_KEYS[key]):
                problem(f"expect.{key}: expected {_kind(SCALAR_KEYS[key])}", *loc)
                continue
            found.append(Expectation(key, "", value, doc.line(loc)))
        elif key in LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problem(f"expect.{key}: expected a list of criterion ids", *loc)
                continue
            found += [
                Expectation(key, flag, True, doc.line((*loc, i))) for i, flag in enumerate(value)
            ]
        elif key == "criteria":
            found += _criteria(value, doc, problem)
        else:
            problem(
                f"expect.{key}: unknown expectation{did_you_mean(key, EXPECT_KEYS)}; choose "
                f"from {', '.join(EXPECT_KEYS)}",
                *loc,
            )
    return found


def _criteria(value: Any, doc: Document, problem: Any) -> list[Expectation]:
    if not isinstance(value, dict):
        problem("expect.criteria: map criterion ids to {status, score, ...}", "expect", "criteria")
        return []
    found: list[Expectation] = []
    for crit, checks in value.items():
        loc = ("expect", "criteria", crit)
        if not isinstance(checks, dict) or not checks:
            problem(f"expect.criteria.{crit}: give status, score, score_at_least or ...", *loc)
            continue
        for key, expected in checks.items():
            if key not in CRITERION_KEYS:
                problem(
                    f"expect.criteria.{crit}.{key}: unknown expectation"
                    f"{did_you_mean(key, CRITERION_KEYS)}; choose from "
                    + ", ".join(CRITERION_KEYS),
                    *loc,
                    key,
                )
            elif isinstance(expected, bool) or not isinstance(expected, CRITERION_KEYS[key]):
                problem(f"expect.criteria.{crit}.{key}: expected {_kind(CRITERION_KEYS[key])}",
                        *loc, key)  # fmt: skip
            else:
                found.append(Expectation(f"criteria.{key}", crit, expected, doc.line((*loc, key))))
    return found


def _kind(kind: Any) -> str:
    return "text" if kind is str else "a number"
