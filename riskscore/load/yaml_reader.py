"""The only module that touches YAML: strict parsing into plain data with a line for every key.

We build values from libyaml's event stream ourselves, iteratively, so that nothing is silently
lost and no input can crash us: duplicate keys, anchors, aliases, merge keys and tags, YAML 1.1
booleans (`NO`, `off`), NaN/infinity, huge numbers, deep nesting, non-UTF-8 bytes and oversized
files are all errors with a line number. (PyYAML's C composer recurses once per nesting level
and overflows the C stack on a few thousand `[`; the event parser does not.)
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from riskscore.errors import InputError, RiskscoreError

MAX_FILE_BYTES = 1_000_000
"""Largest YAML file we read (1 MB); a real profile is a few KB."""

MAX_TEXT_CHARS = 20_000
"""Longest single text value; longer is almost certainly a paste accident."""

MAX_DEPTH = 40
"""Deepest nesting we accept; real files use fewer than 6 levels."""

MAX_NUMBER_CHARS = 40
"""Longest number we read; Python refuses to convert integers past 4,300 digits anyway."""

Loc = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_BASED = re.compile(r"^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_NONFINITE = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Unicode bidirectional controls (UAX #9: ALM, LRM, RLM, the embeddings and overrides
LRE..RLO, PDF, the isolates LRI..PDI): text holding them displays in another order than it
is stored ("Trojan Source", CVE-2021-42574), so a name or note would read differently from
what riskscore scores and prints."""

_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
"""Control characters (tab and line feed excepted) and bidirectional controls. libyaml refuses
the control characters written raw, but a double-quoted scalar can still write them as escapes
("\\x1b", "\\e", "\\u202e")."""

_RAW_BIDI = re.compile(f"[{_BIDI}]")
"""Bidirectional controls written raw, which libyaml accepts anywhere (they are printable)."""

YAML11_BOOLEANS = frozenset(
    w for base in ("yes", "no", "on", "off", "y", "n") for w in (base, base.title(), base.upper())
)
"""Words YAML 1.1 reads as booleans; we keep them as text and say so where a boolean is due."""

_EDITOR_BREAK = re.compile("\r\n|[\r\n]")
"""Line breaks as editors count them (VS Code, vim, GitHub): LF, CRLF and a lone CR."""

_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""Line breaks as libyaml counts them (YAML 1.1): also NEL, LINE and PARAGRAPH SEPARATOR."""

_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")


def plain_scalar(value: Any) -> str:
    """A value as a YAML scalar without quotes, as a file would write it: `true`, `12`,
    `not_implementing` (messages, diffs and histories name fact values this way)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def editor_line(text: str, index: int) -> int:
    """The 1-based line an editor shows for character `index` of `text`."""
    return len(_EDITOR_BREAK.findall(text, 0, index)) + 1


def _editor_lines(text: str) -> list[int] | None:
    """Editor line of each libyaml line (index 0 is libyaml's line 1), or None when the two
    agree, which is whenever the text holds no NEL, U+2028 or U+2029 (almost always)."""
    if not _YAML_ONLY_BREAK.search(text):
        return None
    lines, editor = [1], 1
    for found in _YAML_BREAK.finditer(text):
        if not _YAML_ONLY_BREAK.fullmatch(found.group()):
            editor += 1
        lines.append(editor)
    return lines


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


_FILES_READ: set[Path] = set()


def files_read() -> frozenset[Path]:
    """Every file this process has read (resolved): outputs must never overwrite one."""
    return frozenset(_FILES_READ)


def mark_read(paths: Iterable[Path]) -> None:
    """Count `paths` as read by this process (a cached criteria set stands for its files)."""
    _FILES_READ.update(p.resolve() for p in paths)


@dataclass
class Recording:
    """Everything one load depended on, as the compiled-criteria cache checks it later.

    Paths are absolute but not resolved (as the load named them), so that a symbolic link
    pointed elsewhere is noticed through `links`.
    """

    files: dict[str, str] = field(default_factory=dict)
    """Path -> SHA-256 of the exact bytes read (not of the file as it is afterwards)."""
    listings: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(kind, folder) -> the names the listing gave; the kinds are the cache's (cache.LISTINGS)."""
    links: dict[str, str] = field(default_factory=dict)
    """Path -> where it resolved (os.path.realpath), for every file, folder and named path."""


