"""Uncertainty and Sobol sensitivity analysis (issue 12): hand-computed on the mini set,
sample 0 against evaluate() on every shipped profile and lens, CLI behaviour and goldens."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from SALib.sample import sobol as salib_sobol
from typer.testing import CliRunner

from riskscore.analysis.pipeline import load_profiles
from riskscore.analysis.uncertainty.adapter import criterion_outcome, engine_overall
from riskscore.analysis.uncertainty.inputs import MISSING, build_space
from riskscore.analysis.uncertainty.model import build_model, evaluate_draws
from riskscore.analysis.uncertainty.run import run_uncertainty
from riskscore.analysis.uncertainty.saltelli import saltelli_sample
from riskscore.commands.analysis import sensitivity
from riskscore.engine.aggregate import aggregate_float
from riskscore.engine.evaluate import evaluate
from riskscore.load.criteria import models as m
from riskscore.load.criteria.criteria_set import CriteriaSet
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.profile import build_profile
from riskscore.load.profile_models import Profile
from riskscore.load.yaml_reader import parse_yaml
from tests.conftest import MINI, PROJECTS, ROOT, SHIPPED, mini_profile

app = typer.Typer()
app.command()(sensitivity)
app.command(name="unused")(lambda: None)  # two commands: `sensitivity` stays a subcommand
runner = CliRunner()
TODAY = "2026-11-23"
# A 100 (flag, level high), B: c-linear 0, c-na not applicable, c-weighted (1 + 0)/4 = 0.25.
STRONG_A = "flag: true\nlevel: high\nshare: 0\nn_a: true"
ONLY = {
    "weights": {"spread": 0},
    "aggregation": {"alternatives": ["arithmetic"]},
    "unknowns": {"vary": False},
    "assumptions": {"vary": False},
    "cutoffs": {"points": 0},
}


DOCUMENTED = {"draw": "documented", "gate_prior": 1 / 3}
"""Unknown facts drawn as if documented; with the mini set's one red-flag value (risk: severe)
of three, a prior of 1/3 draws every value alike, so the cases below read as uniform draws."""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["sensitivity", *args], env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


def profile(cset: CriteriaSet, facts: str, name: str = "Test") -> Profile:
    text = mini_profile(facts).replace("name: Test", f"name: {name}")
    return build_profile(parse_yaml(text, f"{name}.yaml"), cset)


def spec(**groups: dict[str, object]) -> m.Uncertainty:
    """Only the named groups vary (as given); every other group is switched off."""
    return m.Uncertainty.model_validate({**ONLY, **groups})


def model_at(cset: CriteriaSet, profiles: list[Profile], u: m.Uncertainty, x: list[list[float]]):
    space = build_space(profiles, cset, u)
    scores, bands = evaluate_draws(build_model(profiles, cset, space), space.decode(np.array(x)))
    return space, scores, bands


# --- sample 0 is evaluate() ------------------------------------------------------------------


@pytest.mark.parametrize("lens", [None, "community", "investor", "state"])
def test_sample_zero_reproduces_evaluate_for_every_shipped_profile(lens: str | None) -> None:
    cset = load_criteria(SHIPPED).with_lens(lens)
    profiles = load_profiles(sorted(PROJECTS.glob("*.yaml")), cset)
    shipped = cset.header.uncertainty
    # The set keeps unknown facts unknown (scored 0, as the method scores them): no variable.
    assert "unknowns" not in build_space(profiles, cset, shipped).group_names()
    documented = m.UnknownUncertainty.model_validate({"draw": "documented"})
    space = build_space(profiles, cset, shipped.model_copy(update={"unknowns": documented}))
    assert set(space.group_names()) == {
        "weights",
        "aggregation",
        "unknowns",
        "assumptions",
        "cutoffs",
    }
    scores, bands = evaluate_draws(build_model(profiles, cset, space), space.nominal())
    band_ids = [b.id for b in cset.header.bands]
    for j, p in enumerate(profiles):
        card = evaluate(p, cset, TODAY)
        assert abs(scores[0, j] - engine_overall(p, cset)) <= 1e-9
        # The scorecard prints the exact score rounded half-up to 2 digits; a float sum may sit
        # just under a half (7.504999... for an exact 7.505), so compare within half a unit.
        assert abs(float(scores[0, j]) - card.score) <= 0.005 + 1e-9
        assert band_ids[bands[0, j]] == card.band


# --- hand-computed on the mini set -----------------------------------------------------------


def test_geometric_aggregation_by_hand(mini: CriteriaSet) -> None:
    # Arithmetic: 0.75 x 100 + 0.25 x 12.5 = 78.125. Geometric with floor 1: pillars move to
    # 1 + 0.99 P (100 and 13.375), G = 100^0.75 x 13.375^0.25, back: (G - 1) / 0.99.
    p = profile(mini, STRONG_A)
    _, scores, bands = model_at(mini, [p], spec(aggregation={}), [[0.2], [0.7]])
    geometric = (100**0.75 * 13.375**0.25 - 1) / 0.99
    assert scores[:, 0] == pytest.approx([78.125, geometric], abs=1e-9)
    assert geometric == pytest.approx(60.0754, abs=1e-4)
    # Pillar B 12.5 misses good's pillar minimum of 50 either way: weak.
    assert list(bands[:, 0]) == [1, 1]


def test_unknown_fact_is_drawn_over_its_values_in_order(mini: CriteriaSet) -> None:
    p = profile(mini, "flag: true\nshare: 0\nn_a: true")  # level and risk unknown
    x = [[0.1, 0.0], [0.5, 0.5], [0.9, 0.9]]  # risk only feeds c-na, not applicable here
    space, scores, _ = model_at(mini, [p], spec(unknowns=DOCUMENTED), x)
    (fc,) = [f for f in space.facts if f.fact == "level"]
    assert fc.choices == (MISSING, "low", "mid", "high")
    # A = (2 x 1 + 1 x level score) / 3 x 100; B = 12.5 as above.
    expected = [0.75 * 100 * (2 + s) / 3 + 0.25 * 12.5 for s in (0, 0.5, 1)]
    assert scores[:, 0] == pytest.approx(expected, abs=1e-9)
    # Sample 0 keeps it unknown, scored 0 by the set's policy: the same as `low` here.
    nominal, _ = evaluate_draws(build_model([p], mini, space), space.nominal())
    assert nominal[0, 0] == pytest.approx(expected[0], abs=1e-9)


def test_unknown_applicability_and_red_flag_follow_the_drawn_value(mini: CriteriaSet) -> None:
    # n_a and risk unknown: c-na applies when n_a is drawn false; risk severe trips the gate.
    p = profile(mini, "flag: true\nlevel: high\nshare: 100")
    i = [c.id for c in mini.criteria].index("c-na")
    assert criterion_outcome(mini, i, {"n_a": True, "risk": "severe"}) == (None, 0)
    assert criterion_outcome(mini, i, {"n_a": False, "risk": "severe"}) == (0.0, 1)
    assert criterion_outcome(mini, i, {"n_a": False}) == (0.0, 0)  # unknown risk: no flag
    space = build_space([p], mini, spec(unknowns=DOCUMENTED))
    assert [f.fact for f in space.facts] == ["n_a", "risk"]
    # n_a false (x < 0.5), risk severe (x < 1/3): B = (1 + 0 + 1) / 4 -> 0.75 x 100 + 12.5
    _, scores, bands = model_at(mini, [p], spec(unknowns=DOCUMENTED), [[0.2, 0.1], [0.7, 0.1]])
    assert scores[:, 0] == pytest.approx([75 + 0.25 * 50, 100.0], abs=1e-9)
    assert list(bands[:, 0]) == [1, 0]  # capped at weak by the red flag; then good


def test_assumed_fact_moves_one_step_either_way(mini: CriteriaSet) -> None:
    p = profile(mini, STRONG_A.replace("level: high", "level: {value: mid, assumption: true}"))
    space, scores, _ = model_at(mini, [p], spec(assumptions={}), [[0.1], [0.5], [0.9]])
    (fc,) = space.facts
    assert (fc.fact, fc.group, fc.choices) == ("level", "assumptions", ("mid", "low", "high"))
    assert scores[:, 0] == pytest.approx(
        [0.75 * 100 * (2 + s) / 3 + 0.25 * 12.5 for s in (0, 0.5, 1)], abs=1e-9
    )


def test_band_cutoffs_move_by_the_declared_points(mini: CriteriaSet) -> None:
    # 60 scores weak at the set's minimums (weak from 40); good needs 75 and pillar B >= 50.
    # flag false, level high, share 100, n_a true: A = 1/3 x 100, B = (1 + 0.75) / 2 = 87.5
    p = profile(mini, "flag: false\nlevel: high\nshare: 100\nn_a: true")
    x = [[0.0, 0.0, 0.5], [1.0, 1.0, 0.5]]  # good and weak minimums -10 or +10 points
    _, scores, bands = model_at(mini, [p], spec(cutoffs={"points": 10}), x)
    assert scores[0, 0] == pytest.approx(0.75 * 100 / 3 + 0.25 * 87.5, abs=1e-9)  # 46.875
    assert list(bands[:, 0]) == [1, 2]  # weak (min 30), then failing (min 50 > 46.88)


def test_uniform_weights_scale_each_weight_within_the_spread(mini: CriteriaSet) -> None:
    p = profile(mini, STRONG_A)
    u = spec(weights={"spread": 0.5})
    space = build_space([p], mini, u)
    draws = space.decode(np.array([[0.0] * 7, [1.0] * 7, [0.5] * 7]))
    assert draws.pillar_w.tolist() == [[1.5, 0.5], [4.5, 1.5], [3.0, 1.0]]
    scores, _ = evaluate_draws(build_model([p], mini, space), draws)
    assert scores[:, 0] == pytest.approx([78.125] * 3, abs=1e-9)  # same ratios, same score


def test_dirichlet_weights_keep_their_pillar_totals(mini: CriteriaSet) -> None:
    space = build_space(
        [profile(mini, STRONG_A)], mini, spec(weights={"distribution": "dirichlet"})
    )
    draws = space.decode(np.random.default_rng(1).random((50, 7)))
    assert draws.pillar_w.sum(axis=1) == pytest.approx([4.0] * 50)
    pillar_of = space.crit_pillar
    for k, total in enumerate((3.0, 4.0)):  # pillar a: 2 + 1; pillar b: 1 + 2 + 1
        assert draws.crit_w[:, pillar_of == k].sum(axis=1) == pytest.approx([total] * 50)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1, exclude_max=True), min_size=13, max_size=13))
def test_any_draw_scores_as_the_engine_would(x: list[float]) -> None:
    """Arithmetic rows: the numpy model equals engine.aggregate.aggregate_float() of the
    engine's criterion outcomes under the drawn weights and fact values."""
    mini = load_criteria(MINI)
    p = profile(mini, "flag: true\nlevel: {value: mid, assumption: true}\nshare: 30")
    u = spec(weights={"spread": 0.4}, unknowns=DOCUMENTED, assumptions={})
    space = build_space([p], mini, u)
    assert len(space.names) == 7 + 3  # weights; n_a, risk unknown; level assumed
    row = np.array([x[:10]])
    draws = space.decode(row)
    scores, _ = evaluate_draws(build_model([p], mini, space), draws)
    values = {"flag": True, "share": 30}
    for j, fc in enumerate(space.facts):
        value = fc.choices[draws.choice[0, j]]
        if value is not MISSING:
            values[fc.fact] = value
    items = [
        (c.id, c.pillar, float(draws.crit_w[0, i]), criterion_outcome(mini, i, values)[0])
        for i, c in enumerate(mini.criteria)
    ]
    pillars = {pl.id: float(draws.pillar_w[0, k]) for k, pl in enumerate(mini.header.pillars)}
    assert scores[0, 0] == pytest.approx(aggregate_float(items, pillars).overall, abs=1e-9)


