"""Turn pydantic validation errors into `path:line: key: message` errors with did-you-mean."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from riskscore.errors import RiskscoreError
from riskscore.loading import YAML11_BOOLEANS, Document, Loc
from riskscore.suggest import did_you_mean


def model_keys(*models: type[BaseModel]) -> set[str]:
    """Every key (alias or field name) the given models accept, for did-you-mean."""
    keys: set[str] = set()
    for model in models:
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
    return keys


def _data_loc(data: Any, loc: tuple[Any, ...]) -> Loc:
    """Drop the union-tag parts pydantic puts in `loc`, keeping real keys and indexes."""
    out: list[str | int] = []
    cur = data
    for i, part in enumerate(loc):
        if (isinstance(cur, dict) and part in cur) or (
            isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        ):
            out.append(part)
            cur = cur[part]
        elif i == len(loc) - 1 and isinstance(cur, dict) and isinstance(part, str):
            out.append(part)  # a missing key: name it
    return tuple(out)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: Any, key: str, known_keys: set[str]) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unknown key '{key}'{did_you_mean(key, known_keys)}"
    if kind == "missing":
        return f"missing required key '{key}'"
    if kind in ("literal_error", "enum"):
        hint = did_you_mean(value, [v.strip(" '") for v in str(ctx.get("expected", "")).split(",")])
        return f"{_show(value)} is not allowed; expected {ctx.get('expected')}{hint}"
    if kind == "union_tag_invalid":
        return f"unknown type {_show(ctx.get('tag'))}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"missing required key '{ctx.get('discriminator', 'type').strip(chr(39))}'"
    if (
        kind in ("bool_type", "bool_parsing")
        and isinstance(value, str)
        and value in YAML11_BOOLEANS
    ):
        return f"'{value}' is not a boolean here; write true or false"
    if kind in ("int_type", "float_type", "int_parsing", "float_parsing"):
        return f"expected a number, got {_show(value)}"
    if kind.startswith("string_type") and isinstance(value, bool):
        return "expected text, got a boolean; quote the value if it is a word such as 'no'"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    else:
        msg = msg[0].lower() + msg[1:]
    return f"{msg} (got {_show(value)})" if kind not in ("model_type", "dict_type") else msg


def from_validation_error(
    exc: ValidationError,
    doc: Document,
    known_keys: set[str],
    base: Loc = (),
    error_type: type[RiskscoreError] = RiskscoreError,
) -> list[RiskscoreError]:
    """One RiskscoreError per pydantic error, located at the offending key's line."""
    root = doc.data
    for part in base:
        root = root[part]
    errors: list[RiskscoreError] = []
    seen: set[Loc] = set()
    for err in exc.errors():
        loc = (*base, *_data_loc(root, tuple(err["loc"])))
        key = str(loc[-1]) if loc else ""
        message = _message(err, key, known_keys)
        if loc in seen:  # a union reports one error per member; the first says enough
            continue
        seen.add(loc)
        dotted = ".".join(str(p) for p in loc)
        text = f"{dotted}: {message}" if dotted else message
        errors.append(error_type(text, doc.path, doc.line(loc)))
    return errors
