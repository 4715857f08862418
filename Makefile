# CTIMS: `make run` to try it, `make test` to check it. Both work on a fresh machine and can be run again.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := DEBUG=true $(PY) manage.py
CHROMIUM := /usr/bin/chromium

.PHONY: run test bench lint format install install-dev system-deps-test system-deps-pdf migrate messages clean

run: install system-deps-pdf
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) import_plan
	$(MANAGE) seed_demo
	@echo "CTIMS is on http://127.0.0.1:8000 (Ctrl+C stops it)."
	$(MANAGE) runserver 127.0.0.1:8000

test: install-dev system-deps-test system-deps-pdf lint
	$(VENV)/bin/pytest

# Starts and stops its own PostgreSQL 15 cluster, loads the national and hub synthetic data, serves the hub data with
# gunicorn and prints (and writes into bench/RESULTS.md) latency, query counts and throughput. About 10 minutes.
bench: install
	$(PY) bench/run.py

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# Browser tests drive Debian's Chromium; the fault tests start, crash and restart a PostgreSQL 15 cluster of their
# own. As root we install what is missing; otherwise we say what it is.
system-deps-test:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else \
	    echo "Chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium)." >&2; exit 1; \
	  fi; \
	fi
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15; \
	  else \
	    echo "PostgreSQL 15 is missing: install Debian's 'postgresql-15' package (sudo apt-get install postgresql-15)." >&2; \
	    exit 1; \
	  fi; \
	fi

# The annual report's PDF is drawn by WeasyPrint, which needs Pango and a font. As root we install them; otherwise
# `make test` stops and `make run` warns (everything but the PDF works without them).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
system-deps-pdf:
	@if ! dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(PDF_PACKAGES); \
	  elif [ "$@" = "$(firstword $(MAKECMDGOALS))" ] || echo "$(MAKECMDGOALS)" | grep -qw test; then \
	    echo "The PDF report needs: sudo apt-get install $(PDF_PACKAGES)" >&2; exit 1; \
	  else \
	    echo "Warning: without $(PDF_PACKAGES) the annual report cannot be drawn as PDF." >&2; \
	  fi; \
	fi

# Re-extract and compile the translations after changing UI strings (needs GNU gettext).
messages: install-dev
	cd $(CURDIR) && $(MANAGE) makemessages --all --no-obsolete --ignore=.venv --ignore=var --ignore="*/tests/*"
	cd $(CURDIR) && $(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