# --- SALib -----------------------------------------------------------------------------------


def test_the_vectorised_design_is_salibs_own() -> None:
    problem = {
        "num_vars": 6,
        "names": list("abcdef"),
        "bounds": [[0.0, 1.0]] * 6,
        "groups": ["w", "w", "agg", "u", "u", "u"],
    }
    for seed in (0, 5):
        ours = saltelli_sample(problem, 32, seed)
        assert ours.shape == (32 * 5, 6)
        assert np.array_equal(
            ours, salib_sobol.sample(problem, 32, calc_second_order=False, seed=seed)
        )


def test_one_varied_choice_takes_all_the_variance(mini: CriteriaSet) -> None:
    profiles = [
        profile(mini, STRONG_A, "A"),
        profile(mini, "flag: false\nlevel: high\nshare: 100\nn_a: true", "B"),
    ]
    result = run_uncertainty(profiles, mini, spec(aggregation={}), 256, 0)
    assert result.inputs == {"aggregation": 1}
    for p in result.projects:
        (ix,) = p.sobol.indices
        assert ix.group == "aggregation" and ix.total == pytest.approx(1, abs=0.05)
        assert p.sobol.reading.endswith(
            "comes from pillar aggregation: "
            "decide whether a weak pillar may be offset by strong ones."
        )
        assert p.sobol.converged
    # Both aggregations keep A first: the ranking never moves.
    assert (result.rank_shift.p05, result.rank_shift.p95) == (0, 0)
    assert result.portfolio.variance == 0 and result.portfolio.reading == (
        "Nothing declared uncertain moves the portfolio's ranking."
    )


