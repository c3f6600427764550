"""riskscore: score the governance and risk of critical-minerals projects."""

from __future__ import annotations

__version__ = "1.0.0"
