"""Collections runs in real, separate Odoo processes: killed mid-batch, or two at once.

These tests need committed data that other processes see, so they cannot live in
the test database's rolled-back transaction. ``setUpClass`` copies the test
database (``pg_dump | psql``, which works while this process is connected to it),
seeds a book of customers in the copy with ``odoo-bin shell`` and
``run_scripts/seed_book.py`` (committed), and clones that copy with
``createdb -T`` once per scenario: a reference run that is never disturbed, a run
that is killed, two concurrent runs. Each run is ``run_scripts/run_collections.py``
fed to ``odoo-bin shell`` (same Odoo, configuration file and addons path as this
test run). The databases are dropped at the end.

About 2 to 3 minutes on a loaded 2-core machine: copying the test database ~20 s,
seeding ~40 s, then each ``odoo-bin shell`` process ~20 s (the reference run runs
in the background meanwhile).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg2

import odoo
from odoo.sql_db import connection_info_for
from odoo.tests import BaseCase, tagged
from odoo.tools import config

SCRIPTS = Path(__file__).resolve().parent / "run_scripts"
TODAY = "2026-03-02"
CUSTOMERS = 60
BATCH = 10
CRASH_AT = 3  # killed inside the third batch: two batches committed
TIMEOUT = 600


def _odoo_shell(db):
    odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    command = [sys.executable, str(odoo_bin), "shell"]
    if config.rcfile and os.path.exists(config.rcfile):
        command += ["-c", config.rcfile]
    return command + [
        "-d",
        db,
        f"--addons-path={config['addons_path']}",
        "--no-http",
        "--log-level=warn",
    ]


def _psql_tool(*args):
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run(args, check=True, env=env, capture_output=True, timeout=TIMEOUT)


def _query(db, query):
    info = connection_info_for(db)[1]
    connection = psycopg2.connect(**info)
    try:
        with connection.cursor() as cr:
            cr.execute(query)
            return cr.fetchall()
    finally:
        connection.close()


class _Process:
    """``odoo-bin shell -d db < script`` started in the background."""

    def __init__(self, case, db, script, name, **env):
        self.name = name
        self.log = case.tmp / f"{name}.log"
        self.result_path = case.tmp / f"{name}.json"
        variables = dict(
            os.environ,
            AR_RUN_TODAY=TODAY,
            AR_SEED_TODAY=TODAY,
            AR_SEED_CUSTOMERS=str(CUSTOMERS),
            AR_RUN_BATCH=str(BATCH),
            AR_RUN_RESULT=str(self.result_path),
            **{key: str(value) for key, value in env.items()},
        )
        with open(SCRIPTS / script, "rb") as stdin, open(self.log, "wb") as log:
            self.popen = subprocess.Popen(
                _odoo_shell(db),
                stdin=stdin,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=variables,
            )
        case.processes.append(self)

    def output(self):
        return self.log.read_text(errors="replace")[-4000:]

    def wait(self):
        """Wait for the end; the run's result (dict), failing on a non-zero exit."""
        code = self.popen.wait(timeout=TIMEOUT)
        if code:
            raise AssertionError(f"{self.name} exited with {code}:\n{self.output()}")
        if not self.result_path.exists():
            return None
        return json.loads(self.result_path.read_text())

    def kill(self):
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=TIMEOUT)


