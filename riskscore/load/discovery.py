"""Turn command-line PATH arguments into an ordered list of profile files.

One rule for every form of PATH (a directory, a glob, or a glob through a directory):

- a *profile file* is a regular file (or a link to one) whose name ends in `.yaml` or `.yml`,
  in any letter case, and does not start with `.`;
- hidden files and everything under a hidden folder (a name starting with `.`, such as macOS's
  `._name.yaml` resource forks, editor lock files `.#name.yaml`, or `.git/`) are skipped;
- a directory gives the profile files directly inside it; a glob gives the profile files it
  matches (`**` descends into folders, entering each real folder once, so links that loop back
  cannot make it run for ever);
- a directory or glob stays inside the tree it names (the directory, or the glob's part before
  its first wildcard): a link found there that leads outside it, to a file or a folder, is an
  error (exit 2) naming the link; what it points to is never read;
- a file named explicitly is read whatever its name and wherever it is: you asked for it.

Each file is scored once, however many times and through however many links it is reached, in
the place it first appears, under its shortest name (so the name does not depend on how a
link loop was walked). Order is sorted within each argument, arguments in the order given.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from pathlib import Path

from riskscore.errors import UsageError
from riskscore.load.boundary import inside
from riskscore.load.yaml_reader import is_yaml_name, list_yaml_files
from riskscore.suggest import did_you_mean

RULE = (
    "a directory or glob picks up files ending in .yaml or .yml (any case) and skips hidden "
    "files and folders (names starting with '.')"
)
"""The discovery rule in one phrase, for `--help` and error messages."""


def _is_hidden(path: Path, below: Path) -> bool:
    """Whether any part of `path` under the folder `below` starts with '.'."""
    try:
        parts = path.relative_to(below).parts
    except ValueError:
        parts = path.parts
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


def _glob_root(pattern: str) -> Path:
    """The part of a glob before its first wildcard: hidden names above it were typed."""
    fixed: list[str] = []
    for part in Path(pattern).parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _expand_glob(arg: str) -> list[Path]:
    root = _glob_root(arg)
    parts = Path(arg).parts[len(root.parts) :]
    matches = sorted(_glob(root, parts, Path(os.path.realpath(root))))
    if not matches:
        raise UsageError(f"{arg}: the pattern matches no file")
    return [
        m
        for m in matches
        if m.is_file() and is_yaml_name(m.name) and not _is_hidden(m.parent, root)
    ]


def _glob(root: Path, parts: tuple[str, ...], real_root: Path) -> list[Path]:
    """What `root/parts...` matches, as glob.glob(recursive=True) would, except that `**`
    enters each real folder once (a visited set of (device, inode)) and no match may lead out
    of `real_root` through a link (UsageError naming the link)."""
    found: list[Path] = []
    visited: set[tuple[int, int, int]] = set()  # (pattern index, st_dev, st_ino)

    def within(path: Path) -> Path:
        """`path`, unless it is a link out of the tree that the scan would use (a folder to
        enter or a profile file to read); links discovery would skip anyway do not matter."""
        used = path.is_dir() or is_yaml_name(path.name)
        if used and path.is_symlink() and not inside(path, real_root):
            raise UsageError(
                f"{path}: a link that leads outside {root}, the folder the pattern names; "
                "name the file it points to (or its folder) to read it"
            )
        return path

    def walk(folder: Path, i: int) -> None:
        if i == len(parts):
            found.append(folder)
            return
        part = parts[i]
        if part == "**":
            for below in _folders(folder, i):
                walk(below, i + 1)
                if i + 1 == len(parts):  # a trailing `**` also matches the files
                    found.extend(within(p) for p in _entries(below, "*") if not p.is_dir())
        elif glob.has_magic(part):
            for entry in _entries(folder, part):
                walk(within(entry), i + 1)
        elif os.path.lexists(folder / part):
            walk(within(folder / part), i + 1)

    def _folders(top: Path, i: int) -> list[Path]:
        """`top` and every non-hidden folder below it, each real folder once."""
        out: list[Path] = []
        stack = [top]
        while stack:
            here = stack.pop()
            try:
                info = here.stat()
            except OSError:
                continue
            key = (i, info.st_dev, info.st_ino)
            if key in visited:
                continue
            visited.add(key)
            out.append(here)
            subs = [within(p) for p in _entries(here, "*") if p.is_dir()]
            stack.extend(reversed(subs))
        return out

    walk(root, 0)
    return found


def _entries(folder: Path, pattern: str) -> list[Path]:
    """Names in `folder` matching one glob `pattern` part, sorted; hidden names only when the
    pattern starts with '.' (as glob does)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [
        folder / name
        for name in names
        if fnmatch.fnmatchcase(name, pattern)
        and (pattern.startswith(".") or not name.startswith("."))
    ]


def _bounded(folder: Path, files: list[Path]) -> list[Path]:
    """`files` of a directory scan, refusing any that is a link leading out of `folder`."""
    real = Path(os.path.realpath(folder))
    for path in files:
        if not inside(path, real):
            raise UsageError(
                f"{path}: a link that leads outside {folder}, the directory named; name the "
                "file it points to to read it"
            )
    return files


def _missing(arg: str) -> UsageError:
    """`no such file or directory`, with the nearest name in its folder when one is close."""
    path = Path(arg)
    hint = ""
    try:
        if path.parent.is_dir():
            names = [p.name for p in path.parent.iterdir() if not p.name.startswith(".")]
            near = did_you_mean(path.name, names)
            if near and path.name != arg:
                near = near.replace(" '", f" '{path.parent}{os.sep}", 1)
            hint = near
    except OSError:
        pass
    return UsageError(f"{arg}: no such file or directory{hint}")


def discover_profiles(args: list[str]) -> list[Path]:
    """Profile files for PATH arguments (files, directories, globs), by the rule above.

    Raises UsageError (exit 2) for a missing path (with a did-you-mean), a glob that matches
    nothing, a directory without profiles, or a file name that is not valid UTF-8."""
    found: list[Path] = []
    for arg in args:
        path = Path(arg)
        if glob.has_magic(arg) and not path.exists():
            found.extend(_expand_glob(arg))
        elif path.is_dir():
            files = _bounded(path, list_yaml_files(path, UsageError))
            if not files:
                raise UsageError(
                    f"{arg}: the directory holds no .yaml profiles (nor .yml, in any case; "
                    "hidden files are skipped)"
                )
            found.extend(files)
        elif path.exists():
            found.append(path)
        else:
            raise _missing(arg)
    for path in found:
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            shown = str(path).encode("utf-8", "backslashreplace").decode("ascii", "replace")
            raise UsageError(f"{shown}: the file name is not valid UTF-8; rename it") from None
    # One file reached twice (named twice, or through a link) is scored once, where it first
    # appears, under its shortest name. Each path is resolved once (a stat per component).
    by_resolved: dict[Path, Path] = {}
    for path in found:
        key = path.resolve()
        seen = by_resolved.get(key)
        if seen is None or (len(str(path)), str(path)) < (len(str(seen)), str(seen)):
            by_resolved[key] = path
    if not by_resolved:
        raise UsageError(f"no profiles to evaluate ({RULE})")
    return list(by_resolved.values())
