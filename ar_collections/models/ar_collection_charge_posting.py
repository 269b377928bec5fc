"""The posting of late-payment charges (an ``_inherit`` of ``ar.collection.charge``,
split from the model): one customer document per customer and currency per run (or,
as the company says, a debit note per late invoice), one line per charge, an open
receivable of its own."""

import json
from collections import defaultdict

from odoo import Command, _, api, models
from odoo.exceptions import UserError


class ArCollectionCharge(models.Model):
    _inherit = "ar.collection.charge"

    @api.model
    def _ar_post_charges(self, company, today, pending):
        """Post the charges a run computed and record them.

        :param pending: dicts with ``move`` (the late invoice), ``kind``, ``amount``
            (Decimal, in the invoice currency, already rounded), ``fee_code``,
            ``step_code``, ``once_per_invoice``, ``date_from``, ``date_to``,
            ``basis``, ``snapshot`` (a dict), ``legal_reference``
        :return: the charges created

        One document per (customer, currency) with a line per charge. Everything
        happens in the caller's savepoint: an error leaves no document and no
        charge. The caller (the run) checked who runs; the entries are written with
        sudo() because a collections manager need not be an accountant.
        """
        pending = [item for item in pending if item["amount"] > 0]
        if not pending:
            return self.browse()
        journal = company._ar_charge_journal()
        groups = defaultdict(list)
        for item in pending:
            groups[self._ar_document_key(company, item["move"])].append(item)
        Move = self.env["account.move"].sudo().with_company(company)
        open_documents = self._ar_documents_of_the_day(company, today, pending)
        vals_list = []
        with Move._ar_posting_charges():
            for key, items in groups.items():
                document_vals = self._ar_document_vals(company, journal, today, items)
                invoice = open_documents.get(key)
                if invoice and not self._ar_reopen(invoice, document_vals):
                    invoice = None
                if invoice is None:
                    invoice = Move.create(document_vals)
                invoice.action_post()
                lines = invoice.invoice_line_ids.filtered(
                    lambda line: line.display_type == "product"
                ).sorted("id")[-len(items) :]
                for item, line in zip(items, lines, strict=True):
                    vals_list.append(
                        self._ar_charge_vals(company, today, item, invoice, line)
                    )
        return self._ar_create_charges(vals_list)

    @api.model
    def _ar_document_key(self, company, move):
        """Which charges share a document: a customer's in one currency, or (debit
        notes) those of one late invoice."""
        if company.ar_charge_document == "debit_note":
            return ("debit_note", move.id)
        return (move.commercial_partner_id.id, move.currency_id.id)

    @api.model
    def _ar_documents_of_the_day(self, company, today, pending):
        """{document key: its charge document posted by this batch (its charges
        have no event yet: no notice has shown it) and still unpaid}: the fees and
        the interest of one run go on one document."""
        charges = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("date", "=", today),
                ("event_id", "=", False),  # this batch's: not notified yet
                (
                    "partner_id",
                    "in",
                    list({item["move"].commercial_partner_id.id for item in pending}),
                ),
                ("charge_move_id.state", "=", "posted"),
                ("charge_move_id.payment_state", "=", "not_paid"),
            ]
        )
        return {
            self._ar_document_key(company, charge.move_id): charge.charge_move_id
            for charge in charges
            if charge.charge_move_id.amount_residual
            == charge.charge_move_id.amount_total
        }

    @api.model
    def _ar_reopen(self, invoice, document_vals):
        """Add the lines of ``document_vals`` to a document of the day (reset to
        draft, posted again by the caller); False when the journal does not let a
        posted entry go back to draft (then a document of its own is created)."""
        try:
            with self.env.cr.savepoint():
                invoice.button_draft()
                invoice.write(
                    {
                        "invoice_line_ids": document_vals["invoice_line_ids"],
                        "invoice_origin": ", ".join(
                            filter(
                                None,
                                [
                                    invoice.invoice_origin,
                                    document_vals["invoice_origin"],
                                ],
                            )
                        ),
                    }
                )
        except UserError:
            return False
        return True

    @api.model
    def _ar_document_vals(self, company, journal, today, items):
        first = items[0]["move"]
        taxed = company.ar_charge_taxes
        lines = []
        for item in items:
            kind = item["kind"]
            product = company._ar_charge_product(kind)
            account = company._ar_charge_account(kind, product, journal)
            taxes = product.taxes_id.filtered(
                lambda tax, c=company: tax.company_id == c
            )
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": self._ar_line_label(item),
                        "account_id": account.id,
                        "quantity": 1,
                        "price_unit": float(item["amount"]),
                        "tax_ids": [Command.set(taxes.ids if taxed else [])],
                    }
                )
            )
        names = ", ".join(dict.fromkeys(item["move"].name for item in items))
        debit_note = company.ar_charge_document == "debit_note"
        vals = {
            "move_type": "out_invoice",
            "partner_id": first.partner_id.id,
            "journal_id": journal.id,
            "currency_id": first.currency_id.id,
            "invoice_date": today,
            "date": today,
            "invoice_date_due": today,
            "invoice_payment_term_id": False,
            "fiscal_position_id": first.fiscal_position_id.id,
            "invoice_origin": names,
            "ref": _("Debit note on %(invoice)s", invoice=names)
            if debit_note
            else _("Late-payment charges on %(invoices)s", invoices=names),
            "ar_is_charge": True,
            "invoice_line_ids": lines,
        }
        if debit_note and "debit_origin_id" in self.env["account.move"]._fields:
            vals["debit_origin_id"] = first.id  # account_debit_note's link
        return vals

    @api.model
    def _ar_line_label(self, item):
        if item["kind"] == "interest":
            return _(
                "Late-payment interest on %(invoice)s, %(start)s to %(end)s: %(basis)s",
                invoice=item["move"].name,
                start=item["date_from"],
                end=item["date_to"],
                basis=item["basis"],
            )
        return _(
            "Recovery fee on %(invoice)s: %(basis)s",
            invoice=item["move"].name,
            basis=item["basis"],
        )

    @api.model
    def _ar_charge_vals(self, company, today, item, invoice, line):
        move = item["move"]
        return {
            "move_id": move.id,
            "partner_id": move.commercial_partner_id.id,
            "company_id": company.id,
            "kind": item["kind"],
            "fee_code": item.get("fee_code") or False,
            "step_code": item.get("step_code") or False,
            "once_per_invoice": bool(item.get("once_per_invoice")),
            "amount": float(item["amount"]),
            "currency_id": move.currency_id.id,
            "date": today,
            "date_from": item.get("date_from") or False,
            "date_to": item.get("date_to") or False,
            "basis": item["basis"],
            "snapshot": json.dumps(item.get("snapshot") or {}, default=str),
            "legal_reference": item.get("legal_reference") or False,
            "charge_move_id": invoice.id,
            "charge_line_id": line.id,
        }
