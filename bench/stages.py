"""Per-profile CPU cost of each stage of a batch, against parsing the same file with CSafeLoader.

    python bench/stages.py [N]          # N synthetic profiles (default 600)
    python bench/stages.py --shipped    # the shipped profiles (projects/*.yaml), 5 rounds

Writes N synthetic profiles (default 600), then times, in this one process, each stage over all
of them once, in the order a worker runs them: parse only (the batch goal's baseline), then
`load_profile`, `evaluate`, the scorecard as every command prints it (`scorecard`: evaluate
plus the roadmap's first step, analysis.pipeline.scorecard, when the tree has it; timed on a
second set of N synthetic profiles and a new criteria-set instance, so its evaluate() starts as
cold as the `evaluate` stage's)
and the indented JSON a worker sends back. Every profile is seen once, as in a real batch, so the
engine's per-criterion memos start cold; timing the same profiles again would overstate how
fast `evaluate` is. `--shipped` times the real profiles instead, five rounds of the ten (the
memos are warm after the first round). CPU time (time.process_time), not wall time, because
the machine is shared. The garbage collector runs with the thresholds a command sets
(commands/app.GC_THRESHOLD): under the interpreter's defaults its walks over the hundreds of
profiles and scorecards a batch holds cost up to a third of `evaluate` and vary from run to
run.

The last line is the arithmetic of the batch goal: on J workers with nothing else to do, a
batch can at best take total / J of the one-process parse, before process start-up.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from synth import write_profiles

from riskscore.engine.evaluate import evaluate

try:  # the garbage collector as a command runs it (commands/app.main)
    from riskscore.commands.app import GC_THRESHOLD
except ImportError:  # pragma: no cover - an older tree measured for comparison
    GC_THRESHOLD = (100_000, 10, 10)  # what main() has set since before method v3
try:  # the scorecard every command prints (method v3); older trees have only evaluate()
    from riskscore.analysis.pipeline import scorecard as printed_scorecard
except ImportError:  # pragma: no cover - an older tree measured for comparison
    printed_scorecard = None
from riskscore.load.criteria.loader import load_criteria
from riskscore.load.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"


def timed(step: Callable[[Any], Any], items: list[Any]) -> tuple[float, list[Any]]:
    """(CPU seconds, results) of `step` over every item once."""
    start = time.process_time()
    results = [step(item) for item in items]
    return time.process_time() - start, results


def parse_only(path: Path) -> Any:
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=yaml.CSafeLoader)


def main() -> int:
    gc.set_threshold(*GC_THRESHOLD)
    shipped = sys.argv[1:] == ["--shipped"]
    count = int(sys.argv[1]) if len(sys.argv) > 1 and not shipped else 600
    cset = load_criteria(ROOT / "criteria", cache=False)
    with tempfile.TemporaryDirectory(prefix="riskscore-stages-") as tmp:
        if shipped:
            paths = sorted((ROOT / "projects").glob("*.yaml")) * 5
            count = len(paths)
        else:
            paths = write_profiles(Path(tmp) / "profiles", count, ROOT / "criteria")
        for path in paths:  # page cache warm for every stage alike
            path.read_bytes()
        parse, _ = timed(parse_only, paths)
        load, profiles = timed(lambda p: load_profile(p, cset), paths)
        score, cards = timed(lambda p: evaluate(p, cset, TODAY), profiles)
        printed = None
        if printed_scorecard is not None:
            # As cold as the `evaluate` stage: a new set instance (the engine's per-set memos
            # start empty) and, synthetic, a second set of profiles it has not seen.
            fresh, cold = profiles, load_criteria(ROOT / "criteria", cache=False)
            if not shipped:
                again = write_profiles(Path(tmp) / "fresh", count, ROOT / "criteria", seed=7)
                fresh = [load_profile(p, cold) for p in again]
            printed, cards = timed(lambda p: printed_scorecard(p, cold, TODAY), fresh)
        dump, _ = timed(
            lambda c: c.__pydantic_serializer__.to_json(c, indent=2, by_alias=False), cards
        )
    total = load + (score if printed is None else printed) + dump
    what = "shipped profiles, 5 rounds" if shipped else "distinct synthetic profiles"
    print(f"{count} {what}, CPU time, each profile once per round\n")
    print("| stage | ms per profile | × parse |")
    print("|---|---|---|")
    for name, seconds in [
        ("parse only: `yaml.load(..., CSafeLoader)`", parse),
        ("`load_profile` (parse, strict checks, validation)", load),
        ("`evaluate`", score),
        ("`scorecard` (evaluate + the roadmap's first step)", printed),
        ("scorecard to indented JSON", dump),
        ("**load + scorecard + JSON**", total),
    ]:
        if seconds is None:
            continue
        print(f"| {name} | {seconds * 1000 / count:.2f} | {seconds / parse:.2f} |")
    print(f"\nbest batch / parse on 2 idle workers, before start-up: {total / parse / 2:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
