"""The command line through typer's CliRunner and through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.commands.app import COMMANDS, _requested, app, build_app
from tests.conftest import MINI, mini_profile

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_json_has_the_documented_shape(write) -> None:
    path = write("p.yaml", mini_profile("flag: true\nlevel: mid\nshare: 40\nn_a: true"))
    code, out, err = run("evaluate", str(path), "--criteria", str(MINI), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"riskscore_version", "criteria_set", "criteria", "scorecards"}
    assert [c["id"] for c in data["criteria"]] == [
        "c-bool",
        "c-levels",
        "c-linear",
        "c-na",
        "c-weighted",
    ]
    assert data["criteria_set"]["name"] == "mini"
    assert data["criteria_set"]["hash"].startswith("sha256:")
    card = data["scorecards"][0]
    assert card["score"] == 80.31 and card["band"] == "good"
    for key in ("project", "coverage", "flags", "pillars", "criteria"):
        assert key in card
    crit = card["criteria"][0]
    for key in ("id", "pillar", "weight", "score", "status", "points", "explanation", "sources"):
        assert key in crit


def test_fail_under_and_fail_on_flag_exit_1(write) -> None:
    path = write(
        "p.yaml", mini_profile("flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: severe")
    )
    base = ("evaluate", str(path), "--criteria", str(MINI), "--format", "json")
    assert run(*base)[0] == 0
    code, _, err = run(*base, "--fail-under", "90")
    assert code == 1 and "below --fail-under 90" in err
    code, _, err = run(*base, "--fail-on-flag")
    assert code == 1 and "red flag c-na" in err
    assert run(*base, "--fail-under", "80")[0] == 0


def test_bad_profile_is_path_line_message_and_exit_2(write) -> None:
    path = write("bad.yaml", mini_profile("flag: no\nlevle: mid"))
    code, out, err = run("evaluate", str(path), "--criteria", str(MINI))
    assert code == 2 and out == ""
    assert f"{path}:5: facts.flag: 'no' is not a boolean" in err
    assert f"{path}:6: facts.levle: unknown fact 'levle' (did you mean 'level'?)" in err
    assert "Traceback" not in err


def test_missing_path_and_empty_directory_are_usage_errors(tmp_path: Path) -> None:
    code, _, err = run("evaluate", str(tmp_path / "nope.yaml"), "--criteria", str(MINI))
    assert code == 2 and "no such file or directory" in err
    code, _, err = run("evaluate", str(tmp_path), "--criteria", str(MINI))
    assert code == 2 and "holds no .yaml profiles" in err
    code, _, err = run("evaluate", str(tmp_path / "*.yaml"), "--criteria", str(MINI))
    assert code == 2 and "matches no file" in err


def test_output_is_written_and_never_over_an_input(write, tmp_path: Path) -> None:
    path = write("p.yaml", mini_profile("flag: true"))
    before = path.read_bytes()
    code, _, err = run("evaluate", str(path), "--criteria", str(MINI), "-o", str(path))
    assert code == 2 and "refusing to overwrite an input file" in err
    assert path.read_bytes() == before
    out = tmp_path / "out.md"
    assert (
        run("evaluate", str(path), "--criteria", str(MINI), "-f", "markdown", "-o", str(out))[0]
        == 0
    )
    assert out.read_text().startswith("# Test — ")


def test_explain_and_unknown_criterion() -> None:
    code, out, _ = run("explain", "c-na", "--criteria", str(MINI))
    assert code == 0
    assert "Red flag (critical)" in out and "risk is one of {severe}" in out
    assert "Not applicable when n_a is one of {true}" in out
    code, _, err = run("explain", "c-nah", "--criteria", str(MINI))
    assert code == 2 and "no criterion 'c-nah' (did you mean 'c-na'?)" in err


def test_subprocess_evaluate_and_version(write) -> None:
    path = write("p.yaml", mini_profile("flag: true\nlevel: mid\nshare: 40\nn_a: true"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "riskscore",
            "evaluate",
            str(path),
            "--criteria",
            str(MINI),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scorecards"][0]["score"] == 80.31
    proc = subprocess.run(
        [sys.executable, "-m", "riskscore", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("riskscore ")


def test_validate_base_warns_when_content_changed_but_version_did_not(
    tmp_path: Path, monkeypatch
) -> None:
    import shutil

    shutil.copytree(MINI, tmp_path / "criteria")
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "criteria"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    code, _, err = run("validate", "--base", "HEAD", "--strict")
    assert code == 0 and "warning" not in err
    crit = tmp_path / "criteria" / "c-bool.yaml"
    crit.write_text(crit.read_text().replace("weight: 2", "weight: 3"))
    code, _, err = run("validate", "--base", "HEAD", "--strict")
    assert code == 1
    assert "but the set version is still 0.1.0" in err


def test_ranking_puts_a_capped_project_below_better_bands(write) -> None:
    capped = write(
        "capped.yaml",
        mini_profile("flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: severe").replace(
            "Test", "Capped"
        ),
    )
    fine = write(
        "fine.yaml",
        mini_profile("flag: true\nlevel: high\nshare: 60\nn_a: true").replace("Test", "Fine"),
    )
    code, out, _ = run("evaluate", str(capped), str(fine), "--criteria", str(MINI), "-f", "csv")
    assert code == 0
    rows = out.splitlines()[1:]
    # Capped scores 87.5 but its red flag caps it at weak; Fine (good) ranks first in table views.
    code, table, _ = run(
        "evaluate", str(capped), str(fine), "--criteria", str(MINI), "-f", "markdown"
    )
    ranking = [
        line for line in table.splitlines() if line.startswith("| 1 ") or line.startswith("| 2 ")
    ]
    assert "Fine" in ranking[0] and "Capped" in ranking[1]
    assert len(rows) == 2


def test_output_never_overwrites_a_criteria_file(tmp_path: Path, write) -> None:
    import shutil

    crit = tmp_path / "crit"
    shutil.copytree(MINI, crit)
    path = write("p.yaml", mini_profile("flag: true"))
    target = crit / "lenses" / "b-heavy.yaml"
    before = target.read_bytes()
    code, _, err = run("evaluate", str(path), "-c", str(crit), "-f", "csv", "-o", str(target))
    assert code == 2 and "refusing to overwrite an input file" in err
    code, _, err = run("criteria", "-c", str(crit), "-f", "json", "-o", str(crit / "set.yaml"))
    assert code == 2 and "refusing to overwrite an input file" in err
    assert target.read_bytes() == before


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_one_command_app_behaves_as_the_full_one(name: str) -> None:
    """main() builds only the command it runs (typer is slow to build them all); its help
    and its usage errors must read exactly as the full app's."""
    alone = build_app([name])
    for args in ([name, "--help"], [name, "--no-such-option"], ["--debug", name, "--help"]):
        full = runner.invoke(app, args, env={"COLUMNS": "100"})
        one = runner.invoke(alone, args, env={"COLUMNS": "100"})
        assert (one.exit_code, one.stdout, one.stderr) == (
            full.exit_code,
            full.stdout,
            full.stderr,
        ), args


