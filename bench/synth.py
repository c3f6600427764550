"""Synthetic but valid profiles, drawn (seeded) from a criteria set's fact vocabulary.

Each file looks like a real one in shape and size: a project block, a dozen cited sources, and
most facts in the full form with source, date and a note, so parsing and validation cost what
they cost on the shipped profiles.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml

STAGES = ["exploration", "development", "construction", "production", "agreement", "closed"]
WORDS = [
    *("licence", "royalty", "province", "community", "water", "tailings", "security"),
    *("contract", "audit", "consent", "smelter", "concentrate", "export", "district"),
    *("federal", "lease", "survey", "grievance", "transfer"),
]


def vocabulary(criteria: Path) -> list[dict[str, Any]]:
    """The `facts` list of the set's set.yaml (criteria/base/ holds it for the shipped overlay)."""
    folder = criteria / "base" if (criteria / "base" / "set.yaml").is_file() else criteria
    with (folder / "set.yaml").open(encoding="utf-8") as handle:
        return list(yaml.load(handle, Loader=yaml.CSafeLoader)["facts"])


def country_facts(criteria: Path, iso: str = "pk") -> set[str]:
    """Facts countries/<iso>.yaml (beside the criteria folder) states for every project there.

    Real profiles inherit them; a synthetic one that restated one without a note would be
    refused, so synthetic profiles leave them out the same way."""
    path = criteria.parent / "countries" / f"{iso}.yaml"
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8") as handle:
        return set(yaml.load(handle, Loader=yaml.CSafeLoader).get("facts", {}))


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _value(rng: random.Random, fact: dict[str, Any]) -> Any:
    if fact["type"] == "enum":
        return rng.choice(fact["values"])
    if fact["type"] == "boolean":
        return rng.random() < 0.5
    lo, hi = fact.get("min", 0), fact.get("max", 100)
    return round(rng.uniform(lo, hi), 1)


def _scalar(value: Any) -> str:
    """YAML for one value: JSON is valid YAML for booleans, numbers and quoted text."""
    return json.dumps(value, ensure_ascii=False)


def profile_text(rng: random.Random, index: int, facts: list[dict[str, Any]]) -> str:
    """One profile as YAML text."""
    sources = [f"src-{index}-{i}" for i in range(rng.randint(6, 14))]
    lines = [
        "project:",
        f"  name: Synthetic project {index}",
        "  country: Pakistan",
        f"  region: {rng.choice(['Balochistan', 'Gilgit-Baltistan', 'Punjab', 'Sindh'])}",
        f"  commodities: [{', '.join(rng.sample(['copper', 'gold', 'lithium', 'antimony'], 2))}]",
        f"  stage: {rng.choice(STAGES)}",
        f"  summary: >-\n    {_text(rng, 40)}",
        f"as_of: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "sources:",
    ]
    for key in sources:
        lines += [
            f"  {key}:",
            f"    title: {_scalar(_text(rng, 8))}",
            f"    url: https://news.example.org/{key}",
            "    publisher: Example News",
            f"    date: 2025-{rng.randint(10, 12)}-{rng.randint(10, 28)}",
        ]
    lines.append("facts:")
    for fact in facts:
        if rng.random() < 0.15:
            continue  # unknown: left out, as real profiles do
        value = _scalar(_value(rng, fact))
        if rng.random() < 0.2:
            lines.append(f"  {fact['id']}: {value}")
            continue
        cited = rng.sample(sources, rng.randint(1, 3))
        lines += [
            f"  {fact['id']}:",
            f"    value: {value}",
            f"    source: [{', '.join(cited)}]",
            f"    date: 2025-{rng.randint(10, 12)}-{rng.randint(10, 28)}",
            f"    note: >-\n      {_text(rng, 30)}",
        ]
    return "\n".join(lines) + "\n"


def write_profiles(folder: Path, count: int, criteria: Path, seed: int = 20261123) -> list[Path]:
    """Write `count` profiles into `folder` (created); the same seed gives the same files."""
    folder.mkdir(parents=True, exist_ok=True)
    inherited = country_facts(criteria)
    facts = [fact for fact in vocabulary(criteria) if fact["id"] not in inherited]
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"p{index:05d}.yaml"
        path.write_text(profile_text(rng, index, facts), encoding="utf-8")
        paths.append(path)
    return paths
