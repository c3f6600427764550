# Developer shortcuts; CI runs .ci/run (fresh venv, README test command).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: dev lint test docs effective-weights bench

dev:
	python3 -m venv $(VENV) && $(PY) -m pip install -e '.[dev]'

lint:
	$(VENV)/bin/ruff check riskscore tests bench && $(VENV)/bin/ruff format --check riskscore tests bench && $(VENV)/bin/mypy riskscore

test:
	$(PY) -m pytest -q

docs:
	$(VENV)/bin/riskscore criteria --format markdown -o docs/criteria-reference.md

# The nominal-vs-effective table in docs/weights.md, between its two markers.
effective-weights:
	mkdir -p build
	$(PY) -m riskscore criteria --effective projects/ -f markdown -o build/effective-weights.md
	$(PY) -c "import pathlib; d = pathlib.Path('docs/weights.md'); s = d.read_text(encoding='utf-8'); \
	a, b = '<!-- effective-weights:start -->', '<!-- effective-weights:end -->'; \
	t = pathlib.Path('build/effective-weights.md').read_text(encoding='utf-8'); \
	d.write_text(s.split(a)[0] + a + '\n' + t + b + s.split(b)[1], encoding='utf-8')"

bench:
	$(PY) bench/run.py
