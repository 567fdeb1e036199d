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

.PHONY: run test bench check lock clean

$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { echo "python3-venv ontbreekt; installeren met apt"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	@$(PY) -m pip install -q pip==26.3

# The *.lock files pin every transitive dependency with its hashes (made from requirements*.txt by
# `make lock`): a fresh machine installs exactly the versions CI tested, and refuses altered files.
$(VENV)/.installed: requirements.lock | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements.lock requirements-dev.lock | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: requirements.lock requirements-dev.lock requirements-bench.lock | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements-bench.lock
	@touch $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# One pytest worker per core (pytest-xdist); the browser tests run in two groups (tests/browser/conftest.py), each on one worker.
# `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed-dev $(CHROMIUM)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

check: $(VENV)/.installed
	$(FLASK) content check

bench: $(VENV)/.installed-dev $(VENV)/.installed-bench
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# After changing a requirements*.txt: resolve again and write the hashed lock files (pip-tools,
# in a throwaway venv). tests/test_requirements.py fails while a pin and its lock disagree.
lock:
	@tmp=$$(mktemp -d) && $(PYTHON) -m venv $$tmp && $$tmp/bin/pip install -q pip-tools==7.6.2 && \
	for f in requirements requirements-dev requirements-bench; do \
	  $$tmp/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	    --no-emit-find-links --output-file $$f.lock $$f.txt || exit 1; done; rm -rf $$tmp

clean:
	rm -rf $(VENV) .pytest_cache
