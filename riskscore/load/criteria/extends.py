"""Sets that extend sets: find the set an overlay names, and apply the overlay to it.

A set.yaml with `extends:` (overlay.py) builds on another set the way a yamllint config
builds on `default`: the value is a shipped set's name (its folder name or its `name:`) or a
path relative to the overlay's folder. loader.py reads the chain base-first; apply_overlay()
merges one overlay into the set resolved so far and records each piece's Origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from pydantic import ValidationError

from riskscore.errors import CriteriaError
from riskscore.load.boundary import inside
from riskscore.load.criteria import models as m
from riskscore.load.criteria.checks import Report
from riskscore.load.criteria.overlay import CriterionPatch, FactPatch, Origin, OverlayFile
from riskscore.load.yaml_reader import Document, load_yaml, record_listing, record_path
from riskscore.suggest import did_you_mean

MAX_DEPTH = 8
"""Longest chain of sets accepted (a loop is reported before this is reached)."""


@dataclass
class Layer:
    """A set resolved down to its base: header, criteria and lenses, with where each came from.

    `docs[cid]` and `prefix[cid]` say which file (and key path in it) to blame when a check of
    criterion `cid` fails; `files` lists (root, path) of every file read, base first, for the
    content hash; `chain` is the set names base first.
    """

    folder: Path
    doc: Document
    header: m.SetFile
    criteria: dict[str, m.Criterion] = field(default_factory=dict)
    docs: dict[str, Document] = field(default_factory=dict)
    prefix: dict[str, tuple[str | int, ...]] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    fact_origins: dict[str, Origin] = field(default_factory=dict)
    lenses: dict[str, tuple[m.Lens, Document]] = field(default_factory=dict)
    files: list[tuple[Path, Path]] = field(default_factory=list)
    chain: list[str] = field(default_factory=list)


def resolve_extends(value: str, folder: Path, shipped_root: Path, bound: Path) -> Path:
    """The folder of the set that `extends: value` in `folder`'s set.yaml names.

    A value with a `/`, a leading `.` or a `.yaml` ending is a path relative to `folder` (to a
    set folder or its set.yaml); anything else is a shipped set: `shipped_root` itself or one
    of its sub-folders, matched by folder name or by the `name:` in its set.yaml. A path must
    be relative and lead (links followed) to a folder inside `bound`, the repository that holds
    the set the user named (boundary.repository_root): nothing outside it is read, so no error
    can show what a file there holds. Raises CriteriaError (no location: the caller adds it)
    when nothing matches or the path leads outside.
    """
    if names_a_path(value):
        if PurePosixPath(value).is_absolute() or PureWindowsPath(value).anchor:
            raise CriteriaError(
                f"extends: '{value}' is an absolute path; write a path relative to this set's "
                "folder, inside its repository, or a shipped set's name"
            )
        record_path(folder / value)  # a link pointed elsewhere later names another set
        if not inside(folder / value, bound):
            raise CriteriaError(
                f"extends: '{value}' leads outside {bound}, the repository that holds the "
                "criteria set (or, outside a repository, the folder that holds it); extends may "
                "name a set inside it or a shipped set"
            )
        target = (folder / value).resolve()
        if target.is_file() and target.suffix in (".yaml", ".yml"):
            target = target.parent
        if not (target / "set.yaml").is_file():
            raise CriteriaError(f"extends: no set.yaml at '{value}' (resolved to {target})")
        return target
    shipped = shipped_sets(shipped_root)
    if value in shipped:
        return shipped[value]
    known = ", ".join(sorted(shipped)) or "none"
    raise CriteriaError(
        f"extends: no shipped set '{value}'{did_you_mean(value, shipped)}; shipped: {known}; "
        "a path needs a '/' (./base)"
    )


def names_a_path(value: str) -> bool:
    """Whether `extends: value` is a path (a `/` or `\\`, a leading `.`, a `.yaml` ending)
    rather than a shipped set's name."""
    return (
        "/" in value or "\\" in value or value.startswith(".") or value.endswith((".yaml", ".yml"))
    )


def shipped_sets(root: Path) -> dict[str, Path]:
    """Shipped sets by folder name and by `name:`: `root` and each sub-folder with a set.yaml."""
    found: dict[str, Path] = {}
    names = set_folder_names(root)
    record_listing("sets", root, names)
    for name in names:
        folder = root if name == "." else root / name
        set_path = folder / "set.yaml"
        found.setdefault(folder.name, folder)
        data = load_yaml(set_path).data
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            found.setdefault(data["name"], folder)
    return found


def set_folder_names(root: Path) -> tuple[str, ...]:
    """ "." when `root` holds a set.yaml, then its sub-folders that hold one, sorted by name."""
    if not root.is_dir():
        return ()
    subs = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "set.yaml").is_file())
    return ((".",) if (root / "set.yaml").is_file() else ()) + tuple(subs)


