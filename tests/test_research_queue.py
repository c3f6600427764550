"""`riskscore evidence`: the research queue (issue 20), hand-computed on tests/data/queue."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskscore.analysis.pipeline import load_profiles, open_criteria
from riskscore.analysis.research_queue import (
    ResearchQueue,
    add_months,
    candidate_values,
    research_queue,
)
from riskscore.commands.app import app
from riskscore.engine.evaluate import evaluate
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.profile_models import Profile, ProjectInfo, StatedFact
from riskscore.render import RenderOptions
from riskscore.render.research_queue import render
from tests.conftest import DATA, MINI, ROOT

QUEUE = DATA / "queue"
AS_OF = "2026-12-06"
runner = CliRunner()


@pytest.fixture(scope="module")
def queue_set() -> CriteriaSet:
    return open_criteria(QUEUE)


@pytest.fixture(scope="module")
def tiny(queue_set: CriteriaSet) -> ResearchQueue:
    profiles = load_profiles(sorted((QUEUE / "profiles").glob("*.yaml")), queue_set)
    return research_queue(profiles, queue_set, AS_OF, 6, AS_OF)


def test_the_ranking_matches_the_hand_computation(tiny: ResearchQueue) -> None:
    """Ten weight units, one unit = 10 points; bands good >= 75, weak >= 40; evidence is
    sufficient only when the band range is one band; an unknown scores 0 (as every worst value).

    A states known=yes (10): score 10, range [10, 100], bands failing-good (2 steps); the red
    flag c-abuse (caps at weak) is unverified.
    - abuse: found -> 10, range [10, 90], the flag trips (verified): failing-weak; none_reported
      -> 20, [20, 100], failing-good. Either way the flag is no longer open: it SETTLES THE FLAG.
      Widest width 80, so it narrows by 90 - 80 = 10; evidence stays insufficient.
    - big: false -> [10, 60] failing-weak; true -> [50, 100] weak-good: width 50, narrows 40,
      at most 1 band step, never one band.
    - mid1, mid2: a -> [10, 80], b -> [30, 100]: width 70, narrows 20, still 2 steps.
    B states abuse none_reported, mid1 b, mid2 b, known yes (60): range [60, 100], weak-good.
    - big: false -> [60, 60] weak; true -> [100, 100] good: one band whatever the value, so it
      SETTLES THE BAND and the evidence (sufficient both ways); narrows 40.
    Order: settles a flag (A abuse), then band/evidence (B big), then narrowing (A big 40,
    A mid1 20, A mid2 20), equal narrowing and points broken by fact id (mid1 before mid2).
    """
    got = [
        (
            u.profile,
            u.fact,
            [f.criterion for f in u.settles_flags],
            u.trips_on,
            u.settles_band,
            u.settles_evidence,
            u.evidence_after,
            u.narrows,
            u.score_range,
            u.score_width_after,
            (u.band_steps, u.band_steps_after),
            u.points,
        )
        for u in tiny.unknowns
    ]
    assert got == [
        ("a", "abuse", ["c-abuse"], ("found",), False, False, "insufficient", 10.0,
         (10.0, 100.0), (80.0, 80.0), (2, 2), 10.0),
        ("b", "big", [], (), True, True, "sufficient", 40.0,
         (60.0, 100.0), (0.0, 0.0), (1, 0), 40.0),
        ("a", "big", [], (), False, False, "insufficient", 40.0,
         (10.0, 100.0), (50.0, 50.0), (2, 1), 40.0),
        ("a", "mid1", [], (), False, False, "insufficient", 20.0,
         (10.0, 100.0), (70.0, 70.0), (2, 2), 20.0),
        ("a", "mid2", [], (), False, False, "insufficient", 20.0,
         (10.0, 100.0), (70.0, 70.0), (2, 2), 20.0),
    ]  # fmt: skip
    assert tiny.unknowns[2].searched == "2026-11-30"  # A recorded a search for big


def test_checks_and_per_profile_counts(tiny: ResearchQueue) -> None:
    """known has stale_after_months 12: A's (2025-06-01) went stale after 2026-06-01; B's
    (2026-03-01) goes stale on 2027-03-01, within 6 months of 2026-12-06. B's mid2 is an
    assumption; B's known cites no passage (its abuse cites a search for its absence value,
    mid1 a quote)."""
    assert [(c.kind, c.profile, c.fact, c.line, c.detail) for c in tiny.checks] == [
        ("stale", "a", "known", 7, "dated 2025-06-01; stale after 2026-06-01"),
        ("going_stale", "b", "known", 13, "dated 2026-03-01; goes stale on 2027-03-01"),
        ("assumption", "b", "mid2", 12, "assumed b"),
        ("unquoted", "b", "known", 13, "no quoted passage supports it"),
    ]
    counts = [
        (p.profile, p.band, p.evidence_sufficient, p.unknown, p.settle_a_flag, p.unverified_flags)
        for p in tiny.profiles
    ]
    assert counts == [("a", "failing", False, 4, 1, 1), ("b", "weak", False, 1, 0, 0)]
    assert tiny.failures(["stale", "unquoted", "insufficient", "going-stale"]) == [
        "2 profile(s) with insufficient evidence",
        "1 stale fact(s)",
        "1 fact(s) going stale within 6 months",
        "1 fact(s) without a quoted passage",
    ]
    assert tiny.failures(["assumption"]) == ["1 assumption(s) to confirm"]


def test_a_number_fact_is_tried_on_a_grid_and_at_every_bound_a_criterion_reads() -> None:
    mini = open_criteria(MINI)
    # share: 0 to 100 in 11 even steps; c-linear's points at 0 and 50 and c-weighted's steps
    # at 20 and 60 are on that grid already; a step at 55 would be added
    assert candidate_values(mini.facts["share"], mini) == list(range(0, 101, 10))
    moved = mini.criterion("c-weighted")
    rule = moved.rule.parts[1].rule.model_copy(update={"steps": [
        moved.rule.parts[1].rule.steps[0].model_copy(update={"at_least": 55})]})  # fmt: skip
    parts = [moved.rule.parts[0], moved.rule.parts[1].model_copy(update={"rule": rule})]
    edited = moved.model_copy(update={"rule": moved.rule.model_copy(update={"parts": parts})})
    other = replace(
        mini, criteria=tuple(edited if c.id == "c-weighted" else c for c in mini.criteria)
    )
    assert candidate_values(mini.facts["share"], other) == [
        *range(0, 51, 10),
        55,
        *range(60, 101, 10),
    ]
    assert candidate_values(mini.facts["flag"], mini) == [False, True]
    assert candidate_values(mini.facts["risk"], mini) == ["severe", "some", "none"]


MINI_FACTS = {
    "flag": st.sampled_from([False, True]),
    "level": st.sampled_from(["low", "mid", "high"]),
    "n_a": st.sampled_from([False, True]),
    "risk": st.sampled_from(["severe", "some", "none"]),
}


@settings(max_examples=8)
@given(stated=st.fixed_dictionaries({}, optional=MINI_FACTS))
def test_the_number_grid_finds_the_same_extremes_as_every_whole_number(stated) -> None:
    """For any mix of stated facts, the narrowest and widest score range the queue reports for
    `share` (tried on its grid) are those of every whole number 0..100 (the rules are
    piecewise linear: their extremes sit at corners the grid holds)."""
    mini = open_criteria(MINI)
    profile = Profile(
        "p.yaml",
        ProjectInfo(name="T", country="Nowhere"),
        None,
        {},
        {k: StatedFact(k, v) for k, v in stated.items()},
    )

    def width(value: int) -> float:
        facts = {**profile.facts, "share": StatedFact("share", value)}
        low, high = evaluate(replace(profile, facts=facts), mini, AS_OF).score_range
        return round(high - low, 2)

    (row,) = [u for u in research_queue([profile], mini, AS_OF).unknowns if u.fact == "share"]
    dense = [width(v) for v in range(101)]
    assert row.score_width_after == (min(dense), max(dense))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-08-31", 6, "2027-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2025-06", 12, "2026-06-01"),
        ("2025", 24, "2027-01-01"),
        ("2026-12-06", 0, "2026-12-06"),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(
    day: str, months: int, expected: str
) -> None:
    assert add_months(day, months) == expected


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["evidence", *args])
    return result.exit_code, result.stdout, result.stderr


def test_fail_on_trips_exit_1_and_bad_usage_exits_2() -> None:
    base = [str(QUEUE / "profiles"), "--criteria", str(QUEUE), "--as-of", AS_OF, "-f", "json"]
    code, out, err = _cli(*base)
    assert code == 0, err
    assert [u["fact"] for u in json.loads(out)["unknowns"]] == [
        "abuse",
        "big",
        "big",
        "mid1",
        "mid2",
    ]
    code, _, err = _cli(*base, "--fail-on", "unverified-flag,assumption")
    assert code == 1
    assert err == (
        "riskscore evidence: --fail-on tripped: 1 unverified red flag(s); "
        "1 assumption(s) to confirm\n"
    )
    code, _, err = _cli(*base, "--fail-on", "unqouted")
    assert code == 2 and "--fail-on: unknown condition 'unqouted' (did you mean 'unquoted'?)" in err
    code, _, err = _cli(*base[:-4], "--as-of", "2026-13-01")
    assert code == 2 and "--as-of: '2026-13-01' is not a date" in err


def test_a_subprocess_run_gives_the_csv_and_the_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "queue.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "riskscore", "evidence", str(QUEUE / "profiles" / "a.yaml"),
         "--criteria", str(QUEUE), "--as-of", AS_OF, "--format", "csv", "-o", str(out),
         "--fail-on", "stale"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "1 stale fact(s)" in proc.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("1,unknown,a,")
    assert lines[-1].startswith(",stale,a,")


def test_csv_escapes_a_profile_name_a_spreadsheet_would_run(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "=HYPERLINK(1).yaml").write_text(
        (QUEUE / "profiles" / "b.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, out, err = _cli(str(folder), "--criteria", str(QUEUE), "--as-of", AS_OF, "-f", "csv")
    assert code == 0, err
    row = out.splitlines()[1].split(",")
    assert row[2] == "'=HYPERLINK(1)"


@pytest.fixture(scope="module")
def shipped_queue() -> ResearchQueue:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # rows name projects/…, wherever pytest runs
        cset = open_criteria(Path("criteria"))
        profiles = load_profiles(sorted(Path("projects").glob("*.yaml")), cset)
        return research_queue(profiles, cset, AS_OF, 6, AS_OF)


def _one(queue: ResearchQueue, slug: str) -> ResearchQueue:
    return ResearchQueue(
        queue.as_of,
        queue.within,
        [u for u in queue.unknowns if u.profile == slug],
        [c for c in queue.checks if c.profile in (slug, "countries/pk.yaml")],
        [p for p in queue.profiles if p.profile == slug],
    )


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_golden_queue_for_one_profile(fmt: str, file_regression) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        cset = open_criteria(Path("criteria"))
        profiles = load_profiles([Path("projects/reko-diq.yaml")], cset)
        queue = research_queue(profiles, cset, AS_OF, 6, AS_OF)
    text = render(queue, fmt, RenderOptions(width=100))
    ext = {"table": ".txt", "markdown": ".md", "json": ".json", "csv": ".csv"}[fmt]
    file_regression.check(text, extension=ext)


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_golden_queue_for_projects(shipped_queue: ResearchQueue, fmt: str, file_regression) -> None:
    text = render(shipped_queue, fmt, RenderOptions(width=100))
    file_regression.check(text, extension={"markdown": ".md", "csv": ".csv"}[fmt])


def test_a_portfolio_queue_holds_each_profiles_own_queue(shipped_queue: ResearchQueue) -> None:
    """One queue across profiles ranks the same rows each profile's own queue has."""
    alone = _one(shipped_queue, "saindak")
    assert alone.unknowns and all(u.path == "projects/saindak.yaml" for u in alone.unknowns)
    assert [u.rank_key() for u in alone.unknowns] == sorted(u.rank_key() for u in alone.unknowns)
    counts = {p.profile: p.unknown for p in shipped_queue.profiles}
    assert sum(counts.values()) == len(shipped_queue.unknowns)
