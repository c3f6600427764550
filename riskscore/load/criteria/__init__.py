"""Criteria sets: models and the in-memory set (pure), loading and cross-file checks (I/O)."""