def test_main_picks_the_command_only_when_nothing_precedes_it_but_root_flags() -> None:
    assert _requested(["evaluate", "x.yaml"]) == "evaluate"
    assert _requested(["--debug", "diff", "--base", "main"]) == "diff"
    assert _requested(["evalute"]) is None  # the full app says "did you mean"
    assert _requested(["--version"]) is None
    assert _requested(["--help"]) is None
    assert _requested([]) is None


def test_subprocess_command_help_matches_the_full_app() -> None:
    """The console script (one command built) prints what the full app prints."""
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    full_app = "from riskscore.commands.app import app; app(prog_name='riskscore')"
    outputs = [
        subprocess.run(
            [*argv, "report", "--help"], capture_output=True, text=True, check=False, env=env
        )
        for argv in (
            [str(Path(sys.executable).with_name("riskscore"))],
            [sys.executable, "-c", full_app],
        )
    ]
    assert outputs[0].returncode == outputs[1].returncode == 0
    assert outputs[0].stdout == outputs[1].stdout
    assert outputs[0].stdout.startswith("Usage: riskscore report [OPTIONS]")


def test_main_run_in_process_leaves_the_garbage_collector_as_it_found_it() -> None:
    """main() raises the young-object threshold for its run and freezes survivors only at
    process exit: a tool that calls main() again and again must still get its garbage freed."""
    script = (
        "import contextlib, gc, io, sys\n"
        "from riskscore.commands.app import main\n"
        "before = gc.get_threshold()\n"
        "sys.argv = ['riskscore', 'schema', 'profile']\n"
        "for _ in range(2):\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "        main()\n"
        "print(gc.get_freeze_count(), gc.get_threshold() == before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", "True"]


def test_top_level_help_shows_each_command_s_whole_first_sentence() -> None:
    from riskscore.commands.app import COMMANDS
    from riskscore.commands.help_style import first_sentence

    result = CliRunner().invoke(app, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    listed = " ".join(result.stdout.partition("Commands:")[2].split())
    assert listed and "..." not in listed  # click cut each summary at 45 characters
    for name, command in COMMANDS.items():
        sentence = first_sentence(command.__doc__ or "")
        assert sentence.endswith(".") and f"{name} {sentence}" in listed, name
