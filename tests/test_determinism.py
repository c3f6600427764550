"""Same inputs, same bytes: across hash seeds, worker counts and file-system listing order;
and outputs are written whole or not at all, never over an input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.commands.app import app
from riskscore.commands.output import write_atomic
from riskscore.errors import RiskscoreError
from tests.conftest import MINI, PROJECTS, ROOT, SHIPPED, mini_profile

TODAY = "2026-11-23"
Writer = Callable[[str, str], Path]
runner = CliRunner()


def riskscore(*args: str, seed: str = "0") -> bytes:
    """Run the real console entry point in a fresh interpreter; its stdout as bytes."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "RISKSCORE_TODAY": TODAY}
    done = subprocess.run(
        [sys.executable, "-m", "riskscore", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


def test_json_is_byte_identical_across_hash_seeds() -> None:
    first = riskscore("evaluate", "projects/", "--format", "json", seed="0")
    second = riskscore("evaluate", "projects/", "--format", "json", seed="12345")
    assert first == second
    assert len(json.loads(first)["scorecards"]) == len(list(PROJECTS.glob("*.yaml")))


def test_json_does_not_depend_on_the_number_of_workers() -> None:
    one = riskscore("evaluate", "projects/", "--format", "json", "--jobs", "1")
    two = riskscore("evaluate", "projects/", "--format", "json", "--jobs", "2", seed="99")
    assert one == two


def _copy_in_order(names: list[str], target: Path, rename: dict[str, str]) -> None:
    target.mkdir()
    for name in names:
        shutil.copy(PROJECTS / name, target / rename.get(name, name))


def test_order_follows_sorted_file_names_not_creation_order(tmp_path: Path) -> None:
    names = sorted(p.name for p in PROJECTS.glob("*.yaml"))
    # Same names, created in opposite orders.
    _copy_in_order(names, tmp_path / "b-forward", {})
    _copy_in_order(names[::-1], tmp_path / "a-backward", {})
    outputs = {}
    for folder in ("a-backward", "b-forward"):
        code, out, err = run("evaluate", str(tmp_path / folder), "-c", str(SHIPPED), "-f", "json")
        assert code == 0, err
        cards = json.loads(out)["scorecards"]
        assert [Path(c["path"]).name for c in cards] == names
        outputs[folder] = out.replace(str(tmp_path / folder), "DIR")
    assert outputs["a-backward"] == outputs["b-forward"]
    # Names whose sort order is the reverse of their creation order.
    rename = {n: f"{len(names) - i:02d}-{n}" for i, n in enumerate(names)}
    _copy_in_order(names, tmp_path / "renamed", rename)
    code, out, err = run("evaluate", str(tmp_path / "renamed"), "-c", str(SHIPPED), "-f", "json")
    assert code == 0, err
    got = [Path(c["path"]).name for c in json.loads(out)["scorecards"]]
    assert got == sorted(rename.values())
    assert got != [rename[n] for n in names]


def test_criteria_hash_and_output_do_not_depend_on_listing_order(tmp_path: Path) -> None:
    files = sorted(p.relative_to(SHIPPED) for p in SHIPPED.rglob("*.yaml"))
    copies = {}
    for label, order in (("fwd", files), ("rev", files[::-1])):
        target = tmp_path / label
        for rel in order:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SHIPPED / rel, target / rel)
        code, out, err = run("evaluate", str(PROJECTS), "-c", str(target), "-f", "json")
        assert code == 0, err
        copies[label] = out
    assert copies["fwd"] == copies["rev"]


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_a_failed_run_leaves_no_output_file(write: Writer, tmp_path: Path, fmt: str) -> None:
    good = write("good.yaml", mini_profile("flag: true"))
    bad = write("bad.yaml", mini_profile("flag: maybe"))
    target = tmp_path / "out" / "report.txt"
    target.parent.mkdir()
    code, out, err = run(
        "evaluate", str(good), str(bad), "-c", str(MINI), "-f", fmt, "-o", str(target)
    )
    assert code == 2 and out == ""
    assert f"{bad}:5: facts.flag: expected true or false, got 'maybe'" in err
    assert list(target.parent.iterdir()) == []  # no output and no temporary file left behind


def test_a_failed_run_keeps_the_previous_output(write: Writer, tmp_path: Path) -> None:
    bad = write("bad.yaml", mini_profile("share: 120"))
    target = tmp_path / "report.json"
    target.write_text("previous\n")
    code, _, _ = run("evaluate", str(bad), "-c", str(MINI), "-f", "json", "-o", str(target))
    assert code == 2
    assert target.read_text() == "previous\n"


def test_output_never_replaces_an_input_however_it_is_spelt(write: Writer, tmp_path: Path) -> None:
    profile = write("p.yaml", mini_profile("flag: true"))
    before = profile.read_bytes()
    link = tmp_path / "link.yaml"
    link.symlink_to(profile)
    roundabout = tmp_path / "sub" / ".." / "p.yaml"
    (tmp_path / "sub").mkdir()
    for target in (profile, link, roundabout):
        code, _, err = run(
            "evaluate", str(profile), "-c", str(MINI), "-f", "json", "-o", str(target)
        )
        assert code == 2 and "refusing to overwrite an input file" in err
    assert profile.read_bytes() == before
    assert link.is_symlink()


def test_a_write_that_fails_midway_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(RiskscoreError, match=r"report.json: cannot write: No space left on device"):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_successful_write_is_complete_and_leaves_no_temporary(
    write: Writer, tmp_path: Path
) -> None:
    profile = write("p.yaml", mini_profile("flag: true\nlevel: high"))
    target = tmp_path / "report.json"
    code, out, err = run("evaluate", str(profile), "-c", str(MINI), "-f", "json", "-o", str(target))
    assert code == 0 and out == "", err
    data = json.loads(target.read_text())
    assert data["scorecards"][0]["project"] == "Test"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml", "report.json"]
