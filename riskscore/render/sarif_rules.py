"""SARIF rules: one per criterion of the set and one per red-flag gate, each with its help
text and a link to the criterion's entry in docs/criteria-reference.md."""

from __future__ import annotations

from functools import cache
from importlib import metadata
from typing import Any

from riskscore.engine.scorecard import CriterionInfo, Report
from riskscore.render.reference import anchor

FLAG_LEVELS = {"critical": "error", "high": "error", "medium": "warning"}
"""SARIF level of a red flag by its severity."""


def rules(report: Report) -> list[dict[str, Any]]:
    """One rule per criterion of the set, then one per red-flag gate."""
    rules = [_link(_criterion_rule(crit), crit.id) for crit in report.criteria]
    rules += [_link(_gate_rule(crit), crit.id) for crit in report.criteria if crit.gate]
    return rules


def _help(crit: CriterionInfo) -> dict[str, str]:
    sources = "; ".join(crit.sources)
    text = f"{crit.rationale}\n\nWhat would raise it: {crit.remediation}\n\nSources: {sources}"
    markdown = (
        f"{crit.rationale}\n\n**What would raise it.** {crit.remediation}\n\n**Sources**\n\n"
        + "\n".join(f"- {s}" for s in crit.sources)
    )
    return {"text": text, "markdown": markdown}


REFERENCE_DOC = "docs/criteria-reference.md"
"""Where the criteria reference sits in the repository."""


@cache
def reference_url() -> str | None:
    """The absolute URL of the criteria reference the installed riskscore declares
    (`Project-URL: Criteria reference, <url>`), or None."""
    try:
        declared = metadata.metadata("riskscore").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in declared:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "criteria reference" and url.strip():
            return url.strip()
    return None


def _link(rule: dict[str, Any], crit_id: str) -> dict[str, Any]:
    """Add the criterion's reference entry: `properties.reference` (repository-relative) and,
    when the reference's URL is declared, `helpUri` (absolute)."""
    entry = f"{REFERENCE_DOC}#{anchor(crit_id)}"
    rule["properties"]["reference"] = entry
    base = reference_url()
    if base is not None:
        rule["helpUri"] = f"{base}#{anchor(crit_id)}"
    return rule


def _name(crit_id: str) -> str:
    return "".join(word.capitalize() for word in crit_id.split("-"))


def _criterion_rule(crit: CriterionInfo) -> dict[str, Any]:
    return {
        "id": crit.id,
        "name": _name(crit.id),
        "shortDescription": {"text": crit.title},
        "fullDescription": {"text": crit.measures},
        "help": _help(crit),
        "defaultConfiguration": {"level": "warning"},
        "properties": {
            "pillar": crit.pillar,
            "weight": crit.weight,
            "tags": ["riskscore", crit.pillar],
        },
    }


def _gate_rule(crit: CriterionInfo) -> dict[str, Any]:
    gate = crit.gate
    assert gate is not None
    return {
        "id": f"{crit.id}/red-flag",
        "name": _name(crit.id) + "RedFlag",
        "shortDescription": {"text": f"Red flag: {crit.title}"},
        "fullDescription": {"text": f"{gate.message} Caps the band at {gate.cap}."},
        "help": _help(crit),
        "defaultConfiguration": {"level": FLAG_LEVELS[gate.severity]},
        "properties": {
            "pillar": crit.pillar,
            "severity": gate.severity,
            "cap": gate.cap,
            "tags": ["riskscore", "red-flag", crit.pillar],
        },
    }