_RECORDINGS: list[Recording] = []

ABSENT = "<absent>"
"""What a listing records for a folder the load looked for and did not find."""


@contextmanager
def recording() -> Iterator[Recording]:
    """Record every file read, folder listed and path resolved until the block ends."""
    held = Recording()
    _RECORDINGS.append(held)
    try:
        yield held
    finally:
        _RECORDINGS.remove(held)


def record_path(path: Path) -> None:
    """Note where `path` resolves now, for the recordings under way (a no-op without one)."""
    if _RECORDINGS:
        named = os.path.abspath(path)
        real = os.path.realpath(path)
        for held in _RECORDINGS:
            held.links[named] = real


def record_listing(kind: str, folder: Path, names: Iterable[str]) -> None:
    """Note what listing `folder` the `kind` way gave, for the recordings under way."""
    if _RECORDINGS:
        record_path(folder)
        shown = tuple(names)
        for held in _RECORDINGS:
            held.listings[(kind, os.path.abspath(folder))] = shown


def read_text(path: Path) -> str:
    """Read a file as UTF-8 (a BOM is fine), refusing directories, huge files and bad bytes."""
    _FILES_READ.add(path.resolve())
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, expected a YAML file", path)
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never ends
            raise InputError("is not a regular file, expected a YAML file", path)
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(
                f"file is {info.st_size:,} bytes, larger than the {MAX_FILE_BYTES:,}-byte limit",
                path,
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise InputError(f"file is larger than the {MAX_FILE_BYTES:,}-byte limit", path)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except PermissionError:
        raise InputError("permission denied", path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from None
    if _RECORDINGS:
        record_path(path)
        digest = hashlib.sha256(raw).hexdigest()
        for held in _RECORDINGS:
            held.files[os.path.abspath(path)] = digest
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = len(re.findall(rb"\r\n|[\r\n]", raw[: exc.start])) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", path, line
        ) from None


def load_yaml(path: Path) -> Document:
    """Load one YAML file whose top level must be a mapping."""
    return parse_yaml(read_text(path), str(path))


def parse_yaml(text: str, path: str) -> Document:
    """Parse YAML text strictly into a Document."""
    bidi = _RAW_BIDI.search(text)
    if bidi is not None:
        raise InputError(
            f"the text holds bidirectional control character U+{ord(bidi.group()):04X}, which "
            "makes it display in another order than it is written; remove it",
            path,
            editor_line(text, bidi.start()),
        )
    editor_lines = _editor_lines(text)
    builder = _Builder(path, editor_lines)
    loader = yaml.CSafeLoader(text)
    try:
        builder.run(loader.get_event)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, path, builder.fix) from None
    except yaml.reader.ReaderError as exc:
        line = editor_line(text, exc.position)
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        raise InputError(f"invalid YAML: {exc.reason} ({what}); remove it", path, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {str(exc).splitlines()[0]}", path, 1) from None
    finally:
        loader.dispose()
    if editor_lines is not None:
        builder.lines.update((loc, builder.fix(n)) for loc, n in builder.lines.items())
    data = builder.root
    if data is _NOTHING or data is None:
        raise InputError("file is empty; expected a mapping of keys to values", path, 1)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({data!r:.40})"
        raise InputError(f"expected a mapping of keys to values at the top, found {kind}", path, 1)
    return Document(path, data, builder.lines)


YAML_PROBLEMS: dict[str, str] = {
    # The parser's and scanner's problems, as libyaml 0.2.x words them, and ours for each.
    "mapping values are not allowed in this context": (
        "mapping values are not allowed in this context; quote a value that contains ': '"
    ),
    "did not find expected key": (
        "did not find expected key; check the indentation of this line and the one above"
    ),
    "could not find expected ':'": "could not find expected ':'; each line of a mapping needs "
    "`key: value`",
    "found a tab character that violates indentation": (
        "found a tab character that violates indentation; indent with spaces, not tabs"
    ),
    "found a tab character where an indentation space is expected": (
        "found a tab character that violates indentation; indent with spaces, not tabs"
    ),
    "found character that cannot start any token": (
        "found a character that cannot start a value; quote the value"
    ),
    "did not find expected node content": "a value is missing here",
    "did not find expected ',' or ']'": "did not find expected ',' or ']'",
    "did not find expected ',' or '}'": "did not find expected ',' or '}'",
    "did not find expected '-' indicator": (
        "did not find expected '-' indicator; check the indentation of this list"
    ),
    "did not find expected <document start>": "unexpected text after the end of the document",
    "found unexpected end of stream": "the file ends inside a quoted value; close the quote",
    "found unknown escape character": (
        "unknown escape in a double-quoted value; write \\\\ for a backslash or use single quotes"
    ),
    "found unexpected ':'": "found unexpected ':'; quote a value that contains ':'",
    "block sequence entries are not allowed in this context": (
        "a list item ('- ') is not allowed here; check the indentation"
    ),
    "did not find expected comment or line break": (
        "unexpected text after a value; quote the whole value"
    ),
    "found undefined tag handle": "YAML tags are not allowed; quote a value to make it text",
    "found unexpected document indicator": (
        "a line starting with '---' or '...' inside a value; quote the value"
    ),
}
"""Every libyaml syntax problem we have seen (fuzzing the shipped files, the corpus, and
PyYAML 6.0 to 6.0.4) mapped to riskscore's own message, so what users read does not depend
on which libyaml a wheel bundles. An unlisted problem gets UNKNOWN_PROBLEM, not libyaml's
words; deep nesting is `nesting deeper than MAX_DEPTH levels` whoever stops it."""

UNKNOWN_PROBLEM = "this line cannot be parsed; check its quotes, colons and indentation"

YAML_CONTEXTS = frozenset(
    {
        "while parsing a flow sequence",
        "while parsing a flow mapping",
        "while parsing a block mapping",
        "while parsing a block collection",
        "while scanning a quoted scalar",
        "while scanning a simple key",
        "while scanning a block scalar",
        "while parsing a flow node",
        "while parsing a block node",
    }
)
"""libyaml contexts we name in a message (`... (while parsing a flow sequence on line 3)`)."""


def _syntax_error(
    exc: yaml.MarkedYAMLError, text: str, path: str, fix: Callable[[int], int]
) -> InputError:
    """`invalid YAML: problem (context on line N)`, on a line that exists in the file, as an
    editor counts lines, in riskscore's words (YAML_PROBLEMS) whatever libyaml said."""
    mark = exc.problem_mark or exc.context_mark
    last_line = editor_line(text, len(text)) - (1 if text.endswith(("\n", "\r")) else 0)
    line = min(fix(mark.line + 1), max(last_line, 1)) if mark is not None else 1
    problem = exc.problem or exc.context or ""
    if "nesting depth" in problem:
        # libyaml 0.2.5 as bundled since PyYAML 6.0.4 refuses deep nesting itself; older
        # bindings reach our own depth check. One message, whichever version stops it.
        return InputError(f"nesting deeper than {MAX_DEPTH} levels", path, line)
    lines = _EDITOR_BREAK.split(text)
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    layout = _layout_problem(problem, lines, line)
    if layout is not None:
        return InputError(f"invalid YAML: {layout}", path, line)
    message = "invalid YAML: " + YAML_PROBLEMS.get(problem, UNKNOWN_PROBLEM)
    if problem in _INDENTATION_PROBLEMS and here.strip():
        message += f": {_quoted(here)}"
    if exc.context in YAML_CONTEXTS and exc.problem and exc.context_mark is not None:
        context_line = min(fix(exc.context_mark.line + 1), max(last_line, 1))
        head, semi, hint = message.partition(";")
        message = f"{head} ({exc.context} on line {context_line}){semi}{hint}"
    return InputError(message, path, line)


_INDENTATION_PROBLEMS = frozenset(
    {
        "did not find expected key",
        "did not find expected '-' indicator",
        "block sequence entries are not allowed in this context",
    }
)
"""Problems whose hint is about indentation: the message shows the line itself."""


def _layout_problem(problem: str, lines: list[str], line: int) -> str | None:
    """A clearer message than libyaml's when the cause is the line's indentation: a tab in
    it (YAML 1.2 section 6.1: tabs never indent), or a `key: value` line indented deeper than
    the `key: value` line above, which YAML reads as a continuation of that value."""
    if not 0 < line <= len(lines):
        return None
    here = lines[line - 1]
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent:
        return "tabs are not allowed in YAML indentation; indent this line with spaces: " + _quoted(
            here
        )
    if problem != "mapping values are not allowed in this context":
        return None
    above = next(
        (t for t in reversed(lines[: line - 1]) if t.strip() and not t.lstrip().startswith("#")),
        None,
    )
    if above is None:
        return None
    above_indent = len(above) - len(above.lstrip(" "))
    key, colon, value = above.strip().partition(": ")
    if len(indent) <= above_indent or not colon or not value.strip() or " " in key:
        return None
    return (
        f"this line is indented deeper than the line above ({len(indent)} spaces, not "
        f"{above_indent}), so YAML reads it as part of that line's value; indent it like the "
        f"keys beside it: {_quoted(here)}"
    )


def _quoted(line: str) -> str:
    """A source line as shown in a message: quoted, tabs as \\t, cut at 60 characters."""
    shown = line.rstrip().replace("\t", "\\t")
    return "'" + (shown[:57] + "..." if len(shown) > 60 else shown) + "'"


_NOTHING: Any = object()
"""The root before any value arrived (an empty stream)."""

_TYPED_START = frozenset("0123456789+-.~nNtTfF")
"""First characters of plain scalars that may be null, a boolean or a number; others are text."""


class _Frame:
    """An open mapping or sequence: its value, where it sits, and the key awaiting a value."""

    __slots__ = ("first_line", "is_list", "key", "loc", "value")

    def __init__(self, value: dict[str, Any] | list[Any], loc: Loc):
        self.value: Any = value
        self.is_list = type(value) is list
        self.loc = loc
        self.key: str | None = None
        self.first_line: dict[str, int] = {}


class _Builder:
    """Turns parser events into dicts, lists and scalars, recording the line of every key.

    This loop runs once per scalar of every file, so it is written for speed: one function,
    local names, and a fast path for plain text.
    """

    def __init__(self, path: str, editor_lines: list[int] | None = None):
        self.path = path
        self.editor_lines = editor_lines
        self.lines: dict[Loc, int] = {}
        self.root: Any = _NOTHING
        self._documents = 0

    def fix(self, line: int) -> int:
        """libyaml's 1-based line as an editor counts it (see _editor_lines)."""
        known = self.editor_lines
        return known[line - 1] if known is not None and 0 < line <= len(known) else line

    def error(self, event: Any, message: str) -> InputError:
        return InputError(message, self.path, self.fix(event.start_mark.line + 1))

    def run(self, get_event: Callable[[], Any]) -> None:
        scalar_event, mapping_start = yaml.ScalarEvent, yaml.MappingStartEvent
        sequence_start, stream_end = yaml.SequenceStartEvent, yaml.StreamEndEvent
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        lines = self.lines
        stack: list[_Frame] = []
        top: _Frame | None = None
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is scalar_event or kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag is not None:
                    raise self._refused(event)
                if top is None:
                    loc: Loc = ()
                    lines[loc] = event.start_mark.line + 1
                elif top.is_list:
                    loc = (*top.loc, len(top.value))
                    lines[loc] = event.start_mark.line + 1
                elif top.key is None:
                    self._key(event, top)
                    continue
                else:
                    loc = (*top.loc, top.key)  # its line is the key's, recorded by _key
                if kind is scalar_event:
                    value = event.value
                    if event.style == '"' and _CONTROL.search(value):
                        raise self._control(event, value, loc)
                    if len(value) > MAX_TEXT_CHARS or not (
                        event.style or (value and value[0] not in _TYPED_START)
                    ):
                        value = self._scalar(event, loc)
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise self.error(event, f"nesting deeper than {MAX_DEPTH} levels")
                    value = {} if kind is mapping_start else []
                if top is None:
                    self.root = value
                elif top.is_list:
                    top.value.append(value)
                else:
                    top.value[top.key] = value
                    top.key = None
                if kind is not scalar_event:
                    top = _Frame(value, loc)
                    stack.append(top)
            elif kind in ends:
                stack.pop()
                top = stack[-1] if stack else None
            elif kind is stream_end:
                return
            elif kind is yaml.AliasEvent:
                raise self.error(
                    event, f"YAML aliases ('*{event.anchor}') are not allowed; write the value out"
                )
            elif kind is yaml.DocumentStartEvent:
                self._documents += 1
                if self._documents > 1:
                    raise self.error(
                        event, "a file holds one YAML document; remove the extra '---'"
                    )

    def _control(self, event: Any, value: str, loc: Loc) -> InputError:
        found = _CONTROL.search(value)
        code = ord(found.group()) if found else 0
        return self.error(
            event,
            f"{_dotted(loc)}the text holds control character U+{code:04X} (written as an escape "
            "in quotes); remove it",
        )

    def _refused(self, event: Any) -> InputError:
        if event.anchor is not None:
            return self.error(
                event, f"YAML anchors ('&{event.anchor}') are not allowed; write the value out"
            )
        return self.error(
            event,
            f"YAML tags ('{_short_tag(event.tag)}') are not allowed; quote a value to make it text",
        )

    def _key(self, event: Any, top: _Frame) -> None:
        line: int = event.start_mark.line + 1
        if type(event) is not yaml.ScalarEvent:
            raise self.error(event, "a key must be plain text, not a list or mapping")
        key: str = event.value
        if event.style == '"' and _CONTROL.search(key):
            raise self._control(event, key, top.loc)
        if key == "<<" and not event.style:
            raise self.error(event, "YAML merge keys (<<) are not allowed; write it out")
        if len(key) > MAX_TEXT_CHARS:
            raise self.error(event, f"a key of {len(key):,} characters is too long")
        if key in top.first_line:
            raise self.error(
                event, f"duplicate key '{key}' (first set on line {self.fix(top.first_line[key])})"
            )
        top.first_line[key] = line
        self.lines[(*top.loc, key)] = line
        top.key = key

    def _scalar(self, event: Any, loc: Loc) -> Any:
        """The slow path: long text, and plain scalars that may be null, booleans or numbers."""
        value: str = event.value
        if len(value) > MAX_TEXT_CHARS:
            raise self.error(
                event,
                f"{_dotted(loc)}text is {len(value):,} characters, over the "
                f"{MAX_TEXT_CHARS:,} limit",
            )
        if event.style:  # quoted or block scalar: always text
            return value
        if _NULL.match(value):
            return None
        if value in _BOOL:
            return _BOOL[value]
        if _INT.match(value) or _INT_BASED.match(value) or _FLOAT.match(value):
            return self._number(event, value, loc)
        if _NONFINITE.match(value):
            raise self.error(
                event, f"{_dotted(loc)}'{value}' is not allowed; NaN and infinity are not numbers"
            )
        return value

    def _number(self, event: Any, value: str, loc: Loc) -> int | float:
        if len(value) > MAX_NUMBER_CHARS:
            raise self.error(
                event, f"{_dotted(loc)}a number of {len(value)} characters is out of range"
            )
        if _INT.match(value):
            return int(value)
        if _INT_BASED.match(value):
            return int(value, 0)
        number = float(value)
        if not math.isfinite(number):
            raise self.error(event, f"{_dotted(loc)}{value} is out of range")
        return number


def _dotted(loc: Loc) -> str:
    return ".".join(map(str, loc)) + ": " if loc else ""


YAML_SUFFIXES = (".yaml", ".yml")
"""Extensions of riskscore's YAML files, compared case-insensitively."""


def is_yaml_name(name: str) -> bool:
    """True for `reko-diq.yaml` or `X.YML`; false for hidden names (`._x.yaml` resource forks,
    `.#x.yaml` editor locks) and other extensions. The one rule for every folder we list."""
    return not name.startswith(".") and name.lower().endswith(YAML_SUFFIXES)


def list_yaml_files(folder: Path, error: type[RiskscoreError] = InputError) -> list[Path]:
    """YAML files directly in `folder` (see is_yaml_name), sorted; links to files count."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise error(f"cannot list the directory: {exc.strerror or exc}", folder) from None
    found = [p for p in entries if is_yaml_name(p.name) and p.is_file()]
    record_listing("yaml", folder, (p.name for p in found))
    return found


def iter_yaml_files(folder: Path) -> Iterator[Path]:
    """YAML files directly in `folder`, in a stable (sorted) order (see list_yaml_files)."""
    yield from list_yaml_files(folder)


def _short_tag(tag: str) -> str:
    """`!!str` as written, not the expanded `tag:yaml.org,2002:str`."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag
