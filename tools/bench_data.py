# ruff: noqa: F821
"""Bench data: BENCH_INVOICES open posted customer invoices over BENCH_CUSTOMERS
customers (defaults 20,000 / 2,000), for ``make bench``.

Run through the Odoo shell (``env`` in scope, script on stdin):

    BENCH_INVOICES=20000 BENCH_CUSTOMERS=2000 \\
        odoo-bin shell -c .build/odoo-ar_bench.conf -d ar_bench_tpl --no-http \\
        < tools/bench_data.py

The first BENCH_ORM_INVOICES invoices (default 5,000) are created through the ORM in
batches of BENCH_BATCH (``create(vals_list)`` then ``action_post()``), committed after
each batch: about 50 invoices/s on this machine. The rest are copies of those, made in
SQL (every column of the move and of its lines, with a new id, number and customer),
so that 100,000 invoices take minutes, not an hour. A copy goes to a customer with the
same country, tag and collector as its original's customer, so everything Odoo and
ar_collections store on the invoice stays true. Due dates are spread from 200 days
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
# at least one ORM-made invoice per customer profile (see PROFILE_PERIOD)
N_ORM = min(N_INVOICES, max(90, int(os.environ.get("BENCH_ORM_INVOICES", "5000"))))
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


# The generated customers i and j have the same country, tag and collector when
# i = j (mod PROFILE_PERIOD): see make_customers.
PROFILE_PERIOD = 90


def _columns(table):
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in env.cr.fetchall()]


def copy_invoices(partner_ids):
    """Invoices N_ORM..N_INVOICES-1 as SQL copies of the ORM-made ones."""
    cr = env.cr
    cr.execute(
        "SELECT id, partner_id FROM account_move"
        " WHERE move_type = 'out_invoice' AND state = 'posted' ORDER BY id"
    )
    index = {pid: i for i, pid in enumerate(partner_ids)}
    by_profile = {}
    for move_id, partner_id in cr.fetchall():
        profile = index[partner_id] % PROFILE_PERIOD
        by_profile.setdefault(profile, []).append(move_id)
    ks, old_ids, new_partners = [], [], []
    for k in range(N_ORM, N_INVOICES):
        q = k % len(partner_ids)
        pool = by_profile[q % PROFILE_PERIOD]
        ks.append(k)
        old_ids.append(pool[(k // PROFILE_PERIOD) % len(pool)])
        new_partners.append(partner_ids[q])
    cr.execute(
        """
        CREATE TEMP TABLE ar_bench_copy ON COMMIT DROP AS
        SELECT c.k, c.old_id, c.partner_id,
               nextval('account_move_id_seq')::int AS new_id,
               NULL::int AS new_seq, NULL::varchar AS new_name
          FROM unnest(%s::int[], %s::int[], %s::int[]) AS c(k, old_id, partner_id)
        """,
        [ks, old_ids, new_partners],
    )
    # new numbers after the last one of each sequence (journal and prefix)
    cr.execute(
        """
        WITH numbered AS (
            SELECT c.k, t.journal_id, t.sequence_prefix,
                   row_number() OVER (PARTITION BY t.journal_id, t.sequence_prefix
                                      ORDER BY c.k) AS rn
              FROM ar_bench_copy c JOIN account_move t ON t.id = c.old_id
        ), last AS (
            SELECT journal_id, sequence_prefix, max(sequence_number) AS mx
              FROM account_move GROUP BY journal_id, sequence_prefix
        )
        UPDATE ar_bench_copy c
           SET new_seq = l.mx + n.rn,
               new_name = n.sequence_prefix
                          || lpad((l.mx + n.rn)::text,
                                  greatest(5, length((l.mx + n.rn)::text)), '0')
          FROM numbered n
          JOIN last l ON l.journal_id = n.journal_id
                     AND l.sequence_prefix = n.sequence_prefix
         WHERE c.k = n.k
        """
    )
    now = "(now() at time zone 'UTC')"
    move_expr = {
        "name": "c.new_name",
        "sequence_number": "c.new_seq",
        "payment_reference": "c.new_name",
        "partner_id": "c.partner_id",
        "commercial_partner_id": "c.partner_id",
        "partner_shipping_id": "CASE WHEN t.partner_shipping_id IS NULL"
        " THEN NULL ELSE c.partner_id END",
        "invoice_partner_display_name": "p.name",
        "access_token": "NULL",
        "message_main_attachment_id": "NULL",
        "create_date": now,
        "write_date": now,
    }
    # column names come from the catalog, values are copied: no user input here
    cols = _columns("account_move")
    cr.execute(
        f"""
        INSERT INTO account_move (id, {", ".join(cols)})
        SELECT c.new_id, {", ".join(move_expr.get(col, "t." + col) for col in cols)}
          FROM ar_bench_copy c
          JOIN account_move t ON t.id = c.old_id
          JOIN res_partner p ON p.id = c.partner_id
        """
    )
    line_expr = {
        "move_id": "c.new_id",
        "move_name": "c.new_name",
        "partner_id": "CASE WHEN l.partner_id IS NULL THEN NULL ELSE c.partner_id END",
        "name": "CASE WHEN l.display_type = 'payment_term' THEN c.new_name"
        " ELSE l.name END",
        "create_date": now,
        "write_date": now,
    }
    cols = _columns("account_move_line")
    cr.execute(
        f"""
        INSERT INTO account_move_line ({", ".join(cols)})
        SELECT {", ".join(line_expr.get(col, "l." + col) for col in cols)}
          FROM ar_bench_copy c
          JOIN account_move_line l ON l.move_id = c.old_id
        """
    )
    env.cr.commit()
    cr.execute("ANALYZE account_move")
    cr.execute("ANALYZE account_move_line")
    env.invalidate_all()


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
    while done < N_ORM:
        size = min(BATCH, N_ORM - done)
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
            f"{done}/{N_ORM} invoices created and posted through the ORM "
            f"({rate:.0f}/s, ~{(N_ORM - done) / rate:.0f}s left)"
        )
    if N_INVOICES > N_ORM:
        t1 = time.time()
        copy_invoices(partner_ids)
        log(f"{N_INVOICES - N_ORM} invoices copied in SQL in {time.time() - t1:.0f}s")

    ICP.set_param("ar_bench.ready", f"{N_INVOICES}/{N_CUSTOMERS}")
    env.cr.commit()
    log(f"done in {time.time() - started:.0f}s")


main()
env.cr.commit()
