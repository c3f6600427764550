"""The only module that touches YAML: strict parsing into plain data with a line for every key.

PyYAML's C parser builds the node graph; we construct values ourselves so that nothing is
silently lost: duplicate keys, aliases and merge keys, YAML 1.1 booleans (`NO`, `off`),
NaN/infinity, non-UTF-8 bytes and oversized files are all errors with a line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from riskscore.errors import InputError

MAX_FILE_BYTES = 1_000_000
"""Largest YAML file we read (1 MB); a real profile is a few KB."""

MAX_TEXT_CHARS = 20_000
"""Longest single text value; longer is almost certainly a paste accident."""

MAX_DEPTH = 40
"""Deepest nesting we accept; real files use fewer than 6 levels."""

Loc = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_BASED = re.compile(r"^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_NONFINITE = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
_STANDARD_TAG = "tag:yaml.org,2002:"

YAML11_BOOLEANS = frozenset(
    w for base in ("yes", "no", "on", "off", "y", "n") for w in (base, base.title(), base.upper())
)
"""Words YAML 1.1 reads as booleans; we keep them as text and say so where a boolean is due."""


@dataclass(frozen=True)
class Document:
    """Parsed YAML as plain Python data, plus the line of every key and list item."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int:
        """Line of the deepest known prefix of `loc` (1 for the top of the file)."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found is not None:
                return found
        return 1


def read_text(path: Path) -> str:
    """Read a file as UTF-8 (a BOM is fine), refusing directories, huge files and bad bytes."""
    if path.is_dir():
        raise InputError("is a directory, expected a YAML file", path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"file is {size:,} bytes, larger than the {MAX_FILE_BYTES:,}-byte limit", path
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except PermissionError:
        raise InputError("permission denied", path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", path, line
        ) from None


def load_yaml(path: Path) -> Document:
    """Load one YAML file whose top level must be a mapping."""
    return parse_yaml(read_text(path), str(path))


def parse_yaml(text: str, path: str) -> Document:
    """Parse YAML text strictly into a Document."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise InputError("file is empty; expected a mapping of keys to values", path, 1)
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path, 1) from None
    if node is None:
        raise InputError("file is empty; expected a mapping of keys to values", path, 1)
    builder = _Builder(path)
    data = builder.build(node, (), 0)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({data!r:.40})"
        raise InputError(f"expected a mapping of keys to values at the top, found {kind}", path, 1)
    return Document(path, data, builder.lines)


class _Builder:
    """Turns a composed node graph into dicts, lists and scalars, recording lines."""

    def __init__(self, path: str):
        self.path = path
        self.lines: dict[Loc, int] = {}
        self._seen: set[int] = set()

    def error(self, node: yaml.Node, message: str) -> InputError:
        return InputError(message, self.path, node.start_mark.line + 1)

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.error(node, f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in self._seen:
            raise self.error(node, "YAML anchors and aliases (*ref) are not allowed; write it out")
        self._seen.add(id(node))
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if node.tag and not node.tag.startswith(_STANDARD_TAG):
            raise self.error(node, f"YAML tag {node.tag!r} is not allowed")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STANDARD_TAG + "merge":
                raise self.error(key_node, "YAML merge keys (<<) are not allowed; write it out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, "a key must be plain text, not a list or mapping")
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first_line:
                raise self.error(
                    key_node, f"duplicate key '{key}' (first set on line {first_line[key]})"
                )
            first_line[key] = line
            self.lines[(*loc, key)] = line
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        value: str = node.value
        if len(value) > MAX_TEXT_CHARS:
            raise self.error(
                node, f"text is {len(value):,} characters, over the {MAX_TEXT_CHARS:,} limit"
            )
        if node.style:  # quoted or block scalar: always text (plain is None or '')
            return value
        if _NULL.match(value):
            return None
        if value in _BOOL:
            return _BOOL[value]
        if _INT.match(value):
            return int(value)
        if _INT_BASED.match(value):
            return int(value, 0)
        if _NONFINITE.match(value):
            raise self.error(node, f"'{value}' (NaN or infinity) is not a usable number")
        if _FLOAT.match(value):
            return float(value)
        return value


def iter_yaml_files(folder: Path) -> Iterator[Path]:
    """YAML files directly in `folder`, in a stable (sorted) order."""
    yield from sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))
