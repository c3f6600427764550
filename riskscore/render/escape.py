"""Escaping shared by every writer: each output is safe for the program that reads it.

The loader refuses control characters in profile and criteria text, but writers do not rely on
it: a scorecard can also carry file names from the command line, and a renderer may be fed a
scorecard built elsewhere. Each function here makes any text safe for one consumer:

- `terminal`: no control characters reach a terminal, so no escape sequence (ESC [ ...) can
  recolour, move the cursor or retitle the window. Layout is kept: removed characters have zero
  width in rich's measure.
- `xml_text`: only characters XML 1.0 allows (section 2.2, `Char`; DEL and C1 too, which it
  discourages); others become U+FFFD.
- `md_cell` / `md_line`: one markdown table cell or heading line (GitHub-flavoured markdown):
  line breaks become spaces, `|` is escaped, control characters dropped.
- `md_text`: quoted source text shown literally in markdown (a passage from a profile's
  citation): one line, and every character markdown gives a meaning (emphasis, links, code,
  HTML) backslash-escaped.
- `csv_cell`: a text cell a spreadsheet will not run as a formula (OWASP "CSV injection":
  a leading `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`).
- `workflow_data` / `workflow_property`: GitHub Actions workflow-command escaping, as the
  runner unescapes it (`%`, CR, LF; and `:` `,` in properties).

SARIF is JSON (json.dumps escapes every control character) and the HTML report is rendered by
jinja2 with autoescape on; both also pass their text through `plain` so that no consumer that
displays them sees a control character.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 except tab and line feed, DEL, and C1 (U+0080-U+009F, which includes CSI U+009B)."""

_CONTROL_BUT_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""As _CONTROL, but keeping carriage return for writers that escape line breaks themselves."""

_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Every control character and the Unicode line/paragraph separators."""

_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters outside XML 1.0's `Char` production, and DEL and C1, which section 2.2 says
documents should avoid (a report viewer may pass them to a terminal)."""

_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet reads as the start of a formula (OWASP CSV injection)."""


def plain(text: str) -> str:
    """`text` without control characters (tab and line feed kept)."""
    return _CONTROL.sub("", text)


def terminal(text: str) -> str:
    """Text a terminal shows as written: every control character but tab and newline removed."""
    return _CONTROL.sub("", text)


def xml_text(text: str) -> str:
    """Text that is well-formed inside an XML 1.0 element or attribute (ElementTree escapes
    `<`, `&` and quotes; it does not remove characters XML 1.0 forbids). Line breaks become
    `\\n`, as an XML parser would normalise them (section 2.11)."""
    return _NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def md_line(text: str) -> str:
    """One line of markdown: line breaks become spaces, control characters are dropped."""
    return _ANY_CONTROL.sub("", _LINE_BREAK.sub(" ", text))


def md_cell(text: str) -> str:
    """Text that stays inside one GitHub markdown table cell: one line, `|` escaped."""
    return md_line(text).replace("|", "\\|")


def csv_cell(value: object) -> object:
    """A CSV value a spreadsheet shows as text: formula starts get a leading `'`; numbers pass."""
    if not isinstance(value, str):
        return value
    value = plain(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def workflow_data(text: str) -> str:
    """A workflow command's message, escaped the way the Actions runner unescapes it."""
    text = _CONTROL_BUT_BREAKS.sub("", text)
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
    HTML it contains is rendered (CommonMark 0.31, "Backslash escapes")."""
    return _MD_SPECIAL.sub(r"\\\1", md_line(text))
