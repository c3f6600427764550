"""Benchmark riskscore as a user runs it, as ratios to a baseline timed in the same run.

    python bench/run.py [--quick] [--formats json,jsonl,...]

Ratios, not seconds, because the machine is shared and noisy: cold start against importing the
libraries riskscore needs, a batch against only parsing the same YAML, memory at 4N against N.
Prints a table and writes bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from measure import (
    Run,
    median,
    median_interleaved,
    parse_only_command,
    riskscore_command,
    run_once,
)
from synth import write_profiles

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = ROOT / "criteria"
OUT = ROOT / "bench" / "out"
FLOOR = ROOT / "bench" / "floor.py"
GOALS = {"cold_start": 1.3, "batch": 0.75, "memory": 1.5}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    memory = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    import yaml

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "pyyaml": yaml.__version__,
        "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
    }


def supports(*args: str, text: str = "") -> bool:
    """Whether `riskscore ARGS` succeeds (and mentions `text`), to detect optional features."""
    done = subprocess.run(
        [*riskscore_command(), *args], capture_output=True, text=True, check=False
    )
    return done.returncode == 0 and text in done.stdout


def cold_start(repeats: int) -> dict[str, Any]:
    rs = riskscore_command()
    commands = {
        "evaluate_one": [*rs, "evaluate", str(ROOT / "projects" / "reko-diq.yaml"), "-c",
                         str(CRITERIA), "--format", "json"],
        # The same run with the compiled-criteria cache off: what a first run ever pays.
        "evaluate_one_no_cache": ["env", "RISKSCORE_NO_CACHE=1", *rs, "evaluate",
                                  str(ROOT / "projects" / "reko-diq.yaml"), "-c", str(CRITERIA),
                                  "--format", "json"],
        "imports_only": [sys.executable, "-c", "import typer, rich, pydantic, yaml"],
        "help": [*rs, "--help"],
        "version": [*rs, "--version"],
        # The floor: the same shape of command with no riskscore code (bench/floor.py).
        "floor_typer": [sys.executable, str(FLOOR), "typer", "one.yaml", "--format", "json"],
        "floor_typer_pydantic": [sys.executable, str(FLOOR), "typer-pydantic", "one.yaml",
                                 "--format", "json"],
        "floor_typer_yaml_pydantic": [sys.executable, str(FLOOR), "typer-yaml-pydantic",
                                      str(ROOT / "projects" / "reko-diq.yaml"), "--format",
                                      "json"],
    }  # fmt: skip
    runs = median_interleaved(commands, repeats)
    times = {name: median(r) for name, r in runs.items()}
    return {
        "median_seconds": times,
        "all_seconds": {name: [round(r.seconds, 3) for r in rs] for name, rs in runs.items()},
        "ratio": times["evaluate_one"] / times["imports_only"],
        # Against the floor command without and with the YAML file it loads (issue 14's
        # definition: typer + loading one YAML file + one pydantic model + JSON out).
        "ratio_to_floor": times["evaluate_one"] / times["floor_typer_pydantic"],
        "ratio_to_floor_yaml": times["evaluate_one"] / times["floor_typer_yaml_pydantic"],
        "ratio_to_floor_yaml_no_cache": times["evaluate_one_no_cache"]
        / times["floor_typer_yaml_pydantic"],
        "help_under_imports": times["help"] <= times["imports_only"],
        "version_under_imports": times["version"] <= times["imports_only"],
        "floor_ratios": {
            name: times[name] / times["imports_only"]
            for name in ("floor_typer", "floor_typer_pydantic", "floor_typer_yaml_pydantic")
        },
        "goal": GOALS["cold_start"],
    }


def batch(folders: dict[int, Path], repeats: dict[int, int], jobs: bool) -> dict[str, Any]:
    rs = riskscore_command()
    extra = ["--jobs", "2"] if jobs else []
    out: dict[str, Any] = {"jobs_option": jobs, "sizes": {}}
    for n, folder in folders.items():
        commands = {
            "riskscore": [*rs, "evaluate", str(folder), "-c", str(CRITERIA), "--format", "json",
                          *extra],
            "riskscore_jsonl": [*rs, "evaluate", str(folder), "-c", str(CRITERIA), "--format",
                                "jsonl", *extra],
            "parse_only": parse_only_command(folder),
        }  # fmt: skip
        runs = median_interleaved(commands, repeats[n]) if repeats[n] > 1 else _single(commands)
        times = {name: median(r) for name, r in runs.items()}
        out["sizes"][str(n)] = {
            "median_seconds": times,
            "all_seconds": {name: [round(r.seconds, 3) for r in rs] for name, rs in runs.items()},
            "profiles_per_second": n / times["riskscore"],
            "ratio": times["riskscore"] / times["parse_only"],
            "ratio_jsonl": times["riskscore_jsonl"] / times["parse_only"],
            "peak_mib": max(r.peak_mib for r in runs["riskscore"]),
        }
    out["goal"] = GOALS["batch"]
    return out


def _single(commands: dict[str, list[str]]) -> dict[str, list[Run]]:
    """One run each (for the large batch, where one run takes most of a minute)."""
    return {name: [run_once(argv)] for name, argv in commands.items()}


def memory(small: Path, large: Path, n: int, jobs: bool, formats: list[str]) -> dict[str, Any]:
    """Peak RSS at 4N over N for each format; binary formats write to a temporary file."""
    rs = riskscore_command()
    extra = ["--jobs", "2"] if jobs else []
    out: dict[str, Any] = {"n": n, "goal": GOALS["memory"], "formats": {}}
    with tempfile.TemporaryDirectory(prefix="riskscore-bench-out-") as tmp:
        for fmt in formats:
            peaks = {}
            for label, folder in (("n", small), ("4n", large)):
                argv = [*rs, "evaluate", str(folder), "-c", str(CRITERIA), "--format", fmt,
                        "--output", str(Path(tmp) / f"out.{fmt}"), *extra]  # fmt: skip
                peaks[label] = run_once(argv).peak_mib
            out["formats"][fmt] = {"peak_mib": peaks, "ratio": peaks["4n"] / peaks["n"]}
    first = out["formats"][formats[0]]
    out["peak_mib"], out["ratio"] = first["peak_mib"], first["ratio"]
    return out


def sensitivity(folder: Path, repeats: int) -> dict[str, Any]:
    if not supports("sensitivity", "--help"):
        return {"skipped": "this riskscore has no `sensitivity` command"}
    argv = [*riskscore_command(), "sensitivity", str(folder), "-c", str(CRITERIA),
            "--samples", "1024", "--format", "json"]  # fmt: skip
    runs = median_interleaved({"sensitivity": argv}, repeats)["sensitivity"]
    return {"profiles": 50, "samples": 1024, "median_seconds": median(runs)}


def subset(source: list[Path], count: int, target: Path) -> Path:
    """A folder holding the first `count` profiles, as hard links (no copying)."""
    target.mkdir()
    for path in source[:count]:
        os.link(path, target / path.name)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument(
        "--formats",
        default="json,jsonl,csv,markdown,sarif,junit,github,table,xlsx",
        help="formats whose peak memory at 4N / N is measured (comma-separated)",
    )
    parser.add_argument(
        "--only",
        choices=["cold_start", "batch", "memory"],
        help="run one part (peak memory does not depend on how busy the machine is)",
    )
    args = parser.parse_args()
    small, large = (300, 1500) if args.quick else (1500, 10_000)
    cold_repeats, small_repeats, large_repeats = (3, 2, 1) if args.quick else (7, 3, 3)
    jobs = supports("evaluate", "--help", text="--jobs")
    started = time.time()
    results: dict[str, Any] = {"machine": machine(), "quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="riskscore-bench-") as tmp:
        base = Path(tmp)
        every = write_profiles(base / "all", max(large, 4 * small), CRITERIA)
        folders = {n: subset(every, n, base / f"n{n}") for n in (small, large)}
        four = folders.get(4 * small) or subset(every, 4 * small, base / f"n{4 * small}")
        if args.only in (None, "cold_start"):
            results["cold_start"] = cold_start(cold_repeats)
        if args.only in (None, "batch"):
            repeats = {small: small_repeats, large: large_repeats}
            results["batch"] = batch(folders, repeats, jobs)
        if args.only in (None, "memory"):
            formats = args.formats.split(",")
            results["memory"] = memory(folders[small], four, small, jobs, formats)
        if args.only is None:
            results["sensitivity"] = sensitivity(subset(every, 50, base / "n50"), 3)
    results["wall_seconds"] = round(time.time() - started, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    name = f"results-{args.only}.json" if args.only else "results.json"
    (OUT / name).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results) if args.only is None else json.dumps(results, indent=2))
    return 0


def table(results: dict[str, Any]) -> str:
    """The figures and ratios as fixed-width text."""
    cold = results["cold_start"]
    rows = [("cold start: evaluate one / imports", cold["ratio"], cold["goal"])]
    rows.append(("cold start: evaluate one / floor, no YAML", cold["ratio_to_floor"], cold["goal"]))
    rows.append(
        ("cold start: evaluate one / floor command", cold["ratio_to_floor_yaml"], cold["goal"])
    )
    rows.append(
        (
            "  the same, criteria cache off",
            cold["ratio_to_floor_yaml_no_cache"],
            cold["goal"],
        )
    )
    for n, size in results["batch"]["sizes"].items():
        goal = results["batch"]["goal"]
        rows.append((f"batch N={n}: evaluate json / parse only", size["ratio"], goal))
        rows.append((f"batch N={n}: evaluate jsonl / parse only", size["ratio_jsonl"], goal))
    mem = results["memory"]
    for fmt, figures in mem["formats"].items():
        rows.append(
            (
                f"memory {fmt}: peak RSS at {4 * mem['n']} / {mem['n']}",
                figures["ratio"],
                mem["goal"],
            )
        )
    lines = [f"{'measure':<46} {'ratio':>7} {'goal':>6}  met"]
    lines += [f"{name:<46} {ratio:>7.2f} {goal:>6.2f}  {'yes' if ratio <= goal else 'no'}"
              for name, ratio, goal in rows]  # fmt: skip
    times = cold["median_seconds"]
    floors = ", ".join(f"{k} {v:.2f}" for k, v in cold["floor_ratios"].items())
    lines.append(f"cold start floors (ratio to imports, no riskscore code): {floors}")
    lines.append("")
    lines.append("cold start medians (s): " + ", ".join(f"{k} {v:.3f}" for k, v in times.items()))
    for n, size in results["batch"]["sizes"].items():
        t = size["median_seconds"]
        lines.append(
            f"batch N={n} (s): riskscore {t['riskscore']:.2f}, parse only {t['parse_only']:.2f}, "
            f"{size['profiles_per_second']:.0f} profiles/s, peak {size['peak_mib']:.0f} MiB"
        )
    lines.append(
        "help / version under bare imports: "
        f"{cold['help_under_imports']} / {cold['version_under_imports']}"
    )
    for fmt, figures in mem["formats"].items():
        lines.append(f"memory peaks {fmt} (MiB): {figures['peak_mib']}")
    lines.append(f"--jobs used: {results['batch']['jobs_option']}")
    sens = results["sensitivity"]
    lines.append(
        "sensitivity: " + (sens["skipped"] if "skipped" in sens else
                           f"50 profiles x 1000 samples in {sens['median_seconds']:.2f} s")
    )  # fmt: skip
    lines.append(f"wall time {results['wall_seconds']} s; written to bench/out/results.json")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
