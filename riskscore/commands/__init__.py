"""CLI commands that live outside cli.py so it stays small; cli.py registers them on its app."""
