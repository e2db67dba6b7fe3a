# Two commands for a fresh clone: `make run` (demo on SQLite + file-system broker) and
# `make test` (full suite on PostgreSQL + Redis from DATABASE_URL / REDIS_URL).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Re-install only when a requirements file changes: the stamp's name carries their hash.
REQS_HASH := $(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(REQS_HASH)
# compilemessages walks the tree for locale/ folders; the venv's own are not ours to compile.
MESSAGE_IGNORES := --ignore=.venv --ignore=var --ignore=node_modules

.PHONY: help install messages migrate run test bench lint format clean

help:
	@echo "make run    - install, migrate, seed demo data, start web + worker + beat on http://$(HOST):$(PORT)/"
	@echo "make test   - install and run the whole suite on PostgreSQL and Redis (DATABASE_URL, REDIS_URL)"
	@echo "make bench  - load BENCH_CASES (1,000,000) cases into a database of its own and measure every page and endpoint"
	@echo "make lint   - ruff check, import contracts (lint-imports), mypy"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# gettext's msgfmt when installed (it also checks format strings); otherwise Babel, a pinned
# Python dependency, so a fresh clone needs no system package.
messages: install
	@if command -v msgfmt >/dev/null; then \
		$(MANAGE) compilemessages $(MESSAGE_IGNORES) --verbosity 0; \
	else \
		echo "msgfmt not found: compiling the catalogues with Babel"; \
		$(PY) scripts/compile_messages.py >/dev/null; \
	fi

migrate: install
	$(MANAGE) migrate --noinput

# Embedded defaults (config.settings.local): SQLite in var/, Celery on a file-system broker in var/.
# Ctrl-C (or any of the three exiting) stops all three; each runs in its own process group so
# runserver's autoreloader child goes too.
run: export DJANGO_SETTINGS_MODULE ?= config.settings.local
run: messages migrate
	$(MANAGE) seed_demo
	mkdir -p var/broker/out var/broker/processed
	@echo "Starting web, Celery worker and beat: http://$(HOST):$(PORT)/ (demo users: see README; Ctrl-C stops all)"
	@set -m; pids=""; \
	stop() { trap - INT TERM EXIT; for p in $$pids; do kill -TERM -- -$$p 2>/dev/null; done; wait; }; \
	trap stop INT TERM EXIT; \
	$(PY) -m celery -A config worker -l INFO -c 2 --without-gossip --without-mingle & pids="$$pids $$!"; \
	$(PY) -m celery -A config beat -l INFO -S django_celery_beat.schedulers:DatabaseScheduler --pidfile= & pids="$$pids $$!"; \
	$(MANAGE) runserver $(HOST):$(PORT) & pids="$$pids $$!"; \
	wait -n

test: lint messages
	$(PY) -m pytest tests --ds=config.settings.test --create-db -q -r fE $(PYTEST_ARGS)

# One runner (tests/bench/__main__.py): its own database, gunicorn with the production settings,
# every page and endpoint; sizes and durations from BENCH_* variables (README "Benchmarks").
bench: install
	PYTHONPATH="$(CURDIR)" $(PY) -m tests.bench

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(PY) -m mypy

format: install
	$(PY) -m ruff format .

clean:
	rm -rf var/staticfiles var/broker var/celerybeat-schedule
	find . -path ./.venv -prune -o -name '*.mo' -path '*/locale/*' -print -delete
