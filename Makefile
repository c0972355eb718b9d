# Insignia: `make run` (the platform on embedded PostgreSQL, with demo data) and `make test`
# (the whole suite: lint, types, architecture, tests). Both set up .venv on first use.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint check clean messages portal portal-if-node portal-test bench

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# What the tests run with node, pinned by the lock file: the independent Open Badges 3.0 verifier
# (Digital Bazaar's VC stack) and real identity providers (oidc-provider, samlify as a SAML IdP).
tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

# The reference portal (portal/, served at /portal): built with node from its lock file; the API
# runs without it where node is missing.
PORTAL_SOURCES := $(shell find portal/src portal/index.html portal/vite.config.ts portal/graphql-documents.ts -type f 2>/dev/null)
portal/node_modules/.installed: portal/package.json portal/package-lock.json
	npm ci --prefix portal --no-audit --no-fund --loglevel=error
	touch $@

portal/dist/index.html: portal/node_modules/.installed $(PORTAL_SOURCES)
	npm run --prefix portal build --silent

portal: portal/dist/index.html

portal-if-node:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory portal || \
		echo "The portal did not build (Node.js 20.19+ is needed); the API runs without it."; \
	else echo "Node.js and npm are not installed: the portal at /portal is not built; the API runs without it."; fi

# Generated operation types up to date, TypeScript clean, unit tests (the browser tests are in pytest).
portal-test: portal/node_modules/.installed
	npm run --prefix portal check --silent
	npm run --prefix portal test --silent

run: install portal-if-node
	INSIGNIA_ENV=development $(BIN)/insignia serve --demo --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check insignia tests bench
	$(BIN)/ruff format --check insignia tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint tests/js/node_modules/.installed portal portal-test
	$(BIN)/pytest -q -p no:cacheprovider

check: test

# Gettext catalogues (insignia/locales): extract the strings of the templates and pages, then add
# new ones to each language's messages.po (translate them there; they are compiled when loaded).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _noop -k ngettext:1,2 --no-location --sort-output --omit-header \
		--project Insignia -o insignia/locales/messages.pot .
	for lang in de fr es; do \
		$(BIN)/pybabel update -i insignia/locales/messages.pot -d insignia/locales -l $$lang --no-location \
			--ignore-obsolete --no-fuzzy-matching; done

clean:
	rm -rf $(VENV) .insignia .mypy_cache .ruff_cache .pytest_cache

# Side by side over one seeded database: Insignia, PostGraphile v4 and a one-statement floor
# (bench/compare.py; BENCH_ARGS="--scale 0.1" for a quick run, "--full" for 5,000,000 awards).
bench: install
	$(BIN)/python -m bench.compare $(BENCH_ARGS)
