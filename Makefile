# Developer shortcuts; CI runs .ci/run (fresh venv, README test command).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: dev lint test docs bench

dev:
	python3 -m venv $(VENV) && $(PY) -m pip install -e '.[dev]'

lint:
	$(VENV)/bin/ruff check riskscore tests bench && $(VENV)/bin/ruff format --check riskscore tests bench && $(VENV)/bin/mypy riskscore

test:
	$(PY) -m pytest -q

docs:
	$(VENV)/bin/riskscore criteria --format markdown -o docs/criteria-reference.md

bench:
	$(PY) bench/run.py
