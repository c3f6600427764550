"""Every committed version of one file (`git log --follow`), copied out with `git show`."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from riskscore.errors import UsageError
from riskscore.load.gitref import _git, _relative

WORK_TREE = "work tree"


@dataclass(frozen=True)
class Version:
    """One version of a file: `commit` (full hash, or WORK_TREE for uncommitted edits), the
    author date (YYYY-MM-DD), the commit subject, the file's repository path in that commit,
    and `file`, a temporary copy (or the work-tree file itself) to load."""

    commit: str
    date: str | None
    subject: str
    name: str
    file: Path

    @property
    def short(self) -> str:
        return self.commit if self.commit == WORK_TREE else self.commit[:10]


@contextmanager
def file_versions(path: Path, cwd: Path | None = None) -> Iterator[list[Version]]:
    """The versions of `path`, oldest first, following renames; uncommitted edits last.

    `git log --follow` also follows a copy (a new profile started from another project's);
    the history stops at the commit that created the copy, so it never shows the source's past.

    Raises UsageError when `path` is not in a git repository or was never committed.
    Temporary copies are deleted when the block ends.
    """
    where = (cwd or Path.cwd()).resolve()
    located = (where / path).resolve()
    probe = located.parent if located.parent.is_dir() else where
    top = Path(
        _git(["rev-parse", "--show-toplevel"], probe, "not inside a git repository", "history")
    ).resolve()
    rel = _relative(path, where, top)
    log = _git(
        [
            "log",
            "--follow",
            "--format=%x01%H%x00%ad%x00%s",
            "--date=short",
            "--name-status",
            "--",
            rel,
        ],
        top,
        f"cannot read the history of '{rel}'",
        "history",
    )
    rows: list[tuple[str, str, str, str]] = []
    for block in (b for b in log.split("\x01") if b.strip()):  # newest first
        head, _, names = block.partition("\n")
        commit, date, subject = head.split("\0", 2)
        fields = next((n.split("\t") for n in names.splitlines() if n.strip()), [rel])
        rows.append((commit, date, subject, fields[-1].strip()))
        if fields[0].startswith("C"):  # created as a copy: what came before is the source's
            break
    rows.reverse()
    if not rows:
        raise UsageError(f"history: {path} has no committed version")
    with tempfile.TemporaryDirectory(prefix="riskscore-history-") as tmp:
        versions: list[Version] = []
        last = b""
        for i, (commit, date, subject, name) in enumerate(rows):
            content = _git_bytes(["show", f"{commit}:{name}"], top)
            if content is None:  # deleted in this commit: nothing to score
                continue
            copy = Path(tmp) / str(i) / Path(name).name
            copy.parent.mkdir()
            copy.write_bytes(content)
            versions.append(Version(commit, date, subject, name, copy))
            last = content
        if located.is_file() and located.read_bytes() != last:
            versions.append(Version(WORK_TREE, None, "uncommitted changes", rel, located))
        yield versions


def _git_bytes(args: list[str], top: Path) -> bytes | None:
    import subprocess

    done = subprocess.run(["git", *args], cwd=top, capture_output=True, check=False, timeout=60)
    return done.stdout if done.returncode == 0 else None
