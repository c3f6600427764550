"""SARIF 2.1.0, so code-scanning dashboards show each gap or red flag at the profile line behind it.

One run; one rule per criterion of the set, plus `<criterion>/red-flag` for each gate of the
set. Results are the criteria that are not met and the red flags, at these levels:

    red flag, severity critical or high -> error
    red flag, severity medium           -> warning
    red flag its facts cannot check     -> note (unverified)
    criterion unmet                     -> warning
    criterion partial or unknown        -> note

A result sits on the line of the first stated fact it concerns (line 1 when none is stated).
An active waiver becomes an external, accepted suppression; an expired one is only noted.

With `evaluate --baseline FILE` every result has a `baselineState`: `new` (not in the
baseline), `unchanged` (listed in it: also an external, accepted suppression, so a viewer that
honours suppressions shows only new findings), and for each finding the baseline lists that
this run no longer finds, an `absent` result of kind `pass` (level `none`) on line 1.

Rules are built in `sarif_rules`: each links to its criterion's entry in
docs/criteria-reference.md (anchor `#criterion-<id>`): `helpUri` is that absolute URL when the
installed distribution declares the reference's address (pyproject `[project.urls]`,
"Criteria reference"; SARIF 2.1.0 section 3.49.12 requires `helpUri` to be absolute), and
`properties.reference` always holds the repository-relative path and anchor.

GitHub code scanning rejects a run with more than 25,000 results (`sarif_limit.MAX_RESULTS`).
A larger portfolio keeps the most severe results (`sarif_limit.severity`: verified red flags
by level, then unmet criteria, unverified red flags, partial and unknown criteria, waived
results last), in input order within one severity, and says what it left out:
`run.properties.resultsLeftOut` (counts by level), a warning notification in
`run.invocations`, and a line in `notes`.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from functools import lru_cache
from pathlib import PurePosixPath
from typing import IO, Any
from urllib.parse import quote

from riskscore.engine.scorecard import (
    BaselineInfo,
    CriterionResult,
    Flag,
    Report,
    Scorecard,
    WaiverInfo,
    finding_id,
)
from riskscore.render import RenderOptions
from riskscore.render.common import points
from riskscore.render.sarif_limit import (
    keep_counts,
    kept,
    left_out,
    say_left_out,
    severity,
)
from riskscore.render.sarif_rules import FLAG_LEVELS
from riskscore.render.sarif_rules import rules as _rules

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
STATUS_LEVELS = {"unmet": "warning", "partial": "note", "unknown": "note"}
FINGERPRINT = "riskscoreProjectCriterion/v1"


def criterion_line(crit: CriterionResult) -> int:
    """Line of the criterion's first stated fact in the profile; 1 when none is stated."""
    return next((f.line for f in crit.facts if f.known and f.line), 1)


def flag_line(card: Scorecard, flag: Flag) -> int:
    """Line of the first stated fact in the gate's condition; 1 when none is stated."""
    return flag.line or 1


def flag_rule_id(flag: Flag) -> str:
    return f"{flag.criterion}/red-flag"


def render(report: Report, options: RenderOptions) -> str:
    return "".join(stream(report.scorecards, report, options))


SPOOL_BYTES = 1 << 20
"""Results held in memory before they spill to a temporary file while a run streams."""


def stream(cards: Iterable[Scorecard], frame: Report, options: RenderOptions) -> Iterator[str]:
    """The same text as render(), holding one scorecard at a time.

    The rule index comes from the set's criteria (`frame`), not from the scorecards. Each
    scorecard's results (one JSON line each, with its `severity`) and project entry are
    written to temporary files (in memory up to SPOOL_BYTES) and copied into the document at
    the end, leaving out the least severe results past MAX_RESULTS."""
    rules = _rules(frame)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    with ExitStack() as stack:
        results = stack.enter_context(
            tempfile.SpooledTemporaryFile(SPOOL_BYTES, mode="w+", encoding="utf-8")
        )
        projects = stack.enter_context(
            tempfile.SpooledTemporaryFile(SPOOL_BYTES, mode="w+", encoding="utf-8")
        )
        counts = [0] * 6
        for card in cards:
            for result in _card_results(card, index):
                rank = severity(result)
                counts[rank] += 1
                # One line per result: its rank, level and its text as it sits in the log
                # (formatted once, JSON-quoted so that it fits one line).
                text = _item(result, RESULTS_DEPTH, False)
                results.write(f"{rank} {result['level']} {json.dumps(text)}\n")
            projects.write(_item(_project(card), PROJECTS_DEPTH, projects.tell() == 0))
        keep = keep_counts(counts)
        left = left_out(results, keep)
        log = _log(frame, rules, [], [])
        if left:
            say_left_out(log["runs"][0], left, sum(counts), options)
        text = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
        head, _, rest = text.partition('"results": []')
        middle, _, tail = rest.partition('"projects": []')
        yield head + '"results": '
        yield from kept(results, keep, RESULTS_DEPTH)
        yield middle + '"projects": '
        yield from _array(projects, PROJECTS_DEPTH)
        yield tail