def test_uncertainty_statistics_by_hand(mini: CriteriaSet) -> None:
    # Only aggregation varies: half the rows arithmetic (78.125), half geometric (60.08).
    result = run_uncertainty([profile(mini, STRONG_A)], mini, spec(aggregation={}), 64, 3)
    (p,) = result.projects
    assert (p.baseline, p.baseline_band, p.baseline_rank) == (78.12, "weak", 1)
    assert (p.score.p05, p.score.p95) == (60.08, 78.12)
    assert p.band_probability == {"good": 0.0, "weak": 1.0, "failing": 0.0}
    assert result.model_runs == 1 + 64 * 3 and result.uncertainty_samples == 128


# --- the command -----------------------------------------------------------------------------


def mini_files(write: Callable[[str, str], Path]) -> list[str]:
    a = write("a.yaml", mini_profile(STRONG_A).replace("name: Test", "name: A side"))
    b = write(
        "b.yaml",
        mini_profile("flag: false\nlevel: {value: high, assumption: true}\nshare: 100").replace(
            "name: Test", "name: B side"
        ),
    )
    return [str(a), str(b)]


def test_same_seed_same_bytes_other_seed_other_numbers(write) -> None:
    files = mini_files(write)
    args = (*files, "-c", str(MINI), "-n", "64", "-f", "json")
    first, second = run(*args, "--seed", "7"), run(*args, "--seed", "7")
    assert first[0] == 0, first[2]
    assert first == second
    other = run(*args, "--seed", "8")
    assert json.loads(first[1])["projects"] != json.loads(other[1])["projects"]


