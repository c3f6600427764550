"""Analyst workflows (what-if, roadmap, sensitivity, compare), all built on the pure engine."""
