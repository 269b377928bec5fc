# ruff: noqa: F821
"""Bench data: BENCH_INVOICES open posted customer invoices over BENCH_CUSTOMERS
customers (defaults 20,000 / 2,000), for ``make bench``.

Run through the Odoo shell (``env`` in scope, script on stdin):

    BENCH_INVOICES=20000 BENCH_CUSTOMERS=2000 \\
        odoo-bin shell -c .build/odoo-ar_bench.conf -d ar_bench_tpl --no-http \\
        < tools/bench_data.py

Invoices are created through the ORM in batches (``create(vals_list)`` then
``action_post()``), committed after each batch. Due dates are spread from 200 days
ago to 30 days ahead of the reference day, which is stored in the system parameter
``ar_bench.today`` (tools/bench.py runs the collections as of that day, so a
template built on one day gives the same figures on another). ``ar_bench.ready`` is
set last: the Makefile rebuilds a template database that lacks it.
"""

import os
import random
import time
from datetime import timedelta

from odoo import Command, fields

N_INVOICES = int(os.environ.get("BENCH_INVOICES", "20000"))
N_CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "2000"))
BATCH = int(os.environ.get("BENCH_BATCH", "1000"))
N_COLLECTORS = 10
COUNTRIES = ["SE", "NO", "FR", "GR", "DE", "BE", "NL", "GB", "US"]

rng = random.Random(4242)
company = env.company
today = fields.Date.context_today(env.user)
ICP = env["ir.config_parameter"].sudo()
Move = env["account.move"].with_context(
    tracking_disable=True, mail_create_nolog=True, mail_notrack=True
)


def log(message):
    print(f"[bench_data {time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_accounting():
    if not company.chart_template:
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    if not journal:
        journal = env["account.journal"].create(
            {"name": "Customer Invoices", "code": "INV", "type": "sale"}
        )
    return journal


def make_collectors():
    group = env.ref("ar_collections.group_collections_user")
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Bench Collector {i}",
                    "login": f"bench_collector_{i}",
                    "email": f"bench_collector_{i}@main-company.example",
                    "groups_id": [Command.link(group.id)],
                }
                for i in range(1, N_COLLECTORS + 1)
            ]
        )
    )


def make_customers(collectors):
    tag = env["res.partner.category"].search([("name", "=", "B2B")], limit=1)
    if not tag:
        tag = env["res.partner.category"].create({"name": "B2B"})
    countries = {c: env["res.country"].search([("code", "=", c)]).id for c in COUNTRIES}
    has_collector = "collector_id" in env["res.partner"]._fields
    Partner = env["res.partner"].with_context(
        tracking_disable=True, mail_create_nolog=True
    )
    partners = Partner
    for start in range(0, N_CUSTOMERS, BATCH):
        vals_list = []
        for i in range(start, min(start + BATCH, N_CUSTOMERS)):
            vals = {
                "name": f"Bench Customer {i + 1:06d}",
                "ref": f"BENCH-{i + 1:06d}",
                "is_company": True,
                "email": f"ap{i + 1}@customer{i + 1}.example",
                "country_id": countries[COUNTRIES[i % len(COUNTRIES)]],
                "customer_rank": 1,
                "category_id": [Command.link(tag.id)] if i % 5 else [],
            }
            if has_collector:
                vals["collector_id"] = collectors[i % len(collectors)].id
            vals_list.append(vals)
        partners |= Partner.create(vals_list)
    env.cr.commit()
    return partners


def main():
    started = time.time()
    if ICP.get_param("ar_bench.ready"):
        log(f"already generated ({ICP.get_param('ar_bench.ready')}): nothing to do")
        return
    journal = ensure_accounting()
    product = env["product.product"].create(
        {
            "name": "Bench service",
            "type": "service",
            "list_price": 100.0,
            "taxes_id": [Command.clear()],
        }
    )
    collectors = make_collectors()
    partner_ids = make_customers(collectors).ids
    log(f"{len(partner_ids)} customers in {time.time() - started:.0f}s")
    ICP.set_param("ar_bench.today", fields.Date.to_string(today))
    env.cr.commit()

    done = 0
    t0 = time.time()
    while done < N_INVOICES:
        size = min(BATCH, N_INVOICES - done)
        vals_list = []
        for k in range(done, done + size):
            due = today + timedelta(days=rng.randint(-200, 30))
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner_ids[k % len(partner_ids)],
                    "journal_id": journal.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": round(rng.uniform(50, 20000), 2),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves = Move.create(vals_list)
        moves.action_post()
        env.cr.commit()
        env.invalidate_all()
        done += size
        rate = done / (time.time() - t0)
        log(
            f"{done}/{N_INVOICES} invoices posted ({rate:.0f}/s, "
            f"~{(N_INVOICES - done) / rate:.0f}s left)"
        )

    ICP.set_param("ar_bench.ready", f"{N_INVOICES}/{N_CUSTOMERS}")
    env.cr.commit()
    log(f"done in {time.time() - started:.0f}s")


main()
env.cr.commit()
