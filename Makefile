# ar_collections developer commands: each target calls a small script of tools/
# (tools/lib.sh says how they read the settings below, which make exports).
#
#   make run     serve a demo database (admin/admin) on http://localhost:$(PORT)
#   make test    pure tests, fresh test database, Odoo + browser tests, Odoo's own tests
#   make bench   time a full collections run and a same-day rerun
#   make lint    ruff check + ruff format --check
#   make i18n    export the .pot of our addons, merge it into their .po files
#   make stop    stop the local PostgreSQL and the mail catcher that make started
#
# Odoo itself is not installed as a package: the venv gets a .pth file that points
# to the Odoo 18 source tree at $(ODOO_SRC). When no PostgreSQL server answers (and
# PGHOST is not set), tools/setup.sh starts a project-local one under $(BUILD)/pg.

ODOO_SRC ?= /opt/odoo/18.0
VENV ?= .venv
DB_TEST ?= ar_test
DB_DEMO ?= ar_demo
DB_BENCH ?= ar_bench
PORT ?= 8069
# the demo's outgoing mail goes to the mail catcher on 127.0.0.1:$(MAIL_PORT)
MAIL_PORT ?= 1025
BUILD ?= .build
PYTHON ?= python3
BENCH_INVOICES ?= 20000
BENCH_CUSTOMERS ?= 2000
# make run UPDATE=1: update ar_collections in the demo database before serving
UPDATE ?=
# make i18n: the database the terms are exported from (our addons installed)
DB_I18N ?= $(DB_TEST)
# what each database gets installed (the sale bridge ar_collections_sale is tested)
MODULES ?= account,sale,ar_collections
TEST_MODULES ?= account,account_debit_note,ar_collections,sale,ar_collections_sale,ar_collections_test_kind,account_payment,payment_demo,ar_collections_payment,queue_job,ar_collections_queue,stock,ar_collections_stock
DEMO_MODULES ?= $(MODULES)
BENCH_MODULES ?= account,ar_collections
LINT_PATHS ?= $(patsubst %/__manifest__.py,%,$(wildcard */__manifest__.py)) tests tools

export ODOO_SRC VENV DB_TEST DB_DEMO DB_BENCH PORT MAIL_PORT BUILD PYTHON \
       BENCH_INVOICES BENCH_CUSTOMERS UPDATE TEST_MODULES DEMO_MODULES BENCH_MODULES

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY := $(abspath $(VENV))/bin/python
VENV_STAMP := $(VENV)/.ar_collections-requirements.stamp
RESULTS := $(BUILD)/test-results

.PHONY: help run test bench lint format venv check check-browser conf stop \
        test-pure test-db test-odoo test-host demo-db bench-db drop-demo bench-clean clean \
        i18n

help:
	@echo "make run     demo database $(DB_DEMO) (admin/admin) served on http://localhost:$(PORT)"
	@echo "             (its mail: $(BUILD)/mail/index.html, caught on 127.0.0.1:$(MAIL_PORT))"
	@echo "make test    pure tests + fresh $(DB_TEST) + Odoo and browser tests + Odoo's own tests"
	@echo "make bench   full run and same-day rerun on $(BENCH_INVOICES) invoices / $(BENCH_CUSTOMERS) customers"
	@echo "make lint    ruff check and ruff format --check on $(LINT_PATHS)"
	@echo "make i18n    .pot from Odoo's export of $(DB_I18N) (DB_I18N=...), merged into i18n/*.po"
	@echo "make format  ruff's fixes and formatting"
	@echo "make check   check the machine; start the local PostgreSQL if none answers"
	@echo "make stop    stop the local PostgreSQL ($(BUILD)/pg) and the mail catcher"
	@echo "make drop-demo, make bench-clean, make clean   throw away the demo, the bench DBs, $(BUILD)"
	@echo "variables: ODOO_SRC=$(ODOO_SRC) VENV=$(VENV) PORT=$(PORT) MAIL_PORT=$(MAIL_PORT) BUILD=$(BUILD)"
	@echo "           DB_TEST=$(DB_TEST) DB_DEMO=$(DB_DEMO) DB_BENCH=$(DB_BENCH)"
	@echo "           BENCH_INVOICES=$(BENCH_INVOICES) BENCH_CUSTOMERS=$(BENCH_CUSTOMERS) UPDATE=1 (run: -u ar_collections)"
	@echo "           TEST_MODULES=$(TEST_MODULES) DEMO_MODULES=$(DEMO_MODULES) BENCH_MODULES=$(BENCH_MODULES)"
	@echo "           AR_PG_LOCAL=1 (use the local PostgreSQL even when another one answers)"