RESULTS_DEPTH = 4
"""Nesting of a result in the log: log, runs, run, results."""
PROJECTS_DEPTH = 5
"""Nesting of a project entry: log, runs, run, properties, projects."""


def _item(value: Any, depth: int, first: bool) -> str:
    """One array element as json.dumps(indent=2) prints it `depth` levels deep."""
    pad = "\n" + "  " * depth
    text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", pad)
    return ("" if first else ",") + pad + text


def _array(spool: IO[str], depth: int) -> Iterator[str]:
    """The spooled elements as a JSON array; `[]` when there are none."""
    if not spool.tell():
        yield "[]"
        return
    yield "["
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        yield chunk
    yield "\n" + "  " * (depth - 1) + "]"


def _card_results(card: Scorecard, index: dict[str, int]) -> Iterator[dict[str, Any]]:
    base = card.baseline
    for flag in card.flags:
        fid = finding_id(flag.criterion, "red-flag")
        yield _against(base, fid, _flag_result(card, flag, index))
    for flag in card.unverified_flags:
        fid = finding_id(flag.criterion, "unverified-red-flag")
        yield _against(base, fid, _unverified_result(card, flag, index))
    for crit in card.criteria:
        if crit.status in STATUS_LEVELS:
            fid = f"{crit.id}/{crit.status}"
            yield _against(base, fid, _criterion_result(card, crit, index))
    if base is not None:
        for fid in base.absent:
            yield _absent_result(card, base, fid, index)


def _against(base: BaselineInfo | None, fid: str, result: dict[str, Any]) -> dict[str, Any]:
    """The result with its `baselineState` when a baseline was given (SARIF 2.1.0 3.27.24);
    a finding the baseline lists is also suppressed as accepted, unless a waiver already is."""
    if base is None:
        return result
    if base.is_new(fid):
        result["baselineState"] = "new"
        return result
    result["baselineState"] = "unchanged"
    result.setdefault(
        "suppressions",
        [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"in the baseline {base.file}",
            }
        ],
    )
    return result


def _absent_result(
    card: Scorecard, base: BaselineInfo, fid: str, index: dict[str, int]
) -> dict[str, Any]:
    """A finding the baseline lists that this run no longer finds: kind `pass`, level `none`."""
    criterion, _, kind = fid.rpartition("/")
    rule_id = f"{criterion}/red-flag" if kind.endswith("red-flag") else criterion
    digest = hashlib.sha256(f"{card.path}\0{rule_id}".encode()).hexdigest()
    result: dict[str, Any] = {"ruleId": rule_id}
    if rule_id in index:  # a criterion the set has dropped has no rule
        result["ruleIndex"] = index[rule_id]
    result.update(
        {
            "kind": "pass",
            "level": "none",
            "baselineState": "absent",
            "message": {
                "text": f"{card.project}: no longer found: {fid} (listed in the baseline "
                f"{base.file})."
            },
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(card.path),
                        "region": {"startLine": 1},
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT: digest[:32]},
            "properties": {"project": card.project, "finding": fid},
        }
    )
    return result


def _project(card: Scorecard) -> dict[str, Any]:
    return {
        "project": card.project,
        "path": card.path,
        "score": card.score,
        "scoreRange": list(card.score_range),
        "band": card.band,
        "bandRange": list(card.band_range),
        "evidenceSufficient": card.evidence_sufficient,
        "bandReason": card.band_reason,
        "coverage": card.coverage,
    }


