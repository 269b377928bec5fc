"""Take the README's screenshots from a running demo (``make run``) with Chromium.

    python3 -m venv .build/shots && .build/shots/bin/pip install playwright
    .build/shots/bin/python tools/screenshots.py [--url URL] [--db ar_demo]

Logs in as admin, opens the main screens and writes one PNG per screen to
``docs/screenshots/``. Needs Playwright's Python package in a virtualenv of its own
(it wants a newer greenlet than Odoo pins, so it stays out of Odoo's) and the
system's Chromium (``/usr/bin/chromium``); Playwright's own browser download is not
used. Nothing is saved in the database: the ladder with an error is discarded.
"""

import argparse
import json
import shutil
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BROKEN_LADDER_LINE = "min_days_between_steps: soon"


class Rpc:
    """The few JSON-RPC calls the script needs to find records to show."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = self._call("common", "login", db, login, password)
        if not self.uid:
            sys.exit(f"cannot log in to {db} at {url} as {login}")

    def _call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
        }
        request = urllib.request.Request(
            f"{self.url}/jsonrpc",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if answer.get("error"):
            sys.exit(f"RPC {method} failed: {answer['error']['data']['message']}")
        return answer["result"]

    def search_read(self, model, domain, fields, **kwargs):
        return self._call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            "search_read",
            [domain],
            {"fields": fields, **kwargs},
        )


def shoot(page, out, name):
    # Odoo keeps a bus connection open: wait for the views, not for network idle.
    page.wait_for_timeout(2000)
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"wrote {path.relative_to(ROOT)}")


def open_action(page, url, xmlid, record_id=None):
    target = f"{url}/odoo/action-{xmlid}"
    if record_id:
        target += f"/{record_id}"
    page.goto(target)
    page.wait_for_selector(".o_action_manager .o_view_controller", timeout=120000)


def take(url, db, login, password, out):
    rpc = Rpc(url, db, login, password)
    ladder = rpc.search_read("ar.dunning.ladder", [], ["id"], limit=1)
    customer = rpc.search_read(
        "res.partner",
        [("collection_stage_id.code", "in", ["overdue", "final_demand"])],
        ["id"],
        limit=1,
        order="id",
    )
    notice = rpc.search_read(
        "ar.collection.notice",
        [("channel", "=", "email"), ("mail_message_id", "!=", False)],
        ["mail_message_id"],
        limit=1,
        order="step_code desc, id",
    )
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser_path:
        sys.exit("Chromium not found (apt-get install chromium)")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browser_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/web/login?db={db}")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar", timeout=120000)

        page.goto(f"{url}/odoo/collections-overview")
        page.wait_for_selector(".o_action_manager canvas", timeout=120000)
        shoot(page, out, "overview")
        open_action(page, url, "ar_collections.ar_collection_worklist_action_all")
        group = page.locator(".o_group_header")
        if group.count():
            group.first.click()
        shoot(page, out, "worklist")
        open_action(page, url, "ar_collections.account_move_action_collections")
        shoot(page, out, "invoices_by_stage")
        if ladder:
            open_action(
                page, url, "ar_collections.ar_dunning_ladder_action", ladder[0]["id"]
            )
            # Type an error as a user would; the problems show while typing.
            line = page.locator(
                ".o_ar_ladder_yaml .ace_line:has-text('min_days_between_steps')"
            )
            line.first.click(force=True)
            page.keyboard.press("End")
            page.keyboard.press("Shift+Home")
            page.keyboard.type(BROKEN_LADDER_LINE)
            page.locator(".o_form_sheet .o_field_widget[name=code]").first.click(
                force=True
            )
            page.wait_for_timeout(1500)
            shoot(page, out, "ladder_validation")
            # Leave the unsaved ladder behind: a new tab, the record is not saved.
            page.close()
            page = context.new_page()
        if customer:
            page.goto(f"{url}/odoo/res.partner/{customer[0]['id']}")
            page.wait_for_selector(".o_form_view", timeout=120000)
            tab = page.locator(".o_notebook a[name=ar_collections]")
            if tab.count():
                tab.first.click()
            shoot(page, out, "customer_collections_tab")
        if notice:
            mail = rpc.search_read(
                "mail.mail",
                [("mail_message_id", "=", notice[0]["mail_message_id"][0])],
                ["body_html", "subject", "email_to", "recipient_ids"],
            )[0]
            page = context.new_page()
            page.set_content(
                "<html><body style='font-family:sans-serif;max-width:900px;margin:2em'>"
                f"<p><b>Subject:</b> {mail['subject'] or ''}</p><hr/>"
                f"{mail['body_html']}</body></html>"
            )
            shoot(page, out, "notice_as_received")
            page.close()
            page = context.new_page()
        open_action(page, url, "ar_collections.ar_collection_ageing_action")
        shoot(page, out, "ageing_report")
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="ar_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    take(args.url.rstrip("/"), args.db, args.login, args.password, args.out)


if __name__ == "__main__":
    main()
