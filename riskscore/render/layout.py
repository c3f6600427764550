"""Terminal tables that never cut what a reader must type: ids, allowed values and figures.

rich shrinks or folds any column when a table is wider than the terminal. `fit_table` decides the
widths itself instead: every `id` and `figure` column gets the width of its longest line (it never
wraps), a `prose` column gets whatever is left but never less than its longest word (it wraps
between words only), and when even that does not fit, the columns readers need least are dropped
first (lowest `keep`). When even the columns that never go do not fit (`compare` with many
projects), the rows are printed as records instead: the first cell as a heading, then one
`header: value` line per column, so nothing is cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

Kind = Literal["id", "figure", "prose"]
PROSE_MIN = 24
"""A prose column narrower than this (in cells) reads a word per line; drop a column instead."""


@dataclass(frozen=True)
class Column:
    """One column: its header, what it holds, and how long it stays when space runs out.

    `keep`: higher stays longer; None never goes (the id column and the figure it is about).
    """

    header: str
    kind: Kind = "id"
    justify: Literal["left", "right", "center"] = "left"
    keep: int | None = None
    ratio: int = 1


Cell = str | Text


def _lines(value: Cell) -> list[str]:
    return (value.plain if isinstance(value, Text) else value).split("\n")


def records(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], title: str | Text | None = None
) -> Group:
    """Rows as records, for a terminal too narrow for the table: the first cell in bold, then
    `  header: value` for each other column (multi-line values indented below)."""
    parts: list[Text] = [Text(title) if isinstance(title, str) else title] if title else []
    for row in rows:
        parts.append(Text.assemble((_text(row[0]).plain, "bold")))
        for col, value in zip(columns[1:], row[1:], strict=True):
            lines = _lines(value)
            label = col.header or "·"
            parts.append(Text(f"  {label}: {lines[0]}"))
            parts.extend(Text(f"    {line}") for line in lines[1:])
    return Group(*parts)


def _cell(value: Cell, no_wrap: bool) -> Text:
    """A body cell; an id or figure never wraps (its column is as wide as its longest line)."""
    text = _text(value).copy()
    text.no_wrap = no_wrap or None
    return text


def _text(value: Cell) -> Text:
    """Plain strings become Text, so `[brackets]` in values are never read as rich markup."""
    return value if isinstance(value, Text) else Text(value)


def _need(column: Column, values: list[Cell]) -> int:
    """Cells a column needs: an id or figure column its longest line (nothing in it is ever
    cut); a prose column PROSE_MIN (or its longest line if shorter), so prose never reads a
    word per line. A prose word longer than its column (a long source key) folds."""
    lines = [line for value in values for line in _lines(value)]
    # A header (a project name in `compare`) wraps between words; it never widens a column.
    header = max((cell_len(word) for word in column.header.split()), default=0)
    longest = max([header, *(cell_len(line) for line in lines)])
    return longest if column.kind != "prose" else min(PROSE_MIN, longest)


def table_width(needs: Sequence[int]) -> int:
    """Cells a rich box table with these column widths takes: borders and one space padding."""
    return sum(needs) + 3 * len(needs) + 1


def prose_fits(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> bool:
    """Whether `fit_table` keeps every prose column and gives it room for its longest word;
    when not, a caller may lay the rows out as stacked blocks instead."""
    table = fit_table(columns, rows, width)
    if not isinstance(table, Table):
        return False
    kept = {c.header: c for c in table.columns}
    for i, col in enumerate(columns):
        if col.kind != "prose":
            continue
        if col.header not in kept:
            return False
        words = [w for row in rows for line in _lines(row[i]) for w in line.split()]
        if max((cell_len(w) for w in words), default=0) > (kept[col.header].width or 0):
            return False
    return True


def fit_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    width: int,
    title: str | Text | None = None,
    show_lines: bool = False,
) -> Table | Group:
    """A rich Table of `rows` no wider than `width` cells, cutting no id or figure.

    Drops columns (lowest `keep` first) until the rest fit; gives prose columns the spare width
    by `ratio`. When the columns that never go are still too wide, returns `records()`.
    """
    kept = list(range(len(columns)))
    needs = [_need(c, [row[i] for row in rows]) for i, c in enumerate(columns)]
    droppable = sorted(
        (i for i, c in enumerate(columns) if c.keep is not None),
        key=lambda i: columns[i].keep or 0,
    )
    while table_width([needs[i] for i in kept]) > width and droppable:
        kept.remove(droppable.pop(0))
    if table_width([needs[i] for i in kept]) > width:
        return records(columns, rows, title)
    widths = {i: needs[i] for i in kept}
    prose = [i for i in kept if columns[i].kind == "prose"]
    spare = width - table_width(list(widths.values()))
    if prose and spare > 0:
        # Prose columns may grow to their longest line, sharing the spare cells by ratio.
        longest = {
            i: max((cell_len(x) for row in rows for x in _lines(row[i])), default=0) for i in prose
        }
        total = sum(columns[i].ratio for i in prose)
        for i in prose:
            widths[i] = min(max(needs[i], longest[i]), needs[i] + spare * columns[i].ratio // total)
    table = Table(title=title, title_justify="left", show_lines=show_lines)
    for i in kept:
        col = columns[i]
        table.add_column(
            col.header,
            justify=col.justify,
            width=widths[i],
            # The header wraps between words and is never cut, even over a column whose
            # cells never wrap ("rank 5-95%", a project name in `compare`; issue 21): the
            # column wraps, and each id or figure cell says no_wrap itself.
            no_wrap=False,
            overflow="fold",  # never triggers for ids: their width is their longest line
        )
    for row in rows:
        table.add_row(*(_cell(row[i], columns[i].kind != "prose") for i in kept))
    return table