def apply_overlay(base: Layer, overlay: OverlayFile, layer: Layer, report: Report) -> None:
    """Merge `overlay` (parsed from `layer.doc`) into `base`, filling `layer` in place.

    `layer` arrives holding the overlay's own criterion files and lenses; base criteria it
    does not replace are copied in, then the overlay's header changes and criterion patches
    are applied. Problems (a patch for an unknown criterion, a new pillar or fact missing
    fields, a patched criterion that no longer validates) go to `report`.
    """
    name = overlay.name
    layer.header = _merge_header(base, overlay, layer, report)
    own = dict(layer.criteria)
    layer.criteria = {}
    for cid, crit in base.criteria.items():
        if cid in own:
            continue
        layer.criteria[cid] = crit
        layer.docs[cid], layer.prefix[cid] = base.docs[cid], base.prefix[cid]
        layer.locations[cid], layer.origins[cid] = base.locations[cid], base.origins[cid]
    for cid, crit in own.items():
        layer.criteria[cid] = crit
        layer.origins[cid] = Origin(name)
    for cid, patch in overlay.criteria.items():
        loc = ("criteria", cid)
        if cid not in layer.criteria:
            report(f"no criterion '{cid}' to change{did_you_mean(cid, layer.criteria)}", loc)
            continue
        patched = _patch_criterion(layer.criteria[cid], patch, layer.doc, loc, report)
        if patched is not None:
            layer.criteria[cid] = patched
            fields = tuple(sorted(patch.model_fields_set))
            layer.origins[cid] = layer.origins[cid].patched(name, fields)
            layer.docs[cid], layer.prefix[cid] = layer.doc, loc
    layer.lenses = {**base.lenses, **layer.lenses}
    layer.files = [*base.files, *layer.files]
    layer.chain = [*base.chain, name]


def _merge_header(base: Layer, overlay: OverlayFile, layer: Layer, report: Report) -> m.SetFile:
    head = base.header
    pillars = {p.id: p for p in head.pillars}
    for i, patch in enumerate(overlay.pillars):
        changes = patch.model_dump(exclude_unset=True)
        merged = _validated(m.Pillar, {**_dump(pillars.get(patch.id)), **changes})
        if isinstance(merged, str):
            report(f"pillar '{patch.id}': {merged}", ("pillars", i))
        else:
            pillars[patch.id] = merged
    facts = {f.id: f for f in head.facts}
    layer.fact_origins = dict(base.fact_origins)
    for i, fpatch in enumerate(overlay.facts):
        merged_fact = _merge_fact(facts.get(fpatch.id), fpatch)
        if isinstance(merged_fact, str):
            report(f"fact '{fpatch.id}': {merged_fact}", ("facts", i))
            continue
        fields = tuple(sorted(fpatch.model_fields_set - {"id"}))
        known = layer.fact_origins.get(fpatch.id)
        layer.fact_origins[fpatch.id] = (
            Origin(overlay.name) if known is None else known.patched(overlay.name, fields)
        )
        facts[fpatch.id] = merged_fact
    return m.SetFile.model_construct(
        name=overlay.name,
        title=overlay.title,
        version=overlay.version,
        description=overlay.description,
        unknown=overlay.unknown or head.unknown,
        rounding=overlay.rounding or head.rounding,
        evidence=overlay.evidence or head.evidence,
        context=overlay.context or head.context,
        critical=list(head.critical if overlay.critical is None else overlay.critical),
        pillars=list(pillars.values()),
        bands=list(overlay.bands or head.bands),
        facts=list(facts.values()),
        uncertainty=overlay.uncertainty or head.uncertainty,
        stages=list(overlay.stages or head.stages),
        required_source_kinds=list(overlay.required_source_kinds or head.required_source_kinds),
    )


def _merge_fact(fact: m.Fact | None, patch: FactPatch) -> m.Fact | str:
    changes = patch.model_dump(exclude_unset=True)
    if fact is None:
        return _validated(m.Fact, changes)
    if "type" in changes and changes["type"] != fact.type:
        return f"an overlay cannot change a fact's type ({fact.type} → {changes['type']})"
    data = _dump(fact)
    if "values" in changes:
        added = [v for v in changes.pop("values") if v not in (fact.values or [])]
        data["values"] = [*(fact.values or []), *added]
    if "value_descriptions" in changes:
        data["value_descriptions"] = {
            **(fact.value_descriptions or {}),
            **changes.pop("value_descriptions"),
        }
    return _validated(m.Fact, {**data, **changes})


def _patch_criterion(
    crit: m.Criterion, patch: CriterionPatch, doc: Document, loc: tuple, report: Report
) -> m.Criterion | None:
    data = _dump(crit)
    for key in patch.model_fields_set:
        value = getattr(patch, key)
        if key == "sources":
            data["sources"] = [*data["sources"], *_dump_list(value)]
        elif key == "country_advice" and value is not None:
            data[key] = {**data.get(key, {}), **value}
        elif value is None:
            data.pop(key, None)
        elif isinstance(value, list):
            data[key] = [_plain(v) for v in value]
        else:
            data[key] = _plain(value)
    merged = _validated(m.Criterion, data)
    if isinstance(merged, str):
        report(merged, loc)
        return None
    return merged


def _validated(model: type[Any], data: dict[str, Any]) -> Any:
    """`model` built from `data`, or the first validation problem in words."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]


def _plain(value: Any) -> Any:
    """A patch field as the plain data a criterion file would hold."""
    return value.model_dump(by_alias=True) if hasattr(value, "model_dump") else value


def _dump(item: Any) -> dict[str, Any]:
    return {} if item is None else item.model_dump(by_alias=True, exclude_none=True)


def _dump_list(items: list[Any]) -> list[dict[str, Any]]:
    return [i.model_dump(by_alias=True, exclude_none=True) for i in items]
