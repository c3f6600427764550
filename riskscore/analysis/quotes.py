"""Which stated facts no quoted passage supports (issue 20): `validate --require-quotes`, the
set's `evidence.require_quotes`, and the research queue's "facts without a quote"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from riskscore.load.countries import country_of
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile, StatedFact


@dataclass(frozen=True)
class Unquoted:
    """A stated fact without a supporting passage, and where it is written (the profile, or
    the country file it is inherited from)."""

    fact: str
    path: str
    line: int | None

    def finding(self) -> str:
        """`path:line: fact X: no quoted passage supports it`."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: fact {self.fact}: no quoted passage supports it"


def supported(fact: StatedFact, cset: CriteriaSet) -> bool:
    """True when a quote supports the stated fact, or it needs none.

    A fact needs no quote when it is marked `assumption: true` (the note carries the
    reasoning), or when it states its vocabulary's `absence_value` ("looked, nothing found")
    and cites a `kind: search` source: a search that found nothing has no passage to quote,
    the source documents the search instead.
    """
    if fact.assumption or fact.quoted:
        return True
    vocab = cset.facts.get(fact.id)
    absent = vocab.absence_value if vocab is not None else None
    return (
        absent is not None
        and fact.value == absent
        and type(fact.value) is type(absent)
        and "search" in fact.source_kinds
    )


def unquoted_facts(profile: Profile, cset: CriteriaSet) -> list[Unquoted]:
    """Every stated fact of `profile` that `supported` rejects: the profile's own in file
    order, then inherited ones by id.

    An inherited fact is placed at its line in the country file, so a portfolio reports it
    once (see `quote_findings`)."""
    country = None
    out = []
    order = sorted(profile.facts.values(), key=lambda f: (f.origin is not None, f.line or 0, f.id))
    for fact in order:
        fid = fact.id
        if supported(fact, cset):
            continue
        if fact.origin is not None:
            country = country or country_of(profile.project.country)
            line = country.lines.get(fid) if country is not None else None
            out.append(Unquoted(fid, fact.origin, line))
        else:
            out.append(Unquoted(fid, profile.path, fact.line))
    return out


def quote_findings(profiles: Iterable[Profile], cset: CriteriaSet) -> list[str]:
    """One `path:line: fact X: no quoted passage supports it` line per unquoted fact, each
    country-file fact once however many profiles inherit it, in the profiles' order."""
    seen: dict[Unquoted, None] = {}
    for profile in profiles:
        for item in unquoted_facts(profile, cset):
            seen.setdefault(item)
    return [item.finding() for item in seen]