# ---------------------------------------------------------------- environment

# pip runs again only when a requirements file is newer than the stamp.
$(VENV_STAMP): requirements-dev.txt requirements-nodeps.txt $(wildcard $(ODOO_SRC)/requirements.txt)
	@tools/venv.sh install
	@touch $@

venv: $(VENV_STAMP)
	@tools/venv.sh

# Odoo source, PostgreSQL (started when needed), a role for you, the venv's packages.
check: venv
	@tools/setup.sh
	@$(PY) tools/check_env.py

check-browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
	    || command -v google-chrome >/dev/null \
	    || { echo "Chromium not found: browser tests (HttpCase tours) need it (apt-get install chromium)"; exit 1; }

# One Odoo configuration file per database: $(BUILD)/odoo-<db>.conf.
conf:
	@for db in $(DB_TEST) $(DB_DEMO) $(DB_BENCH); do tools/odoo_conf.sh $$db; ls -1 $(BUILD)/odoo-$$db.conf; done

stop:
	@$(PYTHON) tools/mail_catcher.py stop --dir $(BUILD)/mail
	@tools/pg_local.sh stop

# ----------------------------------------------------------------------- test

# Every step runs; the closing line counts the tests by kind (tools/test_summary.py).
test: check check-browser
	@rm -rf $(RESULTS)
	@rc=0; \
	$(MAKE) --no-print-directory test-pure || rc=1; \
	if $(MAKE) --no-print-directory test-db; then \
	    $(MAKE) --no-print-directory test-odoo || rc=1; \
	    $(MAKE) --no-print-directory test-host || rc=1; \
	else \
	    rc=1; echo "Odoo tests not run: $(DB_TEST) could not be built"; \
	fi; \
	$(PY) tools/test_summary.py $(RESULTS) || rc=1; \
	exit $$rc

test-pure:
	@tools/pytest_run.sh pure

test-db: check
	@tools/odoo_install.sh $(DB_TEST) $(TEST_MODULES)

# Browser (HttpCase) tests must run: tests/odoo/conftest.py turns their skips into
# failures and fails the session if none ran.
test-odoo:
	@tools/pytest_run.sh odoo $(DB_TEST)

# Odoo's own account and sale tests with our addons installed (after ours: they
# roll back, but run last all the same).
test-host:
	@tools/host_tests.sh $(DB_TEST)

# ------------------------------------------------------------------------ run

demo-db: check
	@tools/demo_db.sh

run: demo-db
	@tools/run.sh

drop-demo:
	@tools/setup.sh
	@source tools/lib.sh && db_drop $(DB_DEMO)

# ---------------------------------------------------------------------- bench

bench-db: check
	@tools/bench_db.sh

bench: check
	@tools/bench_db.sh bench

bench-clean:
	@tools/setup.sh
	@tools/bench_db.sh clean

# ----------------------------------------------------------------------- i18n

# Odoo's export of $(DB_I18N) (updated first) gives each installed addon's .pot; msgmerge keeps
# the translations of i18n/*.po.
i18n: check
	@tools/i18n.sh $(DB_I18N)

# ----------------------------------------------------------------------- lint

lint: venv
	$(VENV)/bin/ruff check --no-fix $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)

format: venv
	$(VENV)/bin/ruff check --fix $(LINT_PATHS)
	$(VENV)/bin/ruff format $(LINT_PATHS)

# After make stop (the local PostgreSQL's databases are in $(BUILD)/pg).
clean:
	@if tools/pg_local.sh status 2>/dev/null; then echo "the local PostgreSQL runs: make stop first"; exit 1; fi
	rm -rf $(BUILD) .pytest_cache .ruff_cache
