"""One style for `--help` placeholders: UPPERCASE nouns, and choices listed as `[a|b|c]`.

typer derives placeholders from types (`<path>`, `<int range>`, `<str>`); every command is
registered with `cls=StyledCommand`, which names them the same way for all commands.
"""

from __future__ import annotations

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


class StyledCommand(TyperCommand):
    """A typer command whose options without an explicit metavar get `placeholder()`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            is_option = param.param_type_name == "option"
            if is_option and not getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = placeholder(param)
