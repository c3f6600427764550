"""Portfolio runs: evaluate many profiles in worker processes, streaming JSON scorecards in order.

Each worker loads the criteria set once; results come back as UTF-8 JSON bytes in input order,
so the output never depends on --jobs. Bytes, not text: they cross the process boundary and
reach the output without being encoded or decoded again. Nothing is written to the destination
until every profile has been evaluated: a bad profile leaves no partial output.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from riskscore.analysis.baseline import with_baseline
from riskscore.analysis.ci_gates import GateView
from riskscore.analysis.pipeline import scorecard
from riskscore.analysis.views import Where
from riskscore.engine.scorecard import Scorecard
from riskscore.errors import ErrorGroup, RiskscoreError, problems_of
from riskscore.load.baseline import Baseline
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.profile import load_profile

PARALLEL_FROM = 64
"""Below this many profiles, process start-up costs more than it saves."""

_WORKER: dict[str, object] = {}
_EACH = "__all__"
CRITERIA_TEXT: dict[str, Any] = {
    "band_title": True,
    "band_meaning": True,
    "pillars": {_EACH: {"title"}},
    "criteria": {
        _EACH: {
            "title": True,
            "sources": True,
            "remediation": True,
            "facts": {_EACH: {"source_titles"}},
        }
    },
    "improvements": {_EACH: {"title", "remediation"}},
    "flags": {_EACH: {"message"}},
    "unverified_flags": {_EACH: {"message"}},
    "criteria_set": {"bands"},
}
"""Fields left out of each JSON Lines line (pydantic `exclude` shape): criteria text, given by
id. The format is documented in render/jsonl_format.py; the shape lives here because portfolio
workers serialise the lines themselves."""


def line(card: Scorecard) -> bytes:
    """One scorecard as one line of UTF-8 JSON (no spaces, keys in model order, with `\\n`)."""
    return card.__pydantic_serializer__.to_json(card, exclude=CRITERIA_TEXT) + b"\n"


def default_jobs(count: int) -> int:
    """One process for small runs, else up to four (or the cores there are)."""
    if count < PARALLEL_FROM:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def _init_worker(
    root: str,
    lens: str | None,
    digest: str,
    today: str | None,
    waivers: bool,
    lines: bool = False,
    baseline: tuple[str, Baseline] | None = None,
    where: Where | None = None,
) -> None:
    """Settings for a worker. A forked worker (the Linux default up to Python 3.13) already
    holds the parent's criteria set, put in _WORKER just before the pool started; a spawned or
    forkserver one loads it again, and scores nothing if the files changed since the parent
    read them, so every scorecard matches the set hash the report records."""
    # A worker ends at once on a stop signal; the parent (commands/app.py) cleans up.
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    held = _WORKER.get("cset")
    if not (isinstance(held, CriteriaSet) and held.hash == digest):
        try:
            fresh = load_criteria(Path(root)).with_lens(lens)
        except RiskscoreError as exc:
            fresh = None
            _WORKER["refusal"] = f"{root}: the criteria set became invalid during the run: {exc}"
        if fresh is not None and fresh.hash != digest:
            _WORKER["refusal"] = f"{root}: the criteria set changed during the run; run again"
        _WORKER["cset"] = fresh
    _WORKER["today"] = today
    _WORKER["waivers"] = waivers
    _WORKER["lines"] = lines
    _WORKER["baseline"] = baseline
    _WORKER["where"] = where


Result = tuple[bytes | None, "GateView | None", list[str]]


def _evaluate_one(path: str) -> Result:
    """(scorecard JSON, its gate view, []) or (None, None, error lines) for one profile."""
    refusal = _WORKER.get("refusal")
    if isinstance(refusal, str):
        return None, None, [refusal]
    cset = _WORKER["cset"]
    assert isinstance(cset, CriteriaSet)
    try:
        profile = load_profile(Path(path), cset)
    except RiskscoreError as exc:
        return None, None, [str(e) for e in problems_of(exc)]
    if not _WORKER["waivers"]:
        from dataclasses import replace

        profile = replace(profile, waivers=())
    today = _WORKER["today"]
    card = scorecard(profile, cset, today if isinstance(today, str) else None)
    where = _WORKER.get("where")
    if isinstance(where, Where) and not where.matches(card):
        return None, None, []  # filtered out by --where: neither output nor gates see it
    baseline = _WORKER.get("baseline")
    if isinstance(baseline, tuple):
        card = with_baseline(card, baseline[1], baseline[0])
    if _WORKER.get("lines"):
        return line(card), GateView.of(card), []
    # Serialised straight to bytes (what model_dump_json decodes), indented here, in the worker,
    # for its place in the report's "scorecards" list.
    text = card.__pydantic_serializer__.to_json(card, indent=2, by_alias=False)
    text = text.replace(b"\n", b"\n    ")
    return text, GateView.of(card), []


def _evaluate_chunk(paths: list[str]) -> list[Result]:
    return [_evaluate_one(path) for path in paths]


def evaluate_json(
    paths: list[Path],
    cset: CriteriaSet,
    today: str | None,
    waivers: bool = True,
    jobs: int | None = None,
    views: list[GateView] | None = None,
    lines: bool = False,
    failed: list[str] | None = None,
    baseline: tuple[str, Baseline] | None = None,
    where: Where | None = None,
) -> Iterator[bytes]:
    """Scorecard JSON (UTF-8) in input order; raises ErrorGroup after the run if a file failed.

    Indented for the report's "scorecards" list, or with `lines` one JSON Lines line each
    (render/jsonl_format.py). When `views` is given, each scorecard's GateView is appended to
    it for the CI gates. When `failed` is given (`--keep-going`), every profile that scores is
    yielded and the problems of the others are appended to `failed` (`path:line: message`)
    instead of raised. With `baseline` (its file name, its findings), each scorecard carries
    its findings against it (analysis.baseline) and the gate views ignore accepted ones.
    With `where` (`--where`), only the profiles it matches are yielded and gated.
    """
    keep_going = failed is not None
    jobs = jobs or default_jobs(len(paths))
    errors: list[str] = []
    # Also what a forked worker inherits: _init_worker keeps this set when the hash matches.
    _WORKER.update(
        cset=cset, today=today, waivers=waivers, lines=lines, baseline=baseline, where=where
    )
    _WORKER.pop("refusal", None)
    if jobs == 1:
        yield from _collect(map(_evaluate_one, map(str, paths)), errors, views, keep_going)
    else:
        # Imported here: one profile at a prompt should not pay for multiprocessing's imports.
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, min(64, len(paths) // (jobs * 8) or 1))
        chunks = iter([list(map(str, paths[i : i + size])) for i in range(0, len(paths), size)])
        args = (cset.root, cset.lens, cset.hash, today, waivers, lines, baseline, where)
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=args) as pool:
            # A bounded window of chunks in flight: memory stays flat however many profiles.
            window = deque(pool.submit(_evaluate_chunk, c) for c in islice(chunks, jobs * 3))
            while window:
                done = window.popleft().result()
                following = next(chunks, None)
                if following is not None:
                    window.append(pool.submit(_evaluate_chunk, following))
                yield from _collect(iter(done), errors, views, keep_going)
    if errors and failed is not None:
        failed.extend(errors)
    elif errors:
        raise ErrorGroup([RiskscoreError(line) for line in errors])


def _collect(
    results: Iterator[Result],
    errors: list[str],
    views: list[GateView] | None,
    keep_going: bool = False,
) -> Iterator[bytes]:
    for text, view, problems in results:
        if problems:
            errors.extend(problems)
        elif text is not None and (keep_going or not errors):
            if views is not None and view is not None:
                views.append(view)
            yield text


def json_document(cset: CriteriaSet, cards: Iterable[bytes]) -> Iterator[bytes]:
    """The Report JSON as UTF-8, streamed: byte-identical to Report.model_dump_json(indent=2)."""
    from riskscore.analysis.pipeline import make_report

    empty = make_report([], cset).model_dump_json(indent=2)
    head, marker, tail = empty.rpartition('"scorecards": []')
    assert marker, "the report ends with its scorecards"
    yield (head + '"scorecards": [').encode()
    count = 0
    for card in cards:  # already indented by the worker
        yield (b"\n    " if count == 0 else b",\n    ") + card
        count += 1
    yield (("\n  ]" if count else "]") + tail + "\n").encode()


RankKey = tuple[int, float, str, str]
"""What a ranking reads of a project: (band index in the set's order, 0 = best; score as
printed; project name; path)."""


def rank_key(band: str, bands: Sequence[str], score: float, project: str, path: str) -> RankKey:
    """A project's place in the one ranking: best band first (a project capped by a red flag
    never outranks one in a better band), then the highest printed score, then name and path
    (issue 19, P10). Evidence is not part of the order: a provisional band is shown as such
    (its own column or mark) where it ranks. A band the set does not list sorts last."""
    index = bands.index(band) if band in bands else len(bands)
    return index, -score, project, path


def competition_ranks(keys: Sequence[RankKey]) -> list[int]:
    """The rank of each key, in the order given (1 = best): projects with the same band and
    score share a rank and the next rank skips ("1, 1, 3": standard competition ranking)."""
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    out = [0] * len(keys)
    for position, i in enumerate(order):
        prev = keys[order[position - 1]] if position else None
        tied = prev is not None and prev[:2] == keys[i][:2]
        out[i] = out[order[position - 1]] if tied else position + 1
    return out


def card_key(card: Scorecard) -> RankKey:
    """rank_key() of a scorecard."""
    return rank_key(card.band, card.criteria_set.bands, card.score, card.project, card.path)


def ranking(scorecards: Sequence[Scorecard]) -> list[Scorecard]:
    """The scorecards in the one ranking's order (rank_key): every output that ranks projects
    (table, markdown, HTML, XLSX, `sensitivity`) uses this order."""
    return sorted(scorecards, key=card_key)


def ranks(scorecards: Sequence[Scorecard]) -> list[tuple[int, Scorecard]]:
    """(rank, card) in ranking() order, ties sharing a rank (competition_ranks)."""
    ordered = ranking(scorecards)
    return list(zip(competition_ranks([card_key(c) for c in ordered]), ordered, strict=True))
