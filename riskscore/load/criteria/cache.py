"""A compiled-criteria cache: a checked CriteriaSet kept on disk as JSON, reused while its
files match.

Loading a set means parsing some fifty YAML files and validating each into pydantic models,
about 40 ms of a 330 ms run; validating the checked result back from JSON takes about 8 ms.
The cache works like Python's own bytecode cache: an entry is only a faster way to the same
object, never a source of truth. While a set loads, yaml_reader records every file read (with a
SHA-256 of the very bytes the load parsed), every folder listed, and where every path resolved;
an entry is used only when all of them still match, so an edited, added, removed or renamed
criterion or lens file, a shipped set added beside the others, or a symbolic link pointed
elsewhere is always read afresh. The key holds riskscore's, Python's and pydantic's versions and
the size and time of every riskscore source file, so changed code never reuses an entry. Sets
with errors are never cached, so their `path:line: message` report is produced every time.

The cache folder is untrusted (SECURITY.md): a git checkout or a restored CI cache can put
files there under the predictable names. An entry is plain JSON, read with a size cap and
validated field by field by pydantic (the same models the YAML is validated into, `extra`
forbidden) before use; nothing in it is ever executed or imported, and anything that does not
validate is a miss that the next store replaces. Entries of the old pickle format (FORMAT 2)
are never opened, only deleted. The folder is still opened once without following links and
checked through that handle (ours, not writable by group or others), and entries are opened
relative to it: another user cannot plant or swap an entry between the check and the read.

Where: $RISKSCORE_CACHE_DIR, else $XDG_CACHE_HOME/riskscore, else ~/.cache/riskscore. Off when
$RISKSCORE_NO_CACHE is set to anything but "" or "0", when there is no home folder, and on
systems without `dir_fd` support. The cache never fails a command: anything that goes wrong is a
miss. Writes are atomic.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import riskscore
from riskscore import __version__
from riskscore.load.criteria import models as m
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.yaml_reader import ABSENT, Recording, list_yaml_files, mark_read

FORMAT = 3
"""Bumped when the entry layout changes; part of every key (3: JSON instead of pickle)."""

SUFFIX = ".json"
LEGACY_SUFFIX = ".pickle"
"""Entries of FORMAT 2 and before: never opened, deleted when the folder is pruned."""

MAX_ENTRY_BYTES = 32 << 20
"""An entry larger than this is not read (the shipped set's entry is about 180 kB)."""

MAX_ENTRIES = 32
"""Entries kept; the least recently written go first (one per criteria folder in use)."""

STALE_TEMP_SECONDS = 3600
"""A temporary file this old was left by a run that was killed while writing; it is removed."""

_SUPPORTED = (
    os.open in os.supports_dir_fd
    and hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and hasattr(os, "geteuid")
)
"""Opening relative to a checked folder handle keeps other users from planting entries."""


@dataclass(frozen=True)
class Entry:
    """What one cache file holds: the set and everything its validity depends on."""

    files: tuple[tuple[str, str], ...]
    """(absolute path as the load named it, SHA-256 of the bytes it read) for every file."""
    listings: tuple[tuple[str, str, tuple[str, ...]], ...]
    """(kind, absolute folder, the names listed) for every folder listed (see LISTINGS)."""
    links: tuple[tuple[str, str], ...]
    """(absolute path, where it resolved) for every file, folder and path the load named."""
    cset: CriteriaSet

    def to_json(self) -> bytes:
        """The entry as UTF-8 JSON: plain data, the models dumped by alias as YAML holds them."""
        c = self.cset
        cset = {
            "root": c.root,
            "header": c.header.model_dump(mode="json", by_alias=True),
            "criteria": [x.model_dump(mode="json", by_alias=True) for x in c.criteria],
            "lenses": {k: v.model_dump(mode="json", by_alias=True) for k, v in c.lenses.items()},
            "hash": c.hash,
            "locations": c.locations,
            "lens": c.lens,
            "warnings": list(c.warnings),
            "chain": list(c.chain),
            "origins": c.origins,
            "fact_origins": c.fact_origins,
        }
        data = {
            "format": FORMAT,
            "files": self.files,
            "listings": self.listings,
            "links": self.links,
            "cset": cset,
        }
        return json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Entry:
        """The entry `raw` holds, every field checked: the shape explicitly, the header,
        criteria and lenses by the pydantic models the YAML is validated into (`extra`
        forbidden). Raises ValueError (or pydantic's ValidationError, a ValueError) for
        anything else."""
        data = _keys(json.loads(raw), ("format", "files", "listings", "links", "cset"))
        if data["format"] != FORMAT or isinstance(data["format"], bool):
            raise ValueError("another format")
        c = _keys(data["cset"], tuple(f.name for f in fields(CriteriaSet)))
        cset = CriteriaSet(
            root=_text(c["root"]),
            header=m.SetFile.model_validate(c["header"]),
            criteria=tuple(m.Criterion.model_validate(x) for x in _list(c["criteria"])),
            lenses={_text(k): m.Lens.model_validate(v) for k, v in _dict(c["lenses"]).items()},
            hash=_text(c["hash"]),
            locations=_texts(c["locations"]),
            lens=None if c["lens"] is None else _text(c["lens"]),
            warnings=tuple(_text(x) for x in _list(c["warnings"])),
            chain=tuple(_text(x) for x in _list(c["chain"])),
            origins=_texts(c["origins"]),
            fact_origins=_texts(c["fact_origins"]),
        )
        return cls(
            files=tuple(_pair(x) for x in _list(data["files"])),
            listings=tuple(_listing(x) for x in _list(data["listings"])),
            links=tuple(_pair(x) for x in _list(data["links"])),
            cset=cset,
        )


def _keys(value: object, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict) or sorted(value) != sorted(keys):
        raise ValueError("not the expected keys")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    return value


def _dict(value: object) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise ValueError("not a mapping")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def _texts(value: object) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in _dict(value).items()}


