# ruff: noqa: F821
"""Profile one full collections run on the bench database (cProfile).

    tools/bench_db.sh && odoo-bin shell -c .build/odoo-ar_bench.conf -d ar_bench \\
        --no-http < tools/bench_profile.py

Prints the seconds, the SQL queries (``env.cr.sql_log_count``), then the top
functions by own time and by cumulated time (``BENCH_PROFILE_TOP``, default 30).
``BENCH_PROFILE_OUT=<file>`` also saves the profile (pstats). ``BENCH_PDF=1``
attaches the statement to every e-mail of the ladders first. The run commits its
batches: profile a fresh copy of the template (``tools/bench_db.sh``).
"""

import cProfile
import io
import os
import pstats
import time

from odoo import fields

ICP = env["ir.config_parameter"].sudo()
today = fields.Date.to_date(ICP.get_param("ar_bench.today")) or fields.Date.today()
top = int(os.environ.get("BENCH_PROFILE_TOP", "30"))
if os.environ.get("BENCH_PDF"):
    for ladder in env["ar.dunning.ladder"].search([]):
        ladder.yaml_source = ladder.yaml_source.replace(
            "- email: {template:", "- email: {attach_statement: true, template:"
        )
env.flush_all()
env.invalidate_all()
profile = cProfile.Profile()
queries = env.cr.sql_log_count
start = time.perf_counter()
profile.enable()
result = env["ar.dunning.ladder"].run_collections(today=today)
env.flush_all()
profile.disable()
seconds = time.perf_counter() - start
print(f"run: {seconds:.2f} s, {env.cr.sql_log_count - queries} queries: {result}")
if os.environ.get("BENCH_PROFILE_OUT"):
    profile.dump_stats(os.environ["BENCH_PROFILE_OUT"])
for order in ("tottime", "cumulative"):
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
    print(out.getvalue())
