"""A run ends cleanly however it is ended (issue 22, section 4).

A real `riskscore` process is stopped by SIGTERM (a CI runner cancelling a job), SIGINT
(Ctrl-C) or SIGHUP while it writes `--output`: the write is made slow by wrapping the writer
in the child, the test waits until the temporary file exists, then sends the signal. No
temporary file and no half-written output may remain; the exit code is 128 + the signal's
number, with one line on stderr and no traceback.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MINI, mini_profile

SLOW_WRITER = """
import sys, time
from riskscore.commands import output

def slow(target, chunks, _write=output._write_via_temp):
    def dripping():
        yield from chunks
        sys.stderr.write("WRITING\\n")
        sys.stderr.flush()
        time.sleep(60)
        yield b""
    return _write(target, dripping())

def slow_binary(output_path, inputs=(), _target=output.binary_target):
    import contextlib
    @contextlib.contextmanager
    def held():
        with _target(output_path, inputs) as handle:
            yield handle
            sys.stderr.write("WRITING\\n")
            sys.stderr.flush()
            time.sleep(60)
    return held()

output._write_via_temp = slow
output.binary_target = slow_binary
sys.argv = ["riskscore", *sys.argv[1:]]
from riskscore.commands.app import main
main()
"""


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _stop_while_writing(args: list[str], folder: Path, signum: int) -> tuple[int, str]:
    env = {**os.environ, "RISKSCORE_NO_CACHE": "1", "RISKSCORE_TODAY": "2026-11-23"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, *args],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    line = ""
    while "WRITING" not in line:
        ready, _, _ = select.select([proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, "the child never started writing"
        line = proc.stderr.readline()
        assert line, f"the child ended early ({proc.wait()}): {proc.stderr.read()}"
    assert _leftovers(folder), "the temporary file should exist while the write is under way"
    proc.send_signal(signum)
    try:
        rest = proc.stderr.read()
        code = proc.wait(timeout=60)
    finally:
        proc.kill()
    return code, rest


FORMATS = [
    ("json", "out.json"),
    ("jsonl", "out.jsonl"),
    ("sarif", "out.sarif"),
    ("xlsx", "out.xlsx"),
]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
@pytest.mark.parametrize(("fmt", "name"), FORMATS, ids=[f for f, _ in FORMATS])
def test_a_stopped_write_leaves_nothing_behind(
    tmp_path: Path, signum: int, fmt: str, name: str
) -> None:
    if fmt == "xlsx":
        pytest.importorskip("xlsxwriter")
    (tmp_path / "p.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    args = ["evaluate", "p.yaml", "-c", str(MINI), "-f", fmt, "-o", name]
    code, stderr = _stop_while_writing(args, tmp_path, signum)
    assert code == 128 + signum, stderr
    assert stderr == f"riskscore: stopped by {signal.Signals(signum).name} (exit {code})\n"
    assert _leftovers(tmp_path) == [] and not (tmp_path / name).exists()


def test_a_stopped_write_keeps_the_previous_output(tmp_path: Path) -> None:
    """The file from an earlier run stays as it was: a stop never truncates it."""
    (tmp_path / "p.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    (tmp_path / "out.json").write_text("earlier\n", encoding="utf-8")
    args = ["evaluate", "p.yaml", "-c", str(MINI), "-f", "json", "-o", "out.json"]
    code, _ = _stop_while_writing(args, tmp_path, signal.SIGTERM)
    assert code == 143
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == "earlier\n"
    assert _leftovers(tmp_path) == []


def test_workers_end_with_the_run(tmp_path: Path) -> None:
    """With --jobs 2 a stop ends the parent and its workers: no process is left behind."""
    for i in range(40):
        (tmp_path / f"p{i}.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    args = ["evaluate", ".", "-c", str(MINI), "-f", "json", "--jobs", "2", "-o", "out.json"]
    code, stderr = _stop_while_writing(args, tmp_path, signal.SIGTERM)
    assert code == 143, stderr
    assert _leftovers(tmp_path) == [] and not (tmp_path / "out.json").exists()
