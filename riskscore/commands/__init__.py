"""Commands: the typer app (app.py), one module per command group, and writing output files."""
