"""The uncertain inputs of a portfolio: one variable per varied choice, in five groups.

Every variable is U[0, 1] in SALib's problem; `decode` maps a matrix of such draws onto the
choices the model evaluates (weights, aggregation, band minimums, one value per varied fact
of each project). Groups follow the JRC's practice of reporting Sobol indices per kind of
modelling choice (COINr's get_sensitivity; OECD/JRC Handbook on Composite Indicators, 2008).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import gammaincinv

from riskscore.analysis.uncertainty.adapter import fact_options, profile_label, stated_facts
from riskscore.engine.rules import holds
from riskscore.load.criteria import models as m
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile

GROUPS = ("weights", "aggregation", "unknowns", "assumptions", "cutoffs")
GROUP_TITLES = {
    "weights": "weights",
    "aggregation": "pillar aggregation",
    "unknowns": "unknown facts",
    "assumptions": "assumed facts",
    "cutoffs": "band cut-offs",
}
MISSING: Any = None
"""An unknown fact's nominal choice: not stated, scored by the set's unknown policy."""


@dataclass(frozen=True)
class FactChoice:
    """One varied fact of one project: choices[0] is the profile's own (MISSING when unknown);
    a draw picks among `draws` (indices into `choices`) with probabilities `weights`
    (uniform when empty)."""

    project: int
    fact: str
    group: str
    choices: tuple[Any, ...]
    draws: tuple[int, ...]
    weights: tuple[float, ...] = ()

    def probabilities(self) -> np.ndarray:
        """The probability of each entry of `draws` (they sum to 1)."""
        if not self.weights:
            return np.full(len(self.draws), 1 / len(self.draws))
        return np.asarray(self.weights, dtype=float)


@dataclass(frozen=True)
class Draws:
    """Decoded samples, n rows: pillar weights (n, pillars), criterion weights (n, criteria),
    geometric aggregation (n,) bool, band minimums in points (n, bands), and the chosen index
    into each FactChoice's `choices` (n, facts)."""

    pillar_w: np.ndarray
    crit_w: np.ndarray
    geometric: np.ndarray
    band_min: np.ndarray
    choice: np.ndarray


@dataclass(frozen=True)
class Space:
    """The input space: variable names and groups (SALib's problem), and how to decode."""

    spec: m.Uncertainty
    names: tuple[str, ...]
    groups: tuple[str, ...]
    pillar_w: np.ndarray
    crit_w: np.ndarray
    crit_pillar: np.ndarray
    band_min: np.ndarray
    facts: tuple[FactChoice, ...]

    @property
    def first_fact(self) -> int:
        """The column of the first fact variable (facts follow weights and aggregation)."""
        return next(
            (i for i, g in enumerate(self.groups) if g in ("unknowns", "assumptions")),
            len(self.groups),
        )

    def problem(self) -> dict[str, Any]:
        """SALib's problem definition: every variable U[0, 1], with its group."""
        return {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [[0.0, 1.0]] * len(self.names),
            "groups": list(self.groups),
        }

    def group_names(self) -> list[str]:
        """The groups that have at least one variable, in GROUPS order (also SALib's order:
        first appearance in `groups`)."""
        return list(dict.fromkeys(self.groups))

    def nominal(self) -> Draws:
        """One row at the set's own choices (sample 0)."""
        return Draws(
            self.pillar_w[None, :].copy(),
            self.crit_w[None, :].copy(),
            np.zeros(1, dtype=bool),
            self.band_min[None, :].copy(),
            np.zeros((1, len(self.facts)), dtype=np.int64),
        )

    def columns(self, group: str) -> np.ndarray:
        """The variables (columns of a sample matrix) of one group, in order."""
        return np.flatnonzero(np.asarray(self.groups) == group)

    def decode(self, x: np.ndarray) -> Draws:
        """Map draws x (n, variables) in [0, 1] onto the choices they stand for."""
        n = x.shape[0]
        spec = self.spec
        pillar_w, crit_w = self.pillar_w[None, :].repeat(n, 0), self.crit_w[None, :].repeat(n, 0)
        if "weights" in self.groups:
            k = len(self.pillar_w)
            u = x[:, self.columns("weights")]
            if spec.weights.distribution == "uniform":
                factor = 1 + float(spec.weights.spread) * (2 * u - 1)
                pillar_w, crit_w = pillar_w * factor[:, :k], crit_w * factor[:, k:]
            else:
                pillar_w = _dirichlet(u[:, :k], self.pillar_w, spec, np.zeros(k, dtype=int))
                crit_w = _dirichlet(u[:, k:], self.crit_w, spec, self.crit_pillar)
        geometric = np.zeros(n, dtype=bool)
        if "aggregation" in self.groups:
            geometric = x[:, self.columns("aggregation")[0]] >= 0.5
        band_min = self.band_min[None, :].repeat(n, 0)
        if "cutoffs" in self.groups:
            u = x[:, self.columns("cutoffs")]
            band_min = band_min + float(spec.cutoffs.points) * (2 * u - 1)
        choice = np.zeros((n, len(self.facts)), dtype=np.int64)
        if self.facts:
            cols = np.flatnonzero(np.isin(np.asarray(self.groups), ["unknowns", "assumptions"]))
            for j, fc in enumerate(self.facts):
                # Inverse CDF of the fact's draw probabilities (equal slices when uniform).
                edges = np.cumsum(fc.probabilities())[:-1]
                pick = np.searchsorted(edges, x[:, cols[j]], side="right")
                choice[:, j] = np.asarray(fc.draws, dtype=np.int64)[pick]
        return Draws(pillar_w, crit_w, geometric, band_min, choice)


