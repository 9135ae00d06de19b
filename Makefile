# Essaim: `make run` to try it, `make test` to check it. `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# The independent Open Badges verifier the interoperability test runs (Node.js, installed from its lock file).
VERIFIER := tests/interop/verifier
VERIFIER_STAMP := $(VERIFIER)/node_modules/.package-lock.json

.DEFAULT_GOAL := help
.PHONY: help run test lint format check e2e bench messages lock migrate seed clean interop

help: ## List the targets
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*##/ {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(PY) -r requirements.lock
	@touch $(STAMP)

install: $(STAMP) ## Create the virtualenv and install the locked dependencies

$(VERIFIER_STAMP): $(VERIFIER)/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix $(VERIFIER) --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the Open Badges interoperability test needs Node.js 18+ (it is skipped, or fails in CI)."; \
	fi

interop: $(VERIFIER_STAMP) ## Install the independent Open Badges verifier (npm ci in tests/interop/verifier)

migrate: $(STAMP) ## Apply database migrations
	$(PY) manage.py migrate --noinput

seed: migrate ## Load the demo data (idempotent)
	WAGTAILADMIN_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py seed_demo

run: seed ## Install, migrate, load the demo data and serve on http://127.0.0.1:$(PORT)
	WAGTAILADMIN_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP) ## Ruff, formatting, mypy, import layers, bandit and missing migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(wildcard */services.py */selectors.py */*/services.py */*/selectors.py)
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r config programmes cjs flashcoop lms cms
	$(PY) manage.py makemigrations --check --dry-run

test: lint $(VERIFIER_STAMP) ## The whole suite: lint, unit, integration, interoperability and browser tests
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: $(STAMP) ## Only the browser journeys
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

format: $(STAMP) ## Fix lint and formatting in place
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP) ## Extract strings and compile the French catalogue (needs gettext)
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=node_modules --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

lock: ## Re-resolve requirements.lock from pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip uv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

bench: $(STAMP) ## Latency, throughput and query counts at small and national scale (see bench/README.md)
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null || { echo "Install wrk (apt-get install wrk)."; exit 1; }
	$(PY) bench/run.py $(BENCH_ARGS)

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts $(VERIFIER)/node_modules
