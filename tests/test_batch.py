"""Portfolio runs: streamed JSON equals the canonical dump, whatever the number of workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskscore.analysis import portfolio
from riskscore.analysis.pipeline import evaluate_paths
from riskscore.analysis.portfolio import evaluate_json, json_document
from riskscore.errors import ErrorGroup
from riskscore.load.criteria.criteria_set import CriteriaSet
from tests.conftest import PROJECTS, mini_profile

TODAY = "2026-11-23"


def test_streamed_json_is_byte_identical_to_the_report_dump(shipped: CriteriaSet) -> None:
    files = sorted(PROJECTS.glob("*.yaml"))
    canonical = evaluate_paths(files, shipped, TODAY).model_dump_json(indent=2) + "\n"
    for jobs in (1, 2):
        chunks = json_document(shipped, evaluate_json(files, shipped, TODAY, jobs=jobs))
        assert b"".join(chunks).decode() == canonical


def test_empty_report_streams_like_the_dump(shipped: CriteriaSet) -> None:
    assert b"".join(json_document(shipped, [])).decode() == (
        evaluate_paths([], shipped).model_dump_json(indent=2) + "\n"
    )


def test_a_bad_profile_fails_the_run_after_reporting_all(mini: CriteriaSet, tmp_path: Path) -> None:
    good = tmp_path / "a.yaml"
    good.write_text(mini_profile("flag: true"))
    bad1 = tmp_path / "b.yaml"
    bad1.write_text(mini_profile("flag: maybe"))
    bad2 = tmp_path / "c.yaml"
    bad2.write_text(mini_profile("share: 200"))
    with pytest.raises(ErrorGroup) as info:
        list(evaluate_json([good, bad1, bad2], mini, TODAY))
    messages = [str(e) for e in info.value.errors]
    assert messages == [
        f"{bad1}:5: facts.flag: expected true or false, got 'maybe'",
        f"{bad2}:5: facts.share: 200 is above the maximum 100 percent",
    ]


def test_progress_bar_never_touches_the_items(monkeypatch) -> None:
    import io

    from riskscore.commands import progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Tty()
    monkeypatch.setattr(progress.sys, "stderr", fake)
    items = [f"card {i}" for i in range(progress.PROGRESS_FROM)]
    assert list(progress.with_progress(iter(items), len(items))) == items
    assert list(progress.with_progress(iter(items[:3]), 3)) == items[:3]


def test_parallel_runs_score_with_the_lens_like_a_single_process(shipped: CriteriaSet) -> None:
    files = sorted(PROJECTS.glob("*.yaml"))
    investor = shipped.with_lens("investor")
    one, two = (
        b"".join(json_document(investor, evaluate_json(files, investor, TODAY, jobs=jobs)))
        for jobs in (1, 2)
    )
    assert one == two
    assert b'"lens": "investor"' in one
    assert one != b"".join(json_document(shipped, evaluate_json(files, shipped, TODAY, jobs=1)))


def test_a_worker_that_reloads_a_changed_set_scores_nothing(tmp_path: Path) -> None:
    """What a spawned worker does when the criteria files changed after the parent read them."""
    import shutil

    from riskscore.load.criteria.loader import load_criteria

    folder = tmp_path / "criteria"
    shutil.copytree(Path(__file__).parent / "data" / "mini", folder)
    parent = load_criteria(folder)
    (folder / "c-bool.yaml").write_text(
        (folder / "c-bool.yaml").read_text().replace("weight: 2", "weight: 3", 1)
    )
    profile = tmp_path / "p.yaml"
    profile.write_text(mini_profile("flag: true"))
    saved = dict(portfolio._WORKER)
    try:
        portfolio._WORKER.clear()  # a spawned worker starts with nothing
        portfolio._init_worker(str(folder), None, parent.hash, TODAY, True)
        assert portfolio._evaluate_one(str(profile)) == (
            None,
            None,
            [f"{folder}: the criteria set changed during the run; run again"],
        )
        portfolio._WORKER.clear()
        portfolio._init_worker(str(folder), None, load_criteria(folder).hash, TODAY, True)
        text, view, problems = portfolio._evaluate_one(str(profile))
        assert problems == [] and text is not None and view is not None
    finally:
        portfolio._WORKER.clear()
        portfolio._WORKER.update(saved)
