"""Load a criteria directory (set.yaml, one file per criterion, lenses/) into a CriteriaSet."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from riskscore.errors import CriteriaError, ErrorGroup, RiskscoreError
from riskscore.load.criteria import models as m
from riskscore.load.criteria.checks import Report, check_criterion, check_floor, check_set_file
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.diagnostics import from_validation_error, model_keys
from riskscore.load.yaml_reader import Document, iter_yaml_files, load_yaml
from riskscore.suggest import did_you_mean

T = TypeVar("T", bound=m.Strict)
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
)


def load_criteria(folder: Path) -> CriteriaSet:
    """Load and fully check a criteria directory; raise every problem found at once."""
    if not folder.is_dir():
        if folder.exists():
            raise CriteriaError("is a file; --criteria takes the criteria directory", folder)
        raise CriteriaError("criteria directory not found", folder)
    set_path = folder / SET_FILE
    errors: list[RiskscoreError] = []
    set_doc = load_yaml(set_path) if set_path.exists() else None
    if set_doc is None:
        raise CriteriaError(f"no {SET_FILE} in the criteria directory", folder)
    header = _parse(m.SetFile, set_doc, errors)
    if header is None:
        raise ErrorGroup(errors)
    check_set_file(header, _reporter(set_doc, errors))

    hasher = hashlib.sha256()
    _hash_file(hasher, folder, set_path)
    criteria: list[m.Criterion] = []
    locations: dict[str, str] = {}
    criterion_paths = [p for p in iter_yaml_files(folder) if p.name != SET_FILE]
    for path in criterion_paths:
        _hash_file(hasher, folder, path)
        try:
            doc = load_yaml(path)
        except RiskscoreError as exc:
            errors.append(exc)
            continue
        crit = _parse(m.Criterion, doc, errors)
        if crit is None:
            continue
        report = _reporter(doc, errors)
        if path.stem != crit.id:
            report(f"file name must match the criterion id ('{crit.id}.yaml')", ("id",))
        if crit.id in locations:
            report(f"duplicate criterion id '{crit.id}' (also in {locations[crit.id]})", ("id",))
            continue
        check_criterion(crit, header, report)
        locations[crit.id] = str(path)
        criteria.append(crit)
    if not criterion_paths:
        errors.append(CriteriaError("the criteria directory has no criterion files", folder))

    used = {p for c in criteria for p in [c.pillar]}
    for i, pillar in enumerate(header.pillars):
        if pillar.id not in used and criteria:
            errors.append(
                CriteriaError(
                    f"pillar '{pillar.id}' has no criteria", set_path, set_doc.line(("pillars", i))
                )
            )
    if criteria:
        set_report = _reporter(set_doc, errors)
        for i, floor in enumerate(header.critical):
            check_floor(
                floor, [b.id for b in header.bands], list(locations), set_report, ("critical", i)
            )
    lenses = _load_lenses(folder, header, criteria, errors, hasher)
    if errors:
        raise ErrorGroup(errors)
    read = {f for c in criteria for f in m.rule_facts(c.rule)}
    read |= {
        f
        for c in criteria
        for cond in (c.not_applicable_when, c.gate and c.gate.when)
        if cond is not None
        for f in m.condition_facts(cond)
    }
    warnings = tuple(
        f"{set_path}:{set_doc.line(('facts', i))}: fact '{f.id}' is declared but no criterion "
        "reads it"
        for i, f in enumerate(header.facts)
        if f.id not in read
    )
    pillar_order = {p.id: i for i, p in enumerate(header.pillars)}
    criteria.sort(key=lambda c: (pillar_order[c.pillar], c.id))
    return CriteriaSet(
        root=str(folder),
        header=header,
        criteria=tuple(criteria),
        lenses=lenses,
        hash="sha256:" + hasher.hexdigest(),
        locations=locations,
        warnings=warnings,
    )


def _load_lenses(
    folder: Path,
    header: m.SetFile,
    criteria: list[m.Criterion],
    errors: list[RiskscoreError],
    hasher: hashlib._Hash,
) -> dict[str, m.Lens]:
    lenses: dict[str, m.Lens] = {}
    lens_dir = folder / LENS_DIR
    if not lens_dir.is_dir():
        return lenses
    pillar_ids = [p.id for p in header.pillars]
    criterion_ids = [c.id for c in criteria]
    gated = [c.id for c in criteria if c.gate is not None]
    band_ids = [b.id for b in header.bands]
    for path in iter_yaml_files(lens_dir):
        _hash_file(hasher, folder, path)
        try:
            doc = load_yaml(path)
        except RiskscoreError as exc:
            errors.append(exc)
            continue
        lens = _parse(m.Lens, doc, errors)
        if lens is None:
            continue
        report = _reporter(doc, errors)
        if path.stem != lens.id:
            report(f"file name must match the lens id ('{lens.id}.yaml')", ("id",))
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
        lenses[lens.id] = lens
    return lenses


def _parse(model: type[T], doc: Document, errors: list[RiskscoreError]) -> T | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(from_validation_error(exc, doc, _KNOWN_KEYS, error_type=CriteriaError))
        return None


def _reporter(doc: Document, errors: list[RiskscoreError]) -> Report:
    def report(message: str, loc: tuple[str | int, ...]) -> None:
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
