"""Engine: evaluate() and everything it needs (rules, red-flag gates, aggregation, the Scorecard
models). Pure: no files, no printing, no typer, rich or os."""
