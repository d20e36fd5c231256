# `make run` (install what serving needs, build, serve) and `make test` (install the test tools too, lint, all
# tests); shortcuts for the editors' commands: `make check`, `make preview`, `make revue`, `make build`.
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Only the command line sets HOST (`make run HOST=0.0.0.0`): some shells export HOST, the machine's name.
ifneq ($(origin HOST),command line)
HOST := 127.0.0.1
endif

.PHONY: run test test-rapide install install-dev lint system-deps assets words build check preview revue

run: install build
	$(BIN)/portal serve --host $(HOST) --port $(PORT)

test: install-dev system-deps lint
	$(BIN)/pytest

# While working: the tests that need no server, browser, PostgreSQL or benchmark (`make test` runs them all), on
# both cores (pytest-xdist): under two minutes on a 2-core machine.
test-rapide: install-dev
	$(BIN)/pytest -m "not slow" -n 2

# What running the portal needs: the Python package and its dependencies, htmx, Mermaid, the communes dataset,
# the French word list of the search's corrector.
install: $(VENV)/.installed-run node_modules/.installed-run assets words

# Then what the tests need: pytest, ruff, hypothesis, Playwright, axe-core. The full npm install comes first: on
# a fresh clone it stands for the production one, which is then not run as well.
install-dev: $(VENV)/.installed-dev node_modules/.installed-dev install

$(VENV)/.installed-run: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# `npm ci` starts from an empty node_modules, stamps included: a full install also stands for the production one,
# and a production install (after a lock change) drops the development stamp with the development packages.
node_modules/.installed-run: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund
	touch $@

node_modules/.installed-dev: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.installed-run $@

# htmx and Mermaid come from the npm registry (exact pins, lock file) and are copied, never committed.
assets: node_modules/.installed-run
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/mermaid/dist/mermaid.min.js static/vendor/mermaid.min.js

# The French word list of the search's corrector, expanded once per version of dictionary-fr (about 30 s), and
# the first names given in France that the report form looks for (names-dataset, about 5 s).
words: $(VENV)/.installed-run node_modules/.installed-run
	$(BIN)/python -m portal.french_words
	$(BIN)/python -m portal.first_names

# Check the content and build its version (catalogue, search index, communes) before any worker serves.
build: install
	$(BIN)/portal build

# The editors' commands (docs/guide-editeur.md), without activating the environment first.
check: install
	$(BIN)/portal check

preview: install
	$(BIN)/portal serve --dev --host $(HOST) --port $(PORT)

revue: install
	$(BIN)/portal revue

# Debian packages the test suite drives (browser tests, PostgreSQL store tests); root installs them once.
system-deps:
	bash scripts/system-deps.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
