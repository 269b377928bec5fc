"""A local mail catcher for ``make run``: an SMTP sink that keeps every message.

The demo database sends its e-mail to it (an outgoing mail server on 127.0.0.1:PORT,
set by tools/demo_mail_server.py), so the notices show as sent in Odoo and can be read
as the customer received them. For each message, in DIR (default .build/mail):

    NNNN.eml          the message as received (open it with any mail client)
    NNNN.html         its body (the HTML part, else the text), to open in a browser
    NNNN-files/       its attachments (the statement or letter PDF, ...)
    index.html        every message: date, from, to, subject, links to the above

Usage (standard library only; no authentication, no TLS, 127.0.0.1 only):

    mail_catcher.py start  [--port 1025] [--dir .build/mail]   in the background
    mail_catcher.py stop   [--dir .build/mail]
    mail_catcher.py status [--dir .build/mail]                 exit 0 when running
    mail_catcher.py serve  [--port 1025] [--dir .build/mail]   in the foreground
"""

import argparse
import asyncio
import email
import email.policy
import html
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HOST = "127.0.0.1"
MAX_SIZE = 50 * 1024 * 1024


class Mailbox:
    """The folder of caught messages and its index page."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def next_number(self):
        numbers = [int(p.stem) for p in self.folder.glob("*.eml") if p.stem.isdigit()]
        return max(numbers, default=0) + 1

    def store(self, mail_from, rcpt_to, data):
        number = f"{self.next_number():04d}"
        (self.folder / f"{number}.eml").write_bytes(data)
        message = email.message_from_bytes(data, policy=email.policy.default)
        body = message.get_body(preferencelist=("html", "plain"))
        if body is None:
            page = "<p>(no body)</p>"
        elif body.get_content_type() == "text/html":
            page = body.get_content()
        else:
            page = f"<pre>{html.escape(body.get_content())}</pre>"
        (self.folder / f"{number}.html").write_text(page, encoding="utf-8")
        for index, part in enumerate(message.iter_attachments(), start=1):
            files = self.folder / f"{number}-files"
            files.mkdir(exist_ok=True)
            name = Path(part.get_filename() or f"attachment-{index}").name
            (files / name).write_bytes(part.get_payload(decode=True) or b"")
        self.write_index()
        return number

    def write_index(self):
        rows = []
        for path in sorted(self.folder.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(
                path.read_bytes(), policy=email.policy.default
            )
            files = self.folder / f"{path.stem}-files"
            attachments = (
                ", ".join(
                    f'<a href="{files.name}/{html.escape(f.name)}">'
                    f"{html.escape(f.name)}</a>"
                    for f in sorted(files.iterdir())
                )
                if files.is_dir()
                else ""
            )
            cells = [
                html.escape(str(message["Date"] or "")),
                html.escape(str(message["From"] or "")),
                html.escape(str(message["To"] or "")),
                (
                    f'<a href="{path.stem}.html">'
                    f"{html.escape(str(message['Subject'] or '(no subject)'))}</a>"
                ),
                attachments,
                f'<a href="{path.name}">{path.name}</a>',
            ]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        page = (
            "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
            "<title>Caught mail</title><style>body{font-family:sans-serif}"
            "td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}"
            "</style></head><body>"
            f"<h1>Caught mail ({len(rows)} messages)</h1>"
            "<p>Sent by Odoo to the local mail catcher (tools/mail_catcher.py); "
            "nothing left this machine.</p><table><tr><th>Date</th><th>From</th>"
            "<th>To</th><th>Subject</th><th>Attachments</th><th>Raw</th></tr>"
            + "\n".join(rows)
            + "</table></body></html>\n"
        )
        tmp = self.folder / "index.html.tmp"
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(self.folder / "index.html")


class SMTPSession:
    """The SMTP dialogue of one connection (RFC 5321, the part smtplib uses)."""

    def __init__(self, mailbox, reader, writer):
        self.mailbox = mailbox
        self.reader = reader
        self.writer = writer
        self.reset()

    def reset(self):
        self.mail_from = None
        self.rcpt_to = []

    async def reply(self, text):
        self.writer.write(text.encode() + b"\r\n")
        await self.writer.drain()

    async def run(self):
        await self.reply(f"220 {HOST} ar_collections mail catcher")
        while line := await self.reader.readline():
            command, _, argument = (
                line.decode("utf-8", "replace").strip().partition(" ")
            )
            handler = getattr(self, f"smtp_{command.upper()}", None)
            if handler is None:
                await self.reply("502 command not implemented")
            elif await handler(argument) == "quit":
                break
        self.writer.close()

    async def smtp_EHLO(self, argument):
        await self.reply(
            f"250-{HOST}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE {MAX_SIZE}"
        )

    async def smtp_HELO(self, argument):
        await self.reply(f"250 {HOST}")

    @staticmethod
    def _address(argument):
        start, end = argument.find("<"), argument.find(">")
        return argument[start + 1 : end] if 0 <= start < end else None

    async def smtp_MAIL(self, argument):
        self.reset()
        self.mail_from = self._address(argument)
        await self.reply(
            "250 OK" if self.mail_from is not None else "501 MAIL FROM:<address>"
        )

    async def smtp_RCPT(self, argument):
        if self.mail_from is None:
            return await self.reply("503 MAIL first")
        address = self._address(argument)
        if not address:
            return await self.reply("501 RCPT TO:<address>")
        self.rcpt_to.append(address)
        await self.reply("250 OK")

    async def smtp_DATA(self, argument):
        if not self.rcpt_to:
            return await self.reply("503 RCPT first")
        await self.reply("354 end data with <CR><LF>.<CR><LF>")
        lines = []
        while True:
            line = await self.reader.readline()
            if not line or line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b".") else line)
        number = self.mailbox.store(self.mail_from, self.rcpt_to, b"".join(lines))
        print(
            f"{datetime.now():%H:%M:%S} {number}: {self.mail_from} -> "
            f"{', '.join(self.rcpt_to)}",
            flush=True,
        )
        self.reset()
        await self.reply(f"250 OK stored as {number}.eml")

    async def smtp_RSET(self, argument):
        self.reset()
        await self.reply("250 OK")

    async def smtp_NOOP(self, argument):
        await self.reply("250 OK")

    async def smtp_QUIT(self, argument):
        await self.reply("221 bye")
        return "quit"


async def serve(folder, port):
    mailbox = Mailbox(folder)
    mailbox.write_index()

    async def handle(reader, writer):
        await SMTPSession(mailbox, reader, writer).run()

    server = await asyncio.start_server(handle, HOST, port)
    print(f"mail catcher on {HOST}:{port}, storing into {mailbox.folder}", flush=True)
    async with server:
        await server.serve_forever()


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def running(folder):
    """(pid, port) of the catcher started for folder, or (None, None)."""
    try:
        pid, port = (int(n) for n in (Path(folder) / "catcher.pid").read_text().split())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None, None
    return pid, port


def start(folder, port):
    folder = Path(folder)
    pid, running_port = running(folder)
    if pid and running_port == port:
        print(f"mail catcher already running (pid {pid}); mail in {folder}/index.html")
        return 0
    if pid:
        stop(folder)
        time.sleep(0.5)
    if port_open(port):
        print(
            f"FAILED: port {HOST}:{port} is taken by another program; "
            "choose another one with MAIL_PORT=...",
            file=sys.stderr,
        )
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "catcher.log", "ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "serve",
                "--port",
                str(port),
                "--dir",
                str(folder),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    for _ in range(50):
        if port_open(port):
            (folder / "catcher.pid").write_text(f"{process.pid} {port}")
            print(
                f"== mail catcher on {HOST}:{port} (pid {process.pid}); "
                f"caught mail: {folder}/index.html"
            )
            return 0
        if process.poll() is not None:
            break
        time.sleep(0.1)
    print(
        f"FAILED: the mail catcher did not start (log: {folder}/catcher.log)",
        file=sys.stderr,
    )
    return 1


def stop(folder):
    pid, _port = running(folder)
    if not pid:
        print("the mail catcher is not running")
        return 0
    os.kill(pid, signal.SIGTERM)
    (Path(folder) / "catcher.pid").unlink(missing_ok=True)
    print(f"stopped the mail catcher (pid {pid})")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("start", "stop", "status", "serve"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("MAIL_PORT") or 1025)
    )
    parser.add_argument("--dir", default=".build/mail")
    args = parser.parse_args(argv)
    if args.command == "serve":
        try:
            asyncio.run(serve(args.dir, args.port))
        except KeyboardInterrupt:
            pass
        return 0
    if args.command == "start":
        return start(args.dir, args.port)
    if args.command == "stop":
        return stop(args.dir)
    return 0 if running(args.dir)[0] else 1


if __name__ == "__main__":
    sys.exit(main())
