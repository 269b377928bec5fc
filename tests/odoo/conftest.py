"""Browser tests must not pass by being skipped.

pytest-odoo skips every odoo.tests.HttpCase test unless ``--odoo-http`` is given, and
Odoo skips a browser test when Chromium is missing or does not start. Either would
let ``make test`` pass without testing the UI, so here:

* a skip of a test whose class is an HttpCase subclass is reported as a failure
  that carries the skip reason;
* with ``--odoo-http``, a session in which no HttpCase test ran fails
  (set AR_ALLOW_NO_BROWSER_TESTS=1 to run a selection without browser tests).

This folder is the package ``tests.odoo`` (``tests/__init__.py`` and
``tests/odoo/__init__.py``): keep both files, or neither. With only
``tests/odoo/__init__.py``, pytest would import this folder as a package named
``odoo`` and clash with Odoo itself.
"""

import os
import sys

import pytest


def _is_http_case(item):
    cls = getattr(item, "cls", None)
    common = sys.modules.get("odoo.tests.common")
    return (
        common is not None
        and isinstance(cls, type)
        and issubclass(cls, common.HttpCase)
    )


def _skip_reason(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return longrepr[2]
    return str(longrepr)


class BrowserTestGuard:
    def __init__(self):
        self.http_tests_run = 0
        self.no_browser_test = False

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if not _is_http_case(item):
            return report
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = _skip_reason(report)
            report.outcome = "failed"
            report.longrepr = (
                f"browser test {item.nodeid} was skipped, which counts as a failure: "
                f"{reason}\n(browser tests need --odoo-http and a working Chromium)"
            )
        elif report.when == "call":
            self.http_tests_run += 1
        return report

    def pytest_sessionfinish(self, session, exitstatus):
        if not session.config.getoption("--odoo-http", default=False):
            return
        if os.environ.get("AR_ALLOW_NO_BROWSER_TESTS") == "1":
            return
        if self.http_tests_run == 0 and exitstatus in (
            pytest.ExitCode.OK,
            pytest.ExitCode.NO_TESTS_COLLECTED,
        ):
            self.no_browser_test = True
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if self.no_browser_test:
            terminalreporter.write_line(
                "FAILED: --odoo-http was given but no browser (HttpCase) test ran "
                "(AR_ALLOW_NO_BROWSER_TESTS=1 allows it)",
                red=True,
            )


def pytest_configure(config):
    config.pluginmanager.register(BrowserTestGuard(), "ar_browser_test_guard")
