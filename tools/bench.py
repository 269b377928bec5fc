# ruff: noqa: F821
"""Time the collections on the bench database (``make bench``).

Run through the Odoo shell on a fresh copy of the bench template:

    odoo-bin shell -c .build/odoo-ar_bench.conf -d ar_bench --no-http < tools/bench.py

Measures, as of the template's reference day (system parameter ``ar_bench.today``):
1. one full run ``env["ar.dunning.ladder"].run_collections(today=...)``,
2. a rerun the same day (nothing should be due).
For each: seconds, SQL queries (``env.cr.sql_log_count``), open invoices per second,
e-mails queued (new ``mail.mail`` records), the CPU time of the Odoo process (less
noisy than the wall clock on a loaded machine; PostgreSQL's time is not in it), the
peak memory (RSS) of the process
during the run (``VmHWM``, reset before the run) and the dict the run returns. The
run is committed like the cron would, so that the rerun sees its effects.
Then the pure engine alone: 100,000 ``decide()`` calls on the bench's ladder
(decisions per second, no database), the collector worklist as a collector opens it
and the managers' overview.

``BENCH_MODE=pdf``: the ladders' e-mails attach the customer's statement
(``attach_statement: true``) and only the full run is measured (on its own fresh
copy of the template). ``BENCH_RESULTS=<file>``: the figures are also written there
as JSON lines, for ``tools/bench_report.py`` (``tools/bench_db.sh bench`` prints
the table of every size and mode against the targets of issue #13).
"""

import json
import os
import resource
import time
from datetime import timedelta

from odoo import fields

from odoo.addons.ar_collections.ladder import InvoiceFacts, decide

ICP = env["ir.config_parameter"].sudo()
today = fields.Date.to_date(ICP.get_param("ar_bench.today")) or fields.Date.today()
size = ICP.get_param("ar_bench.ready") or "?"
mode = os.environ.get("BENCH_MODE", "html")
results_path = os.environ.get("BENCH_RESULTS")


def record(label, **values):
    """One figure for tools/bench_report.py."""
    if results_path:
        with open(results_path, "a", encoding="utf-8") as output:
            output.write(
                json.dumps({"size": size, "mode": mode, "label": label} | values) + "\n"
            )


