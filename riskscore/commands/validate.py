"""`riskscore validate`: check the criteria set and profiles, and report every problem at once."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from riskscore.commands.common import CriteriaOpt, handled, today

if TYPE_CHECKING:
    from riskscore.load.criteria.criteria_set import CriteriaSet


def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Profiles to check as well (files, directories or globs).", metavar="[PATH...]"
        ),
    ] = None,
    criteria: CriteriaOpt = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 when there are warnings (e.g. an expired waiver), not only errors.",
        ),
    ] = False,
    require_quotes: Annotated[
        bool,
        typer.Option(
            "--require-quotes",
            help="Exit 1 when a stated fact not marked `assumption` has no quoted passage "
            "(a citation with `quote`); the set's `evidence.require_quotes: true` makes these "
            "warnings that --strict fails on.",
        ),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="GITREF",
            help="Also warn when the criteria changed since GITREF but the set version did not.",
        ),
    ] = None,
) -> None:
    """Check the criteria set and, if given, profiles; report every problem at once.

    Errors (exit 2) are printed as `path:line: message`; warnings (unused facts, expired
    waivers, waivers that waive nothing, facts older than their staleness window) go to
    stderr and only fail the run with --strict.

    With --require-quotes, every stated fact that is not `assumption: true` must cite a
    passage (a citation with a `quote`; a "nothing found" value such as `none_reported` may
    cite a `kind: search` source instead); each that does not is printed as
    `path:line: fact X: no quoted passage supports it` and the run exits 1. A set that
    declares `evidence.require_quotes: true` reports them as warnings (exit 1 with --strict).
    """
    with handled():
        from riskscore.analysis.country_facts import override_conflicts
        from riskscore.analysis.pipeline import load_profiles, open_criteria
        from riskscore.analysis.quotes import quote_findings
        from riskscore.analysis.waivers import (
            deprecated_findings,
            stale_findings,
            waiver_findings,
        )
        from riskscore.engine.evaluate import evaluate
        from riskscore.load.discovery import discover_profiles

        cset = open_criteria(criteria)
        warnings = list(cset.warnings)
        if base is not None:
            from riskscore.analysis.criteria_diff import version_warning
            from riskscore.load.criteria.loader import default_criteria_dir
            from riskscore.load.gitref import load_criteria_at_ref

            old = load_criteria_at_ref(base, criteria or default_criteria_dir())
            warnings += [w for w in [version_warning(old, cset)] if w]
        from riskscore.analysis.country_checks import (
            is_country_file,
            loaded_countries,
            unknown_country_facts,
            unquoted_country_facts,
        )

        files = discover_profiles(paths) if paths else []
        countries = loaded_countries([f for f in files if is_country_file(f)])
        unknown_country_facts(countries, cset)
        profiles = load_profiles([f for f in files if not is_country_file(f)], cset)
        warnings += override_conflicts(profiles)
        day = today()
        for profile in profiles:
            warnings += waiver_findings(profile, evaluate(profile, cset, day), day)
            warnings += stale_findings(profile, cset)
            warnings += deprecated_findings(profile)
        unquoted = quote_findings(profiles, cset)
        unquoted += [
            u.finding()
            for u in unquoted_country_facts(countries, cset)
            if u.finding() not in unquoted
        ]
        if not require_quotes and cset.header.evidence.require_quotes:
            warnings += unquoted
        for warning in warnings:
            sys.stderr.write(f"warning: {warning}\n")
        if require_quotes:
            for finding in unquoted:
                sys.stderr.write(f"{finding}\n")
        from riskscore.commands.output import emit

        missing = len(unquoted) if require_quotes else 0
        line = summary_line(cset, len(profiles), len(warnings), strict, missing)
        if (strict and warnings) or missing:
            sys.stderr.write(f"riskscore: {line}\n")  # after the findings: the last line
            raise typer.Exit(1)
        emit(line + "\n", None)


def summary_line(
    cset: CriteriaSet, profiles: int, warnings: int, strict: bool, unquoted: int = 0
) -> str:
    """The last line `validate` prints: `ok: …` (stdout) or, when --strict fails on warnings
    or --require-quotes on `unquoted` facts without a quoted passage, `validate … failed: …`
    (stderr, after the findings) saying why it exits 1."""
    lenses = len(cset.lenses)
    extends = f" resolved from {' → '.join(cset.chain)}" if len(cset.chain) > 1 else ""
    what = (
        f"criteria set {cset.header.name} {cset.header.version}{extends} "
        f"({len(cset.criteria)} criteria, {lenses} lens{'es' if lenses != 1 else ''}) and "
        f"{profiles} profile{'s' if profiles != 1 else ''}"
    )
    counted = f"{warnings} warning{'s' if warnings != 1 else ''}"
    if unquoted:
        facts = f"{unquoted} fact{'s' if unquoted != 1 else ''}"
        return (
            f"validate --require-quotes failed: {facts} without a quoted passage (listed "
            f"above); the {what} load" + (f"; {counted}" if warnings else "")
        )
    if strict and warnings:
        return (
            f"validate --strict failed: {counted} (listed above), and --strict fails on "
            f"any warning; the {what} load"
        )
    return f"ok: {what} are valid" + (f"; {counted}" if warnings else "")
