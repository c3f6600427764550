"""The package tree is the architecture: imports flow down only (issue 9, STYLE habit 1).

commands -> render -> analysis -> engine -> load -> errors (and the stage-free helpers). An
analysis returns data and render draws it (STYLE habit 13, issue 19): `analysis` never imports
`render`. The engine is pure: no typer, rich or os, and nothing from load/ that reads files.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "riskscore"

LEVELS = {
    "riskscore": 0,  # __init__ (the version), errors, suggest: no stage
    "riskscore.load": 1,
    "riskscore.engine": 2,
    "riskscore.analysis": 3,
    "riskscore.render": 4,
    "riskscore.commands": 5,
    "riskscore.__main__": 5,
}
IO_MODULES = {"os", "io", "pathlib", "shutil", "subprocess", "tempfile", "glob", "yaml"}
"""A module that imports one of these (or calls open()) does I/O."""
ENGINE_FORBIDDEN = {"typer", "rich", "os", "click", "jinja2"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> str:
    """The longest LEVELS key that `module` sits in."""
    best = "riskscore"
    for key in LEVELS:
        if (module == key or module.startswith(key + ".")) and len(key) > len(best):
            best = key
    return best


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in the file, in functions and
    TYPE_CHECKING blocks too: a deferred import is still a dependency."""
    name = module_name(path) if path.is_relative_to(PACKAGE) else path.stem
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from riskscore.engine import rules` imports the module riskscore.engine.rules
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def does_io(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
            return True
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] in IO_MODULES for a in node.names
        ):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and not node.level
            and (node.module or "").split(".")[0] in IO_MODULES
            # pathlib's pure paths compute names and never touch the file system
            and not (
                node.module == "pathlib" and all(a.name.startswith("Pure") for a in node.names)
            )
        ):
            return True
    return False


SOURCES = sorted(PACKAGE.rglob("*.py"))
BY_NAME = {module_name(p): p for p in SOURCES}


def riskscore_targets(path: Path) -> list[tuple[int, str]]:
    """Imports of riskscore modules that exist (an imported name that is not a module is
    dropped: `from riskscore.engine.evaluate import evaluate` is the module, once)."""
    return [(line, mod) for line, mod in imports(path) if mod in BY_NAME]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_imports_flow_down(path: Path) -> None:
    source = module_name(path)
    level = LEVELS[stage(source)]
    upward = [
        f"{path.name}:{line}: {source} ({stage(source)}) imports {target} ({stage(target)})"
        for line, target in riskscore_targets(path)
        if LEVELS[stage(target)] > level
    ]
    assert upward == []


@pytest.mark.parametrize(
    "path",
    [p for p in SOURCES if stage(module_name(p)) == "riskscore.engine"],
    ids=lambda p: p.name,
)
def test_engine_is_pure(path: Path) -> None:
    problems = [
        f"{path.name}:{line}: imports {mod}"
        for line, mod in imports(path)
        if mod.split(".")[0] in ENGINE_FORBIDDEN
    ]
    problems += [
        f"{path.name}:{line}: imports {mod}, which does I/O"
        for line, mod in riskscore_targets(path)
        if stage(mod) == "riskscore.load" and does_io(BY_NAME[mod])
    ]
    assert problems == []


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The parser sees deferred, relative and type-only imports, and I/O through open()."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from riskscore.commands import app\n"
        "def f():\n    import os\n    return open('x')\n"
    )
    pure = tmp_path / "pure.py"
    pure.write_text("from pathlib import PurePath\n")
    found = [mod for _, mod in imports(sample)]
    assert "riskscore.commands.app" in found and "os" in found
    assert does_io(sample) and not does_io(pure)
    assert stage("riskscore.commands.app") == "riskscore.commands"
    assert stage("riskscore.errors") == "riskscore"


def test_analysis_never_imports_render() -> None:
    """The arrow issue 19 removed: analyses (compare, roadmap, uncertainty) return data and
    render/ draws it, so no module under analysis/ imports render/, deferred or not."""
    upward = [
        f"{path.name}:{line}: {module_name(path)} imports {target}"
        for path in SOURCES
        if stage(module_name(path)) == "riskscore.analysis"
        for line, target in riskscore_targets(path)
        if stage(target) == "riskscore.render"
    ]
    assert upward == []
    assert LEVELS["riskscore.render"] > LEVELS["riskscore.analysis"]


def test_at_most_six_modules_outside_the_stages() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= 6, loose


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_load_no_stage(flag: str) -> None:
    """`riskscore --help` and `--version` start fast: no engine, loader or analysis."""
    code = (
        "import sys\nfrom riskscore.commands.app import main\n"
        f"sys.argv = ['riskscore', '{flag}']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "stages = ('riskscore.engine', 'riskscore.load', 'riskscore.analysis')\n"
        "print(sorted(m for m in sys.modules if m.startswith(stages)), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stderr.strip() == "[]"
