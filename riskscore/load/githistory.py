"""Every committed version of one file (`git log --follow`), copied out with `git show`."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from riskscore.errors import UsageError
from riskscore.load.gitref import _git, _relative
from riskscore.load.gitrun import git_blob, is_shallow, shallow_boundary

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


@dataclass(frozen=True)
class FileHistory:
    """The versions of one file, oldest first, and whether git's history of it is cut off.

    `truncated` is None for a full history, else one sentence saying why the oldest version
    shown may not be the first (a shallow clone whose history stops at that commit)."""

    versions: list[Version]
    truncated: str | None = None


TRUNCATED = (
    "history truncated: this is a shallow clone and its history stops at {commit}, so older "
    "versions are missing; fetch the whole history (actions/checkout `fetch-depth: 0`, or "
    "`git fetch --unshallow`)"
)
"""What `history` says when the oldest version shown is where a shallow clone stops."""


@contextmanager
def file_versions(path: Path, cwd: Path | None = None) -> Iterator[FileHistory]:
    """The versions of `path`, oldest first, following renames; uncommitted edits last.

    `git log --follow` also follows a copy (a new profile started from another project's);
    the history stops at the commit that created the copy, so it never shows the source's past.
    In a shallow clone whose history stops at the oldest version found, `truncated` says so.
    git runs through load/gitrun.py: the repository's config changes neither what runs nor
    what is parsed.

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
        ["log", "--follow", f"--format={LOG_FORMAT}", "--date=short", "--name-status", "--", rel],
        top,
        f"cannot read the history of '{rel}'",
        "history",
    )
    rows = _parse_log(log, rel)
    if not rows:
        raise UsageError(f"history: {path} has no committed version")
    truncated = None
    if is_shallow(top) and rows[0][0] in shallow_boundary(top):
        truncated = TRUNCATED.format(commit=rows[0][0][:10])
    with tempfile.TemporaryDirectory(prefix="riskscore-history-") as tmp:
        versions: list[Version] = []
        last = b""
        for i, (commit, date, subject, name) in enumerate(rows):
            content = git_blob(commit, name, top)
            if content is None:  # deleted in this commit: nothing to score
                continue
            copy = Path(tmp) / str(i) / Path(name).name
            copy.parent.mkdir()
            copy.write_bytes(content)
            versions.append(Version(commit, date, subject, name, copy))
            last = content
        if located.is_file() and located.read_bytes() != last:
            versions.append(Version(WORK_TREE, None, "uncommitted changes", rel, located))
        yield FileHistory(versions, truncated)


LOG_FORMAT = "%x01%H%x00%ad%x00%s"
"""One commit of `git log`: \\x01, full hash, NUL, author date, NUL, subject."""

_STATUS = re.compile(r"[ACDMRTUXB][0-9]*")


def _parse_log(log: str, rel: str) -> list[tuple[str, str, str, str]]:
    """(commit, date, subject, path in that commit) for each commit of `git log -z`, oldest
    first, stopping at a copy. With -z every field ends in NUL: `\x01HASH`, date, subject,
    then per changed path `\nSTATUS` (the newline only before the first) and one path, or
    two for a rename or copy (source, then destination)."""
    tokens = log.split("\0")
    rows: list[tuple[str, str, str, str]] = []  # newest first
    i = 0
    while i + 2 < len(tokens):
        head = tokens[i].lstrip("\n")
        if not head.startswith("\x01"):
            i += 1
            continue
        commit, date, subject = head[1:], tokens[i + 1], tokens[i + 2]
        i += 3
        name, copied = rel, False
        status = tokens[i].lstrip("\n") if i < len(tokens) else ""
        if _STATUS.fullmatch(status):
            pair = status[0] in "RC"
            name = tokens[i + (2 if pair else 1)]
            copied = status[0] == "C"
            i += 3 if pair else 2
        rows.append((commit, date, subject, name))
        if copied:  # created as a copy: what came before is the source's
            break
    rows.reverse()
    return rows
