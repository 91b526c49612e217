# Kandidatenoverzicht — `make run` and `make test` work on a fresh machine with
# Python >= 3.12, make and git. Everything else is installed here.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# pyenv selects the version in .python-version; elsewhere the first suitable python.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	command -v $$p; break; fi; done)
PG_URL ?= postgres://postgres@127.0.0.1:5432/kandidatenoverzicht
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
CHROMIUM ?= /usr/bin/chromium

.PHONY: help run serve test test-sqlite test-postgres lint checks chromium bench loadtest demo clean

help:
	@echo "make run    – installeren, database klaarzetten, demodata laden en serveren op http://127.0.0.1:8000 (met importverwerker)"
	@echo "make test   – alle controles en tests (SQLite, en PostgreSQL als die draait)"
	@echo "make bench  – prestatiemetingen (zie docs/performance.md)"
	@echo "make serve  – productie: gunicorn en de taakverwerker (zie docs/productie.md)"
	@echo "make loadtest – belastingstest: 20 gebruikers op gunicorn, ook tijdens een import (docs/performance.md)"

$(VENV)/.python-ok:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 of nieuwer is nodig (python3.12 of python3.13 niet gevonden)." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	touch $@

$(VENV)/.run-deps: requirements.txt $(VENV)/.python-ok
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt $(VENV)/.python-ok
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py demodata --if-empty
	@echo ""
	@echo "Kandidatenoverzicht draait op http://127.0.0.1:8000  (stoppen: Ctrl+C)"
	DJANGO_DEBUG=1 $(PY) manage.py start 127.0.0.1:8000

# Production: gunicorn and the import worker (docs/productie.md). Settings from the environment: SECRET_KEY,
# ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), BEHIND_TLS_PROXY…; SERVE_ADDRESS and WEB_CONCURRENCY as below.
serve: $(VENV)/.run-deps
	$(PY) manage.py migrate --no-input
	$(PY) manage.py check --deploy --fail-level ERROR
	$(PY) manage.py start --gunicorn --workers $${WEB_CONCURRENCY:-3} $${SERVE_ADDRESS:-127.0.0.1:8000}

# Debian's chromium for the browser tests; installed when missing and we may (root, apt).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "chromium ontbreekt: installeren met apt-get"; \
			apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium ontbreekt en kan niet worden geïnstalleerd (geen root of geen apt-get)." >&2; exit 1; fi; \
	fi

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .

checks: $(VENV)/.test-deps
	DJANGO_DEBUG=1 $(PY) manage.py check --fail-level WARNING
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "Er ontbreken migraties: draai manage.py makemigrations." >&2; exit 1; }
	DJANGO_DEBUG=0 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')" \
		ALLOWED_HOSTS=kandidaten.example.nl $(PY) manage.py check --deploy --fail-level WARNING

test-sqlite: $(VENV)/.test-deps chromium
	@echo "=== tests op SQLite ==="
	env -u DATABASE_URL $(VENV)/bin/pytest --create-db -p no:cacheprovider tests --ignore=tests/e2e
	@echo "=== browsertests op SQLite ==="
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest --create-db -p no:cacheprovider tests/e2e

test-postgres: $(VENV)/.test-deps chromium
	@if $(PY) -c "import psycopg; psycopg.connect('$(PG_ADMIN_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "=== tests op PostgreSQL ($(PG_URL)) ==="; \
		DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest --create-db -p no:cacheprovider tests --ignore=tests/e2e && \
		echo "=== browsertests op PostgreSQL ===" && \
		DATABASE_URL=$(PG_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest --create-db -p no:cacheprovider tests/e2e; \
	else \
		echo "=== PostgreSQL antwoordt niet op 127.0.0.1:5432: PostgreSQL-tests overgeslagen ==="; \
	fi

test: lint checks test-sqlite test-postgres

bench: $(VENV)/.test-deps
	$(PY) -m bench

$(VENV)/.load-deps: requirements.txt requirements-load.txt $(VENV)/.python-ok
	$(PIP) install --quiet -r requirements-load.txt
	touch $@

# Loopback only and bounded in time: two rounds of LOADTEST_SECONDS (default 60) with LOADTEST_USERS users.
loadtest: $(VENV)/.load-deps
	$(PY) -m loadtest --users $${LOADTEST_USERS:-20} --seconds $${LOADTEST_SECONDS:-60}

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
