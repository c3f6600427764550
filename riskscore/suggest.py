"""Did-you-mean suggestions for misspelt keys, ids and values."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
    others = sorted(set(map(str, choices)) - {str(word)})  # never suggest the word itself
    close = difflib.get_close_matches(str(word), others, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
