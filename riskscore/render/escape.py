"""Escaping shared by every writer: each output is safe for the program that reads it.

The loader refuses control characters in profile and criteria text, but writers do not rely on
it: a scorecard can also carry file names from the command line, and a renderer may be fed a
scorecard built elsewhere. Each function here makes any text safe for one consumer:

- `terminal`: no control characters reach a terminal, so no escape sequence (ESC [ ...) can
  recolour, move the cursor or retitle the window; as a CI log is a terminal too, `::` and
  `##[` are neutralised as in `log_text`. Layout is kept: removed and added characters have
  zero width in rich's measure.
- `xml_text`: only characters XML 1.0 allows (section 2.2, `Char`; DEL and C1 too, which it
  discourages); others, and bidirectional controls, become U+FFFD.
- `md_cell` / `md_line`: one line of GitHub-flavoured markdown (a table cell, a heading, a
  list item) in which profile text is inert: line breaks become spaces, control characters are
  dropped, backslash, backtick and `[ ] < > ! |` are backslash-escaped (no HTML, image, link,
  code span or table break), and a zero-width space (U+200B) follows `@`, `#` before a digit,
  `://` and `www.`, so GitHub makes no @mention, issue reference or autolink of them in a PR
  comment or job summary.
- `md_code`: an inline code span (a path) that shows its text as written.
- `xlsx_text`: a workbook string cell (written with `write_string`, never as a formula; see
  render/xlsx_format.py): control characters dropped, the text otherwise exact.
- `md_text`: quoted source text shown literally in markdown (a passage from a profile's
  citation): one line, and every character markdown gives a meaning (emphasis, links, code,
  HTML) backslash-escaped.
- `csv_cell`: a text cell a spreadsheet will not run as a formula (OWASP "CSV injection":
  a leading `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`).
- `workflow_data` / `workflow_property`: GitHub Actions workflow-command escaping, as the
  runner unescapes it (`%`, CR, LF; and `:` `,` in properties), with `::` and `##[`
  neutralised as in `log_line`.
- `log_line` / `log_text`: a plain line of a GitHub Actions job log (stdout or stderr), which
  the runner scans for commands: `::` at the start of a line (after spaces) and the legacy
  `##[command]` anywhere in it. A zero-width space is put inside every `::` and `##[`, so no
  text of a profile becomes a command (an annotation, a mask, a group, stop-commands).

JSON, JSONL and SARIF keep the text exact, as data: json.dumps writes every control character
as an escape (`\\u001b`), and the loader refuses bidirectional controls. The HTML report is
rendered by jinja2 with autoescape on.
"""

from __future__ import annotations

import re

BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Unicode bidirectional controls (ALM, LRM, RLM, embeddings, overrides, isolates): text
holding them displays in another order than it is stored. The loader refuses them; the
writers drop them too, with the control characters."""

_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")
"""C0 except tab and line feed, DEL, C1 (U+0080-U+009F, which includes CSI U+009B), and the
bidirectional controls."""

_CONTROL_BUT_BREAKS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI}]")
"""As _CONTROL, but keeping carriage return for writers that escape line breaks themselves."""

_ANY_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI}]")
"""Every control character, the Unicode line/paragraph separators and bidirectional
controls."""

_NOT_XML = re.compile(f"[{BIDI}]|[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters outside XML 1.0's `Char` production, and DEL and C1, which section 2.2 says
documents should avoid (a report viewer may pass them to a terminal)."""

