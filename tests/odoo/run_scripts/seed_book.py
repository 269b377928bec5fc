# ruff: noqa: F821
"""Seed a book of customers for tests/odoo/test_run_processes.py, committed.

Run through the Odoo shell (``env`` in scope, script on stdin)::

    AR_SEED_TODAY=2026-03-02 AR_SEED_CUSTOMERS=60 \\
        odoo-bin shell -c odoo.conf -d DB --no-http < seed_book.py

One e-mail-only ladder (no PDF, no activity: a run is quick and its outcome is
fully described by its events and notices) is the only active ladder and the
company default. Customer ``i`` gets an invoice due 10 days before the day (step
``first_notice``) and, one customer in two, another due 20 days before (step
``second_notice``, which words the customer's single e-mail; ``first_notice`` is
recorded as skipped for it); one customer in five also has an invoice not yet due
(nothing to do). Prints the counts as JSON on the last line.
"""

import json
import os
from datetime import timedelta

from odoo import Command, fields

LADDER = """\
version: 1
code: process_test
name: Process test ladder
min_days_between_steps: 1
steps:
  - code: first_notice
    day: 7
    stage: overdue
    actions:
      - email: {template: ar_collections.mail_template_first_notice}
  - code: second_notice
    day: 14
    stage: overdue
    actions:
      - email: {template: ar_collections.mail_template_second_notice}
"""

today = fields.Date.to_date(os.environ["AR_SEED_TODAY"])
count = int(os.environ.get("AR_SEED_CUSTOMERS", "60"))
company = env.company
if not company.chart_template:
    env["account.chart.template"].try_loading(
        "generic_coa", company=company, install_demo=False
    )
env["ar.dunning.ladder"].search([]).write({"active": False})
ladder = env["ar.dunning.ladder"].create(
    {"yaml_source": LADDER, "company_id": company.id}
)
company.ar_default_ladder_id = ladder
Partner = env["res.partner"].with_context(tracking_disable=True)
customers = Partner.create(
    [
        {
            "name": f"Process Customer {index:03d}",
            "email": f"ap{index}@customer{index}.example",
            "is_company": True,
        }
        for index in range(count)
    ]
)


def invoice(partner, due):
    return {
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "invoice_date": due - timedelta(days=30),
        "invoice_date_due": due,
        "invoice_line_ids": [
            Command.create(
                {"name": "Service", "quantity": 1, "price_unit": 100.0, "tax_ids": []}
            )
        ],
    }


vals_list = []
for index, customer in enumerate(customers):
    vals_list.append(invoice(customer, today - timedelta(days=10)))
    if index % 2:
        vals_list.append(invoice(customer, today - timedelta(days=20)))
    if index % 5 == 0:
        vals_list.append(invoice(customer, today + timedelta(days=10)))
moves = env["account.move"].with_context(tracking_disable=True).create(vals_list)
moves.action_post()
env.cr.commit()
print(json.dumps({"customers": len(customers), "invoices": len(moves)}))
