# ruff: noqa: F821
"""One collections run in its own process, for tests/odoo/test_run_processes.py.

Run through the Odoo shell (``env`` in scope, script on stdin)::

    AR_RUN_TODAY=2026-03-02 AR_RUN_RESULT=/tmp/result.json \\
        odoo-bin shell -c odoo.conf -d DB --no-http < run_collections.py

It calls ``env["ar.dunning.ladder"].run_collections(today=AR_RUN_TODAY)`` as the
superuser (the run commits after each batch of customers, as under the cron),
commits, and writes what the run returned as JSON to ``AR_RUN_RESULT``.

Options (environment variables):

* ``AR_RUN_BATCH``: customers per batch (``ar_collection_run.CUSTOMERS_PER_BATCH``).
* ``AR_RUN_CRASH_AT=N`` and ``AR_RUN_MARKER=path``: once the N-th batch has done
  its work (flushed to the database, not committed), write the marker file and
  sleep: the test kills the process there with SIGKILL.
* ``AR_RUN_READY=path`` and ``AR_RUN_PEER_READY=path``: a start barrier; write the
  first file, wait until the second one exists, then run (two processes start
  their runs together).
* ``AR_RUN_PEER_RESULT=path``: before its first batch, the run waits (at most 60
  s) until the other process has written its result, so that the two runs
  overlap for sure; a second run that got in as well would wait the 60 s and then
  do the work twice, which the test sees.

The hooks wrap ``ar.collection.run._run_batch`` in this process only: a harness
that stops or delays the run at a precise point; the run itself, the ORM and the
database are the real ones.
"""

import json
import os
import time
from pathlib import Path

from odoo import fields

from odoo.addons.ar_collections.models import ar_collection_run


def wait_for(path, seconds):
    deadline = time.monotonic() + seconds
    while not Path(path).exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


today = fields.Date.to_date(os.environ["AR_RUN_TODAY"])
# The harness leans on these two names of the run: say so clearly if they change.
for owner, name in (
    (ar_collection_run, "CUSTOMERS_PER_BATCH"),
    (type(env["ar.collection.run"]), "_run_batch"),
):
    if not hasattr(owner, name):
        raise SystemExit(f"run_collections.py: the run has no {name} any more")
if os.environ.get("AR_RUN_BATCH"):
    ar_collection_run.CUSTOMERS_PER_BATCH = int(os.environ["AR_RUN_BATCH"])

Run = type(env["ar.collection.run"])
run_batch = Run._run_batch
crash_at = int(os.environ.get("AR_RUN_CRASH_AT") or 0)
peer_result = os.environ.get("AR_RUN_PEER_RESULT")
batches = []


def hooked_run_batch(self, *args, **kwargs):
    if peer_result and not batches:
        wait_for(peer_result, 60)
    result = run_batch(self, *args, **kwargs)
    batches.append(len(args[1]) if len(args) > 1 else None)
    if crash_at and len(batches) == crash_at:
        self.env.flush_all()
        Path(os.environ["AR_RUN_MARKER"]).write_text(str(os.getpid()))
        time.sleep(600)
    return result


Run._run_batch = hooked_run_batch

if os.environ.get("AR_RUN_READY"):
    Path(os.environ["AR_RUN_READY"]).write_text(str(os.getpid()))
    if not wait_for(os.environ["AR_RUN_PEER_READY"], 120):
        raise SystemExit("the other run never got ready")

result = env["ar.dunning.ladder"].run_collections(today=today)
env.cr.commit()
result = {key: value for key, value in result.items() if key != "proposals"}
result["batches"] = len(batches)
target = Path(os.environ["AR_RUN_RESULT"])
partial = target.with_suffix(".partial")
partial.write_text(json.dumps(result))
partial.rename(target)
