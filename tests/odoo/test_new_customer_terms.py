"""A payment term for new customers (no paid invoice yet) on their invoices and
quotations, which only the users allowed may replace."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import MONDAY, CollectionsCase

MAY_SET = "ar_collections.group_new_customer_terms"


@tagged("post_install", "-at_install")
class TestNewCustomerTerms(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.short_term = cls.env["account.payment.term"].create(
            {
                "name": "7 days (new customers)",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 7}
                    )
                ],
            }
        )
        cls.long_term = cls.env.ref("account.account_payment_term_30days")
        cls.company.ar_new_customer_payment_term_id = cls.short_term
        cls.customer.property_payment_term_id = cls.long_term
        cls.billing = new_test_user(
            cls.env,
            login="billing_clerk",
            name="Bill Clerk",
            groups="account.group_account_invoice,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.allowed = new_test_user(
            cls.env,
            login="terms_setter",
            name="Terry Terms",
            groups=f"account.group_account_invoice,sales_team.group_sale_salesman,"
            f"{MAY_SET}",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.has_sale = "sale.order" in cls.env

    def invoice(self, user, **values):
        return (
            self.env["account.move"]
            .with_user(user)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": MONDAY,
                    "invoice_line_ids": [
                        Command.create({"name": "Goods", "price_unit": 100.0})
                    ],
                }
                | values
            )
        )

    def make_paid(self):
        paid = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        self.pay(paid)
        self.assertEqual(paid.payment_state, "paid")

    # Invoices ------------------------------------------------------------------------

    def test_applied_on_a_new_customers_invoice(self):
        move = self.invoice(self.billing)
        self.assertEqual(move.invoice_payment_term_id, self.short_term)
        self.assertEqual(move.invoice_date_due, MONDAY + timedelta(days=7))
        # Even when the caller names another term.
        move = self.invoice(self.billing, invoice_payment_term_id=self.long_term.id)
        self.assertEqual(move.invoice_payment_term_id, self.short_term)

    def test_applied_on_the_form(self):
        with Form(
            self.env["account.move"]
            .with_user(self.billing)
            .with_context(default_move_type="out_invoice")
        ) as form:
            form.partner_id = self.customer
            self.assertEqual(form.invoice_payment_term_id, self.short_term)
            with form.invoice_line_ids.new() as line:
                line.name = "Goods"
                line.price_unit = 10.0
        self.assertEqual(form.record.invoice_payment_term_id, self.short_term)

    def test_a_contact_of_the_customer_counts_as_the_customer(self):
        contact = self.env["res.partner"].create(
            {"name": "Ann Buyer", "parent_id": self.customer.id}
        )
        move = self.invoice(self.billing, partner_id=contact.id)
        self.assertEqual(move.invoice_payment_term_id, self.short_term)

    def test_not_applied_once_the_customer_has_paid_an_invoice(self):
        self.make_paid()
        move = self.invoice(self.billing)
        self.assertEqual(move.invoice_payment_term_id, self.long_term)
        move.with_user(self.billing).write(
            {
                "invoice_payment_term_id": self.env.ref(
                    "account.account_payment_term_immediate"
                ).id
            }
        )

    def test_not_applied_without_the_setting(self):
        self.company.ar_new_customer_payment_term_id = False
        move = self.invoice(self.billing)
        self.assertEqual(move.invoice_payment_term_id, self.long_term)

    def test_a_user_with_the_group_may_choose_another(self):
        move = self.invoice(self.allowed, invoice_payment_term_id=self.long_term.id)
        self.assertEqual(move.invoice_payment_term_id, self.long_term)
        default = self.invoice(self.allowed)
        self.assertEqual(default.invoice_payment_term_id, self.short_term)
        default.with_user(self.allowed).write(
            {"invoice_payment_term_id": self.long_term.id}
        )
        self.assertEqual(default.invoice_payment_term_id, self.long_term)

    def test_a_collections_manager_may_choose_another(self):
        move = self.invoice(self.manager, invoice_payment_term_id=self.long_term.id)
        self.assertEqual(move.invoice_payment_term_id, self.long_term)

    def test_a_user_without_the_group_cannot_by_write(self):
        move = self.invoice(self.billing)
        with self.assertRaises(UserError) as caught:
            move.with_user(self.billing).write(
                {"invoice_payment_term_id": self.long_term.id}
            )
        self.assertIn("May set payment terms for new customers", str(caught.exception))
        with self.assertRaises(UserError):
            move.with_user(self.billing).write({"invoice_payment_term_id": False})
        with self.assertRaises(UserError):
            move.with_user(self.billing).sudo().write(
                {"invoice_payment_term_id": self.long_term.id}
            )
        with self.assertRaises(UserError):
            move.with_user(self.billing).with_context(ar_may_set_terms=True).write(
                {"invoice_payment_term_id": self.long_term.id}
            )
        self.assertEqual(move.invoice_payment_term_id, self.short_term)

    def test_changing_the_customer_applies_the_rule(self):
        self.make_paid()  # self.customer is no longer new
        move = self.invoice(self.billing)
        self.assertEqual(move.invoice_payment_term_id, self.long_term)
        newcomer = self._make_customer("Newcomer", "new@example.com")
        newcomer.property_payment_term_id = self.long_term
        move.with_user(self.billing).write(
            {
                "partner_id": newcomer.id,
                "invoice_payment_term_id": self.long_term.id,
            }
        )
        self.assertEqual(move.invoice_payment_term_id, self.short_term)

    def test_posted_invoices_and_other_documents_are_left_alone(self):
        move = self.invoice(self.billing)
        move.action_post()
        self.assertEqual(move.invoice_payment_term_id, self.short_term)
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer.id,
                "invoice_date": MONDAY,
                "invoice_payment_term_id": self.long_term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Supplies", "price_unit": 10.0})
                ],
            }
        )
        self.assertEqual(bill.invoice_payment_term_id, self.long_term)

    # Quotations (ar_collections_sale) -------------------------------------------------

    def quotation(self, user, **values):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create({"partner_id": self.customer.id} | values)
        )

    def test_quotations(self):
        if not self.has_sale:
            self.skipTest("sale is not installed")
        order = self.quotation(self.billing, payment_term_id=self.long_term.id)
        self.assertEqual(order.payment_term_id, self.short_term)
        with self.assertRaises(UserError):
            order.with_user(self.billing).write({"payment_term_id": self.long_term.id})
        chosen = self.quotation(self.allowed, payment_term_id=self.long_term.id)
        self.assertEqual(chosen.payment_term_id, self.long_term)
        self.make_paid()
        later = self.quotation(self.billing)
        self.assertEqual(later.payment_term_id, self.long_term)