def test_json_reports_every_part_the_issue_names(write) -> None:
    code, out, err = run(*mini_files(write), "-c", str(MINI), "-n", "32", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["inputs"] == {  # unknown facts stay unknown by default: no variable
        "weights": 7,
        "aggregation": 1,
        "assumptions": 1,
        "cutoffs": 3,
    }
    for p in data["projects"]:
        assert set(p) >= {"score", "rank", "band_probability", "sobol"}
        assert [i["group"] for i in p["sobol"]["indices"]] == list(data["inputs"])
        assert sum(p["band_probability"].values()) == pytest.approx(1)
    assert data["portfolio"]["output"] == "mean absolute rank shift"


def test_markdown_golden(write, file_regression) -> None:
    code, out, err = run(*mini_files(write), "-c", str(MINI), "-n", "32", "-f", "markdown")
    assert code == 0, err
    file_regression.check(out, extension=".md")


def test_without_the_extra_it_says_what_to_install(write, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)  # `import SALib...` now raises ImportError
    monkeypatch.setitem(sys.modules, "SALib.analyze.sobol", None)
    code, out, err = run(*mini_files(write), "-c", str(MINI))
    assert code == 2 and out == ""
    assert "pip install 'riskscore[analysis]'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-n", "1000"), "--samples must be a power of 2, at least 4 (got 1000)"),
        (("--resamples", "5"), "--resamples must be at least 10"),
        (("--lens", "b-heavi"), "no lens 'b-heavi' (did you mean 'b-heavy'?)"),
    ],
)
def test_bad_options_are_exit_2(write, args: tuple[str, ...], message: str) -> None:
    code, _, err = run(*mini_files(write), "-c", str(MINI), *args)
    assert code == 2 and message in err


