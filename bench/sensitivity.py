"""Benchmark `riskscore sensitivity` against one plain `riskscore evaluate` (issue 12).

    python bench/sensitivity.py [--repeats 3] [--samples 1024]

Copies the shipped profiles (projects/*.yaml, which have unknown and assumption-flagged facts,
so all five input groups vary) round-robin into 50 files in a temporary folder, then times both
whole commands as child processes, interleaved, and prints the ratio of the medians. Goal:
the Sobol analysis at N = 1,024 base samples takes at most 20 x the plain evaluation.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from measure import median, median_interleaved, riskscore_command

ROOT = Path(__file__).resolve().parent.parent
GOAL = 20.0
PROFILES = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=1024)
    args = parser.parse_args()
    shipped = sorted((ROOT / "projects").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "profiles"
        folder.mkdir()
        for i in range(PROFILES):
            source = shipped[i % len(shipped)]
            shutil.copyfile(source, folder / f"p{i:02d}-{source.name}")
        common = [str(folder), "-c", str(ROOT / "criteria"), "--format", "json"]
        commands = {
            "evaluate": [*riskscore_command(), "evaluate", *common],
            "sensitivity": [
                *riskscore_command(), "sensitivity", *common, "--samples", str(args.samples)
            ],
        }  # fmt: skip
        runs = median_interleaved(commands, args.repeats)
    evaluate, sensitivity = median(runs["evaluate"]), median(runs["sensitivity"])
    ratio = sensitivity / evaluate
    result = {
        "profiles": PROFILES,
        "samples": args.samples,
        "repeats": args.repeats,
        "evaluate_seconds": round(evaluate, 3),
        "sensitivity_seconds": round(sensitivity, 3),
        "ratio": round(ratio, 2),
        "goal": GOAL,
        "met": ratio <= GOAL,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
