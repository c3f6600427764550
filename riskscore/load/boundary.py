"""Where a scan or a reference may lead: the tree the user named, and the repository it is in.

Directory scans and globs (discovery.py) read only files whose real location is inside the
folder the user named; `extends:` and a set's own files (load/criteria) stay inside the
repository that holds the criteria set the user named. Links are followed to decide, so a link
that points out of the tree counts as outside. SECURITY.md states the rule; tests/test_bounds.py
holds it.
"""

from __future__ import annotations

import os
from pathlib import Path


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, every link on the way followed, is `root` or lies below it (`root` is
    taken as resolved)."""
    real = Path(os.path.realpath(path))
    return real == root or root in real.parents


def repository_root(folder: Path) -> Path:
    """The boundary of what a criteria set in `folder` may reference: the top of the git work
    tree holding it (the nearest folder above with a `.git` entry, read without running git),
    or, outside any repository, the folder that holds `folder` (so sibling sets such as
    `../base` work). Resolved."""
    real = Path(os.path.realpath(folder))
    for candidate in (real, *real.parents):
        if (candidate / ".git").exists():
            return candidate
    return real.parent
