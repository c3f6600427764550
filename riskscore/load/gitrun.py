"""The one way riskscore runs git: a fixed environment and command-line overrides, so neither
the output nor what runs depends on the user's or the repository's configuration.

A repository's `.git/config` is untrusted input (a cloned pull request, a restored CI cache can
carry one). Read commands still consult it, and some keys make git run a program:
`gpg.program` with `log.showSignature`, `core.fsmonitor`, `diff.external` and textconv
drivers, a pager, `core.sshCommand` and credential helpers on a lazy fetch of a partial clone.
Others change what git prints (signatures in `git log`, quoted paths, colour, the output
encoding). Every call here overrides them on the command line (command-line `-c` outranks every
config file), ignores the system and global config files (GIT_CONFIG_NOSYSTEM,
GIT_CONFIG_GLOBAL=/dev/null), never prompts (GIT_TERMINAL_PROMPT=0) and reads messages in the C
locale. Commands that print paths are asked for `-z` output; blobs are read with
`git cat-file blob`, which applies no filter or textconv. tests/test_git_config.py holds it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from riskscore.errors import UsageError

TIMEOUT_SECONDS = 60
"""A git command that takes longer is stopped and reported (a lock, a huge repository)."""

OVERRIDES = (
    "log.showSignature=false",  # no gpg.program / gpg.ssh.program / gpg.x509.program run
    "core.fsmonitor=false",  # no fsmonitor hook program
    "core.hooksPath=/dev/null",  # read commands run no hooks; this says so for any future one
    "core.pager=cat",
    "core.quotePath=false",
    "color.ui=false",
    "diff.renames=false",  # --follow detects renames and copies itself
    "diff.relative=false",
    "i18n.logOutputEncoding=UTF-8",
    "log.showRoot=true",
    "protocol.allow=never",  # no transport at all: a partial clone's lazy fetch cannot run ssh
    "credential.helper=",  # an empty value clears the list of helpers
    "core.askPass=",
)
"""`git -c` overrides given to every command; command-line config outranks every file."""

SAFE_FLAGS = {
    "log": ("--no-show-signature", "--no-textconv", "--no-ext-diff", "--no-color", "-z"),
}
"""Flags added to commands whose output riskscore parses (the command name is the key)."""

_KEEP_ENV = frozenset({"GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"})
"""The user's own GIT_* variables that only limit where git looks for a repository."""


def git_env() -> dict[str, str]:
    """The environment every git call gets: the user's, minus every other GIT_* variable and
    the pagers, plus riskscore's fixed settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if (not k.startswith("GIT_") or k in _KEEP_ENV) and k not in ("PAGER", "LESS", "LV")
    }
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_OPTIONAL_LOCKS="0",
        GIT_NO_REPLACE_OBJECTS="1",  # history as committed, not as a replace ref rewrites it
        GIT_ATTR_NOSYSTEM="1",
        LC_ALL="C",
    )
    return env


def git_argv(args: list[str], trusted: tuple[str, ...] = ()) -> list[str]:
    """The full command line for `git ARGS` with riskscore's overrides and safe flags."""
    argv = ["git", "--no-pager"]
    for item in (*OVERRIDES, *(f"safe.directory={d}" for d in trusted)):
        argv += ["-c", item]
    if args and args[0] in SAFE_FLAGS:
        return [*argv, args[0], *SAFE_FLAGS[args[0]], *args[1:]]
    return [*argv, *args]


def run_git(args: list[str], cwd: Path, what: str = "git") -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` in `cwd` as riskscore means it (see the module docstring); stdout and
    stderr are captured as bytes. Raises UsageError naming `what` (the option or command)
    when git is missing or takes longer than TIMEOUT_SECONDS; a non-zero exit is returned."""
    done = _run(git_argv(args), cwd, what, args[0])
    if done.returncode != 0 and b"dubious ownership" in done.stderr:
        # The repository belongs to another user and git refuses it unless the user's own
        # configuration trusts it (safe.directory). The global file is ignored above, so pass
        # on what the user trusts there; the repository's config cannot set this key.
        trusted = _user_safe_directories()
        if trusted:
            done = _run(git_argv(args, trusted), cwd, what, args[0])
    return done


def _run(argv: list[str], cwd: Path, what: str, name: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            argv,
            cwd=cwd,
            env=git_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=TIMEOUT_SECONDS,
        )
    except FileNotFoundError:
        raise UsageError(f"{what} needs git, and git is not installed") from None
    except subprocess.TimeoutExpired:
        slow = f"{what}: git {name} did not finish in {TIMEOUT_SECONDS} seconds"
        raise UsageError(slow) from None


def _user_safe_directories() -> tuple[str, ...]:
    """`safe.directory` as the user's system and global config files set it (no repository is
    read: GIT_DIR names none)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_DIR=os.devnull, LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    try:
        done = subprocess.run(
            ["git", "config", "--get-all", "safe.directory"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(line for line in done.stdout.decode("utf-8", "replace").splitlines() if line)


def git_text(args: list[str], cwd: Path, problem: str, what: str = "git") -> str:
    """git's stdout as text (UTF-8, undecodable bytes kept as surrogates), trailing newlines
    stripped; UsageError `what: problem (git's last message line)` when git fails."""
    done = run_git(args, cwd, what)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"{what}: {problem}" + (f" ({detail[-1]})" if detail else ""))
    return done.stdout.decode("utf-8", "surrogateescape").strip("\n")


def git_blob(commit: str, name: str, cwd: Path) -> bytes | None:
    """The bytes of `name` as committed in `commit` (no filter, no textconv), or None when it
    is not there."""
    done = run_git(["cat-file", "blob", f"{commit}:{name}"], cwd)
    return done.stdout if done.returncode == 0 else None


def is_shallow(top: Path) -> bool:
    """Whether the repository at `top` is a shallow clone (its history is cut off)."""
    try:
        return git_text(["rev-parse", "--is-shallow-repository"], top, "") == "true"
    except UsageError:
        return False


def shallow_boundary(top: Path) -> frozenset[str]:
    """The commits where a shallow clone's history stops (their parents were not fetched)."""
    try:
        path = git_text(["rev-parse", "--git-path", "shallow"], top, "")
        text = (top / path).read_text(encoding="ascii", errors="replace")
    except (UsageError, OSError):
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())
