"""Cold start of this tree against another commit, interleaved in one run, as ratios.

    python bench/compare_cold.py REF [--repeats N]

REF's tree is copied out with `git archive` into a temporary folder and run from there
(PYTHONPATH), each side with its own warm criteria cache folder, beside the same run with the
cache off and the floor command of bench/floor.py. Two measures, each interleaved so machine
noise hits every variant alike:

- end to end: `riskscore evaluate reko-diq.yaml --format json`, wall time / the floor command;
- the load step alone: milliseconds to get the checked shipped set in a fresh process, imports
  done before the clock starts (what a cache hit replaces); median and fastest of the repeats.

Prints JSON; nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from measure import median, median_interleaved

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "projects" / "reko-diq.yaml"
CRITERIA = ROOT / "criteria"
LOAD = (
    "import time, pathlib; from riskscore.load.criteria.loader import load_criteria; "
    "from riskscore.load.criteria import cache; t = time.perf_counter(); "
    f"load_criteria(pathlib.Path({str(CRITERIA)!r})); print((time.perf_counter() - t) * 1000)"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare with (e.g. the one before a change)")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="riskscore-compare-") as tmp:
        old = Path(tmp) / "old"
        archive = subprocess.run(
            ["git", "archive", args.ref], cwd=ROOT, check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(old, filter="data")
        py = sys.executable
        sides = {
            "ref_cache_warm": [f"RISKSCORE_CACHE_DIR={tmp}/cache-ref", f"PYTHONPATH={old}"],
            "this_cache_warm": [f"RISKSCORE_CACHE_DIR={tmp}/cache-this", f"PYTHONPATH={ROOT}"],
            "no_cache": ["RISKSCORE_NO_CACHE=1", f"PYTHONPATH={ROOT}"],
        }
        evaluate = ["-m", "riskscore", "evaluate", str(PROFILE), "-c", str(CRITERIA), "-f", "json"]
        commands = {name: ["env", *env, py, *evaluate] for name, env in sides.items()}
        floor = [py, str(ROOT / "bench" / "floor.py"), "typer-yaml-pydantic", str(PROFILE)]
        commands["floor"] = [*floor, "--format", "json"]
        runs = median_interleaved(commands, args.repeats)
        seconds = {name: median(r) for name, r in runs.items()}
        load: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.repeats):
            for name, env in sides.items():
                done = subprocess.run(
                    ["env", *env, py, "-c", LOAD], capture_output=True, text=True, check=True
                )
                load[name].append(float(done.stdout))
    load_ms = {name: statistics.median(values) for name, values in load.items()}
    result = {
        "ref": args.ref,
        "repeats": args.repeats,
        "evaluate_median_seconds": {k: round(v, 4) for k, v in seconds.items()},
        "evaluate_ratio_to_floor": {k: round(v / seconds["floor"], 3) for k, v in seconds.items()},
        "load_step_median_ms": {k: round(v, 2) for k, v in load_ms.items()},
        # The fastest of the repeats: on a loaded machine the least disturbed run of each.
        "load_step_min_ms": {k: round(min(v), 2) for k, v in load.items()},
        "load_step_ratio_to_no_cache": {
            k: round(v / load_ms["no_cache"], 3) for k, v in load_ms.items()
        },
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
