"""The self-contained HTML report: scorecards, roadmaps and weight sensitivity on one page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from riskscore.analysis.formats import show
from riskscore.analysis.history import History
from riskscore.analysis.pipeline import make_report
from riskscore.analysis.roadmap import Roadmap, build_roadmap
from riskscore.analysis.sensitivity import ProjectSensitivity, SensitivityResult, run_sensitivity
from riskscore.engine.evaluate import evaluate
from riskscore.engine.scorecard import CriterionResult, Report, Scorecard
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.models import Criterion
from riskscore.load.profile_models import Profile
from riskscore.render.citations import grouped_evidence
from riskscore.render.common import (
    STATUS_MARK,
    band_label,
    evidence_text,
    fmt_score,
    governance_text,
    points,
    range_text,
    ranks,
    score_span,
)
from riskscore.render.reference import source_title
from riskscore.render.svg import BandScale, band_of, band_scales

ROADMAP_STEPS = 5


@dataclass(frozen=True)
class ReportSettings:
    """The inputs a reader needs to reproduce the page; printed in its header."""

    inputs: tuple[str, ...]
    today: str
    samples: int
    seed: int
    spread: float
    uncertainty_samples: int = 0
    """N for the uncertainty section (0 leaves it out; it needs the analysis extra)."""
    history: bool = False
    """Whether the page shows each project's trend over its committed versions."""


def render_report(
    profiles: list[Profile],
    cset: CriteriaSet,
    settings: ReportSettings,
    histories: list[History | None] | None = None,
) -> str:
    """Evaluate, plan and stress-test the profiles, then render the page.

    `histories`, one per profile in the same order (None where the profile has no git
    history), adds each project's trend chart (render/trend_section.py).
    """
    cards = [evaluate(p, cset, settings.today) for p in profiles]
    report = make_report(cards, cset)
    roadmaps = [build_roadmap(p, cset, settings.today, ROADMAP_STEPS) for p in profiles]
    sensitivity = run_sensitivity(cards, cset, settings.samples, settings.seed, settings.spread)
    context = build_context(report, cset, profiles, roadmaps, sensitivity, settings)
    if histories is not None:
        from riskscore.render.trend_section import trend_context

        scales = band_scales([(b.id, b.title, b.min) for b in cset.header.bands])
        trends = {
            card.path: trend_context(h, scales) for card, h in zip(cards, histories, strict=True)
        }
        for project in context["projects"]:
            project["trend"] = trends[project["card"].path]
    if settings.uncertainty_samples:
        from riskscore.render import uncertainty_section as us

        result = us.run_for_report(profiles, cset, settings.uncertainty_samples, settings.seed)
        context["uncertainty"] = us.uncertainty_context(result)
    return render_html(context)


def render_html(context: dict[str, Any]) -> str:
    """Fill the template; every value from a profile or criterion is HTML-escaped."""
    return environment().get_template("report.html.j2").render(context)


