"""Several formats from one run: which format goes to which file (`evaluate --format/--output`).

The syntax:

    --format F                       one format, to stdout
    --format F --output FILE         one format, to FILE
    --format A --format B --output A=FILE_A --output B=FILE_B
                                     each format to its own file
    --format A --format B --output B=FILE_B
                                     A to stdout, B to FILE_B (at most one format on stdout)

`--output FORMAT=FILE` is read as a format assignment only when FORMAT is a format name;
otherwise the whole text is a file name (`--output a=b.json` with one format writes `a=b.json`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from riskscore.errors import UsageError


@dataclass(frozen=True)
class Target:
    """One output of a run: a format and the file it goes to (None: stdout)."""

    format: str
    path: Path | None


def plan_targets(formats: list[str], outputs: list[str], known: set[str]) -> list[Target]:
    """Pair each format with its output. `formats` are resolved names (no `auto`), in the
    order given; `known` every format name. Raises UsageError (exit 2) for a format given
    twice, `--output FORMAT=FILE` naming a format not asked for, a plain `--output FILE`
    with several formats, more than one format left for stdout, or one file given twice."""
    seen: set[str] = set()
    for name in formats:
        if name in seen:
            raise UsageError(f"--format {name} is given twice")
        seen.add(name)
    named: dict[str, Path] = {}
    plain: list[Path] = []
    for text in outputs:
        head, eq, tail = text.partition("=")
        if eq and head in known:
            if head not in seen:
                raise UsageError(
                    f"--output {text}: format {head} is not asked for; add --format {head}"
                )
            if head in named:
                raise UsageError(f"--output {head}=... is given twice")
            if not tail:
                raise UsageError(f"--output {text}: give a file after '='")
            named[head] = Path(tail)
        else:
            plain.append(Path(text))
    if plain and (len(formats) > 1 or len(plain) > 1):
        raise UsageError(
            "with several formats, name each file: --output FORMAT=FILE "
            f"(for example --output {formats[-1]}=report.{formats[-1]})"
        )
    if plain:
        if named:
            raise UsageError("give either --output FILE or --output FORMAT=FILE, not both")
        return [Target(formats[0], plain[0])]
    targets = [Target(name, named.get(name)) for name in formats]
    to_stdout = [t.format for t in targets if t.path is None]
    if len(to_stdout) > 1:
        raise UsageError(
            f"formats {', '.join(to_stdout)} would all go to stdout; give all but one "
            "a file with --output FORMAT=FILE"
        )
    files = [t.path.resolve() for t in targets if t.path is not None]
    if len(set(files)) < len(files):
        raise UsageError("two formats are given the same --output file")
    return targets
