"""Country files as committed at a git ref, and the commits that changed them.

Profiles inherit from countries/<iso>.yaml (load/countries.py), so the scorecards at a ref
are the profiles at that ref with the country files at that ref: `diff` and `history` read
both. Files are copied out with `git show` into a temporary directory; the work tree is never
touched.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from riskscore.errors import UsageError
from riskscore.load.countries import COUNTRY_DIR, shipped_countries_dir
from riskscore.load.gitref import _git, _materialise, _relative


def countries_rel(top: Path, cwd: Path | None = None) -> str | None:
    """`countries` under the current directory as a repository path (what default_countries_dir
    reads in the work tree), or None when the current directory is outside the repository."""
    try:
        return _relative(Path(COUNTRY_DIR), (cwd or Path.cwd()).resolve(), top)
    except UsageError:
        return None


@contextmanager
def countries_at(commit: str, top: Path, rel: str | None, ref: str) -> Iterator[Path]:
    """The folder of country files to load for `commit`: a temporary copy of `rel` as committed
    there, or, when it held no country files, the shipped folder (as default_countries_dir
    falls back to it for a work tree without countries/). `ref` names the commit in errors."""
    names: list[str] = []
    if rel is not None:
        listing = _git(
            ["ls-tree", "-z", "--name-only", commit, "--", f"{rel}/"],
            top,
            f"cannot list '{rel}' at {ref}",
        )
        names = [n for n in listing.split("\0") if n and Path(n).suffix in (".yaml", ".yml")]
    if rel is None or not names:
        yield shipped_countries_dir()
        return
    with tempfile.TemporaryDirectory(prefix="riskscore-countries-") as tmp:
        root = Path(tmp) / COUNTRY_DIR
        for name in names:
            _materialise(commit, name, rel, root, top, ref)
        yield root


def commits_touching(top: Path, paths: list[str], since: str) -> list[tuple[str, str, str]]:
    """(full hash, author date YYYY-MM-DD, subject) of the commits after `since` (excluded) up
    to HEAD that touch any of `paths` (repository paths), oldest first: one ordering for a
    profile's versions and its country files' changes."""
    # load/gitrun.py runs `git log` with -z: every field, the last included, ends in NUL, so
    # each commit is found by its leading \x01 (as load/githistory.py reads its log).
    fmt = "--format=%x01%H%x00%ad%x00%s"
    log = _git(
        ["log", fmt, "--date=short", "--topo-order", f"{since}..HEAD", "--", *paths],
        top,
        "cannot read the history of the country files",
        "history",
    )
    rows = []
    for record in log.split("\x01")[1:]:
        fields = record.split("\0")
        if len(fields) >= 3:
            rows.append((fields[0], fields[1], fields[2]))
    return rows[::-1]
