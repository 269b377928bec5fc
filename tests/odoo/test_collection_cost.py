"""The cost of collecting per customer, against hand-computed figures."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import MONDAY, CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestCollectionCost(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"ar_cost_email": 1.25, "ar_cost_letter": 4.0, "ar_cost_call": 10.0}
        )
        cls.company.ar_bad_debt_account_id = cls.company_data["default_account_expense"]
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Nordic Collect AS",
                "is_company": True,
                "is_collection_agency": True,
                "collection_agency_code": "nordic",
                "agency_commission_rate": 10.0,
                "email": "cases@nordic.example",
            }
        )
        cls.other = cls._make_customer("Small Shop", "shop@example.com")

    def notice(self, partner, channel, state="sent"):
        return self.env["ar.collection.notice"].create(
            {
                "partner_id": partner.id,
                "recipient_id": partner.id,
                "company_id": self.company.id,
                "step_code": "first_notice",
                "channel": channel,
                "date": MONDAY,
                "state": state,
            }
        )

    def contact(self, partner, channel="call"):
        return self.env["ar.collection.contact"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "channel": channel,
            }
        )

    def product_move(self, move_type, quantity, price):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_date": MONDAY,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,  # cost price 800
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.set(self.tax_sale_a.ids)],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def row(self, partner):
        return self.env["ar.collection.cost"].search([("partner_id", "=", partner.id)])

    def test_hand_computed_costs_and_margin(self):
        # Contacts: 2 e-mails (a cancelled one does not count), 1 letter, 2 calls
        # (an e-mail contact is not a call): 2 x 1.25 + 1 x 4 + 2 x 10 = 26.50.
        for channel, state in [
            ("email", "sent"),
            ("email", "queued"),
            ("email", "cancelled"),
            ("letter", "sent"),
        ]:
            self.notice(self.customer, channel, state)
        self.contact(self.customer)
        self.contact(self.customer)
        self.contact(self.customer, channel="email")
        # Sales: 2 x product_a at 1,000 (cost 800 each), a credit note of 1 of them;
        # untaxed: 2,000 - 1,000 = 1,000 invoiced, 1,600 - 800 = 800 cost of sales.
        self.product_move("out_invoice", 2, 1000.0)
        self.product_move("out_refund", 1, 1000.0)
        # A small balance of 30 written off (posted at once by the shipped policy),
        # before the referral puts the customer on credit hold.
        small = self._make_invoice(self.customer, MONDAY, amount=30)
        request = self.env["ar.write.off.request"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(small.ids)],
                "reason": "small_balance",
                "note": "Not worth chasing",
            }
        )
        request.action_submit()
        self.assertEqual(request.state, "posted")

        # An invoice of 200 referred to the agency; 150 paid: 10 % commission = 15.
        referred = self._make_invoice(self.customer, MONDAY, amount=200)
        referral = self.env["ar.agency.referral"].create(
            {
                "partner_id": self.customer.id,
                "agency_id": self.agency.id,
                "move_ids": [Command.set(referred.ids)],
            }
        )
        referral.action_send()
        self.pay(referred, 150)
        self.assertEqual(referral.commission_amount, 15)
        row = self.row(self.customer)
        self.assertRecordValues(
            row,
            [
                {
                    "email_count": 2,
                    "letter_count": 1,
                    "call_count": 2,
                    "contact_cost": 26.5,
                    "agency_commission": 15.0,
                    "written_off": 30.0,
                    "fees_waived": 0.0,
                    "collection_cost": 71.5,
                    # 1,000 of product sales + 200 + 30 of consulting
                    "invoiced": 1230.0,
                    "gross_margin": 430.0,
                    "margin_after_collection": 358.5,
                    "cost_share": 16.6,  # 71.5 / 430
                }
            ],
        )

    def test_without_cost_prices_the_margin_is_unknown(self):
        self._make_invoice(self.other, MONDAY, amount=100)
        self.contact(self.other)
        row = self.row(self.other)
        self.assertFalse(row.gross_margin)
        self.assertEqual(row.collection_cost, 10.0)
        self.assertEqual(row.margin_after_collection, 90.0)  # against the invoiced
        self.assertEqual(row.cost_share, 10.0)

    def test_losing_customers_filter_and_access(self):
        self._make_invoice(self.other, MONDAY, amount=20)
        self.contact(self.other)
        self.contact(self.other)
        losing = self.env["ar.collection.cost"].search(
            [("margin_after_collection", "<", 0)]
        )
        self.assertNotIn(self.other, losing.partner_id)  # 20 earned, 20 spent
        self.contact(self.other)
        self.assertIn(
            self.other,
            self.env["ar.collection.cost"]
            .search([("margin_after_collection", "<", 0)])
            .partner_id,
        )
        with self.assertRaises(AccessError):
            self.env["ar.collection.cost"].with_user(self.collector).search([])
        self.assertTrue(
            self.env["ar.collection.cost"].with_user(self.manager).search([])
        )