def _pair(value: object) -> tuple[str, str]:
    items = _list(value)
    if len(items) != 2:
        raise ValueError("not a pair")
    return _text(items[0]), _text(items[1])


def _listing(value: object) -> tuple[str, str, tuple[str, ...]]:
    items = _list(value)
    if len(items) != 3:
        raise ValueError("not a listing")
    return _text(items[0]), _text(items[1]), tuple(_text(x) for x in _list(items[2]))


def _set_folders(folder: Path) -> tuple[str, ...]:
    from riskscore.load.criteria.extends import set_folder_names

    return set_folder_names(folder)


def _yaml_names(folder: Path) -> tuple[str, ...]:
    if not folder.is_dir():
        return (ABSENT,)
    return tuple(p.name for p in list_yaml_files(folder))


LISTINGS: dict[str, Callable[[Path], tuple[str, ...]]] = {
    "yaml": _yaml_names,  # the YAML files in a set or lens folder
    "sets": _set_folders,  # the shipped sets an `extends: <name>` chooses among
}
"""How each kind of recorded listing is taken again to check an entry."""


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off ($RISKSCORE_NO_CACHE, no home folder, or a
    system that cannot open files relative to a folder handle)."""
    if not _SUPPORTED or os.environ.get("RISKSCORE_NO_CACHE", "") not in ("", "0"):
        return None
    chosen = os.environ.get("RISKSCORE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "riskscore"
    try:
        return Path.home() / ".cache" / "riskscore"
    except RuntimeError:  # no $HOME and no passwd entry: run without the cache
        return None


def entry_name(folder: Path) -> str:
    """The cache file's name for the set in `folder` as named on the command line."""
    key = "\0".join(
        (
            str(FORMAT),
            __version__,
            sys.version,
            _pydantic_version(),
            _code_stamp(),
            str(folder),
            os.path.abspath(folder),
            str(shipped_criteria_dir()),  # where `extends: <shipped name>` resolves
        )
    )
    return f"criteria-{hashlib.sha256(key.encode()).hexdigest()[:32]}{SUFFIX}"


