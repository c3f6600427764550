"""Where a batch run spends its time: cProfile of `evaluate --format json` in one process.

    python bench/hotspots.py [N]

Runs the real command in this process over N synthetic profiles (default 1500) with one worker,
so every call is visible to the profiler, and writes the top functions by own time and by
cumulative time to bench/out/hotspots.txt.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import typer
from synth import write_profiles

from riskscore.commands.app import app

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def batch(folder: Path, output: Path) -> int:
    """`riskscore evaluate FOLDER --format json --jobs 1 -o OUTPUT`; the characters written."""
    args = [str(folder), "-c", str(ROOT / "criteria"), "-f", "json", "-o", str(output)]
    command = typer.main.get_command(app)
    command(["evaluate", *args, "--jobs", "1"], standalone_mode=False)
    return len(output.read_text(encoding="utf-8"))


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    os.environ["RISKSCORE_TODAY"] = "2026-11-23"
    with tempfile.TemporaryDirectory(prefix="riskscore-hotspots-") as tmp:
        folder = Path(tmp) / "profiles"
        write_profiles(folder, count, ROOT / "criteria")
        profiler = cProfile.Profile()
        start = time.perf_counter()
        chars = profiler.runcall(batch, folder, Path(tmp) / "out.json")
        seconds = time.perf_counter() - start
    report = io.StringIO()
    report.write(f"{count} profiles, {chars:,} characters of JSON, {seconds:.1f} s profiled\n")
    stats = pstats.Stats(profiler, stream=report).strip_dirs()
    report.write("\n== by own time ==\n")
    stats.sort_stats("tottime").print_stats(25)
    report.write("\n== by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(40)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "hotspots.txt").write_text(report.getvalue(), encoding="utf-8")
    print(report.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
