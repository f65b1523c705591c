# Imigrasi Digital — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13: from PATH, else from pyenv (the version named in .python-version).
PYTHON_BIN ?= $(shell command -v python3.13 2>/dev/null || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 2>/dev/null | sort -V | tail -n 1)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements/lock.txt pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
THREADS ?= 4

.PHONY: help venv setup run serve test lint typecheck audit test-sqlite test-fuzz test-spark test-postgres test-browser messages bench clean eval-assistant

help:
	@echo "make run    - install, migrate, load demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   - lint, types, dependency audit, migrations check, SQLite suite, API fuzzing (+ PostgreSQL and browser suites when available; required when CI=true)"
	@echo "make messages - refresh translation catalogues after changing strings"
	@echo "make eval-assistant - score the assistant on its labelled questions"

$(STAMP): requirements/lock.txt pyproject.toml
	@test -n "$(PYTHON_BIN)" || { echo "Python 3.13 not found (install it, e.g. 'pyenv install 3.13')"; exit 1; }
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	@set -o pipefail; $(PY) -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt 2>&1 \
		| { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

setup: venv
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v0

run: setup
	$(PY) manage.py load_demo_data
	$(PY) manage.py generate_history --offices 0 --years 1 --if-missing
	$(PY) manage.py refresh_analytics --no-forecast
	$(PY) manage.py apply_retention
	$(PY) scripts/devserver.py --host $(HOST) --port $(PORT) --workers $(WORKERS) --threads $(THREADS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy

test: venv lint typecheck audit test-sqlite test-fuzz test-spark test-postgres test-browser
	@echo "make test: all suites passed"

# Known vulnerabilities in the pinned dependency set (PyPI's advisory data, via pip-audit).
audit: venv
	@scripts/run-suite audit

test-sqlite: venv
	$(PY) manage.py makemigrations --check --dry-run -v1
	$(VENV)/bin/pytest -n 2 -m "not postgres and not browser and not fuzz and not spark"

# schemathesis over the whole OpenAPI against a live server (FUZZ_EXAMPLES per operation).
test-fuzz: venv
	$(VENV)/bin/pytest -n 2 -m fuzz

test-spark: venv
	@scripts/run-suite spark

test-postgres: venv
	@scripts/run-suite postgres

test-browser: venv
	@scripts/run-suite browser

# The assistant's labelled questions (imigrasi/assistant/eval/*.jsonl) in a fresh database.
eval-assistant: venv
	@set -e; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	unset DATABASE_URL REDIS_URL; export VAR_DIR="$$dir" LOG_LEVEL=WARNING; \
	$(PY) manage.py migrate --noinput -v0; $(PY) manage.py createcachetable; \
	$(PY) manage.py eval_assistant --prepare --show-errors

messages: venv
	$(PY) manage.py makemessages -l id --no-obsolete --no-location --ignore=.venv --ignore=frontend --ignore=var
	$(PY) manage.py makemessages -d djangojs -l id --no-obsolete --no-location --ignore=.venv --ignore=frontend --ignore=var --ignore='imigrasi/static/govuk/*'
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