def test_uncertainty_file_replaces_groups_and_reports_bad_keys(write) -> None:
    files = mini_files(write)
    switched_off = "".join(f"{k}: {json.dumps(v)}\n" for k, v in ONLY.items() if k != "cutoffs")
    only_cutoffs = write("u.yaml", switched_off + "cutoffs: {points: 3}\n")
    code, out, err = run(
        *files, "-c", str(MINI), "-n", "8", "-f", "json", "--uncertainty", str(only_cutoffs)
    )
    assert code == 0, err
    assert json.loads(out)["inputs"] == {"cutoffs": 3}
    bad = write("bad.yaml", "weights:\n  sprad: 0.1\n")
    code, _, err = run(*files, "-c", str(MINI), "--uncertainty", str(bad))
    assert code == 2 and f"{bad}:2:" in err and "sprad" in err
    nothing = write("none.yaml", "\n".join(f"{k}: {json.dumps(v)}" for k, v in ONLY.items()) + "\n")
    code, _, err = run(*files, "-c", str(MINI), "--uncertainty", str(nothing))
    assert code == 2 and "varies nothing" in err


def test_a_lens_may_replace_uncertainty_groups() -> None:
    base = m.Uncertainty()
    lens = m.Uncertainty.model_validate({"cutoffs": {"points": 2}})
    merged = base.overridden(lens)
    assert merged.cutoffs.points == 2 and merged.weights == base.weights


