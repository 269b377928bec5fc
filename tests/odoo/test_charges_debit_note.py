"""Charges posted as a debit note on each late invoice (company setting)."""

from datetime import date

from odoo.tests import tagged

from .test_charges import EMAIL, ChargesCase, step


@tagged("post_install", "-at_install")
class TestChargesDebitNote(ChargesCase):
    def test_one_debit_note_per_late_invoice_linked_to_it(self):
        self.company.ar_charge_document = "debit_note"
        self.set_ladder(step("first", 7, "fee: {preset: eu_compensation}", EMAIL))
        first = self.invoice(date(2025, 12, 23), 1000.0)
        second = self.invoice(date(2025, 12, 22), 500.0)
        self.run_collections(date(2025, 12, 30))
        fees = self.charges(first | second)
        self.assertEqual(len(fees), 2)
        self.assertEqual(len(fees.charge_move_id), 2)  # one document each
        for invoice in (first, second):
            fee = fees.filtered(lambda charge, inv=invoice: charge.move_id == inv)
            note = fee.charge_move_id
            self.assertEqual(note.move_type, "out_invoice")
            self.assertEqual(note.state, "posted")
            self.assertEqual(note.amount_total, 40.0)
            self.assertEqual(note.ref, f"Debit note on {invoice.name}")
            self.assertTrue(note.ar_is_charge)
            if "debit_origin_id" in note._fields:  # account_debit_note installed
                self.assertEqual(note.debit_origin_id, invoice)

    def test_one_invoice_per_customer_by_default(self):
        self.assertEqual(self.company.ar_charge_document, "invoice")
        self.set_ladder(step("first", 7, "fee: {preset: eu_compensation}", EMAIL))
        first = self.invoice(date(2025, 12, 23), 1000.0)
        second = self.invoice(date(2025, 12, 22), 500.0)
        self.run_collections(date(2025, 12, 30))
        document = self.charges(first | second).charge_move_id
        self.assertEqual(len(document), 1)
        self.assertEqual(document.amount_total, 80.0)
