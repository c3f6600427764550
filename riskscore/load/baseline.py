"""Baseline files (`evaluate --baseline FILE`, written by `evaluate --create-baseline FILE`).

A baseline lists the findings a team has accepted as known, per profile, so that CI reports
and gates only the new ones (as Checkov's `--baseline`). The file is JSON:

    {
      "riskscore_baseline": 1,
      "profiles": {
        "projects/reko-diq.yaml": ["bribery/unverified-red-flag", "contract-disclosure/unmet"]
      }
    }

Keys are profile paths as riskscore was given them (posix, normalised: `./projects/x.yaml` is
`projects/x.yaml`); values are finding ids `criterion/kind` (riskscore.engine.scorecard
`finding_id`): no line numbers and no scores, so editing a profile or re-weighting a
criterion does not turn an accepted finding into a new one.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

from riskscore.errors import RiskscoreError

FORMAT_VERSION = 1
"""The `riskscore_baseline` value this version reads and writes."""

Baseline = dict[str, frozenset[str]]
"""Profile path (normalised) -> the finding ids the baseline accepts for it."""


def profile_key(path: str) -> str:
    """The baseline key of a profile path: posix separators, `.` and `..` resolved, no
    leading `./` (`.\\projects\\x.yaml` and `projects/./x.yaml` are `projects/x.yaml`)."""
    return posixpath.normpath(path.replace("\\", "/"))


def read_baseline(path: Path) -> Baseline:
    """The baseline in `path`. Raises RiskscoreError (`path:line: message`, exit 2) when the
    file cannot be read, is not JSON, or does not have the shape above."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RiskscoreError(f"cannot read baseline: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError:
        raise RiskscoreError("baseline is not UTF-8 text", path) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RiskscoreError(f"not a baseline: invalid JSON: {exc.msg}", path, exc.lineno) from None
    hint = "write one with `riskscore evaluate --create-baseline FILE`"
    if not isinstance(data, dict) or data.get("riskscore_baseline") != FORMAT_VERSION:
        raise RiskscoreError(
            f'not a baseline: expected {{"riskscore_baseline": {FORMAT_VERSION}, '
            f'"profiles": {{...}}}}; {hint}',
            path,
            1,
        )
    profiles = data.get("profiles")
    if not isinstance(profiles, dict):
        raise RiskscoreError(f'not a baseline: "profiles" must be an object; {hint}', path, 1)
    found: Baseline = {}
    for key, ids in profiles.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) and "/" in i for i in ids):
            line = _line_of(text, key)
            raise RiskscoreError(
                f'profiles."{key}": expected a list of finding ids such as "bribery/red-flag"',
                path,
                line,
            )
        found[profile_key(key)] = frozenset(ids)
    return found


def _line_of(text: str, key: str) -> int:
    """The line where `"key"` first appears in the file (1 when it cannot be found)."""
    needle = json.dumps(key)
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def baseline_text(findings: dict[str, list[str]]) -> str:
    """The JSON text of a baseline accepting `findings` (profile path -> finding ids): keys
    normalised and sorted, ids sorted and unique, so rewriting it gives a small git diff."""
    profiles: dict[str, set[str]] = {}
    for path, ids in findings.items():
        profiles.setdefault(profile_key(path), set()).update(ids)
    data = {
        "riskscore_baseline": FORMAT_VERSION,
        "profiles": {key: sorted(profiles[key]) for key in sorted(profiles)},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
