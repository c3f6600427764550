"""docs/weights.md's weight rule, checked against the criterion files and the Pakistan overlay.

The rule (docs/weights.md, "Three rules fix the scale"), as it is checked here:

- **5**: the criterion is on the design brief's minimum list (`MINIMUMS`) AND at least two seed
  articles ask for it AND at least two anchors score it; a named minimum that meets both counts
  is weighted 5.
- **3-4**: at least one seed AND at least two anchors, or the doc names it the main lever of its
  pillar (at most one per pillar).
- **2**: a supporting check: the doc names the criterion(s) it refines, or it fails the 3-4
  test. A criterion that passes the 3-4 test and refines nothing is weighted at least 3.

Seeds are counted from the overlay (`criteria/set.yaml`, sources of `kind: seed`), anchors from
the criterion file (`criteria/base/<id>.yaml`, sources of `kind: standard`), one per anchor
family in `ANCHORS` (IFC PS1 and PS4 are one anchor, the IFC Performance Standards). The doc's
criteria table must list the same seeds and the same anchor families as those files, and every
clause number the doc gives must occur in the file's citation of that anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "weights.md"
BASE = ROOT / "criteria" / "base"
OVERLAY = ROOT / "criteria" / "set.yaml"

# The design brief's minimum list, as docs/weights.md names it (weight-5 rule).
MINIMUMS = frozenset(
    {
        "eiti-implementation",
        "royalty-payment-reporting",
        "local-hiring",
        "provincial-consent",
        "security-plan-and-vpshr",
        "in-country-processing",
    }
)

# Anchor family: the label the doc uses -> a phrase every file citation of it contains.
ANCHORS: dict[str, str] = {
    "EITI": "EITI Standard",
    "RGI": "Resource Governance Index",
    "IRMA": "IRMA Standard",
    "RMI": "Responsible Mining Index",
    "IFC PS": "IFC Performance Standard",
    "OECD DDG": "OECD Due Diligence Guidance",
    "GISTM": "Global Industry Standard on Tailings",
    "GTR": "Global Tailings Review",
    "VPSHR": "Voluntary Principles on Security",
    "NRC": "Natural Resource Charter",
    "IGF MPF": "IGF Mining Policy Framework",
    "CCSI": "Columbia Center on Sustainable Investment",
    "ILO": "ILO ",
    "UNGP": "UN Guiding Principles",
    "UNDRIP": "Declaration on the Rights of Indigenous Peoples",
    "Fraser": "Fraser Institute",
    "CRIRSCO": "CRIRSCO",
    "TSM": "Towards Sustainable Mining",
}


@dataclass(frozen=True)
class Row:
    """One row of the doc's criteria table."""

    criterion: str
    weight: int
    reason: str
    seeds: frozenset[str]
    anchors: dict[str, list[str]]  # family label -> clause numbers the doc cites
    unknown: tuple[str, ...]  # anchor entries whose family the doc names in no known way


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)*", text)


def parse_anchor_cell(cell: str) -> tuple[frozenset[str], dict[str, list[str]], tuple[str, ...]]:
    """`EITI 2.4; RGI contract disclosure; seeds 001, 004` -> seeds, families, unknown entries."""
    seeds: set[str] = set()
    anchors: dict[str, list[str]] = {}
    unknown: list[str] = []
    for entry in (e.strip() for e in cell.split(";")):
        if not entry:
            continue
        if re.match(r"seeds? ", entry):
            seeds.update(n.zfill(3) for n in re.findall(r"\d+", entry))
            continue
        label = next(
            (lab for lab in sorted(ANCHORS, key=len, reverse=True) if entry.startswith(lab)),
            None,
        )
        if label is None:
            unknown.append(entry)
            continue
        anchors.setdefault(label, []).extend(_numbers(entry[len(label) :]))
    return frozenset(seeds), anchors, tuple(unknown)