def environment() -> Environment:
    """The report's Jinja environment: templates/report.html.j2 and its partials/."""
    env = Environment(
        loader=PackageLoader("riskscore.render", "templates"),
        autoescape=select_autoescape(("html", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["show"] = show
    return env


def build_context(
    report: Report,
    cset: CriteriaSet,
    profiles: list[Profile],
    roadmaps: list[Roadmap],
    sensitivity: SensitivityResult,
    settings: ReportSettings,
) -> dict[str, Any]:
    """Everything the template shows, in display order (ranking order for projects)."""
    bands = band_scales([(b.id, b.title, b.min) for b in cset.header.bands])
    by_id = {b.id: b for b in bands}
    spread = {p.path: p for p in sensitivity.projects}
    extras = {
        card.path: (profile, roadmap)
        for card, profile, roadmap in zip(report.scorecards, profiles, roadmaps, strict=True)
    }
    ranked = [card for _, card in ranks(report.scorecards)]
    shared = {card.path: rank for rank, card in ranks(report.scorecards)}
    anchors = {card.path: _anchor(i, card.slug) for i, card in enumerate(ranked, start=1)}
    projects = [
        _project(card, *extras[card.path], spread[card.path], by_id, anchors[card.path], cset)
        | {"rank": shared[card.path]}
        for card in ranked
    ]
    lens = cset.lenses[cset.lens] if cset.lens else None
    pillars = cset.header.pillars
    return {
        "title": f"{cset.header.title}: risk report",
        "header": cset.header,
        "info": report.criteria_set,
        "lens": lens,
        "version": report.riskscore_version,
        "settings": settings,
        "bands": [(b, band) for b, band in zip(bands, cset.header.bands, strict=True)],
        "band_ranges": _band_ranges(bands),
        "projects": projects,
        "pillars": pillars,
        "heat": [
            (p, [_heat_cell(p["card"], pillar.id, bands) for pillar in pillars]) for p in projects
        ],
        "intervals": [
            _bar_interval(spread[c.path], c.project, anchors[c.path], bands) for c in ranked
        ],
        "bibliography": bibliography(report.scorecards, profiles, cset),
        "status_mark": STATUS_MARK,
        "band_title": {band.id: band.title for band in cset.header.bands},
    }


def _band_ranges(bands: list[BandScale]) -> list[tuple[BandScale, float, float]]:
    """(band, from, to) on 0-100, best first: the heat map's legend."""
    upper = 100.0
    out = []
    for band in bands:
        out.append((band, band.min, upper))
        upper = band.min
    return out


def _heat_cell(card: Scorecard, pillar: str, bands: list[BandScale]) -> dict[str, Any]:
    """A heat-map cell: the pillar's score (0-100) and the colour of the band it falls in."""
    result = next((p for p in card.pillars if p.id == pillar), None)
    if result is None or result.score is None:
        return {"score": None, "band": None, "title": result.title if result else pillar}
    return {"score": result.score, "band": band_of(result.score, bands), "title": result.title}


def _bar_interval(
    row: ProjectSensitivity, label: str, anchor: str, bands: list[BandScale]
) -> dict[str, Any]:
    """An HTML range bar: 5th-95th percentile, median and the score at the set's weights."""
    return {
        "label": label,
        "anchor": anchor,
        "low": row.p05,
        "high": row.p95,
        "median": row.median,
        "baseline": row.baseline,
        "band": band_of(row.baseline, bands),
    }


def bibliography(
    cards: list[Scorecard], profiles: list[Profile], cset: CriteriaSet
) -> list[dict[str, str | None]]:
    """Every source the page cites, once per URL (or per title without one): the evidence that
    facts cite, then the standards and articles behind the criteria, each sorted by title.
    Titles that share a URL are joined with "; ". Each entry is {title, url, kind, date}."""
    seen: dict[str, dict[str, str | None]] = {}

    def add(title: str, url: str | None, kind: str, date: str | None) -> None:
        entry = seen.setdefault(
            url or title, {"title": title, "url": url, "kind": kind, "date": date}
        )
        if title not in str(entry["title"]).split("; "):
            entry["title"] = f"{entry['title']}; {title}"

    for card in cards:
        for cite in card.citations.values():
            add(cite.title, cite.url, "evidence", cite.date)
    for crit in cset.criteria:
        for src in crit.sources:
            add(source_title(src.kind, src.ref), src.url, "method", None)
    return sorted(seen.values(), key=lambda s: (s["kind"] != "evidence", str(s["title"]).lower()))


def _anchor(rank: int, slug: str) -> str:
    return f"p{rank}-" + re.sub(r"[^a-z0-9-]+", "-", slug.lower()).strip("-")


def _project(
    card: Scorecard,
    profile: Profile,
    roadmap: Roadmap,
    spread: ProjectSensitivity,
    bands: dict[str, BandScale],
    anchor: str,
    cset: CriteriaSet,
) -> dict[str, Any]:
    urls = {key: src.url for key, src in profile.sources.items() if src.url}
    scales = list(bands.values())
    defs = {c.id: c for c in cset.criteria}
    groups = [
        (
            pillar,
            [
                _criterion(c, defs[c.id], urls) | {"quoted": grouped_evidence(c, card)}
                for c in card.criteria
                if c.pillar == pillar.id
            ],
        )
        for pillar in card.pillars
    ]
    return {
        "card": card,
        "anchor": anchor,
        "band": bands[card.band],
        "band_label": band_label(card),
        "score_text": fmt_score(card.score),
        "range_text": range_text(card),
        "range_short": score_span(card),
        "evidence_text": evidence_text(card),
        "governance_text": governance_text(card),
        "summary": profile.project.summary,
        "bars": [
            {
                "title": p.title,
                "score": p.score,
                "band": band_of(p.score, scales) if p.score is not None else None,
            }
            for p in card.pillars
        ],
        "groups": groups,
        "roadmap": roadmap,
        "step_bands": {s.band_after: bands[s.band_after] for s in roadmap.steps},
        "sensitivity": spread,
        "strip": _bar_interval(spread, "Overall score", anchor, scales),
        "band_odds": [
            (bands[b], share) for b, share in spread.band_probability.items() if share > 0
        ],
        "trend": None,
    }


def _criterion(
    crit: CriterionResult, definition: Criterion, urls: Mapping[str, str]
) -> dict[str, Any]:
    """A criteria-table row: the profile's evidence, and the standards and seeds behind the rule."""
    evidence: dict[str, str | None] = {}
    for use in crit.facts:
        for key, title in zip(use.sources, use.source_titles, strict=False):
            evidence.setdefault(title, urls.get(key))
    return {
        "result": crit,
        "points": points(crit),
        "evidence": list(evidence.items()),
        "assumed": any(use.assumption for use in crit.facts if use.known),
        "stated": any(use.known for use in crit.facts),
        "standards": [(s.ref, s.url) for s in definition.sources if s.kind != "seed"],
        "seeds": [source_title(s.kind, s.ref) for s in definition.sources if s.kind == "seed"],
    }
