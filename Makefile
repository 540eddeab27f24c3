# Hromada: `make demo` serves the demo on http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS ?= all
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo serve test test-fast lint format typecheck system-deps bench i18n clean help

help:
	@echo "make demo        install into .venv, load the synthetic demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test        install test needs (system packages too) and run lint, types and the whole suite"
	@echo "make test-fast   the suite without browser, PostgreSQL and slow tests"
	@echo "make serve       serve the app on an existing database"
	@echo "make bench       run the benchmarks (prints times and ratios)"
	@echo "make i18n        extract messages and update/compile the uk/de catalogues"

# Reinstall only when the project's metadata changes.
$(STAMP)-$(EXTRAS): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	@rm -f $(STAMP)-*; touch $@

demo: $(STAMP)-$(EXTRAS)
	$(BIN)/hromada demo --host $(HOST) --port $(PORT)

serve: $(STAMP)-$(EXTRAS)
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

$(STAMP)-dev: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(STAMP)-*; touch $@ $(STAMP)-all

test: system-deps $(STAMP)-dev lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadgroup --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

test-fast: $(STAMP)-dev
	$(BIN)/python -m pytest -m "not slow and not browser and not postgres" $(PYTEST_ARGS)

lint: $(STAMP)-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP)-dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

typecheck: $(STAMP)-dev
	$(BIN)/mypy src

bench: $(STAMP)-dev
	$(BIN)/python -m benchmarks

i18n: $(STAMP)-dev
	$(BIN)/pybabel extract -F babel.cfg -o src/hromada/web/locale/messages.pot --no-location --sort-output -k _ -k gettext -k ngettext:1,2 .
	$(BIN)/pybabel update -i src/hromada/web/locale/messages.pot -d src/hromada/web/locale --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d src/hromada/web/locale --statistics

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
