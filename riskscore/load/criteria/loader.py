"""Load a criteria directory (set.yaml, one file per criterion, lenses/) into a CriteriaSet."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from riskscore.errors import CriteriaError, ErrorGroup, RiskscoreError
from riskscore.load.boundary import inside, repository_root
from riskscore.load.criteria import models as m
from riskscore.load.criteria.checks import (
    Report,
    check_criterion,
    check_fact_orders,
    check_floor,
    check_set_file,
)
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.extends import (
    MAX_DEPTH,
    Layer,
    apply_overlay,
    names_a_path,
    resolve_extends,
)
from riskscore.load.criteria.overlay import (
    CriterionPatch,
    FactPatch,
    Origin,
    OverlayFile,
    PillarPatch,
)
from riskscore.load.diagnostics import from_validation_error, model_keys
from riskscore.load.yaml_reader import (
    ABSENT,
    Document,
    iter_yaml_files,
    load_yaml,
    record_listing,
    recording,
)
from riskscore.suggest import did_you_mean

T = TypeVar("T", bound=m.Strict)
Named = TypeVar("Named", m.Criterion, m.Lens)
SET_FILE = "set.yaml"
LENS_DIR = "lenses"
_KNOWN_KEYS = model_keys(
    m.SetFile,
    m.UnknownPolicy,
    m.Pillar,
    m.Band,
    m.Fact,
    m.FactCondition,
    m.AllCondition,
    m.AnyCondition,
    m.BooleanRule,
    m.LevelsRule,
    m.ThresholdsRule,
    m.Step,
    m.LinearRule,
    m.Point,
    m.Part,
    m.WeightedRule,
    m.Gate,
    m.Source,
    m.Criterion,
    m.Lens,
    m.Uncertainty,
    m.WeightUncertainty,
    m.AggregationUncertainty,
    m.UnknownUncertainty,
    m.AssumptionUncertainty,
    m.CutoffUncertainty,
    OverlayFile,
    PillarPatch,
    FactPatch,
    CriterionPatch,
)


def load_criteria(folder: Path, cache: bool = True) -> CriteriaSet:
    """Load and fully check a criteria directory, resolving `extends:` down to its base set.

    Raises ErrorGroup with every problem found at once (`path:line: message`); a set that
    extends another is checked as resolved, so a base criterion that no longer fits an
    overlay's vocabulary is reported too. With `cache`, a checked set is kept in the
    compiled-criteria cache (cache.py) and reused while none of its files changed; pass False
    for folders that exist only for one run (a git ref's temporary copy).
    """
    if cache:
        from riskscore.load.criteria import cache as compiled

        cached = compiled.load_cached(folder)
        if cached is not None:
            return cached
    with recording() as seen:
        cset = _load_checked(folder)
    if cache:
        compiled.store(folder, cset, seen)
    return cset


def _load_checked(folder: Path) -> CriteriaSet:
    """The checked set in `folder`, `extends:` resolved; raises ErrorGroup (see load_criteria)."""
    errors: list[RiskscoreError] = []
    layer = _read_layer(folder, errors, (), repository_root(folder))
    if layer is None:
        raise ErrorGroup(errors)
    header, criteria = layer.header, list(layer.criteria.values())
    check_set_file(header, _reporter(layer.doc, errors))
    for cid, crit in layer.criteria.items():
        check_criterion(crit, header, _reporter(layer.docs[cid], errors, layer.prefix[cid]))
    check_fact_orders(criteria, lambda cid: _reporter(layer.docs[cid], errors, layer.prefix[cid]))
    used = {c.pillar for c in criteria}
    for i, pillar in enumerate(header.pillars):
        if pillar.id not in used and criteria:
            errors.append(
                CriteriaError(
                    f"pillar '{pillar.id}' has no criteria",
                    layer.doc.path,
                    layer.doc.line(("pillars", i)),
                )
            )
    if criteria:
        set_report = _reporter(layer.doc, errors)
        band_ids = [b.id for b in header.bands]
        for i, floor in enumerate(header.critical):
            check_floor(
                floor,
                band_ids,
                list(layer.criteria),
                set_report,
                ("critical", i),
                {f.id: f for f in header.facts},
            )
    lenses = _check_lenses(layer, errors)
    if errors:
        raise ErrorGroup(errors)
    hasher = hashlib.sha256()
    roots = list(dict.fromkeys(root for root, _ in layer.files))
    for root, path in layer.files:
        if len(roots) > 1:  # a chain: say which set each file belongs to
            hasher.update(f"set {roots.index(root)}\0".encode())
        _hash_file(hasher, root, path)
    read = {f for c in criteria for f in m.rule_facts(c.rule)}
    read |= {
        f
        for c in criteria
        for cond in (
            c.not_applicable_when,
            c.gate and c.gate.when,
            *(g.when for g in c.more_gates),
        )
        if cond is not None
        for f in m.condition_facts(cond)
    }
    warnings = tuple(
        f"{layer.doc.path}:{layer.doc.line(('facts', i))}: fact '{f.id}' is declared but no "
        "criterion reads it"
        for i, f in enumerate(header.facts)
        if f.id not in read
    )
    pillar_order = {p.id: i for i, p in enumerate(header.pillars)}
    criteria.sort(key=lambda c: (pillar_order[c.pillar], c.id))
    chained = len(layer.chain) > 1
    cset = CriteriaSet(
        root=str(folder),
        header=header,
        criteria=tuple(criteria),
        lenses=lenses,
        hash="sha256:" + hasher.hexdigest(),
        locations=layer.locations,
        warnings=warnings,
        chain=tuple(layer.chain),
        origins={k: o.describe() for k, o in layer.origins.items()} if chained else {},
        fact_origins=(
            {
                f.id: layer.fact_origins.get(f.id, Origin(layer.chain[0])).describe()
                for f in header.facts
            }
            if chained
            else {}
        ),
    )
    return cset


def _read_layer(
    folder: Path, errors: list[RiskscoreError], seen: tuple[Path, ...], bound: Path
) -> Layer | None:
    """One set folder with everything it extends, merged; None when it cannot be read.

    `bound` is the folder its files and `extends:` paths must stay inside (the repository of
    the set the user named; a shipped set reached by name brings its own)."""
    if not folder.is_dir():
        if folder.exists():
            raise CriteriaError("is a file; --criteria takes the criteria directory", folder)
        raise CriteriaError("criteria directory not found", folder)
    set_path = folder / SET_FILE
    if not set_path.exists():
        raise CriteriaError(f"no {SET_FILE} in the criteria directory", folder)
    set_doc = load_yaml(set_path)
    extends = set_doc.data.get("extends") if isinstance(set_doc.data, dict) else None
    if extends is None:
        header = _parse(m.SetFile, set_doc, errors)
        if header is None:
            return None
        layer = Layer(folder, set_doc, header, chain=[header.name])
        layer.files.append((folder, set_path))
        _read_own_files(layer, errors, bound)
        layer.origins = {cid: Origin(header.name) for cid in layer.criteria}
        layer.fact_origins = {f.id: Origin(header.name) for f in header.facts}
        return layer
    overlay = _parse(OverlayFile, set_doc, errors)
    if overlay is None:
        return None
    here = folder.resolve()
    try:
        parent = resolve_extends(overlay.extends, folder, shipped_criteria_dir(), bound)
    except CriteriaError as exc:
        raise CriteriaError(exc.message, set_path, set_doc.line(("extends",))) from None
    if parent in (*seen, here):
        names = " → ".join(p.name for p in (*seen, here, parent))
        raise CriteriaError(f"extends: the chain of sets loops ({names})", set_path)
    if len(seen) >= MAX_DEPTH:
        raise CriteriaError(f"extends: more than {MAX_DEPTH} sets in the chain", set_path)
    parent_bound = bound if names_a_path(overlay.extends) else repository_root(parent)
    base = _read_layer(parent, errors, (*seen, here), parent_bound)
    if base is None:
        return None
    layer = Layer(folder, set_doc, base.header)
    layer.files.append((folder, set_path))
    _read_own_files(layer, errors, bound)
    apply_overlay(base, overlay, layer, _reporter(set_doc, errors))
    return layer


def _read_own_files(layer: Layer, errors: list[RiskscoreError], bound: Path) -> None:
    """The criterion files and lenses in the layer's own folder (not those it extends); a file
    that is a link to outside `bound` is an error and is not read."""
    folder = layer.folder
    criterion_paths = _bounded(
        [p for p in iter_yaml_files(folder) if p.name != SET_FILE], bound, errors
    )
    for path, doc, crit in _read_files(layer, criterion_paths, m.Criterion, "criterion", errors):
        if crit.id in layer.locations:
            _reporter(doc, errors)(
                f"duplicate criterion id '{crit.id}' (also in {layer.locations[crit.id]})", ("id",)
            )
            continue
        layer.criteria[crit.id] = crit
        layer.docs[crit.id], layer.prefix[crit.id] = doc, ()
        layer.locations[crit.id] = str(path)
    if not criterion_paths and "extends" not in layer.doc.data:
        errors.append(CriteriaError("the criteria directory has no criterion files", folder))
    lens_dir = folder / LENS_DIR
    if not lens_dir.is_dir():
        record_listing("yaml", lens_dir, [ABSENT])  # a lenses/ folder made later is noticed
        return
    lens_paths = _bounded(list(iter_yaml_files(lens_dir)), bound, errors)
    for _, doc, lens in _read_files(layer, lens_paths, m.Lens, "lens", errors):
        layer.lenses[lens.id] = (lens, doc)


def _bounded(paths: list[Path], bound: Path, errors: list[RiskscoreError]) -> list[Path]:
    """`paths` that lie inside `bound` once links are followed; each other one is an error
    naming the link (what it points to is never read, so no message shows its content)."""
    kept = []
    for path in paths:
        if inside(path, bound):
            kept.append(path)
        else:
            errors.append(
                CriteriaError(
                    f"a link to a file outside {bound}, the repository that holds the criteria "
                    "set (or, outside a repository, the folder that holds it); copy the file in",
                    path,
                )
            )
    return kept


def _read_files(
    layer: Layer, paths: list[Path], model: type[Named], what: str, errors: list[RiskscoreError]
) -> Iterator[tuple[Path, Document, Named]]:
    """Each file of `paths` that reads and validates as `model`, with its document; problems
    (YAML, schema, a file name that is not the `id`) go to `errors`. Every path is hashed."""
    for path in paths:
        layer.files.append((layer.folder, path))
        try:
            doc = load_yaml(path)
        except RiskscoreError as exc:
            errors.append(exc)
            continue
        item = _parse(model, doc, errors)
        if item is None:
            continue
        if path.stem != item.id:
            _reporter(doc, errors)(
                f"file name must match the {what} id ('{item.id}.yaml')", ("id",)
            )
        yield path, doc, item


def _check_lenses(layer: Layer, errors: list[RiskscoreError]) -> dict[str, m.Lens]:
    """Every lens of the resolved set names only its pillars and criteria."""
    pillar_ids = [p.id for p in layer.header.pillars]
    criterion_ids = list(layer.criteria)
    gated = [cid for cid, c in layer.criteria.items() if c.gate is not None]
    band_ids = [b.id for b in layer.header.bands]
    lenses: dict[str, m.Lens] = {}
    for lens_id, (lens, doc) in layer.lenses.items():
        report = _reporter(doc, errors)
        for key, known, what in (
            ("pillar_weights", pillar_ids, "pillar"),
            ("criterion_weights", criterion_ids, "criterion"),
            ("gate_caps", gated, "gated criterion"),
            ("band_pillar_min", band_ids, "band"),
        ):
            for name in getattr(lens, key):
                if name not in known:
                    report(f"unknown {what} '{name}'{did_you_mean(name, known)}", (key, name))
        for name, cap in lens.gate_caps.items():
            if cap not in band_ids:
                report(f"unknown band '{cap}'{did_you_mean(cap, band_ids)}", ("gate_caps", name))
        for i, floor in enumerate(lens.critical):
            check_floor(floor, band_ids, criterion_ids, report, ("critical", i))
        lenses[lens_id] = lens
    return lenses


def _parse(model: type[T], doc: Document, errors: list[RiskscoreError]) -> T | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(from_validation_error(exc, doc, _KNOWN_KEYS, error_type=CriteriaError))
        return None


def _reporter(
    doc: Document, errors: list[RiskscoreError], prefix: tuple[str | int, ...] = ()
) -> Report:
    def report(message: str, where: tuple[str | int, ...]) -> None:
        loc = (*prefix, *where)
        dotted = ".".join(str(p) for p in loc)
        errors.append(
            CriteriaError(f"{dotted}: {message}" if dotted else message, doc.path, doc.line(loc))
        )

    return report


def _hash_file(hasher: hashlib._Hash, root: Path, path: Path) -> None:
    """Fold a file's relative name and normalised text into the set's content hash."""
    hasher.update(os.fsencode(path.relative_to(root).as_posix()))  # any file name, even non-UTF-8
    hasher.update(b"\0")
    with contextlib.suppress(OSError):
        # A UTF-8 BOM and CRLF line ends are how a file is saved, not what it says.
        hasher.update(path.read_bytes().removeprefix(codecs.BOM_UTF8).replace(b"\r\n", b"\n"))
    hasher.update(b"\0")


def default_criteria_dir(cwd: Path | None = None) -> Path:
    """./criteria when it holds a set, else the set shipped inside the package."""
    local = (cwd or Path.cwd()) / "criteria"
    if (local / SET_FILE).is_file():
        return local
    return shipped_criteria_dir()


def shipped_criteria_dir() -> Path:
    """The criteria folder shipped with riskscore (installed, or the source checkout's)."""
    package = Path(__file__).resolve().parents[2]
    shipped = package / "_criteria"
    if (shipped / SET_FILE).is_file():
        return shipped
    return package.parent / "criteria"  # running from a source checkout


def load_uncertainty(path: Path, base: m.Uncertainty) -> m.Uncertainty:
    """`base` with the groups that an `--uncertainty FILE` states (same shape as the set's
    `uncertainty:` section); raises CriteriaError / ErrorGroup as `path:line: message`."""
    if not path.is_file():
        raise CriteriaError("uncertainty file not found", path)
    errors: list[RiskscoreError] = []
    override = _parse(m.Uncertainty, load_yaml(path), errors)
    if override is None:
        raise ErrorGroup(errors)
    return base.overridden(override)