def parse_doc_table(text: str) -> dict[str, Row]:
    """The `## Criteria` table of docs/weights.md, keyed by criterion id."""
    section = text.split("\n## Criteria\n", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows: dict[str, Row] = {}
    for line in lines[2:]:
        cells = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        cid = re.sub(r"\s*\(.*\)$", "", cells["criterion"])
        seeds, anchors, unknown = parse_anchor_cell(cells["anchor"])
        rows[cid] = Row(cid, int(cells["weight"]), cells["reason"], seeds, anchors, unknown)
    return rows


def file_anchors(criterion: dict) -> tuple[dict[str, list[str]], list[str]]:
    """A criterion file's `kind: standard` sources by anchor family, and refs of no family."""
    families: dict[str, list[str]] = {}
    unknown: list[str] = []
    for src in criterion.get("sources", []):
        if src.get("kind") != "standard":
            continue
        ref = str(src["ref"])
        found = [lab for lab, phrase in ANCHORS.items() if phrase in ref]
        if not found:
            unknown.append(ref)
        for lab in found:
            families.setdefault(lab, []).append(ref)
    return families, unknown


def overlay_seeds(overlay: dict) -> dict[str, frozenset[str]]:
    """Seed article numbers (`000`...) the overlay cites for each criterion."""
    return {
        cid: frozenset(
            str(s["ref"])[:3] for s in entry.get("sources", []) if s.get("kind") == "seed"
        )
        for cid, entry in (overlay.get("criteria") or {}).items()
    }


def violations(
    rows: dict[str, Row],
    criteria: dict[str, dict],
    seeds: dict[str, frozenset[str]],
) -> list[str]:
    """Every way the doc table and the files break the rule (empty when they keep it)."""
    out: list[str] = []
    levers: dict[str, list[str]] = {}
    for cid in sorted(criteria.keys() - rows.keys()):
        out.append(f"{cid}: missing from the doc's criteria table")
    for cid in sorted(rows.keys() - criteria.keys()):
        out.append(f"{cid}: in the doc's table but no criterion file")
    for cid in sorted(criteria.keys() & rows.keys()):
        crit, row = criteria[cid], rows[cid]
        weight = int(crit["weight"])
        fam, stray = file_anchors(crit)
        n_seeds, n_anchors = len(seeds.get(cid, frozenset())), len(fam)
        if row.weight != weight:
            out.append(f"{cid}: doc weight {row.weight}, file weight {weight}")
        for ref in stray:
            out.append(f"{cid}: file anchor of no known family: {ref!r}")
        for entry in row.unknown:
            out.append(f"{cid}: doc anchor of no known family: {entry!r}")
        if set(row.anchors) != set(fam):
            out.append(f"{cid}: anchors differ: doc {sorted(row.anchors)}, file {sorted(fam)}")
        for lab, nums in row.anchors.items():
            for num in nums:
                pattern = rf"(?<![\d.]){re.escape(num)}(?!\d)"
                if lab in fam and not any(re.search(pattern, ref) for ref in fam[lab]):
                    out.append(f"{cid}: doc cites {lab} {num}, the file's {lab} citation does not")
        if row.seeds != seeds.get(cid, frozenset()):
            out.append(
                f"{cid}: seeds differ: doc {sorted(row.seeds)}, "
                f"overlay {sorted(seeds.get(cid, frozenset()))}"
            )
        for m in re.finditer(r"[Ss]eeds? ((?:\d{3}(?:, |/| and )?)+)", row.reason):
            for num in re.findall(r"\d{3}", m.group(1)):
                if num not in seeds.get(cid, frozenset()):
                    out.append(f"{cid}: the reason names seed {num}, the overlay does not cite it")
        lever = re.search(r"Main lever of the (\w+) pillar", row.reason)
        if lever:
            if lever.group(1) != crit["pillar"]:
                out.append(f"{cid}: named main lever of {lever.group(1)}, is in {crit['pillar']}")
            levers.setdefault(crit["pillar"], []).append(cid)
        refines = re.findall(r"`([a-z0-9-]+)`", row.reason) if "Refines" in row.reason else []
        for other in refines:
            if other not in criteria or other == cid:
                out.append(f"{cid}: refines `{other}`, which is not another criterion")
        mid = (n_seeds >= 1 and n_anchors >= 2) or bool(lever)
        top = cid in MINIMUMS and n_seeds >= 2 and n_anchors >= 2
        counts = f"{n_seeds} seed(s), {n_anchors} anchor(s)"
        if weight == 5 and not top:
            out.append(f"{cid}: weight 5 needs a named minimum, 2 seeds and 2 anchors; {counts}")
        if top and weight != 5:
            out.append(f"{cid}: a named minimum with {counts} is weighted 5, not {weight}")
        if weight in (3, 4) and not mid:
            out.append(
                f"{cid}: weight {weight} needs 1 seed and 2 anchors (or the main lever); {counts}"
            )
        if weight == 2 and mid and not refines:
            out.append(f"{cid}: weight 2 but {counts} and refines no named criterion")
        if weight not in (2, 3, 4, 5):
            out.append(f"{cid}: weight {weight} is outside the doc's scale 2-5")
    for pillar, ids in levers.items():
        if len(ids) > 1:
            out.append(f"{pillar}: more than one main lever: {ids}")
    return out


def _load() -> tuple[dict[str, Row], dict[str, dict], dict[str, frozenset[str]]]:
    rows = parse_doc_table(DOC.read_text(encoding="utf-8"))
    criteria = {}
    for path in sorted(BASE.glob("*.yaml")):
        if path.name == "set.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        criteria[data["id"]] = data
    seeds = overlay_seeds(yaml.safe_load(OVERLAY.read_text(encoding="utf-8")))
    return rows, criteria, seeds


def test_every_weight_meets_the_stated_rule_and_doc_matches_files() -> None:
    rows, criteria, seeds = _load()
    problems = violations(rows, criteria, seeds)
    assert problems == [], "\n".join(problems)


def test_the_doc_states_the_minimum_list_the_test_checks() -> None:
    text = DOC.read_text(encoding="utf-8")
    rule = text.split("Three rules fix the scale", 1)[1].split("\n\n", 2)[1]
    for cid in MINIMUMS:
        assert f"`{cid}`" in rule, cid


# The checker itself: each kind of breach is caught (a test that cannot fail proves nothing).
_CRIT = {
    "a": {
        "pillar": "p",
        "weight": 3,
        "sources": [
            {"kind": "standard", "ref": "EITI Standard 2023, Requirement 2.4"},
            {"kind": "standard", "ref": "IRMA Standard v1.0, Chapter 2.3"},
        ],
    },
    "b": {
        "pillar": "p",
        "weight": 2,
        "sources": [{"kind": "standard", "ref": "EITI Standard 2023, Requirement 2.5"}],
    },
}
_SEEDS = {"a": frozenset({"004"}), "b": frozenset({"004"})}


def _rows(cell_a: str, reason_b: str = "Supporting.", weight_a: int = 3) -> dict[str, Row]:
    doc = (
        "\n## Criteria\n\n| criterion | weight | share | reason | anchor |\n|---|---|---|---|---|\n"
        f"| a | {weight_a} | 1% | Why. | {cell_a} |\n"
        f"| b | 2 | 1% | {reason_b} | EITI 2.5; seed 004 |\n"
    )
    return parse_doc_table(doc)


def test_checker_passes_a_set_that_keeps_the_rule() -> None:
    assert violations(_rows("EITI 2.4; IRMA 2.3; seed 004"), _CRIT, _SEEDS) == []


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("EITI 2.4; RMI; seed 004", "anchors differ"),
        ("EITI 2.6; IRMA 2.3; seed 004", "doc cites EITI 2.6"),
        ("EITI 2.4; IRMA 2.3; seeds 002, 004", "seeds differ"),
        ("EITI 2.4; ICSID record; IRMA 2.3; seed 004", "doc anchor of no known family"),
    ],
)
def test_checker_catches_doc_file_mismatches(cell: str, expected: str) -> None:
    found = violations(_rows(cell), _CRIT, _SEEDS)
    assert any(expected in p for p in found), found


