"""Per-profile CPU cost of `evaluate` on the shipped profiles, against parsing the same file.

    python bench/shipped.py [REPEATS]

Loads the ten profiles under projects/ once, then times `evaluate` in this one process: a first
pass over all of them (the engine's per-set caches start cold, as in a fresh `riskscore
evaluate`), then REPEATS more passes (default 20; the median per profile). Each figure is also
given as a ratio to parsing that file with CSafeLoader (the median of REPEATS parses), which
moves far less than milliseconds on a shared machine. CPU time (time.process_time).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

from riskscore.engine.evaluate import evaluate
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"


def cpu(step: object) -> float:
    start = time.process_time()
    step()  # type: ignore[operator]
    return time.process_time() - start


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    cset = load_criteria(ROOT / "criteria", cache=False)
    paths = sorted((ROOT / "projects").glob("*.yaml"))
    profiles = [load_profile(p, cset) for p in paths]
    first = [cpu(lambda p=p: evaluate(p, cset, TODAY)) for p in profiles]
    runs: list[list[float]] = [[] for _ in paths]
    parses: list[list[float]] = [[] for _ in paths]
    for _ in range(repeats):
        for i, (path, profile) in enumerate(zip(paths, profiles, strict=True)):
            text = path.read_bytes()
            parses[i].append(cpu(lambda t=text: yaml.load(t, Loader=yaml.CSafeLoader)))
            runs[i].append(cpu(lambda p=profile: evaluate(p, cset, TODAY)))
    print(f"evaluate() on the {len(paths)} shipped profiles, CPU ms; median of {repeats}\n")
    print("| profile | parse | first evaluate | × parse | evaluate (median) | × parse |")
    print("|---|---|---|---|---|---|")
    ratios_first, ratios = [], []
    for path, cold, times, parse in zip(paths, first, runs, parses, strict=True):
        p, e = statistics.median(parse), statistics.median(times)
        ratios_first.append(cold / p)
        ratios.append(e / p)
        print(
            f"| {path.stem} | {p * 1000:.2f} | {cold * 1000:.2f} | {cold / p:.2f} "
            f"| {e * 1000:.2f} | {e / p:.2f} |"
        )
    print(
        f"| **geometric mean of the ratios** | | | {statistics.geometric_mean(ratios_first):.2f} "
        f"| | {statistics.geometric_mean(ratios):.2f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
