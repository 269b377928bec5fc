# ar_collections developer commands.
#
#   make run     serve a demo database (admin/admin) on http://localhost:$(PORT)
#   make test    pure tests, fresh test database, Odoo + browser tests
#   make bench   time a full collections run and a same-day rerun
#   make lint    ruff check + ruff format --check
#
# Odoo itself is not installed as a package: the venv gets a .pth file that points
# to the Odoo 18 source tree at $(ODOO_SRC).

ODOO_SRC ?= /opt/odoo/18.0
VENV ?= .venv
DB_TEST ?= ar_test
DB_DEMO ?= ar_demo
DB_BENCH ?= ar_bench
PORT ?= 8069
BUILD ?= .build
PYTHON ?= python3
BENCH_INVOICES ?= 20000
BENCH_CUSTOMERS ?= 2000
# make run UPDATE=1: update ar_collections in the demo database before serving
UPDATE ?=
# what each database gets installed (the sale bridge ar_collections_sale is tested)
MODULES ?= account,sale,ar_collections
TEST_MODULES ?= account,ar_collections,sale,ar_collections_sale
DEMO_MODULES ?= $(MODULES)
BENCH_MODULES ?= account,ar_collections
LINT_PATHS ?= $(patsubst %/__manifest__.py,%,$(wildcard */__manifest__.py)) tests tools

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

ROOT := $(CURDIR)
BUILD_ABS := $(abspath $(BUILD))
PY := $(abspath $(VENV))/bin/python
ODOO := $(PY) $(ODOO_SRC)/odoo-bin
VENV_STAMP := $(VENV)/.ar_collections-requirements.stamp
DB_BENCH_TPL := $(DB_BENCH)_tpl_$(BENCH_INVOICES)_$(BENCH_CUSTOMERS)
RESULTS := $(BUILD)/test-results
# Lines of an Odoo log that make an install fail.
LOG_ERRORS := ( ERROR | CRITICAL |Some modules are not loaded|[Ff]ailed to load|invalid module names|not installable)

# dropdb without the "does not exist, skipping" notice, closing stale connections
DROPDB := PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force
# psql as the current user over the local socket, quiet, no psqlrc.
PSQL := psql -X -q -A -t -v ON_ERROR_STOP=1

comma := ,

# a hash of the addon's files (the bench template is updated when it changes)
ADDON_HASH := find ar_collections -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 \
	| sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40

# $(call db_exists,DB): succeeds when the database exists
db_exists = [ "$$($(PSQL) -d postgres -c "select 1 from pg_database where datname = '$(1)'")" = 1 ]
# $(call db_param,DB,KEY): prints an ir.config_parameter value of DB (empty if none)
db_param = $(PSQL) -d $(1) -c "select value from ir_config_parameter where key = '$(2)'" 2>/dev/null || true

# $(call odoo_install,DB,MODULES): fresh DB with MODULES (no demo data); fails on any
# error in the log (printed then) and unless every addon of this repository named in
# MODULES ends up installed.
define odoo_install
	@echo "== installing $(2) into $(1) (log: $(BUILD)/install-$(1).log)"
	@$(DROPDB) $(1)
	@rm -rf $(BUILD_ABS)/data/filestore/$(1)
	@start=$$(date +%s); \
	if ! $(ODOO) -c $(BUILD)/odoo-$(1).conf -d $(1) -i $(2) --stop-after-init \
	        --without-demo=all --no-http --log-level=info > $(BUILD)/install-$(1).log 2>&1; then \
	    cat $(BUILD)/install-$(1).log; \
	    echo "FAILED: odoo-bin -i $(2) on $(1) exited non-zero (log above: $(BUILD)/install-$(1).log)"; \
	    exit 1; \
	fi; \
	if grep -qE '$(LOG_ERRORS)' $(BUILD)/install-$(1).log; then \
	    cat $(BUILD)/install-$(1).log; \
	    echo "FAILED: the install log of $(1) has errors:"; \
	    grep -nE '$(LOG_ERRORS)' $(BUILD)/install-$(1).log | head -40; \
	    exit 1; \
	fi; \
	for m in $(subst $(comma), ,$(2)); do \
	    [ -f "$$m/__manifest__.py" ] || continue; \
	    state=$$($(PSQL) -d $(1) -c "select state from ir_module_module where name = '$$m'"); \
	    if [ "$$state" != installed ]; then \
	        cat $(BUILD)/install-$(1).log; \
	        echo "FAILED: $$m is '$$state' in $(1), not installed (is $(ROOT) in addons_path?)"; \
	        exit 1; \
	    fi; \
	done; \
	echo "   installed in $$(( $$(date +%s) - start ))s ($$(grep -c ' WARNING ' $(BUILD)/install-$(1).log || true) warnings in the log)"
endef

