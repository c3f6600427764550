"""Wall time and peak memory of child processes, measured the same way for every command."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "RISKSCORE_TODAY": "2026-11-23",
    "PYTHONHASHSEED": "0",
}
"""Bytecode caching on, as on a user's machine (some sandboxes turn it off for everything)."""


@dataclass(frozen=True)
class Run:
    """One finished child: wall seconds, peak resident memory (MiB) and its exit code."""

    seconds: float
    peak_mib: float
    code: int


def riskscore_command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m riskscore`."""
    script = Path(sys.executable).with_name("riskscore")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "riskscore"]


def run_once(argv: list[str], cwd: Path | None = None) -> Run:
    """Run `argv` with stdout discarded; peak RSS is the largest of the child and its workers.

    os.wait4 reports the rusage of that one child (including the children it reaped, such as
    process-pool workers), so runs do not leak into each other the way RUSAGE_CHILDREN does.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode)


def median_interleaved(commands: dict[str, list[str]], repeats: int) -> dict[str, list[Run]]:
    """Run each command `repeats` times, round-robin, so machine noise hits all of them alike."""
    for argv in commands.values():
        run_once(argv)  # warm the page cache and .pyc files
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            runs[name].append(run_once(argv))
    return runs


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def parse_only_command(folder: Path) -> list[str]:
    """The baseline: load every file with PyYAML's C loader in one process, nothing else."""
    code = (
        "import sys, yaml, pathlib\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
        "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
    )
    return [sys.executable, "-c", code, str(folder)]