def _dirichlet(u: np.ndarray, nominal: np.ndarray, spec: m.Uncertainty, block: np.ndarray) -> Any:
    """Dirichlet(concentration x nominal share) within each block, by the inverse gamma CDF
    of each U[0, 1] draw; rescaled to the block's nominal total so sums stay comparable."""
    u = np.clip(u, 1e-12, 1 - 1e-12)
    out = np.empty_like(u)
    for b in np.unique(block):
        idx = np.flatnonzero(block == b)
        total = nominal[idx].sum()
        alpha = float(spec.weights.concentration) * nominal[idx] / total
        g = gammaincinv(alpha[None, :], u[:, idx])
        out[:, idx] = total * g / g.sum(axis=1, keepdims=True)
    return out


def build_space(profiles: list[Profile], cset: CriteriaSet, spec: m.Uncertainty) -> Space:
    """Variables for `spec` over `profiles`, in GROUPS order: weights (pillars, then criteria),
    aggregation, each project's unknown facts, each project's assumed facts, band minimums."""
    names: list[str] = []
    groups: list[str] = []
    pillars = cset.header.pillars
    pillar_index = {p.id: i for i, p in enumerate(pillars)}
    weights_vary = spec.weights.distribution == "dirichlet" or spec.weights.spread > 0
    if weights_vary:
        names += [f"weight of pillar {p.id}" for p in pillars]
        names += [f"weight of {c.id}" for c in cset.criteria]
        groups += ["weights"] * (len(pillars) + len(cset.criteria))
    if len(spec.aggregation.alternatives) > 1:
        names.append("aggregation (arithmetic or geometric)")
        groups.append("aggregation")
    bands = cset.header.bands
    facts: list[FactChoice] = []
    read = _facts_read_by_criteria(cset)
    for p, profile in enumerate(profiles):
        stated = stated_facts(profile)
        name = profile_label(profile)[0]
        for fact_id in read:
            fact = cset.facts.get(fact_id)
            options = None if fact is None else fact_options(fact, spec.unknowns.number_grid)
            if options is None:
                continue
            if fact_id not in stated:
                if spec.unknowns.vary and spec.unknowns.draw == "documented":
                    values = {k: v for k, (v, _) in stated.items()}
                    trips = [v for v in options if _can_trip(cset, fact_id, v, values)]
                    facts.append(
                        _documented(p, fact_id, options, trips, float(spec.unknowns.gate_prior))
                    )
                    names.append(f"unknown {fact_id} ({name})")
                    groups.append("unknowns")
                continue
            value, assumed = stated[fact_id]
            if assumed and spec.assumptions.vary:
                near = _neighbours(value, options, spec.assumptions.steps)
                choices = (value, *[v for v in near if v != value])
                order = sorted(range(len(choices)), key=lambda i: near.index(choices[i]))
                facts.append(FactChoice(p, fact_id, "assumptions", choices, tuple(order)))
                names.append(f"assumed {fact_id} ({name})")
                groups.append("assumptions")
    # SALib keeps the variables' order; group the fact variables after the shared ones.
    shared = len(names) - len(facts)
    order = sorted(range(len(facts)), key=lambda j: GROUPS.index(facts[j].group))
    names = names[:shared] + [names[shared + j] for j in order]
    groups = groups[:shared] + [groups[shared + j] for j in order]
    if spec.cutoffs.points > 0:
        names += [f"minimum of band {b.id}" for b in bands]
        groups += ["cutoffs"] * len(bands)
    return Space(
        spec=spec,
        names=tuple(names),
        groups=tuple(groups),
        pillar_w=np.array([float(p.weight) for p in pillars]),
        crit_w=np.array([float(c.weight) for c in cset.criteria]),
        crit_pillar=np.array([pillar_index[c.pillar] for c in cset.criteria]),
        band_min=np.array([float(b.min) for b in bands]),
        facts=tuple(facts[j] for j in order),
    )