.PHONY: help run test bench lint format venv check check-odoo check-browser conf \
        test-pure test-db test-odoo demo-db bench-db drop-demo bench-clean clean FORCE

help:
	@echo "make run     demo database $(DB_DEMO) (admin/admin) served on http://localhost:$(PORT)"
	@echo "make test    pure tests + fresh $(DB_TEST) + Odoo and browser tests"
	@echo "make bench   full run and same-day rerun on $(BENCH_INVOICES) invoices / $(BENCH_CUSTOMERS) customers"
	@echo "make lint    ruff check and ruff format --check on $(LINT_PATHS)"
	@echo "variables: ODOO_SRC=$(ODOO_SRC) VENV=$(VENV) PORT=$(PORT) BUILD=$(BUILD)"
	@echo "           DB_TEST=$(DB_TEST) DB_DEMO=$(DB_DEMO) DB_BENCH=$(DB_BENCH)"
	@echo "           BENCH_INVOICES=$(BENCH_INVOICES) BENCH_CUSTOMERS=$(BENCH_CUSTOMERS) UPDATE=1 (run: -u ar_collections)"
	@echo "           TEST_MODULES=$(TEST_MODULES) DEMO_MODULES=$(DEMO_MODULES) BENCH_MODULES=$(BENCH_MODULES)"

# ---------------------------------------------------------------- environment

check-odoo:
	@if [ ! -f "$(ODOO_SRC)/odoo-bin" ]; then \
	    echo "Odoo 18 source not found at $(ODOO_SRC) (set ODOO_SRC=/path/to/odoo-18.0, the directory holding odoo-bin)"; \
	    exit 1; \
	fi
	@if ! grep -qE "^version_info = \(18, 0" "$(ODOO_SRC)/odoo/release.py"; then \
	    echo "$(ODOO_SRC) is not Odoo 18.0 ($$(grep -E '^version_info' $(ODOO_SRC)/odoo/release.py)); set ODOO_SRC=..."; \
	    exit 1; \
	fi

$(BUILD):
	@mkdir -p $(BUILD)/data

$(VENV)/bin/python: | check-odoo
	$(PYTHON) -m venv $(VENV)

# pip runs again only when a requirements file is newer than the stamp.
$(VENV_STAMP): requirements-dev.txt $(wildcard $(ODOO_SRC)/requirements.txt) | $(VENV)/bin/python $(BUILD)
	@echo 'setuptools<70' > $(BUILD)/pip-constraints.txt
	@grep -v -i '^python-ldap' $(ODOO_SRC)/requirements.txt > $(BUILD)/odoo-requirements.txt
	PIP_CONSTRAINT=$(abspath $(BUILD))/pip-constraints.txt $(VENV)/bin/pip install -q \
	    -r $(BUILD)/odoo-requirements.txt -r requirements-dev.txt
	@touch $@

venv: check-odoo $(VENV_STAMP)
	@site=$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	if [ "$$(cat $$site/odoo-src.pth 2>/dev/null)" != "$(abspath $(ODOO_SRC))" ]; then \
	    echo "$(abspath $(ODOO_SRC))" > $$site/odoo-src.pth; \
	    echo "wrote $$site/odoo-src.pth -> $(abspath $(ODOO_SRC))"; \
	fi

check: check-odoo venv
	@if ! command -v psql >/dev/null || ! command -v pg_isready >/dev/null; then \
	    echo "PostgreSQL client tools (psql, pg_isready) not found (apt-get install postgresql-client)"; \
	    exit 1; \
	fi
	@if ! pg_isready -q; then \
	    echo "PostgreSQL does not answer on the local socket (start it: pg_ctlcluster --skip-systemctl-redirect 15 main start)"; \
	    exit 1; \
	fi
	@if ! err=$$($(PSQL) -d postgres -c 'select 1' 2>&1 >/dev/null); then \
	    echo "PostgreSQL answers but refuses user $$(id -un): $$err"; \
	    echo "(create the role: su postgres -c \"createuser -s $$(id -un)\")"; \
	    exit 1; \
	fi
	@$(PY) tools/check_env.py

check-browser:
	@if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null \
	        && ! command -v google-chrome >/dev/null; then \
	    echo "Chromium not found: browser tests (HttpCase tours) need it (apt-get install chromium)"; \
	    exit 1; \
	fi

# One Odoo configuration file per database: $(BUILD)/odoo-<db>.conf (always regenerated).
$(BUILD)/odoo-%.conf: FORCE | $(BUILD)
	@[ -s $(BUILD)/admin_passwd ] || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(24))' > $(BUILD)/admin_passwd
	@printf '%s\n' \
	    '# generated by make; edit the Makefile, not this file' \
	    '[options]' \
	    'addons_path = $(abspath $(ODOO_SRC))/addons,$(abspath $(ODOO_SRC))/odoo/addons,$(ROOT)' \
	    'db_name = $*' \
	    'dbfilter = ^$*$$' \
	    'http_port = $(PORT)' \
	    'workers = 0' \
	    'max_cron_threads = 1' \
	    'log_level = info' \
	    'list_db = False' \
	    'without_demo = all' \
	    "admin_passwd = $$(cat $(BUILD)/admin_passwd)" \
	    'data_dir = $(BUILD_ABS)/data' > $@

