"""Files as of a git ref, read with `git ls-tree` and `git cat-file`: the work tree is never
touched, and git runs through load/gitrun.py, whatever the repository's config says.

The criteria set at a ref (`load_criteria_at_ref`) and the profiles at a ref (`profiles_at_ref`),
each copied into a temporary directory whose paths errors never show.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from riskscore.errors import ErrorGroup, RiskscoreError, UsageError
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.criteria.models import LEGACY_READS
from riskscore.load.gitrun import git_blob, git_text, is_shallow


def load_criteria_at_ref(ref: str, criteria_dir: Path, cwd: Path | None = None) -> CriteriaSet:
    """Load `criteria_dir` as committed at `ref` in the repository that holds it.

    Relative paths are taken from `cwd` (default: the current directory); git runs in the
    criteria directory's repository, so `-c /elsewhere/criteria` works from any folder.
    Errors and the returned set name files as `REF:path`, not the temporary copy.
    """
    if not ref or ref.startswith("-"):
        raise UsageError(f"--base: '{ref}' is not a git ref")
    where = (cwd or Path.cwd()).resolve()
    located = (where / criteria_dir).resolve()
    probe = located if located.is_dir() else where
    top = Path(_git(["rev-parse", "--show-toplevel"], probe, "not inside a git repository"))
    top = top.resolve()
    try:
        commit = _git(
            ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
            top,
            f"unknown git ref '{ref}'",
        )
    except UsageError as exc:
        raise _shallow_hint(exc, top) from None
    rel = _relative(criteria_dir, where, top)
    names = _files_at(commit, rel, top, ref)
    if not names:
        raise UsageError(f"--base: there is no criteria directory '{rel}' at {ref}")
    label = f"{ref}:{rel}"
    with tempfile.TemporaryDirectory(prefix="riskscore-base-") as tmp:
        root = Path(tmp) / "criteria"
        for name in names:
            _materialise(commit, name, rel, root, top, ref)
        legacy: list[str] = []
        token = LEGACY_READS.set(legacy)
        try:
            cset = load_criteria(root, cache=False)  # a one-run temporary copy
        except RiskscoreError as exc:
            raise _relabel(exc, root, label) from None
        finally:
            LEGACY_READS.reset(token)
    locations = {cid: _rename(path, root, label) for cid, path in cset.locations.items()}
    warnings = tuple(w.replace(str(root), label) for w in cset.warnings)
    if legacy:
        warnings += (
            f"{label}: {len(legacy)} criteria declare the method-v2 unknown policy `exclude`; "
            "they are scored as method v3 scores an unknown fact (0), so the comparison shows "
            "what the criteria and facts changed under the method you run, not the v2 scores",
        )
    return replace(cset, root=label, locations=locations, warnings=warnings)


def _shallow_hint(exc: UsageError, top: Path) -> UsageError:
    """In a shallow clone (CI's default checkout) the base ref is usually just not fetched."""
    shallow = is_shallow(top)
    if not shallow:
        return exc
    return UsageError(
        f"{exc.message}; this is a shallow clone, so fetch the history first: in GitHub "
        "Actions give actions/checkout `fetch-depth: 0`, or run `git fetch --unshallow`"
    )


def _git(args: list[str], cwd: Path, problem: str, what: str = "--base") -> str:
    """git's stdout (run by load/gitrun.py); a UsageError naming `what` when it fails."""
    return git_text(args, cwd, problem, what)


def _relative(criteria_dir: Path, cwd: Path, top: Path) -> str:
    """The criteria directory as a path inside the repository (what ls-tree and show expect)."""
    absolute = (cwd / criteria_dir).resolve()
    try:
        return absolute.relative_to(top).as_posix()
    except ValueError:
        raise UsageError(
            f"--base: the criteria directory {criteria_dir} is outside the git repository {top}"
        ) from None


def _files_at(commit: str, rel: str, top: Path, ref: str) -> list[str]:
    """Every file under `rel` (a repository path, or one file) at `commit`, as repository
    paths (git ls-tree -r); empty when `rel` did not exist there. UsageError when git fails."""
    listing = _git(
        ["ls-tree", "-r", "-z", "--name-only", commit, "--", rel],
        top,
        f"cannot list '{rel}' at {ref}",
    )
    return [n for n in listing.split("\0") if n]


def _materialise(commit: str, name: str, rel: str, root: Path, top: Path, ref: str) -> None:
    inner = Path(name).relative_to(rel) if rel != "." else Path(name)
    target = (root / inner).resolve()
    if root.resolve() not in target.parents:
        raise UsageError(f"--base: refusing to write '{name}' outside the temporary directory")
    content = git_blob(commit, name, top)
    if content is None:
        raise UsageError(f"--base: cannot read '{name}' at {ref}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def _rename(path: str, root: Path, label: str) -> str:
    try:
        return f"{label}/{Path(path).relative_to(root).as_posix()}"
    except ValueError:
        return label if Path(path) == root else path


def _relabel(exc: RiskscoreError, root: Path, label: str) -> RiskscoreError:
    """The same error, naming `REF:criteria/file.yaml` instead of the temporary copy."""
    if isinstance(exc, ErrorGroup):
        return ErrorGroup([_relabel(e, root, label) for e in exc.errors])
    path = None if exc.path is None else _rename(exc.path, root, label)
    return type(exc)(exc.message, path, exc.line)


@dataclass(frozen=True)
class RefFiles:
    """Profiles as committed at a ref, copied into `root`.

    `files` maps the path a user would write from the current directory (`projects/x.yaml`)
    to the temporary copy; `label` (`REF:`) replaces `root` in anything shown to a user.
    """

    ref: str
    commit: str
    root: Path
    files: dict[str, Path]

    @property
    def label(self) -> str:
        return f"{self.ref}:"

    def shown(self, text: str) -> str:
        """`text` with the temporary directory replaced by `REF:`."""
        return text.replace(f"{self.root}{os.sep}", self.label).replace(str(self.root), self.label)


def resolve_commit(ref: str, cwd: Path | None = None) -> tuple[str, Path]:
    """(full commit hash, repository top level) for `ref`; UsageError when either is missing."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"'{ref}' is not a git ref")
    where = (cwd or Path.cwd()).resolve()
    top = Path(_git(["rev-parse", "--show-toplevel"], where, "not inside a git repository"))
    commit = _git(
        ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        top.resolve(),
        f"unknown git ref '{ref}'",
    )
    return commit, top.resolve()


@contextmanager
def profiles_at_ref(ref: str, args: list[str], cwd: Path | None = None) -> Iterator[RefFiles]:
    """The `.yaml`/`.yml` profiles that PATH arguments named at `ref`, as temporary copies.

    A directory gives the YAML files directly in it (as discovery does in the work tree), a
    file gives itself; a path that did not exist at `ref` gives nothing (its profiles are
    new). Globs are not expanded at a ref. The copies are deleted when the block ends.
    """
    where = (cwd or Path.cwd()).resolve()
    commit, top = resolve_commit(ref, where)
    wanted: dict[str, str] = {}  # repository path -> path shown, from the current directory
    for arg in args:
        rel = _relative(Path(arg), where, top)
        for name in _files_at(commit, rel, top, ref):
            inside = (
                name == rel
                or (rel == "." and "/" not in name)
                or (Path(name).parent.as_posix() == rel.rstrip("/"))
            )
            if inside and Path(name).suffix in (".yaml", ".yml"):
                wanted[name] = Path(os.path.relpath(top / name, where)).as_posix()
    with tempfile.TemporaryDirectory(prefix="riskscore-ref-") as tmp:
        root = Path(tmp)
        files: dict[str, Path] = {}
        for name, shown in wanted.items():
            _materialise(commit, name, ".", root, top, ref)
            files[shown] = root / name
        yield RefFiles(ref, commit, root, files)
