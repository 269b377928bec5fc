"""Shared pytest set-up for the two kinds of tests of this repository.

tests/pure   the ladder engine (ar_collections/ladder), no Odoo and no database:
             ``pytest tests/pure``.
tests/odoo   Odoo tests (TransactionCase, HttpCase) run by pytest-odoo against a
             database where ar_collections is installed:
             ``pytest --odoo-config=.build/odoo-ar_test.conf --odoo-database=ar_test
             --odoo-http tests/odoo`` (``make test`` does all of it).

What this file does:

* In a pure run (no ``--odoo-*`` option), it unregisters the pytest-odoo plugin,
  which would otherwise try to load an Odoo registry, and makes
  ``import ar_collections.ladder`` work without executing
  ``ar_collections/__init__.py`` (that one imports the Odoo models, which may only be
  imported as ``odoo.addons.ar_collections``). In Odoo tests, import the addon as
  ``odoo.addons.ar_collections``.
* It drops the one error line pytest-odoo causes at start-up: it imports
  ``odoo.tests`` before it turns Odoo's test mode on, and Odoo logs that import
  outside test mode as an error (meant for business code importing the test
  framework in production).
* It counts the tests by kind (pure / odoo / browser = HttpCase), prints one line at
  the end, and writes the counts as JSON to ``$AR_TEST_REPORT`` when that is set
  (``make test`` sums them up with tools/test_summary.py).
"""

import importlib.util
import json
import logging
import os
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ODOO_OPTIONS = ("--odoo-database", "--odoo-config", "--odoo-dev")
# the worst outcome of a test's phases wins
SEVERITY = ["passed", "xfailed", "xpassed", "skipped", "failed", "error"]


class _PytestOdooImportFilter(logging.Filter):
    """Drops Odoo's "Importing test framework" error, logged because pytest-odoo
    imports ``odoo.tests`` (for subtests) before it sets ``test_enable``."""

    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_PytestOdooImportFilter())


def _odoo_run(config):
    if os.environ.get("ODOO_RC") or os.environ.get("OPENERP_SERVER"):
        return True
    return any(config.getoption(opt, default=None) for opt in ODOO_OPTIONS)


def _install_pure_package_stub():
    """``ar_collections`` as a bare package: its subpackages import, its
    ``__init__`` (the Odoo models) does not run."""
    if "ar_collections" in sys.modules:
        return
    spec = importlib.util.spec_from_loader(
        "ar_collections", loader=None, is_package=True
    )
    module = importlib.util.module_from_spec(spec)
    module.__path__ = [str(ROOT / "ar_collections")]
    module.__file__ = None
    sys.modules["ar_collections"] = module


def is_http_case(item):
    """True when the test is a method of an odoo.tests.HttpCase subclass."""
    cls = getattr(item, "cls", None)
    common = sys.modules.get("odoo.tests.common")
    return (
        common is not None
        and isinstance(cls, type)
        and issubclass(cls, common.HttpCase)
    )


def test_kind(item):
    if is_http_case(item):
        return "browser"
    if "odoo" in Path(item.path).relative_to(ROOT / "tests").parts[:1]:
        return "odoo"
    return "pure"


class KindCounter:
    """Outcome of every test, by kind."""

    def __init__(self, config):
        self.config = config
        self.kinds = {}
        self.outcomes = {}
        self.collection_errors = 0

    def pytest_collection_modifyitems(self, items):
        for item in items:
            self.kinds[item.nodeid] = test_kind(item)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors += 1

    def pytest_runtest_logreport(self, report):
        if report.failed:
            outcome = "failed" if report.when == "call" else "error"
        elif report.skipped:
            outcome = "xfailed" if hasattr(report, "wasxfail") else "skipped"
        elif report.when == "call":
            outcome = "xpassed" if hasattr(report, "wasxfail") else "passed"
        else:
            return
        previous = self.outcomes.get(report.nodeid, "passed")
        if SEVERITY.index(outcome) >= SEVERITY.index(previous):
            self.outcomes[report.nodeid] = outcome

    def counts(self):
        counts = {}
        for nodeid, outcome in self.outcomes.items():
            kind = self.kinds.get(nodeid, "pure")
            counts.setdefault(kind, {}).setdefault(outcome, 0)
            counts[kind][outcome] += 1
        return counts

    def pytest_terminal_summary(self, terminalreporter):
        counts = self.counts()
        parts = [
            f"{kind}: "
            + ", ".join(f"{n} {outcome}" for outcome, n in sorted(by_outcome.items()))
            for kind, by_outcome in sorted(counts.items())
        ]
        if self.collection_errors:
            parts.append(f"{self.collection_errors} collection error(s)")
        terminalreporter.write_line(
            "tests by kind: " + (" | ".join(parts) or "none ran")
        )
        path = os.environ.get("AR_TEST_REPORT")
        if path:
            Path(path).write_text(
                json.dumps(
                    {"counts": counts, "collection_errors": self.collection_errors},
                    indent=2,
                )
            )


def _pure_run_plugin():
    """A plugin for pure runs that replaces pytest-odoo's session fixtures, which
    would otherwise load an Odoo registry (and fail with "Missing database name")."""
    plugin = types.ModuleType("ar_pure_run_fixtures")

    @pytest.fixture(scope="session", autouse=True, name="load_registry")
    def no_registry():
        yield

    @pytest.fixture(scope="session", autouse=True, name="load_http")
    def no_http():
        yield

    @pytest.fixture(scope="module", autouse=True, name="enable_odoo_test_flag")
    def no_test_flag():
        yield

    plugin.no_registry = no_registry
    plugin.no_http = no_http
    plugin.no_test_flag = no_test_flag
    return plugin


def pytest_configure(config):
    if not _odoo_run(config):
        if config.pluginmanager.get_plugin("odoo") is not None:
            config.pluginmanager.register(_pure_run_plugin(), "ar_pure_run_fixtures")
        _install_pure_package_stub()
    config.pluginmanager.register(KindCounter(config), "ar_kind_counter")