conf: $(BUILD)/odoo-$(DB_TEST).conf $(BUILD)/odoo-$(DB_DEMO).conf $(BUILD)/odoo-$(DB_BENCH).conf
	@ls -1 $^

# ----------------------------------------------------------------------- test

test: check check-browser
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@rc=0; \
	$(MAKE) --no-print-directory test-pure || rc=1; \
	if $(MAKE) --no-print-directory test-db; then \
	    $(MAKE) --no-print-directory test-odoo || rc=1; \
	else \
	    rc=1; echo "Odoo tests not run: $(DB_TEST) could not be built"; \
	fi; \
	$(PY) tools/test_summary.py $(RESULTS) || rc=1; \
	exit $$rc

# pytest exit 5 (nothing collected) counts as a failure.
test-pure: | $(BUILD)
	@echo "== pure tests (tests/pure)"
	@mkdir -p $(RESULTS)
	@rc=0; AR_TEST_REPORT=$(RESULTS)/pure.json $(PY) -m pytest -p no:odoo -p no:cacheprovider tests/pure || rc=$$?; \
	if [ $$rc = 5 ]; then echo "FAILED: no test collected in tests/pure"; exit 1; fi; \
	exit $$rc

test-db: check $(BUILD)/odoo-$(DB_TEST).conf
	$(call odoo_install,$(DB_TEST),$(TEST_MODULES))

# Browser (HttpCase) tests must run: tests/odoo/conftest.py turns their skips into
# failures and fails the session if none ran.
test-odoo: $(BUILD)/odoo-$(DB_TEST).conf
	@echo "== Odoo and browser tests (tests/odoo) on $(DB_TEST)"
	@mkdir -p $(RESULTS)
	@rc=0; AR_TEST_REPORT=$(RESULTS)/odoo.json AR_REQUIRE_BROWSER_TESTS=1 \
	$(PY) -m pytest -p no:cacheprovider --odoo-config=$(BUILD)/odoo-$(DB_TEST).conf \
	    --odoo-database=$(DB_TEST) --odoo-http --odoo-log-level=warn tests/odoo || rc=$$?; \
	if [ $$rc = 5 ]; then echo "FAILED: no test collected in tests/odoo"; exit 1; fi; \
	exit $$rc

# ------------------------------------------------------------------------ run

demo-db: check $(BUILD)/odoo-$(DB_DEMO).conf
	@if $(call db_exists,$(DB_DEMO)); then \
	    echo "== $(DB_DEMO) exists: reusing it (make drop-demo to rebuild it)"; \
	else \
	    $(MAKE) --no-print-directory demo-db-build; \
	fi

.PHONY: demo-db-build
demo-db-build: $(BUILD)/odoo-$(DB_DEMO).conf
	$(call odoo_install,$(DB_DEMO),$(DEMO_MODULES))
	@echo "== loading demo data (tools/demo_data.py) into $(DB_DEMO)"
	@if ! $(ODOO) shell -c $(BUILD)/odoo-$(DB_DEMO).conf -d $(DB_DEMO) --no-http --log-level=warn \
	        < tools/demo_data.py; then \
	    echo "FAILED: tools/demo_data.py; dropping $(DB_DEMO)"; \
	    $(DROPDB) $(DB_DEMO); exit 1; \
	fi

run: demo-db
	@if [ -n "$(UPDATE)" ]; then \
	    $(ODOO) -c $(BUILD)/odoo-$(DB_DEMO).conf -d $(DB_DEMO) -u ar_collections --stop-after-init --no-http; \
	fi
	@echo "== serving $(DB_DEMO) on http://localhost:$(PORT) (login admin / admin; collector1 / collector1)"
	exec $(ODOO) -c $(BUILD)/odoo-$(DB_DEMO).conf -d $(DB_DEMO) --http-port=$(PORT) --max-cron-threads=1

drop-demo:
	$(DROPDB) $(DB_DEMO)
	rm -rf $(BUILD_ABS)/data/filestore/$(DB_DEMO)

# ---------------------------------------------------------------------- bench

