"""Waivers of late-payment charges, the attempts around them, and access."""

from ast import literal_eval
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_charges import EMAIL, ChargesCase, step


@tagged("post_install", "-at_install")
class TestChargesWaiver(ChargesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager2 = new_test_user(
            cls.env,
            login="collections_manager2",
            name="Max Manager",
            email="manager2@example.com",
            groups="ar_collections.group_collections_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def setUp(self):
        super().setUp()
        # EUR 40 = USD 80 (1 USD = 0.5 EUR); the limit is in company currency.
        self.set_ladder(step("first", 7, "fee: {preset: eu_compensation}", EMAIL))
        self.invoice_1 = self.invoice(date(2025, 12, 23), 1000.0)
        self.run_collections(date(2025, 12, 30))
        self.fee = self.charges(self.invoice_1)
        self.assertEqual(self.fee.amount, 40.0)

    def as_user(self, user):
        return self.fee.with_user(user)

    def test_small_charge_is_waived_at_once_by_a_collector(self):
        self.company.ar_charge_waiver_limit = 80.0  # at or below: at once
        notice = self.env["ar.collection.notice"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            [line["amount"] for line in notice._ar_notice_charges()], [40.0]
        )
        self.as_user(self.collector).action_request_waiver("Goodwill, first delay")
        fee = self.fee
        self.assertEqual(fee.state, "waived")
        self.assertEqual(fee.waiver_requested_by_id, self.collector)
        self.assertEqual(fee.waiver_decided_by_id, self.collector)
        refund = fee.waiver_move_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.amount_total, 40.0)
        self.assertEqual(refund.currency_id, self.eur)
        # Reconciled with the credit note that reverses it (Odoo: "reversed").
        self.assertEqual(fee.charge_move_id.payment_state, "reversed")
        self.assertEqual(fee.charge_move_id.amount_residual, 0.0)
        self.assertEqual(refund.amount_residual, 0.0)
        for record in (fee, self.customer):
            self.assertTrue(
                record.message_ids.filtered(
                    lambda m: "Goodwill, first delay" in (m.body or "")
                ),
                record,
            )
        # A waived charge is no longer on the notices.
        self.assertFalse(notice._ar_notice_charges())
        # and it is in the waived charges report
        action = self.env.ref("ar_collections.ar_collection_charge_action_waived")
        self.assertIn(
            fee, self.env["ar.collection.charge"].search(literal_eval(action.domain))
        )

    def test_large_charge_needs_another_collections_manager(self):
        self.company.ar_charge_waiver_limit = 79.99
        fee = self.fee
        self.as_user(self.collector).action_request_waiver("Disputed delivery date")
        self.assertEqual(fee.state, "waiver_requested")
        self.assertFalse(fee.waiver_move_id)
        self.assertEqual(fee.charge_move_id.payment_state, "not_paid")
        # The collector cannot approve, not even their own request.
        with self.assertRaises(AccessError):
            self.as_user(self.collector).action_approve_waiver()
        with self.assertRaises(AccessError):
            self.as_user(self.collector).action_reject_waiver("no")
        # A manager who asked cannot approve their own request.
        fee.with_user(self.manager).action_reject_waiver("Ask again")
        self.assertEqual(fee.state, "posted")
        fee.with_user(self.manager).action_request_waiver("Key account")
        self.assertEqual(fee.waiver_requested_by_id, self.manager)
        with self.assertRaisesRegex(AccessError, "requester"):
            fee.with_user(self.manager).action_approve_waiver()
        self.assertTrue(fee.with_user(self.manager2).can_approve)
        fee.with_user(self.manager2).action_approve_waiver()
        self.assertEqual(fee.state, "waived")
        self.assertEqual(fee.waiver_decided_by_id, self.manager2)
        self.assertEqual(fee.charge_move_id.amount_residual, 0.0)
        bodies = " ".join(self.customer.message_ids.mapped("body"))
        self.assertIn("Key account", bodies)
        self.assertIn("approved by Max Manager", bodies)
        self.assertIn("rejected by Maria Manager", bodies)

    def test_waiver_needs_a_reason_and_a_posted_charge(self):
        with self.assertRaisesRegex(UserError, "reason is required"):
            self.as_user(self.collector).action_request_waiver("  ")
        self.company.ar_charge_waiver_limit = 100.0
        self.as_user(self.collector).action_request_waiver("Goodwill")
        with self.assertRaisesRegex(UserError, "only a posted charge"):
            self.as_user(self.collector).action_request_waiver("Again")
        with self.assertRaisesRegex(UserError, "no waiver awaiting"):
            self.fee.with_user(self.manager2).action_approve_waiver()

    def test_no_plain_write_waives_a_charge(self):
        fee = self.fee
        for record in (
            fee,
            fee.sudo(),
            fee.with_user(self.manager),
            fee.with_user(self.manager).sudo(),
        ):
            for vals in (
                {"state": "waived"},
                {"state": "waiver_requested"},
                {"waiver_move_id": fee.charge_move_id.id},
                {"waiver_requested_by_id": self.collector.id},
            ):
                with self.assertRaises(UserError, msg=f"{record.env.su} {vals}"):
                    record.write(vals)
        with self.assertRaises(UserError):  # AccessError is a UserError too
            fee.with_user(self.collector).write({"state": "waived"})
        fee.invalidate_recordset()
        self.assertEqual(fee.state, "posted")
        # Nor the wizard's context or fields: the wizard calls the model's method.
        self.company.ar_charge_waiver_limit = 0.0
        wizard = (
            self.env["ar.collection.charge.waiver.wizard"]
            .with_user(self.collector)
            .with_context(ar_charge_run=True, ar_unlocked=True)
            .create({"charge_ids": [Command.set(fee.ids)], "reason": "Please"})
        )
        wizard.action_confirm()
        self.assertEqual(fee.state, "waiver_requested")

    def test_a_user_outside_collections_cannot_ask(self):
        accountant = new_test_user(
            self.env,
            login="billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertEqual(self.fee.with_user(accountant).amount, 40.0)  # may read
        with self.assertRaisesRegex(AccessError, "Only a collector"):
            self.fee.with_user(accountant).action_request_waiver("Mine")
        self.assertEqual(self.fee.state, "posted")

    def test_access_rights_and_company_rule(self):
        Charge = self.env["ar.collection.charge"]
        for user, rights in (
            (
                self.collector,
                {"read": True, "write": False, "create": False, "unlink": False},
            ),
            (
                self.manager,
                {"read": True, "write": True, "create": False, "unlink": False},
            ),
        ):
            for operation, allowed in rights.items():
                self.assertEqual(
                    Charge.with_user(user).has_access(operation),
                    allowed,
                    f"{user.login} {operation}",
                )
        other = self.setup_other_company(name="Other Co")["company"]
        self.manager.company_ids = [Command.link(other.id)]
        self.assertEqual(
            Charge.with_user(self.manager)
            .with_context(allowed_company_ids=[other.id])
            .search_count([("id", "=", self.fee.id)]),
            0,
        )
        self.assertEqual(
            Charge.with_user(self.manager)
            .with_context(allowed_company_ids=[self.company.id])
            .search_count([("id", "=", self.fee.id)]),
            1,
        )

    def test_waived_fee_is_a_cost_of_collecting(self):
        self.company.ar_charge_waiver_limit = 80.0
        self.as_user(self.collector).action_request_waiver("Goodwill")
        row = self.env["ar.collection.cost"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.fees_waived, 80.0)  # EUR 40 in company currency (USD)
        # The charge document and its waiver credit note are not sales.
        self.assertEqual(row.invoiced, self.invoice_1.amount_untaxed_signed)
