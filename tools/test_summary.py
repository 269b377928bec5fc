"""Sum up the per-kind test counts written by tests/conftest.py (``make test``).

Usage: test_summary.py RESULTS_DIR
Reads RESULTS_DIR/pure.json, odoo.json (both written by tests/conftest.py) and
host.json (Odoo's own tests, tools/host_test_result.py); prints one line of counts
by kind (pure, odoo, browser, host); exits 1 when a group did not run, when a kind
has no passed test, or when a test failed or errored (a skipped browser test of
ours counts as failed: tests/odoo/conftest.py).
"""

import json
import sys
from pathlib import Path

GROUPS = ("pure", "odoo", "host")
KINDS = ("pure", "odoo", "browser", "host")
BAD = ("failed", "error")


def main(results_dir):
    results = Path(results_dir)
    totals = {kind: {} for kind in KINDS}
    problems = []
    for group in GROUPS:
        path = results / f"{group}.json"
        if not path.exists():
            problems.append(f"the {group} tests did not run to the end")
            continue
        data = json.loads(path.read_text())
        if data.get("collection_errors"):
            problems.append(
                f"{data['collection_errors']} collection error(s) in {group}"
            )
        for kind, by_outcome in data["counts"].items():
            for outcome, n in by_outcome.items():
                totals.setdefault(kind, {}).setdefault(outcome, 0)
                totals[kind][outcome] += n
    parts = []
    for kind, by_outcome in totals.items():
        text = ", ".join(f"{n} {o}" for o, n in sorted(by_outcome.items())) or "0 ran"
        parts.append(f"{kind}: {text}")
        bad = sum(by_outcome.get(o, 0) for o in BAD)
        if bad:
            problems.append(f"{bad} {kind} test(s) failed")
        if not by_outcome.get("passed"):
            problems.append(f"no {kind} test passed")
    print("=" * 72)
    print("TESTS  " + " | ".join(parts))
    for problem in problems:
        print("  - " + problem)
    print("RESULT " + ("FAILED" if problems else "OK"))
    print("=" * 72)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".build/test-results"))