# The generated data lives in a template database $(DB_BENCH_TPL), built once per
# size; every bench copies it (createdb -T) so that each run starts from the same
# state. When ar_collections changes, the template is updated (-u) once.
bench-db: check $(BUILD)/odoo-$(DB_BENCH_TPL).conf $(BUILD)/odoo-$(DB_BENCH).conf
	@if $(call db_exists,$(DB_BENCH_TPL)) \
	        && [ -n "$$($(call db_param,$(DB_BENCH_TPL),ar_bench.ready))" ]; then \
	    echo "== reusing bench template $(DB_BENCH_TPL)"; \
	else \
	    $(MAKE) --no-print-directory bench-template-build; \
	fi
	@hash=$$($(ADDON_HASH)); \
	if [ "$$($(call db_param,$(DB_BENCH_TPL),ar_bench.addon_hash))" != "$$hash" ]; then \
	    echo "== ar_collections changed since $(DB_BENCH_TPL) was built: updating it"; \
	    if ! $(ODOO) -c $(BUILD)/odoo-$(DB_BENCH_TPL).conf -d $(DB_BENCH_TPL) -u ar_collections \
	            --stop-after-init --no-http --log-level=info > $(BUILD)/update-$(DB_BENCH_TPL).log 2>&1 \
	        || grep -qE '$(LOG_ERRORS)' $(BUILD)/update-$(DB_BENCH_TPL).log; then \
	        grep -nE '$(LOG_ERRORS)' $(BUILD)/update-$(DB_BENCH_TPL).log | head -40 || tail -40 $(BUILD)/update-$(DB_BENCH_TPL).log; \
	        echo "FAILED: updating $(DB_BENCH_TPL) (log: $(BUILD)/update-$(DB_BENCH_TPL).log); make bench-clean rebuilds it"; \
	        exit 1; \
	    fi; \
	    $(PSQL) -d $(DB_BENCH_TPL) -c "insert into ir_config_parameter (key, value) values ('ar_bench.addon_hash', '$$hash') on conflict (key) do update set value = excluded.value"; \
	fi
	@$(DROPDB) $(DB_BENCH)
	@rm -rf $(BUILD_ABS)/data/filestore/$(DB_BENCH)
	createdb -T $(DB_BENCH_TPL) $(DB_BENCH)
	@if [ -d $(BUILD_ABS)/data/filestore/$(DB_BENCH_TPL) ]; then \
	    cp -a $(BUILD_ABS)/data/filestore/$(DB_BENCH_TPL) $(BUILD_ABS)/data/filestore/$(DB_BENCH); \
	fi

.PHONY: bench-template-build
# The addon's hash is taken before the install: the template holds that version.
bench-template-build: $(BUILD)/odoo-$(DB_BENCH_TPL).conf
	@$(ADDON_HASH) > $(BUILD)/$(DB_BENCH_TPL).hash
	$(call odoo_install,$(DB_BENCH_TPL),$(BENCH_MODULES))
	@echo "== generating $(BENCH_INVOICES) invoices over $(BENCH_CUSTOMERS) customers (tools/bench_data.py)"
	@start=$$(date +%s); \
	if ! BENCH_INVOICES=$(BENCH_INVOICES) BENCH_CUSTOMERS=$(BENCH_CUSTOMERS) \
	        $(ODOO) shell -c $(BUILD)/odoo-$(DB_BENCH_TPL).conf -d $(DB_BENCH_TPL) --no-http \
	        --log-level=warn < tools/bench_data.py; then \
	    echo "FAILED: tools/bench_data.py; dropping $(DB_BENCH_TPL)"; \
	    $(DROPDB) $(DB_BENCH_TPL); exit 1; \
	fi; \
	echo "   data generated in $$(( $$(date +%s) - start ))s"; \
	hash=$$(cat $(BUILD)/$(DB_BENCH_TPL).hash); \
	$(PSQL) -d $(DB_BENCH_TPL) -c "insert into ir_config_parameter (key, value) values ('ar_bench.addon_hash', '$$hash') on conflict (key) do update set value = excluded.value"

bench: bench-db
	@echo "== bench on $(DB_BENCH) (copy of $(DB_BENCH_TPL))"
	BENCH_INVOICES=$(BENCH_INVOICES) BENCH_CUSTOMERS=$(BENCH_CUSTOMERS) \
	    $(ODOO) shell -c $(BUILD)/odoo-$(DB_BENCH).conf -d $(DB_BENCH) --no-http \
	    --log-level=warn < tools/bench.py

bench-clean:
	@for db in $$($(PSQL) -d postgres -c "select datname from pg_database where datname like '$(DB_BENCH)%'"); do \
	    echo "dropping $$db"; $(DROPDB) $$db; rm -rf $(BUILD_ABS)/data/filestore/$$db; \
	done

# ----------------------------------------------------------------------- lint

lint: venv
	$(VENV)/bin/ruff check --no-fix $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)

format: venv
	$(VENV)/bin/ruff check --fix $(LINT_PATHS)
	$(VENV)/bin/ruff format $(LINT_PATHS)

clean:
	rm -rf $(BUILD) .pytest_cache .ruff_cache

FORCE:
