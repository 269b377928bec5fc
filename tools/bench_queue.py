"""The collections run over two Odoo servers with queue_job (``make bench``).

    python tools/bench_queue.py          (through tools/bench_queue.sh)

On the bench database ``DB_BENCH`` (a fresh copy of the template, with queue_job
and ar_collections_queue installed by tools/bench_queue.sh):

1. starts two Odoo server processes on loopback ports (``BENCH_QUEUE_PORTS``,
   default ``8079,8080``), sharing the database, each with its job runner
   (``server_wide_modules = base,web,queue_job``, ``[queue_job] channels =
   root:<BENCH_QUEUE_CHANNELS, default 2>``); only one runner is active per
   database at a time (queue_job's master election), and it sends each job to
   ``[queue_job] host:port``: here a small proxy of this script on
   ``BENCH_QUEUE_PROXY_PORT`` (default 8081) that hands each job to the server
   with the fewer jobs running, as a load balancer in front of several servers
   would;
2. triggers the scheduled run as of the bench's day (``ar_bench.today``) in an
   ``odoo-bin shell``: the housekeeping and the due customers in that process,
   then one job per batch of customers;
3. waits until no job of the run is left (``BENCH_QUEUE_TIMEOUT`` seconds, default
   1800), prints the wall time from the run's start to its last job done, the jobs
   each server ran (queue_job's ``worker_pid``), the e-mails queued, and the load;
4. stops the servers it started.

``BENCH_RESULTS=<file>``: appends ``{"size", "mode": "queue", "label": "2 servers",
"seconds", "mails", "jobs"}`` for tools/bench_report.py.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("BUILD", ROOT / ".build")).resolve()
DB = os.environ.get("DB_BENCH", "ar_bench")
PORTS = [int(p) for p in os.environ.get("BENCH_QUEUE_PORTS", "8079,8080").split(",")]
PROXY_PORT = int(os.environ.get("BENCH_QUEUE_PROXY_PORT", "8081"))
CHANNELS = os.environ.get("BENCH_QUEUE_CHANNELS", "2")
TIMEOUT = float(os.environ.get("BENCH_QUEUE_TIMEOUT", "1800"))
ODOO_BIN = Path(os.environ.get("ODOO_SRC", "/opt/odoo/18.0")) / "odoo-bin"
PYTHON = sys.executable
METHOD = "_ar_run_queued_batch"

TRIGGER = """
import time
from odoo import fields
from odoo.addons.ar_collections_queue.models.ar_collection_run import CRON_FLAG
ICP = env["ir.config_parameter"].sudo()
today = fields.Date.to_date(ICP.get_param("ar_bench.today")) or fields.Date.today()
companies = env["res.company"].search([])
run = env["ar.collection.run"].with_context(
    allowed_company_ids=companies.ids, **{CRON_FLAG: True}
)
start = time.time()
result = run._run(today=today)
env.cr.commit()
print("AR_BENCH_QUEUE", start, time.time(), dict(result), flush=True)
"""


class Proxy:
    """A TCP proxy to the servers: each connection (one job the runner sends) goes
    to the server with the fewer requests in progress. A request counts until the
    server answers, even when the runner has stopped waiting (it waits 1 s)."""

    def __init__(self, port, backends):
        self.port = port
        self.backends = backends
        self.busy = dict.fromkeys(backends, 0)
        self.sent = dict.fromkeys(backends, 0)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self):
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError(f"the proxy did not start on port {self.port}")

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)

    def _serve(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self.ready.set()
        try:
            self.loop.run_forever()
        finally:
            server.close()

    async def _handle(self, reader, writer):
        backend = min(self.backends, key=lambda b: (self.busy[b], self.sent[b]))
        self.busy[backend] += 1
        self.sent[backend] += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", backend)
            upstream = asyncio.ensure_future(self._pipe(reader, up_writer, close=True))
            await self._pipe(up_reader, writer)
            upstream.cancel()
            up_writer.close()
        except OSError:
            pass
        finally:
            self.busy[backend] -= 1
            writer.close()

    @staticmethod
    async def _pipe(reader, writer, close=False):
        while data := await reader.read(65536):
            if close:  # one request per connection: the server closes when done
                data = data.replace(b"Connection: keep-alive", b"Connection: close")
            try:
                writer.write(data)
                await writer.drain()
            except (ConnectionError, RuntimeError):
                # the runner stopped waiting; read on until the server is done
                continue


def server_conf(port):
    """The bench database's configuration, on ``port``, with a job runner."""
    base = (BUILD / f"odoo-{DB}.conf").read_text(encoding="utf-8")
    lines = [
        line
        for line in base.splitlines()
        if not line.startswith(
            ("http_port", "workers", "max_cron_threads", "log_level")
        )
    ]
    lines += [
        f"http_port = {port}",
        "http_interface = 127.0.0.1",
        "workers = 0",
        "max_cron_threads = 0",
        "server_wide_modules = base,web,queue_job",
        "log_level = warn",
        "log_handler = odoo.addons.queue_job.jobrunner:INFO",
        "",
        "[queue_job]",
        f"channels = root:{CHANNELS}",
        "host = 127.0.0.1",
        f"port = {PROXY_PORT}",
    ]
    path = BUILD / f"odoo-{DB}-queue-{port}.conf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_server(port):
    log = open(BUILD / f"bench-queue-{port}.log", "w", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(
        [PYTHON, str(ODOO_BIN), "-c", str(server_conf(port)), "-d", DB],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log = log
    return process


def wait_ready(port, process, timeout=180):
    """Until the server answers with the database's registry loaded."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server on port {port} exited ({process.returncode})"
            )
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/web/login", timeout=60
            ) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"the server on port {port} did not answer in {timeout} s")


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.log.close()


def trigger():
    """The scheduled run in its own process; (start, enqueued, result)."""
    done = subprocess.run(
        [
            PYTHON,
            str(ODOO_BIN),
            "shell",
            "-c",
            str(BUILD / f"odoo-{DB}.conf"),
            "-d",
            DB,
            "--no-http",
            "--log-level=warn",
        ],
        input=TRIGGER,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("AR_BENCH_QUEUE "):
            _tag, start, enqueued, result = line.split(" ", 3)
            return float(start), float(enqueued), result
    raise RuntimeError(
        f"the run did not start:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    )


def wait_jobs(cr, since):
    """Until no job of the run waits or runs; the time the last one was done."""
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        cr.execute(
            "SELECT count(*) FILTER (WHERE state NOT IN ('done', 'failed', "
            "'cancelled')), max(date_done) FROM queue_job WHERE method_name = %s "
            "AND date_created >= to_timestamp(%s) AT TIME ZONE 'UTC'",
            (METHOD, since - 1),
        )
        left, _last = cr.fetchone()
        if not left:
            return time.time()
        time.sleep(0.2)
    raise RuntimeError(f"jobs still waiting after {TIMEOUT} s")


def main():
    invoices = os.environ.get("BENCH_INVOICES", "?")
    size = f"{invoices}/{os.environ.get('BENCH_CUSTOMERS', '?')}"
    connection = psycopg2.connect(dbname=DB)
    connection.autocommit = True
    cr = connection.cursor()
    cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'ar_bench.ready'")
    row = cr.fetchone()
    size = row[0] if row else size
    cr.execute("SELECT count(*) FROM mail_mail")
    mails_before = cr.fetchone()[0]

    proxy = Proxy(PROXY_PORT, PORTS)
    proxy.start()
    servers = {}
    try:
        for port in PORTS:
            servers[port] = start_server(port)
        for port, process in servers.items():
            wait_ready(port, process)
        print(
            f"== 2 servers on 127.0.0.1:{', '.join(map(str, PORTS))} (pids "
            f"{', '.join(str(p.pid) for p in servers.values())}), job runners with "
            f"channels root:{CHANNELS}, jobs through 127.0.0.1:{PROXY_PORT}",
            flush=True,
        )
        start, enqueued, result = trigger()
        end = wait_jobs(cr, start)
    finally:
        for process in servers.values():
            stop_server(process)
        proxy.stop()

    cr.execute(
        "SELECT worker_pid, state, count(*), sum(exec_time) FROM queue_job "
        "WHERE method_name = %s GROUP BY worker_pid, state ORDER BY worker_pid",
        (METHOD,),
    )
    by_worker = cr.fetchall()
    cr.execute("SELECT count(*) FROM mail_mail")
    mails = cr.fetchone()[0] - mails_before
    cr.execute(
        "SELECT count(*) FROM ar_collection_event WHERE create_date >= "
        "to_timestamp(%s) AT TIME ZONE 'UTC'",
        (start - 1,),
    )
    events = cr.fetchone()[0]
    connection.close()

    seconds = end - start
    pids = {process.pid: port for port, process in servers.items()}
    jobs = sum(count for _pid, _state, count, _time in by_worker)
    load = os.getloadavg()
    print(
        f"{'2 servers':>15}: {seconds:8.2f} s  {jobs:7d} jobs     "
        f"{mails:6d} e-mails queued  {events:7d} events  "
        f"(enqueued in {enqueued - start:.2f} s; load {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f})",
        flush=True,
    )
    print(f"{'':>15}  the run returned: {result}", flush=True)
    for pid, state, count, exec_time in by_worker:
        where = f"server :{pids[pid]}" if pid in pids else f"pid {pid}"
        print(
            f"{'':>15}  {where} (pid {pid}): {count} job(s) {state}, "
            f"{exec_time or 0:.1f} s of job time",
            flush=True,
        )
    print(f"{'':>15}  proxy: jobs sent per port {proxy.sent}", flush=True)
    results = os.environ.get("BENCH_RESULTS")
    if results:
        with open(results, "a", encoding="utf-8") as output:
            output.write(
                json.dumps(
                    {
                        "size": size,
                        "mode": "queue",
                        "label": "2 servers",
                        "seconds": seconds,
                        "mails": mails,
                        "jobs": jobs,
                    }
                )
                + "\n"
            )


if __name__ == "__main__":
    main()
