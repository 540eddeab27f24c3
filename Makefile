# Hromada: `make demo` serves the demo on http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
UV := $(TOOLS)/bin/uv
EXTRAS ?= all
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# uv uses the machine's Python (never downloads one) and installs into .venv.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install install-dev lock demo serve test test-fast lint format typecheck system-deps bench i18n clean help

help:
	@echo "make demo        install into .venv, load the synthetic demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test        install test needs (system packages too) and run lint, types and the whole suite"
	@echo "make test-fast   the suite without browser, PostgreSQL and slow tests"
	@echo "make serve       serve the app on an existing database"
	@echo "make bench       run the benchmarks (prints times and ratios)"
	@echo "make lock        refresh uv.lock after changing dependencies in pyproject.toml"
	@echo "make i18n        extract messages and update/compile the uk/de catalogues"

# Installs come from uv.lock (exact versions and hashes of everything, runtime, test and dev), written by
# uv, itself installed from requirements/tools.txt (pinned, with hashes) into .tools/. A release published
# tomorrow changes nothing here until `make lock` is run and the new lock committed.
$(UV): requirements/tools.txt
	@test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements/tools.txt
	@touch $@

# --locked: refuse to install when pyproject.toml changed without `make lock` (the lock would be stale).
install: $(UV)
	$(UV) sync --locked --inexact --extra $(EXTRAS) --python $(PYTHON) --quiet

install-dev: $(UV)
	$(UV) sync --locked --extra dev --python $(PYTHON) --quiet

lock: $(UV)
	$(UV) lock --python $(PYTHON)

demo: install
	$(BIN)/hromada demo --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/hromada serve --host $(HOST) --port $(PORT)

# System packages the tests need: Chromium for the browser tests, PostgreSQL 15 server binaries,
# pango and a Cyrillic font for PDF reports. Only what is missing is installed.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing="$$missing fonts-dejavu-core"; \
	dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0"; \
	dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing="$$missing libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "System packages present."; fi

test: system-deps install-dev lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadgroup --cov --cov-report=term:skip-covered --durations=15 $(PYTEST_ARGS)

test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow and not browser and not postgres" $(PYTEST_ARGS)

lint: install-dev
	@$(UV) lock --check --python $(PYTHON) --quiet || { echo "uv.lock does not match pyproject.toml: run make lock and commit uv.lock"; exit 1; }
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install-dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

typecheck: install-dev
	$(BIN)/mypy src tests benchmarks

bench: install-dev
	$(BIN)/python -m benchmarks

i18n: install-dev
	$(BIN)/pybabel extract -F babel.cfg -o src/hromada/i18n/locale/messages.pot --no-location --sort-output -k _ -k gettext -k ngettext:1,2 .
	$(BIN)/pybabel update -i src/hromada/i18n/locale/messages.pot -d src/hromada/i18n/locale --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d src/hromada/i18n/locale --statistics

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
