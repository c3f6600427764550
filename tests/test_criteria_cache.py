"""The compiled-criteria cache: a faster way to the same CriteriaSet, never a stale one."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskscore.errors import ErrorGroup, RiskscoreError
from riskscore.load import yaml_reader
from riskscore.load.criteria import cache
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from tests.conftest import MINI, SHIPPED, mini_profile


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("RISKSCORE_CACHE_DIR", str(where))
    monkeypatch.delenv("RISKSCORE_NO_CACHE", raising=False)
    return where


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "criteria"
    shutil.copytree(MINI, folder)
    return folder


def no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any YAML read fail: a load that still succeeds came from the cache."""

    def refuse(path: Path) -> None:
        raise AssertionError(f"read {path} although the cache was valid")

    monkeypatch.setattr("riskscore.load.criteria.loader.load_yaml", refuse)


def test_second_load_comes_from_the_cache_and_equals_the_first(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_criteria(SHIPPED)
    assert len(list(cache_dir.glob("criteria-*.json"))) == 1
    no_yaml(monkeypatch)
    again = load_criteria(SHIPPED)
    assert again == fresh and again.hash == fresh.hash
    assert again.chain == ("critical-minerals-base", "pakistan-critical-minerals")
    # The cached set stands for its files: outputs still refuse to overwrite them.
    assert (SHIPPED / "base" / "eiti-implementation.yaml").resolve() in yaml_reader.files_read()


def test_an_edited_criterion_is_read_again(cache_dir: Path, mini_copy: Path) -> None:
    first = load_criteria(mini_copy)
    target = next(p for p in sorted(mini_copy.glob("*.yaml")) if "weight: 2" in p.read_text())
    target.write_text(target.read_text().replace("weight: 2", "weight: 3", 1))
    second = load_criteria(mini_copy)
    assert second.hash != first.hash
    assert second.criterion(target.stem).weight == 3


def test_an_added_or_removed_file_is_seen(cache_dir: Path, mini_copy: Path) -> None:
    first = load_criteria(mini_copy)
    victim = next(p for p in sorted(mini_copy.glob("*.yaml")) if p.name != "set.yaml")
    text = victim.read_text()
    victim.unlink()
    assert victim.stem not in [c.id for c in load_criteria(mini_copy).criteria]
    victim.write_text(text)
    assert load_criteria(mini_copy).hash == first.hash
    (mini_copy / "lenses").mkdir(exist_ok=True)
    (mini_copy / "lenses" / "broken.yaml").write_text("id: broken\nnot_a_key: 1\n")
    with pytest.raises(ErrorGroup, match=r"broken\.yaml"):
        load_criteria(mini_copy)


def test_a_bad_set_is_never_cached(cache_dir: Path, mini_copy: Path) -> None:
    (mini_copy / "set.yaml").write_text("name: [unclosed\n")
    for _ in range(2):  # the second run reports the same error: nothing was kept
        with pytest.raises(RiskscoreError) as caught:
            load_criteria(mini_copy)
        assert str(caught.value).startswith(f"{mini_copy / 'set.yaml'}:")
    assert not list(cache_dir.glob("criteria-*.json"))


DAMAGE = [
    b"",
    b"not json",
    b"[]",
    b'{"format": 3}',
    pickle.dumps({"a": 1}),
    b"\xff\xfe{}",
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_a_miss_and_is_replaced(
    cache_dir: Path, mini_copy: Path, damage: bytes
) -> None:
    first = load_criteria(mini_copy)
    (entry,) = cache_dir.glob("criteria-*.json")
    entry.write_bytes(damage)
    assert load_criteria(mini_copy) == first
    assert entry.read_bytes() != damage


def test_switched_off_or_unsafe_folders_are_not_used(
    cache_dir: Path, mini_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKSCORE_NO_CACHE", "1")
    load_criteria(mini_copy)
    assert not cache_dir.exists()
    monkeypatch.setenv("RISKSCORE_NO_CACHE", "0")
    first = load_criteria(mini_copy)
    assert len(list(cache_dir.glob("criteria-*.json"))) == 1
    os.chmod(cache_dir, 0o777)  # others could have planted a pickle: never load from it
    monkeypatch.setattr(
        "riskscore.load.criteria.loader.load_yaml",
        lambda path: pytest.fail("expected a fresh read"),
    )
    assert cache.load_cached(mini_copy) is None
    os.chmod(cache_dir, 0o700)
    assert cache.load_cached(mini_copy) == first


def test_an_unwritable_cache_folder_does_not_stop_a_run(
    tmp_path: Path, mini_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("RISKSCORE_CACHE_DIR", str(blocker / "cache"))
    assert load_criteria(mini_copy).criteria


def test_entries_are_pruned(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    for i in range(4):
        folder = tmp_path / f"set{i}"
        shutil.copytree(MINI, folder)
        load_criteria(folder)
    assert len(list(cache_dir.glob("criteria-*.json"))) == 2
    assert not list(cache_dir.glob(".criteria-*.tmp"))  # writes are atomic: no leftovers


def test_a_git_ref_copy_is_not_cached(cache_dir: Path, mini_copy: Path) -> None:
    load_criteria(mini_copy, cache=False)
    assert not cache_dir.exists()


def test_a_folder_link_pointed_elsewhere_gives_the_other_set(
    cache_dir: Path, tmp_path: Path
) -> None:
    """The deploy pattern `current -> v1`, then `current -> v2`: the key names `current`, the
    files v1 holds are unchanged, and still the set must be v2's."""
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    shutil.copytree(MINI, v1)
    shutil.copytree(MINI, v2)
    target = next(p for p in sorted(v2.glob("*.yaml")) if "weight: 2" in p.read_text())
    target.write_text(target.read_text().replace("weight: 2", "weight: 3", 1))
    current = tmp_path / "current"
    current.symlink_to(v1)
    assert load_criteria(current).criterion(target.stem).weight == 2
    current.unlink()
    current.symlink_to(v2)
    assert load_criteria(current).criterion(target.stem).weight == 3


def test_a_file_link_pointed_elsewhere_is_read_again(cache_dir: Path, mini_copy: Path) -> None:
    source = next(p for p in sorted(mini_copy.glob("*.yaml")) if "weight: 2" in p.read_text())
    shared = mini_copy.parent / "shared"
    shared.mkdir()
    (shared / "a.yml").write_text(source.read_text())
    (shared / "b.yml").write_text(source.read_text().replace("weight: 2", "weight: 3", 1))
    source.unlink()
    source.symlink_to(shared / "a.yml")
    assert load_criteria(mini_copy).criterion(source.stem).weight == 2
    source.unlink()
    source.symlink_to(shared / "b.yml")
    assert load_criteria(mini_copy).criterion(source.stem).weight == 3


def test_a_file_saved_during_the_load_is_not_cached_as_unchanged(
    cache_dir: Path, mini_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry records the bytes the load parsed, not the file as it is when the entry is
    written: an edit saved in between must be read on the next run."""
    from riskscore.load.criteria import loader

    target = next(p for p in sorted(mini_copy.glob("*.yaml")) if "weight: 2" in p.read_text())
    checked = loader._load_checked

    def save_while_loading(folder: Path):  # type: ignore[no-untyped-def]
        result = checked(folder)
        target.write_text(target.read_text().replace("weight: 2", "weight: 3", 1))
        return result

    monkeypatch.setattr(loader, "_load_checked", save_while_loading)
    assert load_criteria(mini_copy).criterion(target.stem).weight == 2
    monkeypatch.setattr(loader, "_load_checked", checked)
    assert load_criteria(mini_copy).criterion(target.stem).weight == 3


def test_a_shipped_set_added_beside_the_others_is_seen(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`extends: <name>` chooses among every shipped folder, so a new one that takes the name
    (an earlier folder name wins) makes the cached choice stale."""
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    shutil.copytree(MINI, shipped / "zz")
    base_name = (shipped / "zz" / "set.yaml").read_text().split("name: ", 1)[1].split()[0]
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "set.yaml").write_text(
        f"extends: {base_name}\nname: mine\ntitle: Mine\nversion: 1.0.0\ndescription: An overlay.\n"
    )
    monkeypatch.setattr("riskscore.load.criteria.loader.shipped_criteria_dir", lambda: shipped)
    first = load_criteria(overlay)
    shutil.copytree(MINI, shipped / "aa")
    extra = shipped / "aa" / "set.yaml"
    extra.write_text(extra.read_text().replace("Two pillars", "The new one, two pillars", 1))
    second = load_criteria(overlay)
    assert second.hash != first.hash
    assert second == load_criteria(overlay, cache=False)


def test_changed_riskscore_code_uses_other_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited checkout (editable install) keeps its version number; the key still moves."""
    import riskscore

    package = tmp_path / "riskscore"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "loader.py").write_text("A = 1\n")
    monkeypatch.setattr(riskscore, "__file__", str(package / "__init__.py"))
    monkeypatch.setattr(cache, "_STAMP", [])
    before = cache._code_stamp()
    os.utime(package / "loader.py", ns=(1, 1))
    monkeypatch.setattr(cache, "_STAMP", [])
    assert cache._code_stamp() != before


def test_no_home_folder_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RISKSCORE_CACHE_DIR", "XDG_CACHE_HOME", "RISKSCORE_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache.cache_dir() is None
    assert load_criteria(MINI).criteria


def test_links_and_writable_entries_are_never_loaded(
    cache_dir: Path, mini_copy: Path, tmp_path: Path
) -> None:
    """Another user's entry could change the scores: the cache folder may not be a link (it is
    opened without following one and checked through that handle), and an entry must be ours
    and not writable by group or others."""
    first = load_criteria(mini_copy)
    (entry,) = cache_dir.glob("criteria-*.json")
    os.chmod(entry, 0o664)
    assert cache.load_cached(mini_copy) is None
    os.chmod(entry, 0o600)
    assert cache.load_cached(mini_copy) == first
    real = tmp_path / "real-cache"
    cache_dir.rename(real)
    cache_dir.symlink_to(real)
    assert cache.load_cached(mini_copy) is None
    load_criteria(mini_copy)  # nothing is written through the link either
    assert sorted(p.name for p in real.iterdir()) == [entry.name]


def test_temporary_files_of_killed_runs_are_removed(cache_dir: Path, mini_copy: Path) -> None:
    cache_dir.mkdir(mode=0o700)
    old, new = cache_dir / ".criteria-dead.tmp", cache_dir / ".criteria-busy.tmp"
    old.write_bytes(b"half")
    new.write_bytes(b"half")
    os.utime(old, (1, 1))
    load_criteria(mini_copy)
    assert not old.exists() and new.exists()


class _Payload:
    """Unpickling this runs `touch MARKER`: what a planted pickle does."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch '{self.marker}'",))


def _plant(where: Path, name: str, marker: Path) -> Path:
    where.mkdir(mode=0o700, parents=True, exist_ok=True)
    planted = where / name
    planted.write_bytes(pickle.dumps(_Payload(marker)))
    os.chmod(planted, 0o600)  # ours and not group-writable: what a checkout creates
    return planted


def test_a_planted_pickle_never_runs(cache_dir: Path, mini_copy: Path, tmp_path: Path) -> None:
    """Issue 22: a pickle payload under the entry's name, and under the name the old pickle
    format used, is never executed; the set is loaded from its files and the entry replaced."""
    marker = tmp_path / "marker"
    name = cache.entry_name(mini_copy)
    planted = _plant(cache_dir, name, marker)
    legacy = _plant(cache_dir, name.removesuffix(cache.SUFFIX) + cache.LEGACY_SUFFIX, marker)
    fresh = load_criteria(mini_copy, cache=False)
    assert load_criteria(mini_copy) == fresh
    assert not marker.exists()
    assert planted.read_bytes().startswith(b"{") and not legacy.exists()
    assert load_criteria(mini_copy) == fresh and not marker.exists()


def test_a_planted_pickle_in_a_workspace_cache_never_runs(tmp_path: Path) -> None:
    """The issue's setup: XDG_CACHE_HOME inside a checkout that carries a crafted entry, and a
    real `riskscore evaluate` run twice (a miss, then a hit)."""
    import subprocess
    import sys

    workspace = tmp_path / "ws"
    shutil.copytree(MINI, workspace / "criteria")
    (workspace / "p.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    marker = tmp_path / "marker"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RISKSCORE_")},
        "XDG_CACHE_HOME": str(workspace / ".cache"),
    }
    probe = "from pathlib import Path; from riskscore.load.criteria import cache; "
    probe += "print(cache.entry_name(Path('criteria')))"
    name = subprocess.run(
        [sys.executable, "-c", probe], cwd=workspace, env=env, capture_output=True, text=True
    ).stdout.strip()
    assert name.startswith("criteria-") and name.endswith(".json")
    _plant(workspace / ".cache" / "riskscore", name, marker)
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "riskscore", "evaluate", "p.yaml", "-c", "criteria"],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert not marker.exists()


