"""JUnit XML, so CI test-report views list each criterion as a test and each red flag as a failure.

One testsuite per project (name = project, `file` = its profile), one testcase per criterion
and one `red-flag/<criterion>` testcase per red flag. A testcase's identity is unique across
the whole report, since consumers merge test cases by (classname, name) whatever their suite:
classname = `<profile path>.<pillar>` (a viewer that splits the package at the last dot shows
the profile as the package and the pillar as the class), name = criterion id. Unmet criteria
and red flags fail; not-applicable and actively waived items are skipped; partial and unknown
criteria pass with their explanation in system-out.

The document targets Jenkins' JUnit schema `junit-10.xsd` (xunit-plugin; vendored in
tests/data/junit/ and validated against in the tests), which the other common readers
(GitLab, GitHub test-report actions, Azure DevOps) also accept: `<testsuites>` carries `name`,
`tests`, `failures` and `errors` only (the schema has no `skipped` there; each suite has it).
"""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

from riskscore.engine.scorecard import CriterionResult, Flag, Report, Scorecard, WaiverInfo
from riskscore.render import RenderOptions
from riskscore.render.escape import xml_text

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


TOTALS = ("tests", "failures", "errors")
"""The counts junit-10.xsd allows on <testsuites>."""

SPOOL_BYTES = 1 << 20
"""Suites held in memory before they spill to a temporary file while a run streams."""


def render(report: Report, options: RenderOptions) -> str:
    return "".join(stream(report.scorecards, report, options))


def stream(cards: Iterable[Scorecard], frame: Report, options: RenderOptions) -> Iterator[str]:
    """The same text as render(), holding one scorecard at a time.

    The totals on <testsuites> come first in the file but are known only at the end, so each
    suite is serialised as its scorecard arrives (indented as it sits in the whole document)
    into a temporary file that stays in memory up to SPOOL_BYTES, then copied out."""
    totals = dict.fromkeys(TOTALS, 0)
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES, mode="w+", encoding="utf-8") as body:
        for card in cards:
            suite = _suite(card)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
            _xml_safe(suite)
            ET.indent(suite, space="  ", level=1)
            body.write("\n  " + ET.tostring(suite, encoding="unicode"))
        root = ET.Element("testsuites", name="riskscore")
        for key, total in totals.items():
            root.set(key, str(total))
        if not body.tell():
            yield DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
            return
        root.text = "-"
        whole = ET.tostring(root, encoding="unicode")
        yield DECLARATION + whole[: whole.index(">") + 1]
        body.seek(0)
        while chunk := body.read(1 << 16):
            yield chunk
        yield "\n</testsuites>\n"


def _suite(card: Scorecard) -> ET.Element:
    suite = ET.Element("testsuite", name=card.project, file=card.path)
    props = ET.SubElement(suite, "properties")
    info = card.criteria_set
    for name, value in (
        ("path", card.path),
        ("criteria_set", info.name),
        ("criteria_version", info.version),
        ("criteria_hash", info.hash),
        ("lens", info.lens or ""),
        ("score", str(card.score)),
        ("score_range", f"{card.score_range[0]}-{card.score_range[1]}"),
        ("band", card.band),
        ("band_range", f"{card.band_range[0]}-{card.band_range[1]}"),
        ("evidence_sufficient", "true" if card.evidence_sufficient else "false"),
        ("band_reason", card.band_reason),
        ("band_before_caps", card.band_before_caps),
        ("coverage", str(card.coverage)),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    pillars = {c.id: c.pillar for c in card.criteria}
    cases = [
        _flag_case(flag, classname(card, pillars.get(flag.criterion, "red-flag")))
        for flag in card.flags
    ]
    cases += [_criterion_case(crit, classname(card, crit.pillar)) for crit in card.criteria]
    suite.extend(cases)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(case.find("failure") is not None for case in cases)))
    suite.set("errors", "0")
    suite.set("skipped", str(sum(case.find("skipped") is not None for case in cases)))
    return suite


def classname(card: Scorecard, pillar: str) -> str:
    """`<profile path>.<pillar>`: unique per project, as paths are, so two profiles with one
    project name (or one file name in two folders) never share a test case."""
    return f"{card.path}.{pillar}"


def _skip_if_waived(case: ET.Element, waiver: WaiverInfo | None) -> bool:
    if waiver is None or not waiver.active:
        return False
    ET.SubElement(
        case,
        "skipped",
        message=f"waived: {waiver.reason} (owner {waiver.owner}, expires {waiver.expires})",
    )
    return True


def _expired(waiver: WaiverInfo | None) -> str:
    if waiver is None or waiver.active:
        return ""
    return f"\nA waiver by {waiver.owner} expired on {waiver.expires}: {waiver.reason}"


def _flag_case(flag: Flag, group: str) -> ET.Element:
    case = ET.Element("testcase", classname=group, name=f"red-flag/{flag.criterion}")
    if not _skip_if_waived(case, flag.waiver):
        failure = ET.SubElement(
            case, "failure", message=flag.message, type=f"red-flag-{flag.severity}"
        )
        failure.text = (
            f"Red flag ({flag.severity}): caps the band at {flag.cap}.\n"
            f"Evidence: {flag.evidence}{_expired(flag.waiver)}"
        )
    return case


def _criterion_case(crit: CriterionResult, group: str) -> ET.Element:
    case = ET.Element("testcase", classname=group, name=crit.id)
    if crit.status == "not_applicable":
        ET.SubElement(case, "skipped", message=crit.explanation)
        return case
    if _skip_if_waived(case, crit.waiver):
        return case
    details = crit.explanation
    if crit.remediation:
        details += f"\nRemediation: {crit.remediation}"
    details += _expired(crit.waiver)
    if crit.status == "unmet":
        failure = ET.SubElement(case, "failure", message=crit.title, type="unmet")
        failure.text = details
    elif crit.status in ("partial", "unknown"):
        ET.SubElement(case, "system-out").text = details
    return case


def _xml_safe(root: ET.Element) -> None:
    """Drop characters XML 1.0 forbids from every text and attribute (ElementTree keeps them)."""
    for element in root.iter():
        if element.text:
            element.text = xml_text(element.text)
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
