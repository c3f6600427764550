"""Shared fixtures: the shipped criteria set, the hand-computable mini set, profile writers.

The suite runs under pytest-xdist (`-n auto` in pyproject.toml): tests run in parallel worker
processes, in no fixed order, each worker with its own session fixtures. A test stays safe there
when it writes only under tmp_path / tmp_path_factory (never into the checkout or a fixed path
in /tmp), opens no fixed port, changes the working directory or the environment only through
monkeypatch (undone after the test), and does not count on another test having run first. Tests
that share one costly module or session fixture carry @pytest.mark.xdist_group(name), so one
worker makes it once (`--dist loadgroup`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria

# No per-example deadline: CI runs three suites on two cores at once, and a slow example there is
# load, not a bug. Tests that want fewer examples still say so with their own @settings.
settings.register_profile("riskscore", deadline=None)
settings.load_profile("riskscore")

# The compiled-criteria cache (riskscore/load/criteria/cache.py) stays on, as for users, but in a
# folder of this test session's own: never the user's ~/.cache, never shared between suites.
_CACHE = tempfile.mkdtemp(prefix="riskscore-test-cache-")
os.environ["RISKSCORE_CACHE_DIR"] = _CACHE
os.environ.pop("RISKSCORE_NO_CACHE", None)
atexit.register(shutil.rmtree, _CACHE, True)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini"
SHIPPED = ROOT / "criteria"
PROJECTS = ROOT / "projects"


@pytest.fixture(autouse=True)
def _no_debug_left_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without --debug: an in-process run of the full app with `--debug`
    sets commands.common.DEBUG, and a later test of a one-command app in the same worker then
    saw tracebacks (exit 1) instead of usage errors (exit 2), depending on the test order."""
    from riskscore.commands import common

    monkeypatch.setattr(common, "DEBUG", False)


@pytest.fixture(scope="session")
def mini() -> CriteriaSet:
    return load_criteria(MINI)


@pytest.fixture(scope="session")
def shipped() -> CriteriaSet:
    return load_criteria(SHIPPED)


@pytest.fixture(scope="session")
def shipped_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML report of every shipped profile as a reader makes it (`riskscore report
    projects --output ...` run in the checkout, RISKSCORE_TODAY=2026-11-23, default options).

    Made once per worker (its roadmaps cost about 25 s of CPU); tests only read it. Tests that
    use it carry @pytest.mark.xdist_group("shipped-report") so one worker makes it once.
    """
    return shipped_report_page(tmp_path_factory.mktemp("shipped-report"))


@pytest.fixture(scope="session")
def shipped_full_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of every shipped profile, as a reader would make it, with --history: in a
    git checkout each profile with two or more committed versions has its trend chart; and
    with the uncertainty section (its rank and Sobol charts), at a small sample size (8).

    Made once per worker; tests only read it and carry @pytest.mark.xdist_group("shipped-page").
    """
    return shipped_report_page(
        tmp_path_factory.mktemp("shipped-full-report"),
        "--history",
        "--uncertainty-samples",
        "8",
    )


def shipped_report_page(folder: Path, *options: str) -> Path:
    """Run `riskscore report projects [options] --output folder/report.html` in the checkout
    (relative paths, RISKSCORE_TODAY=2026-11-23); the page's path. Asserts exit 0."""
    import typer
    from typer.testing import CliRunner

    from riskscore.commands.report import report

    app = typer.Typer()
    app.command()(report)
    page = folder / "report.html"
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            app,
            [str(PROJECTS.relative_to(ROOT)), *options, "--output", str(page)],
            env={"RISKSCORE_TODAY": "2026-11-23"},
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.stderr
    return page


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write dedented text to tmp_path/name and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


def mini_profile(facts: str = "") -> str:
    """A profile for the mini set with the given facts block (YAML, indented 2)."""
    body = textwrap.indent(textwrap.dedent(facts).strip("\n"), "  ") if facts.strip() else ""
    return (
        f"project:\n  name: Test\n  country: Nowhere\nfacts:\n{body or '  {}'}\n"
        if body
        else "project:\n  name: Test\n  country: Nowhere\n"
    )


ALPHA_PROFILE = """\
project: {name: Alpha, country: Nowhere}
facts:
  flag: true
  level: mid
  share: 40
  n_a: true
"""
"""A mini-set profile stating one fact of each rule type (boolean, levels, number, and the
condition that makes one criterion not applicable)."""


# Condition facts set so that every criterion applies (a fixture profile with every part live).
APPLYING = {
    "indigenous_peoples_affected": True,
    "involuntary_resettlement": True,
    "tailings_facility": True,
    "subnational_mineral_authority": True,
}


def best_facts(cset: CriteriaSet) -> dict[str, Any]:
    """Every fact a criterion scores at its best value (numbers at their maximum), and the
    condition facts that make every criterion apply: the best stated profile of a set."""
    from riskscore.engine.order import best_value

    out: dict[str, Any] = {}
    for fact in cset.header.facts:
        if fact.type == "number":
            out[fact.id] = fact.max
            continue
        best = best_value(cset, fact.id)
        if best is not None:
            out[fact.id] = best
    out.update({k: v for k, v in APPLYING.items() if k in cset.facts})
    return out


def facts_profile(values: dict[str, Any], stage: str | None = None) -> Any:
    """A Profile stating `values` (each cited to a fixture source), at `stage`."""
    from riskscore.load.profile_models import Profile, ProjectInfo, StatedFact

    info = ProjectInfo.model_validate({"name": "Fixture", "country": "Nowhere", "stage": stage})
    facts = {k: StatedFact(id=k, value=v, sources=("fixture",)) for k, v in values.items()}
    return Profile("fixture.yaml", info, "2026-01-01", {}, facts)
