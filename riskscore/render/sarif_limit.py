"""SARIF results within GitHub code scanning's limit of 25,000 per run, most severe first.

A run with more results is rejected whole, so `sarif.stream` spools each result as one line
(`<rank> <level> <its JSON text>`) and keeps, per severity rank, as many as fit: every result
of a more severe rank before any of a less severe one, in input order within a rank. What is
left out is recorded in the run (`properties.resultsLeftOut`, a warning notification) and in
`options.notes` (a line on stderr).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from riskscore.render import RenderOptions

MAX_RESULTS = 25_000
"""Results GitHub code scanning accepts in one run ("SARIF support for code scanning",
upload limits); a file with more is rejected whole."""


def severity(result: dict[str, Any]) -> int:
    """Rank of a result when results must be left out (0 kept first): verified red flags
    (error, then warning), unmet criteria, unverified red flags, partial and unknown
    criteria; a result an active waiver suppresses comes after every unsuppressed one."""
    props = result["properties"]
    if "suppressions" in result:
        rank = 5
    elif "cap" in props:
        rank = 0 if result["level"] == "error" else 1
    elif props.get("verified") is False:
        rank = 3
    else:
        rank = 2 if props.get("status") == "unmet" else 4
    return rank


def keep_counts(counts: list[int]) -> list[int]:
    """How many results of each severity fit in MAX_RESULTS, most severe first."""
    room, keep = MAX_RESULTS, []
    for count in counts:
        keep.append(min(count, room))
        room -= keep[-1]
    return keep


def left_out(spool: IO[str], keep: list[int]) -> dict[str, int]:
    """Results past `keep`, counted by level (empty when nothing is left out)."""
    if not spool.tell():
        return {}
    seen = [0] * len(keep)
    left: dict[str, int] = {}
    spool.seek(0)
    for line in spool:
        rank, level, _ = line.split(" ", 2)
        seen[int(rank)] += 1
        if seen[int(rank)] > keep[int(rank)]:
            left[level] = left.get(level, 0) + 1
    return left


def kept(spool: IO[str], keep: list[int], depth: int) -> Iterator[str]:
    """The kept results as a JSON array, in input order; `[]` when there are none."""
    seen = [0] * len(keep)
    first = True
    if spool.tell():
        spool.seek(0)
        for line in spool:
            rank, _, text = line.split(" ", 2)
            seen[int(rank)] += 1
            if seen[int(rank)] <= keep[int(rank)]:
                item: str = json.loads(text)
                yield "[" + item[1:] if first else item  # the first element has no comma
                first = False
    yield "[]" if first else "\n" + "  " * (depth - 1) + "]"


def say_left_out(
    run: dict[str, Any], left: dict[str, int], total: int, options: RenderOptions
) -> None:
    """Record in the run (and in `options.notes`) how many results were left out."""
    count = sum(left.values())
    by_level = ", ".join(f"{n:,} {level}" for level, n in sorted(left.items()))
    text = (
        f"{count:,} of {total:,} results left out ({by_level}): GitHub code scanning accepts "
        f"at most {MAX_RESULTS:,} results per run; the most severe were kept. `--format json` "
        "has every finding."
    )
    run["properties"]["resultsLeftOut"] = {"count": count, "limit": MAX_RESULTS, **left}
    run["invocations"] = [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "descriptor": {"id": "results-left-out"},
                    "level": "warning",
                    "message": {"text": text},
                }
            ],
        }
    ]
    if options.notes is not None:
        options.notes.append(text)
