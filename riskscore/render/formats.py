"""Text helpers shared by the analysis outputs, so each format reads the same in every command."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from tabulate import tabulate


def md_table(rows: list[list[Any]], headers: list[str]) -> str:
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def show(value: Any) -> str:
    """A fact value as written in a profile; `unknown` when the fact is not stated."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def signed(value: float) -> str:
    """A change in score or points: two decimals with its sign (the rule of render.common)."""
    return f"{value:+.2f}"


def add_rows(table: Table, rows: list[list[str]]) -> None:
    """Add rows as plain text: values like `[seed-004]` must not be read as rich markup."""
    for row in rows:
        table.add_row(*(Text(c) for c in row))
