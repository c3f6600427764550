"""git runs as riskscore means it, whatever the repository's config (issue 22, section 3).

A real repository whose `.git/config` points every program-running key at a script that writes
a marker file: no command that runs git may create the marker, and the output must not change.
A shallow clone's history says that it is truncated, in every format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from riskscore.errors import UsageError
from riskscore.load.githistory import file_versions
from riskscore.load.gitrun import OVERRIDES, git_argv, git_env
from tests.conftest import MINI
from tests.test_diff import bump_weight, copy_set, git
from tests.test_diff_changes import ALPHA

TODAY = "2026-11-23"

HOSTILE = {
    "log.showSignature": "true",
    "gpg.program": "{evil}",
    "gpg.ssh.program": "{evil}",
    "gpg.x509.program": "{evil}",
    "core.fsmonitor": "{evil}",
    "core.pager": "{evil}",
    "pager.log": "{evil}",
    "pager.show": "{evil}",
    "diff.external": "{evil}",
    "diff.evil.textconv": "{evil}",
    "diff.evil.command": "{evil}",
    "filter.evil.smudge": "{evil}",
    "filter.evil.clean": "{evil}",
    "filter.evil.process": "{evil}",
    "core.sshCommand": "{evil}",
    "credential.helper": "!{evil}",
    "core.hooksPath": "{hooks}",
    "core.quotePath": "true",
    "color.ui": "always",
    "log.decorate": "full",
    "diff.relative": "true",
    "i18n.logOutputEncoding": "ISO-8859-1",
    "format.pretty": "oneline",
}
"""Keys a repository's config may set that run a program or change what git prints."""