def test_checker_catches_weights_that_break_the_rule() -> None:
    one_anchor = dict(_CRIT, a={**_CRIT["a"], "sources": _CRIT["a"]["sources"][:1]})
    found = violations(_rows("EITI 2.4; seed 004"), one_anchor, _SEEDS)
    assert any("weight 3 needs 1 seed and 2 anchors" in p for p in found), found
    five = dict(_CRIT, a={**_CRIT["a"], "weight": 5})
    found = violations(_rows("EITI 2.4; IRMA 2.3; seed 004", weight_a=5), five, _SEEDS)
    assert any("weight 5 needs a named minimum" in p for p in found), found
    two = dict(_CRIT, b={**_CRIT["b"], "sources": _CRIT["a"]["sources"]})
    found = violations(_rows("EITI 2.4; IRMA 2.3; seed 004", "Supporting."), two, _SEEDS)
    assert any("refines no named criterion" in p for p in found), found
    found = violations(_rows("EITI 2.4; IRMA 2.3; seed 004", "Refines `a`."), two, _SEEDS)
    assert not any("refines no named criterion" in p for p in found), found


def test_checker_catches_a_seed_the_reason_names_but_the_overlay_does_not() -> None:
    rows = _rows("EITI 2.4; IRMA 2.3; seed 004")
    rows["a"] = Row("a", 3, "Seed 002's demand.", rows["a"].seeds, rows["a"].anchors, ())
    found = violations(rows, _CRIT, _SEEDS)
    assert "a: the reason names seed 002, the overlay does not cite it" in found


def test_checker_catches_a_missing_row() -> None:
    extra = dict(_CRIT, c=_CRIT["a"])
    found = violations(_rows("EITI 2.4; IRMA 2.3; seed 004"), extra, _SEEDS | {"c": frozenset()})
    assert "c: missing from the doc's criteria table" in found
