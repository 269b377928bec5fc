"""Print the bench figures of every size against the targets of issue #13.

    python3 tools/bench_report.py .build/bench-results.jsonl

Reads the JSON lines written by tools/bench.py (``BENCH_RESULTS``) and by the
queue_job bench (tools/bench_queue.py, label ``2 servers``, when queue_job is
installed). Targets are reported, not asserted: OK or MISSED, the figures as measured.
"""

import json
import os
import sys

# (size, mode, label) -> (figure, limit): seconds, or MB for the peak memory
TARGETS = {
    ("10000/1000", "html", "full run"): ("seconds", 8.0),
    ("10000/1000", "pdf", "full run"): ("seconds", 30.0),
    ("100000/10000", "html", "full run"): ("seconds", 60.0),
    ("100000/10000", "queue", "2 servers"): ("seconds", 40.0),
    ("100000/10000", "html", "same-day rerun"): ("seconds", 1.0),
    ("100000/10000", "html", "peak memory"): ("peak_rss_mb", 1536.0),
    ("10000/1000", "html", "worklist"): ("seconds", 0.3),
    ("100000/10000", "html", "worklist"): ("seconds", 0.3),
}

ROWS = (
    ("html", "full run", "run, HTML e-mails"),
    ("pdf", "full run", "run, statement PDF on every e-mail"),
    ("queue", "2 servers", "run over 2 servers with queue_job"),
    ("html", "same-day rerun", "same-day rerun"),
    ("html", "worklist", "worklist"),
    ("html", "peak memory", "peak memory (RSS) of the run"),
)


def load(path):
    figures = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                figures[row["size"], row["mode"], row["label"]] = row
    # the peak memory of the HTML run, as a row of its own
    for (size, mode, label), row in list(figures.items()):
        if mode == "html" and label == "full run":
            figures[size, "html", "peak memory"] = row
    return figures


def verdict(key, row):
    target = TARGETS.get(key)
    if not target:
        return ""
    field, limit = target
    value = row.get(field)
    if value is None:
        return ""
    unit = "MB" if field == "peak_rss_mb" else "s"
    sign = "<" if key[2] == "worklist" else "<="
    met = "OK" if value <= limit else "MISSED"
    return f"target {sign} {limit:g} {unit}: {met}"


def describe(label, row):
    if label == "peak memory":
        return f"{row['peak_rss_mb']:8.0f} MB"
    text = f"{row['seconds']:8.2f} s"
    if "queries" in row:
        text += f"  {row['queries']:7d} queries"
    if "mails" in row:
        text += f"  {row['mails']:6d} e-mails"
    return text


def main(path):
    figures = load(path)
    sizes = sorted({key[0] for key in figures}, key=lambda s: int(s.split("/")[0]))
    load_avg = os.getloadavg()
    print(
        "\nbench (issue #13 targets; load average "
        f"{load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f})"
    )
    for size in sizes:
        invoices, customers = size.split("/")
        print(f"\n  {int(invoices):,} invoices / {int(customers):,} customers")
        for mode, label, title in ROWS:
            row = figures.get((size, mode, label))
            if row is None:
                if mode == "queue":
                    print(f"    {title:<38} n/a (queue_job not installed)")
                continue
            key = (size, mode, label)
            print(f"    {title:<38} {describe(label, row)}  {verdict(key, row)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".build/bench-results.jsonl")