def _log(
    frame: Report, rules: list[dict[str, Any]], results: list[Any], projects: list[Any]
) -> dict[str, Any]:
    info = frame.criteria_set
    run = {
        "tool": {
            "driver": {
                "name": "riskscore",
                "version": frame.riskscore_version,
                "semanticVersion": frame.riskscore_version,
                "rules": rules,
            }
        },
        "results": results,
        "properties": {
            "criteriaSet": {
                "name": info.name,
                "version": info.version,
                "hash": info.hash,
                "lens": info.lens,
            },
            "projects": projects,
        },
    }
    run["originalUriBaseIds"] = {
        SRCROOT: {
            "description": {
                "text": "The directory riskscore ran in: the repository root in CI. Paths "
                "outside it are absolute file URIs."
            }
        }
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


SRCROOT = "%SRCROOT%"
"""The base id code scanning resolves against the checkout (SARIF 2.1.0 section 3.4.4)."""


def artifact_location(path: str, cwd: str | None = None) -> dict[str, str]:
    """A SARIF artifactLocation for a profile path.

    A path inside the directory riskscore ran in (`projects/x.yaml`, or an absolute path
    under it) is relative to %SRCROOT%, which code scanning maps to the repository; a path
    outside it (`../x.yaml`, `/elsewhere/x.yaml`) is an absolute `file://` URI, which maps to
    no repository file but is still a correct address."""
    here = PurePosixPath((cwd or os.getcwd()).replace("\\", "/"))
    given = PurePosixPath(path.replace("\\", "/"))
    full = PurePosixPath(posixpath.normpath(here / given))
    if full == here or here in full.parents:
        relative = full.relative_to(here).as_posix()
        return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}
    return {"uri": "file://" + quote(full.as_posix(), safe="/")}


@lru_cache(maxsize=4096)
def _location_of(path: str, cwd: str) -> tuple[tuple[str, str], ...]:
    return tuple(artifact_location(path, cwd).items())


def _location(path: str, cwd: str) -> dict[str, str]:
    """`artifact_location`, computed once per profile rather than once per result."""
    return dict(_location_of(path, cwd))


def _result(
    card: Scorecard, rule_id: str, index: dict[str, int], level: str, line: int
) -> dict[str, Any]:
    # The path, not only the slug: two profiles with one file name in different folders
    # must not share fingerprints.
    digest = hashlib.sha256(f"{card.path}\0{rule_id}".encode()).hexdigest()
    return {
        "ruleId": rule_id,
        "ruleIndex": index[rule_id],
        "level": level,
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _location(card.path, os.getcwd()),
                    "region": {"startLine": line},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: digest[:32]},
    }


def _waived(result: dict[str, Any], waiver: WaiverInfo | None, message: str) -> dict[str, Any]:
    """Attach the message, and a suppression when an active waiver covers the result."""
    if waiver is not None and not waiver.active:
        message += f" A waiver by {waiver.owner} expired on {waiver.expires}: {waiver.reason}"
    result["message"] = {"text": message}
    if waiver is not None and waiver.active:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": waiver.reason,
                "properties": {
                    "owner": waiver.owner,
                    "expires": waiver.expires,
                    "source": waiver.source,
                },
            }
        ]
    return result


def _flag_result(card: Scorecard, flag: Flag, index: dict[str, int]) -> dict[str, Any]:
    rule_id = flag_rule_id(flag)
    result = _result(card, rule_id, index, FLAG_LEVELS[flag.severity], flag_line(card, flag))
    result["properties"] = {
        "project": card.project,
        "severity": flag.severity,
        "cap": flag.cap,
        "evidence": flag.evidence,
    }
    message = (
        f"{card.project}: red flag ({flag.severity}): {flag.message} "
        f"Caps the band at {flag.cap}. Evidence: {flag.evidence}."
    )
    return _waived(result, flag.waiver, message)


def _unverified_result(card: Scorecard, flag: Flag, index: dict[str, int]) -> dict[str, Any]:
    """A gate whose facts the profile does not state: a note at the top of the file."""
    result = _result(card, flag_rule_id(flag), index, "note", 1)
    result["properties"] = {"project": card.project, "verified": False, "missing": flag.evidence}
    result["message"] = {
        "text": f"{card.project}: could not check red flag "
        f"{flag.criterion}: {flag.message} Missing: {flag.evidence}."
    }
    return result


def _criterion_result(
    card: Scorecard, crit: CriterionResult, index: dict[str, int]
) -> dict[str, Any]:
    result = _result(card, crit.id, index, STATUS_LEVELS[crit.status], criterion_line(crit))
    result["properties"] = {
        "project": card.project,
        "status": crit.status,
        "score": crit.score,
        "points": crit.points,
        "maxPoints": crit.max_points,
    }
    earned = f", {points(crit)} points" if crit.score is not None else ""
    message = f"{card.project}: {crit.title} ({crit.status}{earned}). "
    return _waived(result, crit.waiver, message + crit.explanation)
