# The two commands of the README: `make run` (install, build, serve) and `make test` (install, lint, all tests).
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install lint system-deps assets words build

run: install build
	$(BIN)/flask --app portal run --host $(HOST) --port $(PORT)

test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

install: $(VENV)/.installed assets words

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# htmx comes from the npm registry (exact pin, lock file) and is copied, never committed.
assets: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/axe-core/axe.min.js static/vendor/axe.min.js

# The French word list of the search's corrector, expanded once per version of dictionary-fr (about 30 s).
words: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m portal.french_words

# Check the content, then derive the SQL tables and the search index before any worker serves.
build: install
	$(BIN)/portal check --sans-avertissements
	$(BIN)/portal build

# Debian packages the test suite drives (browser tests, PostgreSQL store tests); root installs them once.
system-deps:
	bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