def _documented(
    project: int, fact: str, options: list[Any], trips: list[Any], prior: float
) -> FactChoice:
    """An unknown fact drawn as if documented: the values that can trip a red flag share
    probability `prior`, the others share the rest (each class uniform, in declared order).
    When every value or none can trip, the draw is uniform."""
    choices = (MISSING, *options)
    others = [v for v in options if v not in trips]
    if not trips or not others:
        return FactChoice(project, fact, "unknowns", choices, tuple(range(1, len(choices))))
    draws = [1 + options.index(v) for v in trips] + [1 + options.index(v) for v in others]
    weights = [prior / len(trips)] * len(trips) + [(1 - prior) / len(others)] * len(others)
    return FactChoice(project, fact, "unknowns", choices, tuple(draws), tuple(weights))


def _can_trip(cset: CriteriaSet, fact: str, value: Any, stated: dict[str, Any]) -> bool:
    """Whether stating `fact` = `value` can trip a red flag of a criterion, given the
    profile's stated facts (a gate that still depends on other unknown facts counts)."""
    for crit in cset.criteria:
        for gate in (crit.gate, *crit.more_gates):
            if gate is None or fact not in m.condition_facts(gate.when):
                continue
            if holds(gate.when, {**stated, fact: value}) is not False:
                return True
    return False


def _facts_read_by_criteria(cset: CriteriaSet) -> list[str]:
    """Facts some criterion reads, in the vocabulary's order."""
    from riskscore.analysis.uncertainty.adapter import facts_read

    read = {f for i in range(len(cset.criteria)) for f in facts_read(cset, i)}
    return [f.id for f in cset.header.facts if f.id in read]


def _neighbours(value: Any, options: list[Any], steps: int) -> list[Any]:
    """The stated value and the options up to `steps` away in their order (a number off the
    grid is placed by value)."""
    if value in options and not (isinstance(value, bool) ^ isinstance(options[0], bool)):
        at = options.index(value)
        return options[max(0, at - steps) : at + steps + 1]
    if isinstance(value, int | float) and not isinstance(value, bool):
        grid = options[1] - options[0]
        lo, hi = options[0], options[-1]
        near = [value + k * grid for k in range(-steps, steps + 1)]
        return [v for v in near if lo <= v <= hi] or [value]
    return [value]
