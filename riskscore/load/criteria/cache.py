"""A compiled-criteria cache: a checked CriteriaSet kept on disk, reused while its files match.

Loading a set means parsing some fifty YAML files and validating each into pydantic models,
about 40 ms of a 330 ms run; unpickling the checked result takes 3 ms. The cache works like
Python's own bytecode cache: an entry is only a faster way to the same object, never a source
of truth. It records every file the load read (with a SHA-256 of its bytes) and the YAML file
names in every folder it listed; an entry is used only when all of them still match, so an
edited, added, removed or renamed criterion or lens file is always read afresh. Sets with
errors are never cached, so their `path:line: message` report is produced every time.

Where: $RISKSCORE_CACHE_DIR, else $XDG_CACHE_HOME/riskscore, else ~/.cache/riskscore. Off when
$RISKSCORE_NO_CACHE is set to anything but "" or "0". A folder we did not create for ourselves
(owned by another user, or writable by group or others) is not read, because a pickle can run
code when loaded; one that cannot be written is simply not used. Writes are atomic.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from riskscore import __version__
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.yaml_reader import list_yaml_files, mark_read

FORMAT = 1
"""Bumped when the entry layout changes; part of every key."""

MAX_ENTRIES = 32
"""Entries kept; the least recently written go first (one per criteria folder in use)."""


@dataclass(frozen=True)
class Entry:
    """What one cache file holds: the set and everything its validity depends on."""

    files: tuple[tuple[str, str], ...]
    """(absolute path, sha256 of the bytes) of every file the load read."""
    listings: tuple[tuple[str, tuple[str, ...]], ...]
    """(absolute folder, YAML file names in it, or ("<absent>",)) for every folder listed."""
    cset: CriteriaSet


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is switched off ($RISKSCORE_NO_CACHE)."""
    if os.environ.get("RISKSCORE_NO_CACHE", "") not in ("", "0"):
        return None
    chosen = os.environ.get("RISKSCORE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "riskscore"


def entry_path(folder: Path) -> Path | None:
    """The cache file for the set in `folder` as named on the command line, or None (off)."""
    where = cache_dir()
    if where is None:
        return None
    key = "\0".join(
        (
            str(FORMAT),
            __version__,
            sys.version,
            _pydantic_version(),
            str(folder),
            os.path.abspath(folder),
            str(shipped_criteria_dir()),  # where `extends: <shipped name>` resolves
        )
    )
    return where / f"criteria-{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def load_cached(folder: Path) -> CriteriaSet | None:
    """The cached set for `folder` if every file and folder listing it depends on is unchanged;
    None otherwise (no entry, stale, unreadable, unsafe folder or caching off). Never raises."""
    path = entry_path(folder)
    if path is None or not _safe_folder(path.parent):
        return None
    try:
        with path.open("rb") as handle:
            entry = pickle.load(handle)
    except Exception:  # a missing, truncated or foreign entry is a miss, never an error
        return None
    if not isinstance(entry, Entry) or not _still_valid(entry):
        return None
    mark_read(Path(name) for name, _ in entry.files)
    return entry.cset


def store(folder: Path, cset: CriteriaSet, files: list[Path], listed: list[Path]) -> None:
    """Keep `cset` (checked, no errors) for `folder`; `files` are all it read, `listed` the
    folders whose YAML file names it depended on. Any failure to write is ignored."""
    path = entry_path(folder)
    if path is None:
        return
    try:
        entry = Entry(
            files=tuple((str(p.resolve()), _digest(p)) for p in files),
            listings=tuple((str(d.resolve()), _listing(d)) for d in dict.fromkeys(listed)),
            cset=cset,
        )
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe_folder(path.parent):
            return
        import tempfile  # only a miss pays for it

        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".criteria-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _prune(path.parent)
    except (OSError, pickle.PicklingError):
        return


def _still_valid(entry: Entry) -> bool:
    try:
        return all(_listing(Path(d)) == names for d, names in entry.listings) and all(
            _digest(Path(p)) == digest for p, digest in entry.files
        )
    except OSError:
        return False


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> tuple[str, ...]:
    if not folder.is_dir():
        return ("<absent>",)
    return tuple(p.name for p in list_yaml_files(folder))


def _safe_folder(folder: Path) -> bool:
    """Ours and not writable by anyone else: only then may its pickles be loaded."""
    try:
        info = folder.stat()
    except OSError:
        return False
    own = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return own and stat.S_ISDIR(info.st_mode) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("criteria-*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()


def shipped_criteria_dir() -> Path:
    """The loader's shipped set folder (imported late: the loader imports this module)."""
    from riskscore.load.criteria.loader import shipped_criteria_dir as shipped

    return shipped()


def _pydantic_version() -> str:
    from pydantic import VERSION

    return str(VERSION)
