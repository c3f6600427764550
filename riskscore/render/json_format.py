"""JSON: the Report model, dumped as is (deterministic key order and float formatting)."""

from __future__ import annotations

from riskscore.engine.scorecard import Report
from riskscore.render import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    return report.model_dump_json(indent=2) + "\n"
