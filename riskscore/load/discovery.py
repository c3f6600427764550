"""Turn command-line PATH arguments into an ordered list of profile files."""

from __future__ import annotations

import glob
from pathlib import Path

from riskscore.errors import UsageError
from riskscore.load.yaml_reader import iter_yaml_files


def discover_profiles(args: list[str]) -> list[Path]:
    """Files as given, directories as their sorted *.yaml, globs expanded; never empty."""
    found: list[Path] = []
    for arg in args:
        path = Path(arg)
        if any(ch in arg for ch in "*?[") and not path.exists():
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))
            if not matches:
                raise UsageError(f"{arg}: the pattern matches no file")
            found.extend(m for m in matches if m.is_file())
        elif path.is_dir():
            files = list(iter_yaml_files(path))
            if not files:
                raise UsageError(f"{arg}: the directory holds no .yaml profiles")
            found.extend(files)
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"{arg}: no such file or directory")
    for path in found:
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            shown = str(path).encode("utf-8", "backslashreplace").decode("ascii", "replace")
            raise UsageError(f"{shown}: the file name is not valid UTF-8; rename it") from None
    # One file named twice (or through a link) is scored once, where it first appears, under
    # the last name given (a dict keeps a key's first place when it is assigned again). Each
    # path is resolved once: that costs a stat per path component.
    by_resolved = {p.resolve(): p for p in found}
    if not by_resolved:
        raise UsageError("no profiles to evaluate")
    return list(by_resolved.values())
