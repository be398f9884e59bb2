# Dépositaire — make run / make test do all set-up on a fresh Debian 12 machine.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: help setup system venv axe test run lint fmt bench load clean distclean

help:
	@echo "make run    - set up, then run the application (depositaire demo)"
	@echo "make test   - set up, then run the whole test suite (lint, mypy, pytest, PostgreSQL)"
	@echo "make setup  - install Debian packages and the Python environment (.venv)"
	@echo "make lint   - ruff check + ruff format --check"
	@echo "make fmt    - ruff format + ruff check --fix"
	@echo "make bench  - run scripts/bench.py"
	@echo "make load   - locust against depositaire serve on the test PostgreSQL (LOAD_ARGS='--database sqlite --users 20')"
	@echo "make clean  - stop the test PostgreSQL, remove caches and build output"
	@echo "make distclean - clean, and remove .venv"

setup: system venv axe

system:
	@bash scripts/setup-system.sh

# axe-core (npm) for the accessibility browser tests, into var/axe (git-ignored).
axe: system
	@bash scripts/setup-axe.sh

# (Re)install the package only when pyproject.toml changed since the last install:
# the stamp .venv/.installed-<sha256 of pyproject.toml> records a successful install.
venv:
	@if [ ! -x $(BIN)/python ]; then \
	  echo "venv: creating $(VENV)"; \
	  $(PYTHON) -m venv $(VENV); \
	fi; \
	hash=$$(sha256sum pyproject.toml | cut -d' ' -f1); \
	stamp=$(VENV)/.installed-$$hash; \
	if [ -f "$$stamp" ]; then \
	  echo "venv: up to date"; \
	else \
	  echo "venv: installing -e '.[dev]'"; \
	  $(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'; \
	  rm -f $(VENV)/.installed-*; \
	  touch "$$stamp"; \
	fi

test: setup
	@bash scripts/run-tests.sh

run: setup
	$(BIN)/depositaire demo

lint: venv
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

# Fix what ruff can fix first, then format (so the result is formatted);
# what is left is reported here and by make lint / make test.
fmt: venv
	$(BIN)/ruff check --fix --exit-zero src tests
	$(BIN)/ruff format src tests

bench: setup
	$(BIN)/python scripts/bench.py

# A benchmark, not a test: p50/p95/p99 per page kind (scripts/load.py, scripts/locustfile.py).
LOAD_ARGS ?=
load: setup
	@[ -x $(BIN)/locust ] || $(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev,load]'
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

clean:
	-@if [ -d var/pgtest ]; then bash scripts/pg-test-server.sh stop; fi
	rm -rf var/pgtest build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find src tests scripts -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
	find src -name '*.egg-info' -type d -prune -exec rm -rf {} + 2>/dev/null || true

distclean: clean
	rm -rf $(VENV)
