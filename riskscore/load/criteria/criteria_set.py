"""CriteriaSet: a validated criteria set in memory, optionally re-weighted by a lens. No I/O:
loader.py reads the files and builds it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from riskscore.errors import UsageError
from riskscore.load.criteria import models as m
from riskscore.suggest import did_you_mean


@dataclass(frozen=True)
class CriteriaSet:
    """A validated criteria set, ready for evaluate(); optionally re-weighted by a lens."""

    root: str
    header: m.SetFile
    criteria: tuple[m.Criterion, ...]
    lenses: dict[str, m.Lens]
    hash: str
    locations: dict[str, str] = field(default_factory=dict)
    lens: str | None = None
    warnings: tuple[str, ...] = ()
    chain: tuple[str, ...] = ()
    """Set names, base first, when this set `extends:` others; one name otherwise."""
    origins: dict[str, str] = field(default_factory=dict)
    """Criterion id → where it comes from (`base; weight from overlay`); empty for a lone set."""
    fact_origins: dict[str, str] = field(default_factory=dict)
    """Fact id → where it comes from, like `origins`; empty for a lone set."""

    @functools.cached_property
    def facts(self) -> dict[str, m.Fact]:
        """The fact vocabulary by id (built once: the engine asks for it per criterion)."""
        return {f.id: f for f in self.header.facts}

    @functools.cached_property
    def _by_id(self) -> dict[str, m.Criterion]:
        """Criteria by id, built once per set (the first of a repeated id, as a scan finds)."""
        return {c.id: c for c in reversed(self.criteria)}

    def criterion(self, criterion_id: str) -> m.Criterion:
        """The criterion with this id; UsageError (with a did-you-mean) when there is none."""
        crit = self._by_id.get(criterion_id)
        if crit is None:
            ids = [c.id for c in self.criteria]
            raise UsageError(f"no criterion '{criterion_id}'{did_you_mean(criterion_id, ids)}")
        return crit

    def with_lens(self, lens_id: str | None) -> CriteriaSet:
        """This set with a lens's weights applied (the lens id is recorded in every output)."""
        if lens_id is None:
            return self
        lens = self.lenses.get(lens_id)
        if lens is None:
            known = ", ".join(sorted(self.lenses)) or "none"
            raise UsageError(
                f"no lens '{lens_id}'{did_you_mean(lens_id, self.lenses)}; available: {known}"
            )
        pillars = [
            p.model_copy(update={"weight": lens.pillar_weights.get(p.id, p.weight)})
            for p in self.header.pillars
        ]
        order = [b.id for b in self.header.bands]

        def tighter(gate: m.Gate, cap: str | None) -> m.Gate:
            if cap is None or order.index(cap) <= order.index(gate.cap):
                return gate
            return gate.model_copy(update={"cap": cap})

        criteria = tuple(
            c.model_copy(
                update={
                    "weight": lens.criterion_weights.get(c.id, c.weight),
                    "gate": None if c.gate is None else tighter(c.gate, lens.gate_caps.get(c.id)),
                    "more_gates": [tighter(g, lens.gate_caps.get(c.id)) for g in c.more_gates],
                }
            )
            for c in self.criteria
        )
        bands = [
            b.model_copy(update={"pillar_min": lens.band_pillar_min[b.id]})
            if b.id in lens.band_pillar_min
            else b
            for b in self.header.bands
        ]
        header = self.header.model_copy(
            update={
                "pillars": pillars,
                "bands": bands,
                "critical": [*self.header.critical, *lens.critical],
                "uncertainty": self.header.uncertainty.overridden(lens.uncertainty),
            }
        )
        return replace(self, header=header, criteria=criteria, lens=lens_id)
