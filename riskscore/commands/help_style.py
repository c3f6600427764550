"""One style for `--help`: UPPERCASE placeholders, choices listed as `[a|b|c]`, and each
command's whole first sentence in the top-level command list.

typer derives placeholders from types (`<path>`, `<int range>`, `<str>`); every command is
registered with `cls=StyledCommand`, which names them the same way for all commands.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from typer.core import TyperCommand

NAMES = {
    "output": "FILE",
    "criteria": "DIR",
    "seed": "N",
    "samples": "N",
    "jobs": "N",
    "steps": "N",
}
"""Placeholders by parameter name; others follow the type (N, X, FILE, TEXT)."""


def placeholder(param: Any) -> str:
    """The placeholder `--help` shows for an option taking a value (a click parameter; its
    type is read by duck typing, since typer vendors click privately)."""
    kind = param.type
    choices = getattr(kind, "choices", None)
    if choices is not None:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in choices) + "]"
    if param.name in NAMES:
        return NAMES[param.name]
    name = getattr(kind, "name", "")
    if name.startswith("integer"):
        return "N"
    if name.startswith("float"):
        return "X"
    if name == "path":
        return "FILE"
    return "TEXT"


def first_sentence(help_text: str) -> str:
    """The first sentence of a command's help (its first paragraph up to `. `), on one line:
    what `riskscore --help` lists beside the command, never cut to a width with `...`."""
    paragraph = inspect.cleandoc(help_text).split("\n\n", 1)[0]
    text = " ".join(paragraph.split())
    return re.split(r"(?<=[.!?])\s+(?=[A-Z`])", text, maxsplit=1)[0]


class StyledCommand(TyperCommand):
    """A typer command whose options without an explicit metavar get `placeholder()`, and
    whose summary in the command list is its full first sentence (click would cut it at 45
    characters with `...`)."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help or not self.help:
            return super().get_short_help_str(limit)
        return first_sentence(self.help)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            is_option = param.param_type_name == "option"
            if is_option and not getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = placeholder(param)
