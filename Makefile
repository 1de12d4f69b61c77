# Developer and CI entry points for the customer_care Tryton module.
#
#   make venv       .venv with trytond 8.0 + this module (editable) + test deps
#   make test       the whole pytest suite (SQLite in memory by default;
#                   export TRYTOND_DATABASE_URI=postgresql://... for PostgreSQL),
#                   the browser tests included (SQLite only; need chromium)
#   make test-browser  only the browser tests (web client in headless chromium)
#   make sao        the Tryton web client (npm tryton-sao 8.0.x) in .sao/package
#   make demo       fresh demo database in .demo/ + serve it on 127.0.0.1:8000
#   make demo-db    only (re)build the demo database
#   make serve      serve the existing demo database (no rebuild)
#   make demo-cron  run the scheduler (trytond-cron) on the demo database
#   make clean      remove .demo, .cache, pytest caches; distclean: also .venv, .sao
#
# Variables (make VAR=value): DEMO_DB, DEMO_HOST, DEMO_PORT, DEMO_SMTP_PORT,
# DEMO_PASSWORD, DEMO_LANGS, PYTEST_ARGS, DB_CACHE, PYTHON, SAO_VERSION.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.customer_care-installed
PIP_EXTRAS ?= test,postgresql

SAO_VERSION ?= 8.0
SAO_DIR := .sao
SAO_STAMP := $(SAO_DIR)/package/.customer_care-installed

DEMO_DIR := .demo
DEMO_DB ?= demo
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000
DEMO_SMTP_PORT ?= 8025
DEMO_PASSWORD ?= admin
DEMO_EMAIL ?= admin@example.com
DEMO_LANGS ?= es
DEMO_CONF := $(DEMO_DIR)/trytond.conf
DEMO_SCRIPT := customer_care/tests/demo.py
DEMO_MODULE := trytond.modules.customer_care.tests.demo

# Test database cache: a folder for SQLite, the server for PostgreSQL.
DB_CACHE ?= $(if $(filter postgresql://%,$(TRYTOND_DATABASE_URI)),postgresql://,$(CURDIR)/.cache/db)
PYTEST_ARGS ?= -q

.PHONY: help venv test test-browser sao demo demo-db serve demo-cron demo-conf clean distclean

help:
	@sed -n '3,16s/^# \{0,1\}//p' Makefile

# --- Python environment ----------------------------------------------------

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[$(PIP_EXTRAS)]'
	touch $@

# --- Tests -----------------------------------------------------------------

# The browser tests (customer_care/tests/test_browser_*.py, harness in
# tests/browser.py) drive the web client: hence `sao`.  Their screenshots of
# failed tests go to .cache/browser/screenshots/, server logs to
# .cache/browser/logs/.  CC_BROWSER=0 skips them.
test: venv sao
	DB_CACHE='$(DB_CACHE)' $(PY) -m pytest customer_care/tests $(PYTEST_ARGS)

test-browser: venv sao
	DB_CACHE='$(DB_CACHE)' $(PY) -m pytest customer_care/tests -m browser \
		$(PYTEST_ARGS)

# --- Web client --------------------------------------------------------------

sao: $(SAO_STAMP)

$(SAO_STAMP):
	rm -rf $(SAO_DIR) && mkdir -p $(SAO_DIR)
	cd $(SAO_DIR) && npm pack --silent 'tryton-sao@$(SAO_VERSION)'
	tar -xzf $(SAO_DIR)/tryton-sao-*.tgz -C $(SAO_DIR)
	cd $(SAO_DIR)/package && npm install --omit=dev --legacy-peer-deps \
		--no-audit --no-fund --loglevel=error
	touch $@

# --- Demo server -------------------------------------------------------------

# Rewritten on every call so that command-line variables always apply.
demo-conf:
	mkdir -p $(DEMO_DIR)/mail
	sed -e 's|@ROOT@|$(CURDIR)|g' -e 's|@LISTEN@|$(DEMO_HOST):$(DEMO_PORT)|g' \
		-e 's|@SMTP_PORT@|$(DEMO_SMTP_PORT)|g' demo/trytond.conf.in > $(DEMO_CONF)

# Starts the mail sink (customer_care/tests/mailsink.py: aiosmtpd, of the
# test extra that `make venv` installs) in the background for the rest of the
# recipe line.
START_MAILSINK = $(PY) -m trytond.modules.customer_care.tests.mailsink \
	--host 127.0.0.1 \
	--port $(DEMO_SMTP_PORT) $(DEMO_DIR)/mail & sink=$$!; \
	for i in {1..50}; do (: <>/dev/tcp/127.0.0.1/$(DEMO_SMTP_PORT)) \
		2>/dev/null && break; sleep 0.1; done; \
	trap 'kill $$sink 2>/dev/null; wait $$sink 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM

# Always rebuilds the database from scratch (the old one and its kept mail
# are deleted).  trytond-admin does it in one pass: create the database,
# activate customer_care and its dependencies, load the translations of every
# module for DEMO_LANGS.  Then customer_care/tests/demo.py adds the data (the
# step is skipped while that file does not exist).
demo-db: venv demo-conf
	rm -f $(DEMO_DIR)/$(DEMO_DB).sqlite
	rm -rf $(DEMO_DIR)/mail && mkdir -p $(DEMO_DIR)/mail
	touch $(DEMO_DIR)/$(DEMO_DB).sqlite
	printf '%s\n' '$(DEMO_PASSWORD)' > $(DEMO_DIR)/passfile
	TRYTONPASSFILE=$(DEMO_DIR)/passfile $(VENV)/bin/trytond-admin \
		-c $(DEMO_CONF) -d $(DEMO_DB) --all --email $(DEMO_EMAIL) \
		-u customer_care --activate-dependencies -l $(DEMO_LANGS)
	@if [ -f $(DEMO_SCRIPT) ]; then \
		$(START_MAILSINK); \
		echo "$(PY) -m $(DEMO_MODULE) -c $(DEMO_CONF) -d $(DEMO_DB)"; \
		$(PY) -m $(DEMO_MODULE) -c $(DEMO_CONF) -d $(DEMO_DB); \
	else \
		echo "$(DEMO_SCRIPT) not found: no demo data loaded"; \
	fi

define SERVE
	@test -s $(DEMO_DIR)/$(DEMO_DB).sqlite \
		|| { echo "No demo database: run 'make demo' first."; exit 1; }
	@echo
	@echo "  Tryton demo: http://$(DEMO_HOST):$(DEMO_PORT)/#$(DEMO_DB)"
	@echo "  database: $(DEMO_DB)   user: admin   password: $(DEMO_PASSWORD)"
	@echo "  (other demo users and passwords: customer_care/tests/demo.py)"
	@echo "  e-mail is not sent: it is kept in $(DEMO_DIR)/mail/*.eml"
	@echo "  scheduler: 'make demo-cron' in another terminal. Stop with Ctrl-C."
	@echo
	@$(START_MAILSINK); \
		$(VENV)/bin/trytond -c $(DEMO_CONF) -d $(DEMO_DB)
endef

demo: venv sao demo-db
	$(SERVE)

serve: venv sao demo-conf
	$(SERVE)

demo-cron: venv demo-conf
	@$(START_MAILSINK); \
		$(VENV)/bin/trytond-cron -c $(DEMO_CONF) -d $(DEMO_DB)

# --- Cleaning ----------------------------------------------------------------

clean:
	rm -rf $(DEMO_DIR) .cache .pytest_cache
	find customer_care demo -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(SAO_DIR)
