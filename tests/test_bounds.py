"""Discovery and references stay inside what the user named (issue 22, section 5).

- A glob's `**` enters each real folder once: links that loop back cannot make it run for
  ever (two links to `.` used to).
- A directory or glob never follows a link out of the tree it names: such a link is an error
  (exit 2) naming the link, and what it points to is never read, so no message echoes it.
- `extends:` takes no absolute path and no path that leads (links followed) outside the
  repository that holds the criteria set; a set's own criterion and lens files may not be
  links to outside it either.
"""

from __future__ import annotations

import csv
import glob
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskscore.commands.app import app
from riskscore.errors import RiskscoreError
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.discovery import discover_profiles
from riskscore.load.yaml_reader import is_yaml_name
from tests.conftest import MINI, mini_profile

SECRET = "hunter2-secret-value"
"""Text in a file outside the tree: no output may ever show it."""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def _outside(tmp_path: Path) -> Path:
    """A folder outside every tree the tests name, holding a profile whose errors would show
    SECRET (an unknown fact name is echoed in the message)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(mini_profile(f"{SECRET}: 1"), encoding="utf-8")
    (outside / "good.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    return outside


# --- symbolic-link loops ---------------------------------------------------------------------


def test_two_links_to_dot_do_not_make_a_glob_run_for_ever(tmp_path: Path) -> None:
    """The issue's case, as a real process with a time limit: it used to never finish."""
    two = tmp_path / "two"
    (two / "sub").mkdir(parents=True)
    (two / "a.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    (two / "sub" / "b.yaml").write_text(mini_profile("flag: false"), encoding="utf-8")
    (two / "l1").symlink_to(".")
    (two / "l2").symlink_to(".")
    (two / "sub" / "up").symlink_to("..")
    argv = [sys.executable, "-m", "riskscore", "evaluate", "two/**/*.yaml", "-c", str(MINI)]
    done = subprocess.run(
        [*argv, "-f", "csv"],
        cwd=tmp_path,
        env={**os.environ, "RISKSCORE_NO_CACHE": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    paths = sorted(row["path"] for row in csv.DictReader(io.StringIO(done.stdout)))
    assert paths == ["two/a.yaml", "two/sub/b.yaml"]


@pytest.mark.parametrize(
    "pattern", ["{t}/**/*.yaml", "{t}/**", "{t}/**/**/*.yaml", "{t}/*/**/*.yaml"]
)
def test_many_loops_stay_small(tmp_path: Path, pattern: str) -> None:
    """Ten links to `.` and ten to the parent at three levels: each file once, at once."""
    top = tmp_path / "t"
    folder = top
    for depth in range(3):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"p{depth}.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
        for i in range(10):
            (folder / f"self{i}").symlink_to(".")
            if depth:
                (folder / f"up{i}").symlink_to("..")
        folder = folder / f"d{depth}"
    found = discover_profiles([pattern.format(t=top)])
    assert sorted(p.name for p in found) == ["p0.yaml", "p1.yaml", "p2.yaml"]


# --- links out of the tree ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ["evaluate", "validate", "compare", "report", "sensitivity"])
@pytest.mark.parametrize("form", ["dir", "glob", "recursive"])
def test_a_file_link_out_of_the_tree_is_refused_and_never_read(
    tmp_path: Path, command: str, form: str
) -> None:
    outside = _outside(tmp_path)
    projects = tmp_path / "projects"
    (projects / "sub").mkdir(parents=True)
    (projects / "a.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    (projects / "b.yaml").write_text(mini_profile("flag: false"), encoding="utf-8")
    link = projects / ("sub" if form == "recursive" else ".") / "evil.yaml"
    link.symlink_to(outside / "secret.yaml")
    arg = {"dir": str(projects), "glob": f"{projects}/*.yaml", "recursive": f"{projects}/**/*.yaml"}
    extra = {"report": ["-o", str(tmp_path / "r.html")], "sensitivity": ["-n", "4"]}
    code, out, err = run(command, arg[form], "-c", str(MINI), *extra.get(command, []))
    assert code == 2
    assert err.startswith(f"{link}: a link that leads outside "), err
    assert SECRET not in out + err and str(outside) not in err


def test_a_folder_link_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    projects = tmp_path / "projects"
    projects.mkdir()
    (projects / "a.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    (projects / "elsewhere").symlink_to(outside)
    code, _, err = run("evaluate", f"{projects}/**/*.yaml", "-c", str(MINI))
    assert code == 2 and err.startswith(f"{projects / 'elsewhere'}: a link that leads outside")
    assert SECRET not in err


def test_links_inside_the_tree_and_named_files_are_read(tmp_path: Path) -> None:
    """Inside the tree a link is fine; outside it, naming the file (or its folder) reads it."""
    outside = _outside(tmp_path)
    projects = tmp_path / "projects"
    (projects / "sub").mkdir(parents=True)
    (projects / "sub" / "a.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    (projects / "a-link.yaml").symlink_to(projects / "sub" / "a.yaml")
    (projects / "sub" / "up").symlink_to("..")
    assert [p.name for p in discover_profiles([str(projects)])] == ["a-link.yaml"]
    assert len(discover_profiles([f"{projects}/**/*.yaml"])) == 1  # one file, two names
    (projects / "good.yaml").symlink_to(outside / "good.yaml")
    assert discover_profiles([str(projects / "good.yaml")]) == [projects / "good.yaml"]
    assert discover_profiles([str(outside)])[0].name == "good.yaml"


# --- extends: and a set's own files ------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree holding the mini set at criteria/ and, beside the repository, a set
    whose every file would show SECRET in an error."""
    root = tmp_path / "repo"
    shutil.copytree(MINI, root / "criteria" / "mini")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "set.yaml").write_text(f"name: x\n{SECRET}: 1\n", encoding="utf-8")
    (foreign / "c.yaml").write_text(f"id: c\n{SECRET}: 1\n", encoding="utf-8")
    return root


def _overlay(repo: Path, extends: str) -> Path:
    folder = repo / "criteria" / "o"
    folder.mkdir(parents=True, exist_ok=True)
    head = "name: o\ntitle: O\nversion: 1.0.0\ndescription: D.\n"
    (folder / "set.yaml").write_text(f"{head}extends: {extends}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("extends", "message"),
    [
        ("{foreign}", "is an absolute path"),
        ("../../../foreign", "leads outside"),
        ("../../../foreign/set.yaml", "leads outside"),
        ("/etc", "is an absolute path"),
        ("C:\\\\Windows", "is an absolute path"),
        ("./escape", "leads outside"),  # a link inside the repository to the set outside
    ],
)
def test_extends_stays_inside_the_repository(repo: Path, extends: str, message: str) -> None:
    foreign = repo.parent / "foreign"
    (repo / "criteria" / "o").mkdir(parents=True)
    (repo / "criteria" / "o" / "escape").symlink_to(foreign)
    folder = _overlay(repo, extends.format(foreign=foreign))
    with pytest.raises(RiskscoreError) as info:
        load_criteria(folder, cache=False)
    text = str(info.value)
    assert text.startswith(f"{folder / 'set.yaml'}:5: extends: "), text
    assert message in text and SECRET not in text


def test_extends_refusal_is_exit_2_on_the_command_line(repo: Path) -> None:
    folder = _overlay(repo, "../../../foreign")
    code, _, err = run("criteria", "-c", str(folder))
    assert code == 2 and ":5: extends: '../../../foreign' leads outside" in err
    assert SECRET not in err


def test_extends_inside_the_repository_and_shipped_names_still_work(repo: Path) -> None:
    assert load_criteria(_overlay(repo, "../mini"), cache=False).chain == ("mini", "o")
    assert "mini" in load_criteria(Path("tests/data/mini-overlay2"), cache=False).chain
    shipped = load_criteria(_overlay(repo, "pakistan-critical-minerals"), cache=False)
    assert len(shipped.chain) == 3  # the shipped overlay's own ./base is inside its folder


def test_outside_a_repository_the_folder_holding_the_set_is_the_bound(tmp_path: Path) -> None:
    """Sibling sets (`../mini`) work; one more `../` does not."""
    shutil.copytree(MINI, tmp_path / "sets" / "mini")
    (tmp_path / "foreign").mkdir()
    shutil.copytree(MINI, tmp_path / "foreign" / "mini")
    head = "name: o\ntitle: O\nversion: 1.0.0\ndescription: D.\n"
    folder = tmp_path / "sets" / "o"
    folder.mkdir()
    (folder / "set.yaml").write_text(head + "extends: ../mini\n", encoding="utf-8")
    assert load_criteria(folder, cache=False).chain == ("mini", "o")
    (folder / "set.yaml").write_text(head + "extends: ../../foreign/mini\n", encoding="utf-8")
    with pytest.raises(RiskscoreError, match="leads outside"):
        load_criteria(folder, cache=False)


def test_a_criterion_file_linked_out_of_the_repository_is_refused(repo: Path) -> None:
    foreign = repo.parent / "foreign"
    link = repo / "criteria" / "mini" / "c.yaml"
    link.symlink_to(foreign / "c.yaml")
    with pytest.raises(RiskscoreError) as info:
        load_criteria(repo / "criteria" / "mini", cache=False)
    text = str(info.value)
    assert f"{link}: a link to a file outside {repo}" in text and SECRET not in text


# --- the walk matches glob where there are no links ----------------------------------------------

NAMES = st.sampled_from(["a.yaml", "b.YML", ".h.yaml", "n.txt", "x.yaml"])
FOLDERS = st.sampled_from(["d", "e", ".hid", "d2"])
TREES = st.lists(st.tuples(st.lists(FOLDERS, max_size=3), NAMES), min_size=1, max_size=12)
PATTERNS = ["**/*.yaml", "**/*", "*/*.yaml", "**", "d/**/*.yml", "*/**/*", "**/d/*", "*"]


@settings(max_examples=60, deadline=None)
@given(tree=TREES, pattern=st.sampled_from(PATTERNS))
def test_the_walk_finds_what_glob_finds_without_links(
    tmp_path_factory: pytest.TempPathFactory, tree: list[tuple[list[str], str]], pattern: str
) -> None:
    root = tmp_path_factory.mktemp("tree")
    for folders, name in tree:
        where = root.joinpath(*folders)
        where.mkdir(parents=True, exist_ok=True)
        if not (where / name).is_dir():
            (where / name).write_text("x: 1\n", encoding="utf-8")
    arg = f"{root}/{pattern}"
    expected = sorted(
        p
        for p in map(Path, glob.glob(arg, recursive=True))
        if p.is_file()
        and is_yaml_name(p.name)
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    try:
        found = discover_profiles([arg])
    except RiskscoreError:
        found = []
    assert sorted(found) == expected


def test_a_link_out_that_discovery_would_skip_anyway_is_no_error(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    projects = tmp_path / "projects"
    projects.mkdir()
    (projects / "a.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    (projects / "README.md").symlink_to(outside / "good.yaml")
    for arg in (f"{projects}/**", f"{projects}/*", str(projects)):
        assert [p.name for p in discover_profiles([arg])] == ["a.yaml"]