def _sign(root: Path) -> None:
    """Replace HEAD by the same commit with a (bogus) PGP signature header, so that
    `log.showSignature` makes git call gpg.program on it."""
    raw = subprocess.run(
        ["git", "cat-file", "commit", "HEAD"], cwd=root, check=True, capture_output=True
    ).stdout
    head, _, message = raw.partition(b"\n\n")
    signature = b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----"
    signed = head + b"\n" + signature + b"\n\n" + message
    new = (
        subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
            cwd=root,
            input=signed,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .strip()
    )
    git(root, "update-ref", "HEAD", new)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """A repository (two signed commits of `projects/alpha é.yaml`, the criteria changed in
    between) whose config points every program-running key at a marker-writing script.
    Returns (repository, marker file)."""
    marker = tmp_path / "marker"
    evil = tmp_path / "evil.sh"
    evil.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\ncat "$1" 2>/dev/null\nexit 0\n')
    evil.chmod(0o755)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "pre-auto-gc", "reference-transaction", "post-index-change"):
        (hooks / hook).write_text(evil.read_text())
        (hooks / hook).chmod(0o755)
    root = tmp_path / "repo"
    copy_set(MINI, root / "criteria")
    (root / "projects").mkdir()
    profile = root / "projects" / "alpha é.yaml"
    profile.write_text(ALPHA.format(level="mid", source="rep-2025"))
    (root / ".gitattributes").write_text("*.yaml diff=evil filter=evil\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "alpha")
    _sign(root)
    bump_weight(root / "criteria", "c-levels")
    profile.write_text(ALPHA.format(level="high", source="rep-2026"))
    git(root, "commit", "-q", "-am", "alpha: level high")
    _sign(root)
    for key, value in HOSTILE.items():
        git(root, "config", key, value.format(evil=evil, hooks=hooks))
    assert not marker.exists()
    return root, marker


def _riskscore(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "RISKSCORE_TODAY": TODAY,
        "RISKSCORE_NO_CACHE": "1",
        "GIT_CEILING_DIRECTORIES": str(root.parent),
    }
    return subprocess.run(
        [sys.executable, "-m", "riskscore", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


COMMANDS = [
    ["history", "projects/alpha é.yaml", "-c", "criteria", "-f", "json"],
    ["history", "projects/alpha é.yaml", "-c", "criteria", "--criteria-at-commit", "-f", "json"],
    ["diff", "--base", "HEAD~1", "projects", "-c", "criteria"],
    ["validate", "projects", "-c", "criteria", "--base", "HEAD~1"],
    ["report", "projects", "-c", "criteria", "--history", "--samples", "2", "-o", "r.html"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:1] + a[-3:]))
def test_no_repository_config_runs_a_program(hostile: tuple[Path, Path], args: list[str]) -> None:
    root, marker = hostile
    done = _riskscore(root, *args)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr
    assert not marker.exists(), marker.read_text()


def test_history_parses_the_same_under_a_hostile_config(hostile: tuple[Path, Path]) -> None:
    """Signatures, quoted paths, colour, decorations, another encoding: none reaches the parse."""
    root, marker = hostile
    done = _riskscore(root, *COMMANDS[0])
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)["steps"]
    assert [(s["subject"], s["path"], s["errors"]) for s in steps] == [
        ("alpha", "projects/alpha é.yaml", []),
        ("alpha: level high", "projects/alpha é.yaml", []),
    ]
    assert json.loads(done.stdout)["truncated"] is None
    assert not marker.exists()


def test_the_user_s_git_environment_does_not_reach_git(
    hostile: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, marker = hostile
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", str(root.parent / "evil.sh"))
    monkeypatch.setenv("GIT_PAGER", str(root.parent / "evil.sh"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'log.showsignature'='true'")
    env = git_env()
    assert "GIT_EXTERNAL_DIFF" not in env and "GIT_CONFIG_PARAMETERS" not in env
    assert (env["GIT_PAGER"], env["GIT_CONFIG_GLOBAL"], env["LC_ALL"]) == ("cat", os.devnull, "C")
    argv = git_argv(["log", "--format=%H"])
    assert argv[:2] == ["git", "--no-pager"] and "--no-show-signature" in argv
    assert all(f"-c {o}" in " ".join(argv) for o in OVERRIDES)
    monkeypatch.chdir(root)
    with file_versions(Path("projects/alpha é.yaml")) as found:
        assert len(found.versions) == 2
    assert not marker.exists()


@pytest.fixture
def shallow(tmp_path: Path) -> Path:
    """A depth-1 clone of a repository where the profile has three versions."""
    origin = tmp_path / "origin"
    copy_set(MINI, origin / "criteria")
    (origin / "projects").mkdir()
    alpha = origin / "projects" / "alpha.yaml"
    git(origin, "init", "-q")
    for level in ("low", "mid", "high"):
        alpha.write_text(ALPHA.format(level=level, source="rep-2025"))
        git(origin, "add", ".")
        git(origin, "commit", "-q", "-m", f"level {level}")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)],
        check=True,
        capture_output=True,
    )
    return clone


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_a_shallow_clone_says_its_history_is_truncated(shallow: Path, fmt: str) -> None:
    done = _riskscore(shallow, "history", "projects/alpha.yaml", "-c", "criteria", "-f", fmt)
    assert done.returncode == 0, done.stderr
    text = json.loads(done.stdout)["truncated"] if fmt == "json" else " ".join(done.stdout.split())
    assert "history truncated: this is a shallow clone" in text
    assert "fetch-depth: 0" in text


def test_a_shallow_clone_says_so_in_the_report(shallow: Path) -> None:
    args = ["report", "projects", "-c", "criteria", "--history", "--samples", "2", "-o", "r.html"]
    done = _riskscore(shallow, *args)
    assert done.returncode in (0, 1), done.stderr
    assert "history truncated: this is a shallow clone" in (shallow / "r.html").read_text()


def test_a_full_clone_is_not_called_truncated(shallow: Path, tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    done = _riskscore(origin, "history", "projects/alpha.yaml", "-c", "criteria", "-f", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["truncated"], len(data["steps"])) == (None, 3)


def test_a_shallow_clone_with_the_whole_history_of_the_file_is_not_truncated(
    tmp_path: Path,
) -> None:
    """The profile was added after the commit where the clone stops: all of it is there."""
    origin = tmp_path / "origin"
    copy_set(MINI, origin / "criteria")
    git(origin, "init", "-q")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "criteria")
    (origin / "alpha.yaml").write_text(ALPHA.format(level="low", source="rep-2025"))
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "alpha")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{origin}", str(clone)],
        check=True,
        capture_output=True,
    )
    done = _riskscore(clone, "history", "alpha.yaml", "-c", "criteria", "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["truncated"] is None


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give the repo away"
)
def test_a_repository_the_user_trusts_in_their_own_config_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI container checks out as another user and marks the folder `safe.directory` in the
    global config, which riskscore's git calls ignore (GIT_CONFIG_GLOBAL=/dev/null): the
    user's own safe.directory entries are passed on, the repository's never are."""
    import pwd

    root = tmp_path / "repo"
    copy_set(MINI, root / "criteria")
    (root / "alpha.yaml").write_text(ALPHA.format(level="mid", source="rep-2025"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "alpha")
    nobody = pwd.getpwnam("nobody")
    for folder, dirs, files in os.walk(root):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, nobody.pw_uid, nobody.pw_gid)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.chdir(root)
    refused = pytest.raises(UsageError, match=r"safe\.directory")
    with refused, file_versions(Path("alpha.yaml")):
        pass
    (home / ".gitconfig").write_text(f"[safe]\n\tdirectory = {root}\n")
    with file_versions(Path("alpha.yaml")) as found:
        assert [v.subject for v in found.versions] == ["alpha"]
