# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in emails and feeds follow the address served, unless PUBLIC_URL says otherwise.
PUBLIC_URL ?= http://$(HOST):$(PORT)
export PUBLIC_URL

# Debian's Chromium, driven by Playwright in the end-to-end tests (never a browser download).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The flags beside country names: flag-icons' 4x3 SVGs (MIT), vendored into static/flags/.
FLAG_ICONS_VERSION := 7.5.0

CATALOGS := $(wildcard registry/translations/*/LC_MESSAGES/messages.po)
COMPILED_CATALOGS := $(CATALOGS:.po=.mo)

.PHONY: install run test lint format bench messages flags clean

## install: the virtual environment with the project and its compiled translations
install: $(VENV)/.installed $(COMPILED_CATALOGS)

## run: install, migrate the database and load the demo data on first start (`flask setup`, one
## process), serve on 127.0.0.1:5000
## with the worker beside it (due changes take effect; emails go to instance/mail/ or SMTP)
run: install
	$(FLASK) setup
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(FLASK) run --host $(HOST) --port $(PORT)

## test: lint, then the whole suite (on PostgreSQL when DATABASE_URL names one)
test: $(VENV)/.installed-test $(COMPILED_CATALOGS) $(CHROMIUM) lint
	$(BIN)/pytest

## lint: ruff's checks and formatting; hadolint's checks of the Dockerfile
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

## format: let ruff fix what it can
format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: verdicts for 10,000 transfers; public pages with a large register; one notice to
## 10,000 subscribers through the worker into smtp-sink (Debian package postfix); an import of
## 5,000 customers from XLSX, previewed and applied through the admin pages
bench: $(VENV)/.installed-test $(COMPILED_CATALOGS)
	$(BIN)/python bench/verdicts.py
	$(BIN)/python bench/public_pages.py
	$(BIN)/python bench/outbox.py
	$(BIN)/python bench/customers_import.py

## messages: extract the translatable strings and merge them into the catalogs
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --add-location=file --sort-output \
		--project=subprocessor-registry -o registry/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --width=100 -i registry/translations/messages.pot \
		-d registry/translations

## flags: copy flag-icons' 4x3 SVG of every country pycountry lists into static/flags/, from the
## npm package at FLAG_ICONS_VERSION (run after changing it, then commit the files)
flags: $(VENV)/.installed
	work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
	(cd "$$work" && npm pack --silent flag-icons@$(FLAG_ICONS_VERSION) >/dev/null && \
		tar -xzf flag-icons-$(FLAG_ICONS_VERSION).tgz) && \
	rm -f static/flags/*.svg && \
	for code in $$($(BIN)/python -c 'import pycountry; print(*(c.alpha_2.lower() for c in pycountry.countries))'); do \
		cp "$$work/package/flags/4x3/$$code.svg" static/flags/ || exit 1; \
	done && \
	cp "$$work/package/LICENSE" static/flags/LICENSE && \
	sed -i 's/^flag-icons [0-9.]*,/flag-icons $(FLAG_ICONS_VERSION),/' static/flags/README.md

clean:
	rm -rf $(VENV) $(COMPILED_CATALOGS) .pytest_cache .ruff_cache

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@
