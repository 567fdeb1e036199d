# Paraat: `make run` serves the demo region, `make test` runs every test. Nothing else to install by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench check clean

$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { echo "python3-venv ontbreekt; installeren met apt"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	@$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: requirements.txt requirements-dev.txt requirements-bench.txt | $(PY)
	$(PY) -m pip install -q -r requirements-bench.txt
	@touch $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# One pytest worker per core (pytest-xdist); browser tests stay together on one worker.
# `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed-dev $(CHROMIUM)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

check: $(VENV)/.installed
	$(FLASK) content check

bench: $(VENV)/.installed-dev $(VENV)/.installed-bench
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