def test_an_entry_that_does_not_validate_is_rebuilt(cache_dir: Path, mini_copy: Path) -> None:
    """Valid JSON with a field of the wrong type (a weight that is text) is a miss."""
    import json

    first = load_criteria(mini_copy)
    (entry,) = cache_dir.glob("criteria-*.json")
    data = json.loads(entry.read_bytes())
    data["cset"]["criteria"][0]["weight"] = "heavy"
    entry.write_text(json.dumps(data))
    assert cache.load_cached(mini_copy) is None
    assert load_criteria(mini_copy) == first
    assert json.loads(entry.read_bytes())["cset"]["criteria"][0]["weight"] != "heavy"


JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8), st.just([])
)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path to a leaf of a JSON document."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*prefix, k))]
    if isinstance(value, list) and value:
        return [p for i, v in enumerate(value) for p in _paths(v, (*prefix, i))]
    return [prefix]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_entry_is_a_set_or_a_miss_never_an_error(
    cache_dir: Path, mini_copy: Path, data: st.DataObject
) -> None:
    """Random bytes, or a valid entry with one leaf replaced: load_cached returns None or a
    CriteriaSet whose every model validated; it never raises and never runs anything."""
    import json

    load_criteria(mini_copy)
    (entry,) = cache_dir.glob("criteria-*.json")
    document = json.loads(entry.read_bytes())
    if data.draw(st.booleans()):
        raw = data.draw(st.binary(max_size=64))
    else:
        path = data.draw(st.sampled_from(_paths(document)))
        target = document
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        if path:
            target[path[-1]] = data.draw(JSON_LEAVES)  # type: ignore[index]
        raw = json.dumps(document).encode()
    entry.write_bytes(raw)
    got = cache.load_cached(mini_copy)
    assert got is None or isinstance(got, CriteriaSet)