@tagged("post_install", "-at_install")
class TestRunProcesses(BaseCase):
    """A run killed with SIGKILL mid-batch then run again, and two runs at once,
    against a run that was left alone: the same notices and events, none twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.processes = []
        cls.tmp = Path(tempfile.mkdtemp(prefix="ar_run_processes_"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.created_dbs = []
        cls.addClassCleanup(cls._drop_dbs)
        cls.addClassCleanup(cls._kill_processes)
        source = config["db_name"]
        if isinstance(source, list | tuple):
            source = source[0]
        source = source.split(",")[0]
        cls.prefix = f"{source}_proc_{uuid.uuid4().hex[:8]}"
        base = cls._new_db("base")
        # pg_dump takes a consistent snapshot while this process is connected to
        # the test database (createdb -T would need it to have no connection).
        dump = subprocess.Popen(
            ["pg_dump", "--no-owner", "-d", source], stdout=subprocess.PIPE
        )
        restore = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", base],
            stdin=dump.stdout,
            capture_output=True,
            check=False,
            timeout=TIMEOUT,
        )
        dump.stdout.close()
        if dump.wait(timeout=TIMEOUT) or restore.returncode:
            raise AssertionError(
                f"copying {source} to {base} failed: {restore.stderr[-2000:]!r}"
            )
        seed = _Process(cls, base, "seed_book.py", "seed")
        seed.wait()
        cls.dbs = {
            name: cls._new_db(name, template=base)
            for name in ("reference", "crash", "concurrent")
        }
        # The reference run works in the background while the tests start.
        cls.reference_run = _Process(
            cls, cls.dbs["reference"], "run_collections.py", "reference"
        )
        cls._reference = None

    @classmethod
    def _new_db(cls, name, template=None):
        db = f"{cls.prefix}_{name}"
        cls.created_dbs.append(db)
        if template:
            _psql_tool("createdb", "-T", template, db)
        else:
            _psql_tool("createdb", db)
        return db

    @classmethod
    def _drop_dbs(cls):
        """Drop the copies, all at once (each drop waits for a checkpoint)."""
        env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
        drops = [
            subprocess.Popen(["dropdb", "--if-exists", "--force", db], env=env)
            for db in cls.created_dbs
        ]
        for drop in drops:
            drop.wait(timeout=TIMEOUT)
        for db in cls.created_dbs:
            shutil.rmtree(
                Path(config["data_dir"]) / "filestore" / db, ignore_errors=True
            )

    @classmethod
    def _kill_processes(cls):
        for process in cls.processes:
            process.kill()

    # What a database holds ------------------------------------------------------------

    @staticmethod
    def notices(db):
        """Counter of (customer, step, channel) over the notices."""
        rows = _query(
            db, "SELECT partner_id, step_code, channel FROM ar_collection_notice"
        )
        return Counter(rows)

    @staticmethod
    def events(db):
        """Counter of (invoice, step, action, state) over the collection events."""
        rows = _query(
            db,
            "SELECT move_id, step_code, action_index, state FROM ar_collection_event",
        )
        return Counter(rows)

    @staticmethod
    def mails(db):
        """Counter of customers over the queued e-mails."""
        rows = _query(
            db,
            "SELECT message.res_id FROM mail_mail mail"
            " JOIN mail_message message ON message.id = mail.mail_message_id"
            " WHERE message.model = 'res.partner'",
        )
        return Counter(res_id for (res_id,) in rows)

    def reference(self):
        """What the undisturbed run did: result, notices, events, e-mails."""
        cls = type(self)
        if cls._reference is None:
            result = cls.reference_run.wait()
            db = cls.dbs["reference"]
            cls._reference = {
                "result": result,
                "notices": self.notices(db),
                "events": self.events(db),
                "mails": self.mails(db),
            }
        reference = cls._reference
        self.assertEqual(reference["result"]["emails"], CUSTOMERS, reference)
        self.assertEqual(len(reference["notices"]), CUSTOMERS)
        return reference

    def assertSameWork(self, db, reference):
        """``db`` holds the reference's notices, events and e-mails, each once."""
        for what in ("notices", "events", "mails"):
            found = getattr(self, what)(db)
            twice = {key: n for key, n in found.items() if n > 1}
            self.assertFalse(twice, f"{what} made more than once in {db}")
            self.assertEqual(
                set(found),
                set(reference[what]),
                f"{what} of {db} differ from the undisturbed run: missing "
                f"{set(reference[what]) - set(found)}, extra "
                f"{set(found) - set(reference[what])}",
            )

    def wait_for(self, condition, what, process=None):
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if process is not None and process.popen.poll() is not None:
                self.fail(f"{process.name} ended before {what}:\n{process.output()}")
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting for {what}")
            time.sleep(0.2)

    # The scenarios --------------------------------------------------------------------

    def test_killed_mid_batch_then_rerun(self):
        db = self.dbs["crash"]
        marker = self.tmp / "crash.marker"
        crashing = _Process(
            self,
            db,
            "run_collections.py",
            "crash",
            AR_RUN_CRASH_AT=CRASH_AT,
            AR_RUN_MARKER=marker,
        )
        self.wait_for(marker.exists, "the third batch to be done", crashing)
        # Inside the third batch: its work is in the database, not committed.
        committed = (CRASH_AT - 1) * BATCH
        self.assertEqual(sum(self.notices(db).values()), committed)
        crashing.popen.send_signal(signal.SIGKILL)
        self.assertEqual(crashing.popen.wait(timeout=TIMEOUT), -signal.SIGKILL)
        # PostgreSQL ends the killed process's session (and its run lock).
        self.wait_for(
            lambda: (
                not _query(
                    "postgres",
                    "SELECT 1 FROM pg_stat_activity WHERE datname = "
                    f"'{db}' AND pid <> pg_backend_pid()",
                )
            ),
            "the killed run's database session to end",
        )
        self.assertEqual(sum(self.notices(db).values()), committed)
        self.assertEqual(sum(self.mails(db).values()), committed)

        result = _Process(self, db, "run_collections.py", "rerun").wait()
        self.assertNotIn("already_running", result)
        self.assertEqual(result["emails"], CUSTOMERS - committed, result)
        reference = self.reference()
        self.assertSameWork(db, reference)
        self.assertEqual(self.mails(db), reference["mails"], "one e-mail per customer")

    def test_two_runs_at_once(self):
        db = self.dbs["concurrent"]
        paths = {name: self.tmp / f"{name}.json" for name in ("first", "second")}
        ready = {name: self.tmp / f"{name}.ready" for name in paths}
        runs = [
            _Process(
                self,
                db,
                "run_collections.py",
                name,
                AR_RUN_READY=ready[name],
                AR_RUN_PEER_READY=ready[other],
                AR_RUN_PEER_RESULT=paths[other],
            )
            for name, other in (("first", "second"), ("second", "first"))
        ]
        results = [run.wait() for run in runs]
        skipped = [r for r in results if r.get("already_running")]
        worked = [r for r in results if not r.get("already_running")]
        self.assertEqual(
            (len(skipped), len(worked)), (1, 1), f"exactly one run works: {results}"
        )
        self.assertEqual(skipped[0].get("batches"), 0, skipped)
        reference = self.reference()
        self.assertEqual(worked[0]["emails"], CUSTOMERS, worked)
        self.assertEqual(worked[0]["steps_taken"], reference["result"]["steps_taken"])
        self.assertSameWork(db, reference)
        self.assertEqual(self.mails(db), reference["mails"])
