"""Long commands show progress on stderr when it is a terminal, and nothing otherwise.

A real subprocess whose stderr is a pseudo-terminal (pty) is what a person at a terminal has;
stdout stays a pipe, so the output is untouched.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ALPHA_PROFILE as PROFILE
from tests.conftest import MINI


def run(args: list[str], cwd: Path, tty: bool) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `riskscore ARGS`, stderr on a pty when `tty`."""
    command = [sys.executable, "-m", "riskscore", *args]
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm", "RISKSCORE_TODAY": "2026-11-23"}
    if not tty:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    out = proc.stdout.read().decode() if proc.stdout else ""
    code = proc.wait(timeout=120)
    os.close(leader)
    return code, out, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "alpha.yaml"
    path.write_text(PROFILE)
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")
def test_report_names_its_stages_on_a_terminal_only(profile: Path, tmp_path: Path) -> None:
    args = ["report", str(profile), "-c", str(MINI), "-o", str(tmp_path / "r.html")]
    code, _, err = run(args, tmp_path, tty=True)
    assert code == 0, err
    assert "Writing the report: scoring 1 profile" in err
    assert "Writing the report: weight sensitivity (200 samples)" in err
    code, _, err = run(args, tmp_path, tty=False)
    assert code == 0 and "Writing the report" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")
def test_sensitivity_shows_progress_on_a_terminal_only(profile: Path, tmp_path: Path) -> None:
    pytest.importorskip("SALib")
    args = ["sensitivity", str(profile), "-c", str(MINI), "-n", "16", "-f", "json"]
    code, out, err = run(args, tmp_path, tty=True)
    assert code == 0, err
    assert "Sensitivity: 16 base samples over 1 profile, 100 resamples" in err
    assert out.startswith("{")  # stdout untouched
    code, _, err = run(args, tmp_path, tty=False)
    assert code == 0 and "Sensitivity" not in err