_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet reads as the start of a formula (OWASP CSV injection)."""


def plain(text: str) -> str:
    """`text` without control characters (tab and line feed kept)."""
    return _CONTROL.sub("", text)


def terminal(text: str) -> str:
    """Text a terminal shows as written: every control character but tab and newline removed,
    and `::` and `##[` neutralised as in `log_text`, since a terminal's text is also a CI job
    log line (`--format table` under GitHub Actions)."""
    return log_text(text)


def xml_text(text: str) -> str:
    """Text that is well-formed inside an XML 1.0 element or attribute (ElementTree escapes
    `<`, `&` and quotes; it does not remove characters XML 1.0 forbids). Line breaks become
    `\\n`, as an XML parser would normalise them (section 2.11)."""
    return _NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


_MD_PUNCT = re.compile(r"([\\`\[\]<>!|])")
"""Characters that start markdown or HTML structure in a line: escape, code span, link and
image brackets, HTML tags and autolinks, image `!`, table cell break."""

_MD_REFERENCE = re.compile(r"(@|#(?=[0-9])|:(?=//)|(?i:www)(?=\.))")
"""Where GitHub turns plain text into an @mention, an issue reference or an autolink."""

ZWSP = "\u200b"
"""ZERO WIDTH SPACE: invisible, and it breaks a token the reader would act on."""


def md_line(text: str) -> str:
    """One line of GitHub markdown that shows `text` as written and does nothing else: line
    breaks become spaces, control characters are dropped, markdown and HTML punctuation is
    backslash-escaped (CommonMark 2.4, backslash escapes), and mentions, issue references and
    autolinks are broken with a zero-width space."""
    text = _ANY_CONTROL.sub("", _LINE_BREAK.sub(" ", text))
    return _MD_REFERENCE.sub(lambda m: m.group() + ZWSP, _MD_PUNCT.sub(r"\\\1", text))


def md_code(text: str) -> str:
    """An inline code span showing `text` as written (a path, an id): one line, control
    characters dropped, fenced with one more backtick than the longest run inside (CommonMark
    6.1). A code span is inert by itself: no HTML, link or @mention is made inside it."""
    text = _ANY_CONTROL.sub("", _LINE_BREAK.sub(" ", text))
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_cell(text: str) -> str:
    """Text that stays inside one GitHub markdown table cell, inert (`md_line`; `|` is among
    the characters it escapes)."""
    return md_line(text)


def xlsx_text(text: str) -> str:
    """A workbook text cell: control characters dropped (XML 1.0 forbids most of them), the
    rest exact. The writer stores it as a string (`write_string`), so a leading `=` is text."""
    return _CONTROL.sub("", text)


def csv_cell(value: object) -> object:
    """A CSV value a spreadsheet shows as text: formula starts get a leading `'`; numbers pass."""
    if not isinstance(value, str):
        return value
    value = plain(value)
    return "'" + value if value.startswith(FORMULA_START) else value


_LOG_COMMAND = re.compile(r"(?<=:)(?=:)|(?<=##)(?=\[)")
"""Between the two colons of `::` and between `##` and `[`: where the runner's command parser
(actions/runner ActionCommandManager: `::name` at a line's start, legacy `##[name]` anywhere)
would match."""


def log_text(text: str) -> str:
    """Text for a GitHub Actions log, line breaks kept: no line holds `::` or `##[` (a
    zero-width space is put inside each), and control characters but tab and line feed are
    dropped."""
    return _LOG_COMMAND.sub(ZWSP, _CONTROL.sub("", text))


def log_line(text: str) -> str:
    """One plain log line: `log_text` with every line break made a space."""
    return log_text(_ANY_CONTROL.sub("", _LINE_BREAK.sub(" ", text)))


def workflow_data(text: str) -> str:
    """A workflow command's message, escaped the way the Actions runner unescapes it (`%`, CR,
    LF), with `::` and `##[` neutralised as in `log_text`."""
    text = _LOG_COMMAND.sub(ZWSP, _CONTROL_BUT_BREAKS.sub("", text))
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A workflow command's property value; `:` and `,` would otherwise end it."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")
"""ASCII punctuation that CommonMark lets a backslash escape and GitHub markdown reads as
syntax (emphasis, links, images, code, raw HTML, entities, headings, tables,
strikethrough)."""


def md_text(text: str) -> str:
    """Text shown literally in GitHub markdown, on one line: no link, emphasis, code span or
    HTML it contains is rendered (CommonMark 0.31, "Backslash escapes"), and mentions, issue
    references and autolinks are broken with a zero-width space as in `md_line`. One pass:
    each character is escaped once (`md_line` escapes a subset of `_MD_SPECIAL`, so escaping
    its result again would show the backslashes)."""
    text = _ANY_CONTROL.sub("", _LINE_BREAK.sub(" ", text))
    return _MD_REFERENCE.sub(lambda m: m.group() + ZWSP, _MD_SPECIAL.sub(r"\\\1", text))