def load_cached(folder: Path) -> CriteriaSet | None:
    """The cached set for `folder` if every file, listing and link it depends on is unchanged;
    None otherwise (no entry, stale, too large, not valid JSON of an Entry, unsafe folder or
    caching off). Nothing read is executed: the entry is JSON validated by pydantic. Never
    raises."""
    try:
        with _cache_folder(create=False) as dir_fd:
            if dir_fd is None:
                return None
            fd = os.open(entry_name(folder), os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not _ours(info, stat.S_ISREG) or info.st_size > MAX_ENTRY_BYTES:
                    return None
                raw = handle.read(MAX_ENTRY_BYTES + 1)
        entry = Entry.from_json(raw)
        if not _still_valid(entry):
            return None
        cset = entry.cset
    except Exception:  # a missing, truncated, foreign or unsafe entry is a miss, never an error
        return None
    mark_read(Path(name) for name, _ in entry.files)
    return cset


def store(folder: Path, cset: CriteriaSet, seen: Recording) -> None:
    """Keep `cset` (checked, no errors) for `folder`. `seen` is what its load read, listed
    (folders it looked for and did not find included) and resolved, as the load saw them.
    Any failure is ignored: the cache never fails a run."""
    try:
        entry = Entry(
            files=tuple(sorted(seen.files.items())),
            listings=tuple((kind, where, names) for (kind, where), names in seen.listings.items()),
            links=tuple(sorted(seen.links.items())),
            cset=cset,
        )
        data = entry.to_json()
        with _cache_folder(create=True) as dir_fd:
            if dir_fd is None:
                return
            temp = f".criteria-{secrets.token_hex(8)}.tmp"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            fd = os.open(temp, flags, 0o600, dir_fd=dir_fd)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, entry_name(folder), src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp, dir_fd=dir_fd)
                raise
            _prune(dir_fd)
    except Exception:  # unwritable, full, or a set that cannot be written: run without it
        return


@contextlib.contextmanager
def _cache_folder(create: bool) -> Iterator[int | None]:
    """An open handle on the cache folder when it is safe to use, else None.

    Opened without following a link and checked through the handle itself (fstat): ours and not
    writable by group or others. What is read or written afterwards is opened relative to this
    handle, so renaming another folder into its place after the check changes nothing.
    """
    where = cache_dir()
    if where is None:
        yield None
        return
    if create:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(where, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        yield None
        return
    try:
        yield fd if _ours(os.fstat(fd), stat.S_ISDIR) else None
    finally:
        os.close(fd)


def _ours(info: os.stat_result, is_kind: Callable[[int], bool]) -> bool:
    """Of the expected kind, owned by this user, and not writable by group or others."""
    return (
        is_kind(info.st_mode)
        and info.st_uid == os.geteuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _still_valid(entry: Entry) -> bool:
    try:
        return (
            all(os.path.realpath(path) == real for path, real in entry.links)
            and all(LISTINGS[kind](Path(where)) == names for kind, where, names in entry.listings)
            and all(_digest(path) == digest for path, digest in entry.files)
        )
    except (OSError, KeyError):
        return False


def _digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _prune(dir_fd: int) -> None:
    """Keep the MAX_ENTRIES newest entries; drop temporary files a killed run left behind and
    entries of the old pickle format (never opened: deleting needs no read)."""
    entries: list[tuple[float, str]] = []
    now = time.time()
    with os.scandir(dir_fd) as listing:
        for item in listing:
            info = item.stat(follow_symlinks=False)
            legacy = item.name.startswith("criteria-") and item.name.endswith(LEGACY_SUFFIX)
            stale = item.name.startswith(".criteria-") and now - info.st_mtime > STALE_TEMP_SECONDS
            if item.name.startswith("criteria-") and item.name.endswith(SUFFIX):
                entries.append((info.st_mtime, item.name))
            elif legacy or stale:
                with contextlib.suppress(OSError):
                    os.unlink(item.name, dir_fd=dir_fd)
    for _, name in sorted(entries)[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=dir_fd)


_STAMP: list[str] = []


def _code_stamp() -> str:
    """Size and modification time of every riskscore source file: an edited checkout (an
    editable install) must not reuse entries its old code made. About 0.5 ms, once a run."""
    if not _STAMP:
        package = os.path.dirname(riskscore.__file__)
        parts = []
        for folder, _, names in sorted(os.walk(package)):
            for name in sorted(names):
                if name.endswith(".py"):
                    info = os.stat(os.path.join(folder, name))
                    parts.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
        _STAMP.append(hashlib.sha256("\n".join(parts).encode()).hexdigest())
    return _STAMP[0]


def shipped_criteria_dir() -> Path:
    """The loader's shipped set folder (imported late: the loader imports this module)."""
    from riskscore.load.criteria.loader import shipped_criteria_dir as shipped

    return shipped()


def _pydantic_version() -> str:
    from pydantic import VERSION

    return str(VERSION)
