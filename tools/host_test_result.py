"""Reads the log of an ``odoo-bin --test-tags`` run (tools/host_tests.sh).

Usage: host_test_result.py LOG DB REPORT.json [TAGS]

Writes the counts of kind ``host`` to REPORT.json in the format of
tests/conftest.py (tools/test_summary.py adds them up), prints the failing tests'
log lines, and exits 1 when a test failed or errored, when none ran, or when the
log has no result line for DB, or when a test class named in TAGS (the
``--test-tags`` value, ``/module:Class`` items) ran no test (a misspelt name).
"""

import json
import re
import sys
from pathlib import Path

RESULT = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database '([^']*)'"
)
SKIPPED = re.compile(r" INFO \S+ \S+: skipped ")
PROBLEM = re.compile(r" (ERROR|CRITICAL) ")


def classes_without_tests(tags, text):
    names = [tag.partition(":")[2].partition(".")[0] for tag in tags.split(",")]
    return [n for n in names if n and f"Starting {n}." not in text]


def main(log_path, db, report_path, tags=""):
    text = Path(log_path).read_text(errors="replace")
    lines = text.splitlines()
    results = [m for m in RESULT.finditer(text) if m.group(4) == db]
    if not results:
        print("\n".join(lines[-40:]))
        print(f"FAILED: no test result for {db} in {log_path} (last lines above)")
        return 1
    failed, errors, run = (int(n) for n in results[-1].group(1, 2, 3))
    skipped = sum(1 for line in lines if SKIPPED.search(line))
    counts = {"passed": run - failed - errors - skipped}
    for outcome, n in (("failed", failed), ("error", errors), ("skipped", skipped)):
        if n:
            counts[outcome] = n
    Path(report_path).write_text(
        json.dumps({"counts": {"host": counts}, "collection_errors": 0}, indent=2)
    )
    print(f"   {results[-1].group(0)} ({skipped} skipped)")
    if failed or errors:
        print("\n".join(line for line in lines if PROBLEM.search(line))[-20000:])
        print(f"FAILED: Odoo's own tests on {db} (log: {log_path})")
        return 1
    if missing := classes_without_tests(tags, text):
        print(f"FAILED: no test of {', '.join(missing)} ran (log: {log_path})")
        return 1
    if not run:
        print(f"FAILED: no Odoo test ran on {db} (log: {log_path})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
