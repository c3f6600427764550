"""Turn pydantic validation errors into `path:line: key: message` errors with did-you-mean."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ValidationError

from riskscore.errors import RiskscoreError
from riskscore.load.yaml_reader import YAML11_BOOLEANS, Document, Loc
from riskscore.suggest import did_you_mean

_LIMITS = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}

_PATTERNS = {
    r"^\d+\.\d+\.\d+$": "write a version such as 1.0.0",
    r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$": "write a lowercase kebab-case id such as 'water-use'",
    r"^[a-z][a-z0-9_]*$": "write a lowercase snake_case id such as 'water_use'",
    r"^https?://\S+$": "write a full address starting with https:// or http://",
    r"^\d{4}-\d{2}-\d{2}$": "write a full date, YYYY-MM-DD",
}
"""Plain words for the patterns the models use; anything else shows the pattern itself."""


def model_keys(*models: type[BaseModel]) -> set[str]:
    """Every key (alias or field name) the given models accept, for did-you-mean."""
    keys: set[str] = set()
    for model in models:
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
    return keys


def _data_loc(data: Any, loc: tuple[Any, ...], kind: str) -> Loc:
    """Keep the real keys and indexes of pydantic's `loc`, dropping union-member tags."""
    out: list[str | int] = []
    cur = data
    for i, part in enumerate(loc):
        if (isinstance(cur, dict) and part in cur) or (
            isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        ):
            out.append(part)
            cur = cur[part]
        elif kind == "missing" and i == len(loc) - 1 and isinstance(cur, dict):
            out.append(part)  # a missing key: name it
    if kind.startswith("union_tag") and isinstance(cur, dict) and "type" in cur:
        out.append("type")  # point at the `type:` line, not at the mapping
    return tuple(out)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _what(value: Any) -> str:
    """A plain-words name for what the file holds where something else was expected."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _show(value)


def _is_number_text(value: Any) -> bool:
    try:
        return isinstance(value, str) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _message(err: Any, key: str, known_keys: set[str], union: bool = False) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if union and kind.endswith("_type") and (value is None or isinstance(value, dict | list)):
        return f"expected a single value (text, a number or true/false), got {_what(value)}"
    if kind == "extra_forbidden":
        return f"unknown key '{key}'{did_you_mean(key, known_keys)}"
    if kind == "missing":
        return f"missing required key '{key}'"
    if kind in ("literal_error", "enum"):
        hint = did_you_mean(value, [v.strip(" '") for v in str(ctx.get("expected", "")).split(",")])
        return f"{_show(value)} is not allowed; expected {ctx.get('expected')}{hint}"
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        return (
            f"unknown type {_show(ctx.get('tag'))}{did_you_mean(str(ctx.get('tag')), tags)}; "
            f"expected one of {', '.join(tags)}"
        )
    if kind == "union_tag_not_found":
        return f"missing required key '{ctx.get('discriminator', 'type').strip(chr(39))}'"
    if kind in ("bool_type", "bool_parsing"):
        if isinstance(value, str) and value in YAML11_BOOLEANS:
            return (
                f"'{value}' is not a boolean; YAML 1.1 words like yes/no/on/off are text "
                "here, write true or false"
            )
        return f"expected true or false, got {_what(value)}"
    if kind in ("int_type", "float_type", "int_parsing", "float_parsing"):
        hint = "; remove the quotes" if _is_number_text(value) else ""
        return f"expected a number, got {_what(value)}{hint}"
    if kind.startswith("string_type"):
        if isinstance(value, bool):
            return "expected text, got a boolean; quote the value if it is a word such as 'no'"
        return f"expected text, got {_what(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of keys to values, got {_what(value)}"
    if kind == "list_type":
        return f"expected a list, got {_what(value)}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        return f"{_show(value)} does not fit; {_PATTERNS.get(pattern, 'expected ' + pattern)}"
    if kind in _LIMITS:
        words, name = _LIMITS[kind]
        return f"must be {words} {ctx.get(name)}, got {_show(value)}"
    if kind == "string_too_short" or (kind == "too_short" and isinstance(value, str)):
        return (
            "must not be empty"
            if ctx.get("min_length") == 1
            else (f"must be at least {ctx.get('min_length')} characters, got {_show(value)}")
        )
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind in ("too_long", "string_too_long"):
        return f"is too long: at most {ctx.get('max_length')}, got {_show(value)}"
    if kind not in ("value_error", "assertion_error"):
        # Not pydantic's words, whose wording moves between releases: ours, with its stable
        # error type (https://docs.pydantic.dev/latest/errors/validation_errors/).
        return f"{_show(value)} is not valid here (pydantic error '{kind}')"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    else:
        msg = msg[0].lower() + msg[1:]
    if value is None or isinstance(value, dict) or _show(value) in msg or f"'{value}'" in msg:
        return msg
    return f"{msg} (got {_show(value)})"


def from_validation_error(
    exc: ValidationError,
    doc: Document,
    known_keys: set[str],
    base: Loc = (),
    error_type: type[RiskscoreError] = RiskscoreError,
) -> list[RiskscoreError]:
    """One RiskscoreError per problem, located at the offending key's line.

    A union reports one error per member; we keep the first per place, and drop an error
    whose place holds a deeper one (the list member of `str | list[str]` says more). A
    missing key next to a misspelt one (`nmae` for `name`) is reported once, as the typo.
    """
    root = doc.data
    for part in base:
        root = root[part]
    found: dict[Loc, str] = {}
    for err in exc.errors():
        inner = _data_loc(root, tuple(err["loc"]), err["type"])
        loc = (*base, *inner)
        if loc not in found:
            union = len(err["loc"]) > len(inner)  # a member tag such as `str` was dropped
            found[loc] = _message(err, str(loc[-1]) if loc else "", known_keys, union)
    typos = {
        (*loc[:-1], hint): loc
        for loc, message in found.items()
        if loc and message.startswith("unknown key") and "did you mean '" in message
        for hint in [message.split("did you mean '")[1].split("'")[0]]
    }
    errors: list[RiskscoreError] = []
    for loc, message in found.items():
        if any(len(other) > len(loc) and other[: len(loc)] == loc for other in found):
            continue
        if message.startswith("missing required key") and loc in typos:
            continue
        if message.startswith("missing required key"):
            where, line = loc[:-1], doc.line(loc[:-1])
        else:
            where, line = loc, doc.line(loc)
        dotted = ".".join(str(p) for p in where)
        errors.append(error_type(f"{dotted}: {message}" if dotted else message, doc.path, line))
    return errors