def reset_peak_rss():
    """Reset the process's peak RSS (Linux: ``5`` to /proc/self/clear_refs), so
    that VmHWM tells the peak of what follows; False when it cannot be reset."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def peak_rss_mb():
    """VmHWM of the process, in MB (ru_maxrss where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if mode == "pdf":
    for ladder in env["ar.dunning.ladder"].search([]):
        ladder.yaml_source = ladder.yaml_source.replace(
            "- email: {template:", "- email: {attach_statement: true, template:"
        )
    env.cr.commit()

open_invoices = env["account.move"].search_count(
    [
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("payment_state", "in", ("not_paid", "partial")),
    ]
)
customers = len(
    env["account.move"]
    .search(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
    )
    .partner_id
)
print(
    f"bench: {open_invoices} open invoices over {customers} customers "
    f"(template {size}), as of {today}",
    flush=True,
)


def measure(label):
    env.invalidate_all()
    reset_peak_rss()
    mails_before = env["mail.mail"].search_count([])
    events_before = env["ar.collection.event"].search_count([])
    queries_before = env.cr.sql_log_count
    start = time.perf_counter()
    cpu_start = time.process_time()
    result = env["ar.dunning.ladder"].run_collections(today=today)
    env.flush_all()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    queries = env.cr.sql_log_count - queries_before
    peak = peak_rss_mb()
    env.cr.commit()
    mails = env["mail.mail"].search_count([]) - mails_before
    events = env["ar.collection.event"].search_count([]) - events_before
    row = {
        "label": label,
        "seconds": seconds,
        "queries": queries,
        "rate": open_invoices / seconds if seconds else float("inf"),
        "mails": mails,
        "events": events,
        "peak_rss_mb": peak,
        "cpu": cpu,
        "result": result,
    }
    record(
        label,
        seconds=seconds,
        cpu=cpu,
        queries=queries,
        mails=mails,
        events=events,
        peak_rss_mb=peak,
    )
    print(
        f"{label:>15}: {seconds:8.2f} s ({cpu:.2f} s CPU in Odoo)  "
        f"{queries:7d} queries  "
        f"{row['rate']:9.0f} invoices/s  {mails:6d} e-mails queued  "
        f"{events:7d} events  peak RSS {peak:6.0f} MB",
        flush=True,
    )
    print(f"{'':>15}  run_collections returned: {result}", flush=True)
    return row


if mode == "pdf":
    rows = [measure("full run")]
else:
    rows = [measure("full run"), measure("same-day rerun")]

print(f"\nsummary ({mode} e-mails)")
print(f"  invoices={open_invoices} customers={customers} today={today}")
for row in rows:
    print(
        f"  {row['label']}: {row['seconds']:.2f} s, {row['queries']} queries, "
        f"{row['rate']:.0f} invoices/s, {row['mails']} e-mails queued, "
        f"peak RSS {row['peak_rss_mb']:.0f} MB"
    )


# Collector workbench: the worklist as the web client opens it (first page of the
# list, the record count and the groups by collector), cold cache, as a collector.
def measure_worklist():
    collector = env["res.users"].search([("login", "=", "bench_collector_1")], limit=1)
    Worklist = env["ar.collection.worklist"].with_user(collector or env.user)
    spec = {
        name: {}
        for name in (
            "partner_id",
            "overdue_amount",
            "oldest_days_late",
            "stage_id",
            "last_contact_date",
            "next_action_date",
            "open_promise_date",
            "open_promise_amount",
            "has_broken_promise",
            "has_open_dispute",
            "priority",
            "sort_rank",
            "collector_id",
            "currency_id",
        )
    }
    env.invalidate_all()
    start = time.perf_counter()
    page = Worklist.web_search_read([], spec, limit=80)
    Worklist.web_read_group([], ["overdue_amount:sum"], ["collector_id"])
    seconds = time.perf_counter() - start
    rows = Worklist.search_count([])
    record("worklist", seconds=seconds, rows=rows)
    print(
        f"  worklist: {rows} customers, first page of {len(page['records'])} rows "
        f"+ groups by collector in {seconds:.3f} s (as {Worklist.env.user.login})",
        flush=True,
    )


# The ladder engine alone (pure Python, no database): 100,000 decisions on the first
# ladder of the bench, invoices due 0 to 199 days before today, 0 to 3 steps done.
def measure_engine(count=100_000):
    ladder = env["ar.dunning.ladder"].search([], order="sequence, id", limit=1)
    parsed = ladder._get_parsed()
    codes = [step.code for step in parsed.steps]
    facts = [
        InvoiceFacts(
            move_id=index,
            due_date=today - timedelta(days=index % 200),
            handled_steps=frozenset(codes[: index % 4]),
            last_done_date=today - timedelta(days=30) if index % 4 else None,
        )
        for index in range(count)
    ]
    start = time.perf_counter()
    for fact in facts:
        decide(parsed, fact, today, 100.0)
    seconds = time.perf_counter() - start
    print(
        f"  engine: {count} decide() calls on ladder {ladder.code} in "
        f"{seconds:.2f} s ({count / seconds:.0f} decisions/s)",
        flush=True,
    )


# Managers' overview: every figure of Collections > Overview in one call, cold cache,
# as the admin (a collections manager: record rules apply).
def measure_overview():
    Overview = env["ar.collection.overview"].with_user(env.ref("base.user_admin"))
    env.invalidate_all()
    start = time.perf_counter()
    Overview.get_overview()
    seconds = time.perf_counter() - start
    print(
        f"  overview: get_overview() in {seconds:.3f} s (page budget 1 s)", flush=True
    )


if mode != "pdf":
    measure_worklist()
    measure_engine()
    measure_overview()