def test_the_real_command_runs_in_a_subprocess(write) -> None:
    files = mini_files(write)
    done = subprocess.run(
        [sys.executable, "-m", "riskscore", "sensitivity", *files, "-c", str(MINI), "-n", "8"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Sobol indices per input group" in done.stdout


def test_top_individual_inputs_name_the_fact_that_moves_the_score(mini: CriteriaSet) -> None:
    # level and risk unknown; risk only feeds c-na, which n_a: true makes not applicable.
    p = profile(mini, "flag: true\nshare: 0\nn_a: true", "A")
    result = run_uncertainty([p], mini, spec(unknowns=DOCUMENTED), 128, 0)
    tops = result.projects[0].sobol.top_inputs
    assert [t.input for t in tops] == ["unknown level (A)", "unknown risk (A)"]
    assert tops[0].first > 0.9 and abs(tops[1].first) < 0.05
    # Below 64 base samples there are too few rows for RBD-FAST: none are reported.
    assert (
        run_uncertainty([p], mini, spec(unknowns=DOCUMENTED), 32, 0).projects[0].sobol.top_inputs
        == []
    )


# --- the HTML report's section ---------------------------------------------------------------


def run_report(*args: str) -> tuple[int, str, str]:
    from riskscore.commands.report import report

    report_app = typer.Typer()
    report_app.command()(report)
    result = runner.invoke(report_app, list(args), env={"RISKSCORE_TODAY": TODAY})
    return result.exit_code, result.stdout, result.stderr


def test_report_gets_the_uncertainty_section_only_when_asked(write, tmp_path: Path) -> None:
    files = mini_files(write)
    page = tmp_path / "r.html"
    code, _, err = run_report(*files, "-c", str(MINI), "-o", str(page))
    assert code == 0, err
    assert 'id="uncertainty"' not in page.read_text(encoding="utf-8")
    args = (*files, "-c", str(MINI), "-o", str(page), "--uncertainty-samples", "16")
    code, _, err = run_report(*args)
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    section = text[text.index('<section id="uncertainty">') :]
    assert "Median rank of every project with its 5–95% interval" in section
    # One Sobol chart for the portfolio, one per project, each with its reading.
    assert section.count('aria-label="Sobol indices of') == 3
    assert "Sobol indices of its score: B side" in section
    first = run_report(*args)
    assert first[0] == 0 and page.read_text(encoding="utf-8") == text  # same seed, same page


def test_report_section_needs_the_extra_and_a_power_of_two(write, monkeypatch) -> None:
    files = mini_files(write)
    code, _, err = run_report(*files, "-c", str(MINI), "-o", "-", "--uncertainty-samples", "100")
    assert code == 2 and "power of 2" in err
    monkeypatch.setitem(sys.modules, "SALib", None)
    monkeypatch.setitem(sys.modules, "SALib.analyze.sobol", None)
    code, _, err = run_report(*files, "-c", str(MINI), "-o", "-", "--uncertainty-samples", "16")
    assert code == 2 and "pip install 'riskscore[analysis]'" in err


def test_rank_chart_places_ranks_on_a_linear_axis() -> None:
    from riskscore.render.uncertainty_svg import RankRow, rank_intervals

    svg = str(rank_intervals([RankRow("P", 1, 1, 2, 5)], 5, "ranks", width=500, left=100))
    # span = 500 - 100 - 70 = 330; rank r sits at 100 + (r - 1) / 4 x 330.
    assert '<line x1="100.0" y1="37.0" x2="430.0" y2="37.0" class="range">' in svg
    assert '<line x1="182.5" y1="29.0" x2="182.5" y2="45.0" class="median"/>' in svg


def test_sobol_bars_are_proportional_and_escaped() -> None:
    from riskscore.render.uncertainty_svg import GroupBar, sobol_bars

    svg = str(sobol_bars([GroupBar("<w>", 0.5, 0.1, 1.0, 0.0)], "s", width=500, left=100))
    # span 330: 0.5 -> 165 wide, 1.0 -> 330 wide.
    assert 'width="165.0" height="10"' in svg and 'width="330.0" height="10"' in svg
    assert "&lt;w&gt;" in svg and "<w>" not in svg


def test_a_lens_file_replaces_the_groups_it_states(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    (folder / "lenses" / "sure.yaml").write_text(
        "id: sure\ntitle: Sure\ndescription: Narrow cut-offs.\n"
        "uncertainty:\n  cutoffs: {points: 1}\n  unknowns: {vary: false}\n",
        encoding="utf-8",
    )
    cset = load_criteria(folder)
    lensed = cset.with_lens("sure").header.uncertainty
    assert (lensed.cutoffs.points, lensed.unknowns.vary) == (1, False)
    assert lensed.weights == cset.header.uncertainty.weights  # not stated: the set's own
    assert cset.header.uncertainty.cutoffs.points == 5


def test_an_assumed_number_moves_one_grid_step(mini: CriteriaSet) -> None:
    # share: 0 to 100 on an 11-point grid, so one step is 10; 30 -> {20, 30, 40}.
    p = profile(mini, "flag: true\nlevel: high\nn_a: true\nshare: {value: 30, assumption: true}")
    space, scores, _ = model_at(mini, [p], spec(assumptions={}), [[0.1], [0.5], [0.9]])
    (fc,) = space.facts
    assert fc.choices == (30, 20.0, 40.0)
    # B = (c-linear share/50 + c-weighted (1 + 3 x 0.5) / 4) / 2; share >= 20 keeps 0.5.
    expected = [75 + 0.25 * 100 * (s / 50 + 0.625) / 2 for s in (20, 30, 40)]
    assert scores[:, 0] == pytest.approx(expected, abs=1e-9)


@pytest.mark.xdist_group("shipped-page")
def test_headless_chromium_draws_both_uncertainty_charts(tmp_path: Path, request) -> None:
    """The shipped report with its uncertainty section (tests/conftest.py's shipped_full_report,
    made once for this test and the layout tests) in a real browser."""
    from tests.chromium import require_chromium, run_chromium

    require_chromium()
    page = request.getfixturevalue("shipped_full_report")
    dom = run_chromium("--dump-dom", page.as_uri(), profile=tmp_path / "b").stdout
    section = dom[dom.index('<section id="uncertainty">') :]
    section = section[: section.index("</section>")]
    # The browser kept the rank chart and one Sobol chart per project plus the portfolio's,
    # each with two bars (first- and total-order) per input group: four groups, since the
    # shipped set keeps unknown facts unknown (weights, aggregation, assumptions, cut-offs).
    assert section.count('aria-label="Median rank of every project') == 1
    projects = len(list(PROJECTS.glob("*.yaml")))
    assert section.count('aria-label="Sobol indices of') == projects + 1
    assert section.count('height="10" fill=') == (projects + 1) * 4 * 2 + 2 * (projects + 1)
