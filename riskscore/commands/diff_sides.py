"""The two sides of `riskscore diff`: criteria and profiles from directories or git refs."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from riskscore.analysis.change_diff import Side


def build_sides(
    stack: ExitStack, args: list[str], base: str | None, criteria: Path | None, lens: str | None
) -> tuple[Side, Side]:
    """(old side, new side), both seen through the lens; temporary copies live in `stack`.

    With `--base REF`: REF's criteria on REF's profiles (and REF's country files) against the
    work tree's. Otherwise
    OLD and NEW each are a criteria directory (holding set.yaml: the work tree's profiles),
    a checkout (holding criteria/set.yaml: its own profiles and countries/, PATHs read inside
    it) or a git ref (its criteria, profiles and countries/, read with git show).
    """
    from riskscore.errors import UsageError

    if base is not None:
        paths = args or _default_profiles()
        crit = criteria or Path("criteria")
        if not crit.is_dir():
            raise UsageError(f"--base: no criteria directory {crit}; give --criteria DIR")
        old = _at_ref(stack, base, crit, paths, lens)
        return old, _work_tree(crit, paths, lens)
    if len(args) < 2:
        raise UsageError("give the OLD and NEW criteria directories, or --base GITREF")
    kinds = [_kind(a) for a in args[:2]]
    if criteria is not None and "ref" not in kinds:
        raise UsageError(
            "--criteria applies only with --base or git refs; otherwise give OLD and NEW"
        )
    paths = args[2:] or _default_profiles()
    crit = criteria or Path("criteria")
    sides = []
    for arg, kind in zip(args[:2], kinds, strict=True):
        if kind == "criteria":
            sides.append(_work_tree(Path(arg), paths, lens))
        elif kind == "checkout":
            sides.append(_checkout(Path(arg), paths, lens))
        else:
            sides.append(_at_ref(stack, arg, crit, paths, lens))
    return sides[0], sides[1]


def _kind(arg: str) -> str:
    path = Path(arg)
    if (path / "set.yaml").is_file():
        return "criteria"
    if (path / "criteria" / "set.yaml").is_file():
        return "checkout"
    if path.exists():
        from riskscore.errors import UsageError

        raise UsageError(
            f"{arg}: neither a criteria directory (set.yaml) nor a checkout (criteria/)"
        )
    return "ref"


def _work_tree(crit: Path, paths: list[str], lens: str | None) -> Side:
    from riskscore.analysis.change_diff import Side
    from riskscore.load.criteria.loader import load_criteria
    from riskscore.load.discovery import discover_profiles

    files = discover_profiles(paths)
    return Side(load_criteria(crit).with_lens(lens), {p.as_posix(): p for p in files})


def _checkout(root: Path, paths: list[str], lens: str | None) -> Side:
    from riskscore.analysis.change_diff import Side
    from riskscore.load.countries import default_countries_dir
    from riskscore.load.criteria.loader import load_criteria
    from riskscore.load.discovery import discover_profiles

    files = discover_profiles([str(root / p) for p in paths])
    keys = {p.relative_to(root).as_posix(): p for p in files}
    cset = load_criteria(root / "criteria").with_lens(lens)
    countries = default_countries_dir(root)  # the checkout's countries/, else the shipped
    return Side(cset, keys, profiles=str(root), countries=countries)


def _at_ref(stack: ExitStack, ref: str, crit: Path, paths: list[str], lens: str | None) -> Side:
    from riskscore.analysis.change_diff import Side
    from riskscore.load.gitcountries import countries_at, countries_rel
    from riskscore.load.gitref import load_criteria_at_ref, profiles_at_ref, resolve_commit

    cset = load_criteria_at_ref(ref, crit).with_lens(lens)
    snapshot = stack.enter_context(profiles_at_ref(ref, paths))
    commit, top = resolve_commit(ref)
    countries = stack.enter_context(countries_at(commit, top, countries_rel(top), ref))
    return Side(cset, snapshot.files, profiles=ref, shown=snapshot.shown, countries=countries)


def _default_profiles() -> list[str]:
    from riskscore.errors import UsageError

    if not Path("projects").is_dir():
        raise UsageError("no profiles given and there is no projects/ directory here")
    return ["projects"]
