"""Per-profile CPU cost of each stage of a batch, against parsing the same file with CSafeLoader.

    python bench/stages.py [N]          # N synthetic profiles (default 600)
    python bench/stages.py --shipped    # the shipped profiles (projects/*.yaml), 5 rounds
    python bench/stages.py --from DIR   # the profiles DIR/*.yaml, e.g. another tree's synth
    ... --rounds R                      # R rounds, each stage's least time (default 1)

Writes N synthetic profiles (default 600), then times, in this one process, each stage over all
of them once, in the order a worker runs them: parse only (the batch goal's baseline), then
`load_profile`, `evaluate`, the scorecard as every command prints it (`scorecard`: evaluate plus
the roadmap's first step, analysis.pipeline.scorecard, when the tree has it) and the indented
JSON a worker sends back. Every profile is seen once, as in a real batch, so the engine's
per-criterion memos start cold; timing the same profiles again would overstate how fast
`evaluate` is. The `scorecard` stage starts as cold as `evaluate` did: a new criteria-set
instance, the module-level caches emptied and, synthetic, a second set of N profiles.

`--shipped` times the real profiles instead, five rounds of the ten (the memos are warm after
the first round). `--from DIR` times the files of DIR, so two trees can be timed on the same
bytes (another tree's `bench/synth.py` output, when this tree's vocabulary reads it).

`--rounds R` repeats the whole batch R times, each round with a new criteria-set instance and
the caches emptied, and prints each stage's least time (the total is the least round total):
on a shared machine the least of several runs is the figure other work disturbed least.

CPU time (time.process_time), not wall time, because the machine is shared. The garbage
collector runs with the thresholds a command sets (commands/app.GC_THRESHOLD): under the
interpreter's defaults its walks over the hundreds of profiles and scorecards a batch holds
cost up to a third of `evaluate` and vary from run to run.

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


def forget_remembered() -> None:
    """Empty every functools cache of riskscore's modules (numbers printed, declared decimals
    read): with a new criteria-set instance, the next stage starts as cold as the first."""
    for name, module in list(sys.modules.items()):
        if name.startswith("riskscore."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def one_round(paths: list[Path], fresh_paths: list[Path] | None) -> dict[str, float | None]:
    """CPU seconds of each stage over every path once, with a new criteria-set instance and
    the module-level caches emptied first, so each round starts as cold as a new process
    (apart from the validators pydantic builds on first use). `fresh_paths`: the second set
    the `scorecard` stage scores (None: the same profiles)."""
    forget_remembered()
    cset = load_criteria(ROOT / "criteria", cache=False)
    parse, _ = timed(parse_only, paths)
    load, profiles = timed(lambda p: load_profile(p, cset), paths)
    score, cards = timed(lambda p: evaluate(p, cset, TODAY), profiles)
    printed = None
    if printed_scorecard is not None:
        # As cold as the `evaluate` stage: a new set instance (the engine's per-set memos
        # start empty), the module-level caches emptied and, synthetic, a second set of
        # profiles it has not seen.
        cold = load_criteria(ROOT / "criteria", cache=False)
        fresh = profiles if fresh_paths is None else [load_profile(p, cold) for p in fresh_paths]
        forget_remembered()
        printed, cards = timed(lambda p: printed_scorecard(p, cold, TODAY), fresh)
    dump, _ = timed(lambda c: c.__pydantic_serializer__.to_json(c, indent=2, by_alias=False), cards)
    total = load + (score if printed is None else printed) + dump
    return {
        "parse": parse,
        "load": load,
        "score": score,
        "printed": printed,
        "dump": dump,
        "total": total,
    }


def main() -> int:
    gc.set_threshold(*GC_THRESHOLD)
    args = sys.argv[1:]
    rounds = 1
    if len(args) >= 2 and args[-2] == "--rounds":
        rounds, args = int(args[-1]), args[:-2]
    shipped = args == ["--shipped"]
    folder = Path(args[1]) if len(args) == 2 and args[0] == "--from" else None
    count = int(args[0]) if args and not shipped and folder is None else 600
    with tempfile.TemporaryDirectory(prefix="riskscore-stages-") as tmp:
        fresh_paths = None
        if shipped:
            paths = sorted((ROOT / "projects").glob("*.yaml")) * 5
        elif folder is not None:
            paths = sorted(folder.glob("*.yaml"))
        else:
            paths = write_profiles(Path(tmp) / "profiles", count, ROOT / "criteria")
            if printed_scorecard is not None:
                fresh_paths = write_profiles(Path(tmp) / "fresh", count, ROOT / "criteria", seed=7)
        count = len(paths)
        for path in [*paths, *(fresh_paths or [])]:  # page cache warm for every stage alike
            path.read_bytes()
        runs = [one_round(paths, fresh_paths) for _ in range(rounds)]
    best: dict[str, float | None] = {}
    for stage in runs[0]:
        times = [t for r in runs if (t := r[stage]) is not None]
        best[stage] = min(times) if times else None
    parse, load, score, printed, dump, total = (
        best["parse"],
        best["load"],
        best["score"],
        best["printed"],
        best["dump"],
        best["total"],
    )
    assert parse is not None and total is not None
    what = (
        "shipped profiles, 5 rounds"
        if shipped
        else f"profiles of {folder}"
        if folder is not None
        else "distinct synthetic profiles"
    )
    least = f", the least of {rounds} rounds" if rounds > 1 else ""
    print(f"{count} {what}, CPU time, each profile once per round{least}\n")
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
