# OneWindow: `make run` sets everything up and serves the demo; `make test` sets up and runs the suite.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
# pip warns about this machine's unreachable local package mirrors on every install.
QUIET_PIP := 2>&1 | { grep -v "^WARNING: Location" || true; }
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2

.PHONY: help run test test-fast lint format typecheck migrations-check check setup setup-dev assets \
        messages lock bench soak drill worker clean

help:
	@echo "make run               set up (venv, packages, assets, database, demo data) and serve on http://127.0.0.1:$(PORT)"
	@echo "make test              set up and run the whole test suite (SQLite, or PostgreSQL with DATABASE_URL)"
	@echo "make lint              ruff check and format check"
	@echo "make typecheck         mypy with django-stubs"
	@echo "make migrations-check  fail if models changed without a migration"
	@echo "make messages          refresh and compile the translations"
	@echo "make lock              re-pin requirements/*.txt from pyproject.toml"
	@echo "make bench             load test on PostgreSQL (gunicorn + wrk) at 10k and BENCH_PERSONS persons, vs a floor"
	@echo "make soak              60 s of mixed load at half the capacity: zero errors, every acknowledged submission once"
	@echo "make drill             crash drill (kill -9 workers and server mid-submission) and dump/restore drill"

$(VENV)/bin/python:
	@python=$$(scripts/find-python.sh) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)

# Re-install only when the pinned requirements change.
$(VENV)/.base-installed: requirements/base.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt $(QUIET_PIP)
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt $(QUIET_PIP)
	@touch $@ $(VENV)/.base-installed

node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.package-lock.json

locale/zh_Hans/LC_MESSAGES/django.mo: locale/zh_Hans/LC_MESSAGES/django.po | $(VENV)/.base-installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null

setup: $(VENV)/.base-installed assets locale/zh_Hans/LC_MESSAGES/django.mo

setup-dev: $(VENV)/.dev-installed assets locale/zh_Hans/LC_MESSAGES/django.mo
	@scripts/ensure-chromium.sh

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "OneWindow is serving on http://127.0.0.1:$(PORT) (Ctrl-C stops it); the background worker runs beside it."
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py worker > var/worker.log 2>&1 & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup-dev
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-fast: setup-dev
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(VENV)/.dev-installed
	$(VENV)/bin/mypy onewindow

migrations-check: $(VENV)/.dev-installed
	$(PY) manage.py makemigrations --check --dry-run

check: lint typecheck migrations-check test

messages: $(VENV)/.dev-installed
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete
	@# Translations made ahead of time fill the messages they match (never a finished one).
	$(PY) scripts/translations.py apply locale/zh_Hans/pending.jsonl
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

lock: $(VENV)/.dev-installed
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.13 --no-header -o requirements/base.txt
	$(VENV)/bin/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.13 --no-header -o requirements/dev.txt

# Load measurements on PostgreSQL (scratch databases ow_bench_<N>; results under var/bench/).
BENCH_PERSONS ?= 50000
BENCH_ARGS ?=

bench: setup
	@scripts/ensure-postgres.sh
	@scripts/ensure-wrk.sh
	$(PY) -m onewindow.scale.bench run --persons $(BENCH_PERSONS) $(BENCH_ARGS)

soak: setup
	@scripts/ensure-postgres.sh
	@scripts/ensure-wrk.sh
	$(PY) -m onewindow.scale.bench soak --persons $(BENCH_PERSONS) $(BENCH_ARGS)

drill: setup
	@scripts/ensure-postgres.sh
	$(PY) -m onewindow.scale.bench drill --persons $(BENCH_PERSONS) $(BENCH_ARGS)

worker: setup
	$(PY) manage.py worker

clean:
	rm -rf $(VENV) node_modules var
