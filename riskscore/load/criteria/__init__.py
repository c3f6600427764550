"""Criteria sets: models, loading and cross-file checks."""

from __future__ import annotations

from riskscore.load.criteria.loader import CriteriaSet, default_criteria_dir, load_criteria

__all__ = ["CriteriaSet", "default_criteria_dir", "load_criteria"]
