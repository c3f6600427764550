"""One exception tree: every expected problem is a RiskscoreError with a file and line."""

from __future__ import annotations

from pathlib import Path


class RiskscoreError(Exception):
    """A problem the user can fix; printed as `path:line: message`, exit code 2."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class InputError(RiskscoreError):
    """A file could not be read or parsed as riskscore YAML."""


class CriteriaError(RiskscoreError):
    """The criteria set (or a lens) is inconsistent."""


class ProfileError(RiskscoreError):
    """A project profile does not fit the criteria set's fact vocabulary."""


class UsageError(RiskscoreError):
    """The command line asked for something that does not exist."""


class ErrorGroup(RiskscoreError):
    """Several problems found at once (validate reports all of them, not just the first)."""

    def __init__(self, errors: list[RiskscoreError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def problems_of(exc: RiskscoreError) -> list[RiskscoreError]:
    """The problems `exc` stands for: an ErrorGroup's members, else `exc` itself, so that
    problems collected from several files make one flat ErrorGroup."""
    return list(exc.errors) if isinstance(exc, ErrorGroup) else [exc]
