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

# The benches' load generator and mail sink, from Debian's packages (wrk; smtp-sink is Postfix's).
WRK := /usr/bin/wrk
SMTP_SINK := /usr/sbin/smtp-sink

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

## test: lint, then the whole suite (on PostgreSQL when DATABASE_URL names one) but the bench's
## smoke test, which CI's second pass runs (`.ci/run`)
test: $(VENV)/.installed-test $(COMPILED_CATALOGS) $(CHROMIUM) lint
	$(BIN)/pytest -m "not bench"

## lint: ruff's checks and formatting; hadolint's checks of the Dockerfile
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

## format: let ruff fix what it can
format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: each figure beside a reference measured in the same run, and the goals of issue #18:
## verdicts for 10,000 transfers; the public pages (cached throughput beside a constant-response
## Flask app under the same gunicorn settings, 304s, cold pages at 1,000 and 10,000
## subprocessors); one notice to 10,000 subscribers through the worker into smtp-sink; an import
## of 5,000 customers from XLSX through the admin pages; `make run` in a fresh clone
bench: $(VENV)/.installed-test $(COMPILED_CATALOGS) $(WRK) $(SMTP_SINK)
	@echo "== verdicts: judging 10,000 transfers, beside reading them"
	$(BIN)/python bench/verdicts.py
	@echo "== public pages: the project beside a constant-response Flask app, same gunicorn settings"
	$(BIN)/python bench/public_pages.py
	@echo "== outbox: one notice to 10,000 subscribers into smtp-sink, beside a bare smtplib loop"
	$(BIN)/python bench/outbox.py
	@echo "== customers import: 5,000 rows from XLSX, beside openpyxl reading them and a bare INSERT"
	$(BIN)/python bench/customers_import.py
	@echo "== make run: a fresh clone to its first page, beside its venv and pip install"
	$(BIN)/python bench/make_run.py

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

$(WRK):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk

# Postfix for its smtp-sink only: "No configuration" leaves no mail server configured or running.
$(SMTP_SINK):
	echo "postfix postfix/main_mailer_type select No configuration" | $(SUDO) debconf-set-selections
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postfix

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
