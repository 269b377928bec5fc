"""Credit hold on sale orders (bridge addon ar_collections_sale).

The test database must have ``sale`` installed (ar_collections_sale then installs
itself): ``make test`` does. These tests fail, on purpose, rather than skip when it is
not.
"""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import MONDAY
from .test_credit_hold import CreditHoldCase


class SaleCreditHoldCase(CreditHoldCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search(
            [("name", "=", "ar_collections_sale")]
        )
        if module.state != "installed":
            raise AssertionError(
                "ar_collections_sale is not installed in this database: build the test "
                "database with sale (make test does: -i account,ar_collections,sale)"
            )
        cls.salesperson = new_test_user(
            cls.env,
            login="salesperson",
            name="Sam Sales",
            email="sam@example.com",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.sale_override_user = new_test_user(
            cls.env,
            login="sale_override",
            name="Otto Override",
            email="otto@example.com",
            groups="sales_team.group_sale_salesman_all_leads,"
            "ar_collections.group_credit_hold_override",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Widget", "list_price": 100.0, "type": "consu"}
        )
        cls.customer.user_id = cls.salesperson

    def quotation(self, partner=None, user=None):
        user = user or self.salesperson
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": (partner or self.contact).id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
        )


@tagged("post_install", "-at_install")
class TestSaleCreditHold(SaleCreditHoldCase):
    def test_confirmation_refused_then_allowed_after_release(self):
        self.hold(reason="Cheque bounced")
        order = self.quotation()
        self.assertTrue(order.ar_credit_hold)
        self.assertEqual(order.ar_credit_hold_reason, "Cheque bounced")
        with self.assertRaises(UserError) as caught:
            order.action_confirm()
        message = str(caught.exception)
        self.assertIn("Acme Corp", message)
        self.assertIn("Cheque bounced", message)
        self.assertIn("Collections Manager", message)
        self.assertEqual(order.state, "draft")
        # Through a plain ORM call as superuser too.
        with self.assertRaises(UserError):
            order.sudo().action_confirm()

        self.customer.with_user(self.manager).action_credit_release("Paid in cash")
        order.invalidate_recordset()
        self.assertFalse(order.ar_credit_hold)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_override_with_reason(self):
        hold = self.hold()
        order = self.quotation(user=self.sale_override_user)
        # The context key alone is ignored for a user without the override group.
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).with_context(
                ar_credit_hold_override="Please"
            ).action_confirm()
        with self.assertRaises(AccessError):
            self.env["ar.credit.hold.override.wizard"].with_user(
                self.salesperson
            ).create({"res_model": "sale.order", "res_ids": order.ids, "reason": "x"})
        action = order.with_user(
            self.sale_override_user
        ).action_ar_credit_hold_override()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.sale_override_user)
            .with_context(action["context"])
            .create({"reason": "Cash in advance"})
        )
        wizard.action_confirm()
        self.assertEqual(order.state, "sale")
        for record in (order, self.customer, hold):
            self.assertIn("Cash in advance", self.notes(record))
        self.assertEqual(hold.state, "active")
        with self.assertRaises(UserError):
            self.quotation(user=self.sale_override_user).action_confirm()

    def test_other_company_orders_pass(self):
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids |= company_2
        self.hold()
        order = (
            self.env["sale.order"]
            .with_company(company_2)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_2.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )
        self.assertFalse(order.ar_credit_hold)
        order.action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestSalespersonSeesCollectionStatus(SaleCreditHoldCase):
    def test_status_on_orders_and_customer(self):
        # Invoices the salesperson may not read (another salesperson's) still count.
        invoice = self._make_invoice(self.customer, MONDAY, amount=400)
        invoice.invoice_user_id = self.manager
        self._make_invoice(self.customer, MONDAY + timedelta(days=60), amount=1000)
        with freeze_time(MONDAY + timedelta(days=10)):
            self.run_collections(MONDAY + timedelta(days=10))
            self.hold(reason="Cheque bounced")
            order = self.quotation()
            order_as_sales = order.with_user(self.salesperson)
            self.assertEqual(order_as_sales.ar_collection_stage_id.code, "overdue")
            self.assertEqual(order_as_sales.ar_overdue_amount, 400.0)
            self.assertTrue(order_as_sales.ar_credit_hold)
            customer = self.customer.with_user(self.salesperson)
            self.assertEqual(customer.sale_overdue_amount, 400.0)
            self.assertEqual(customer.collection_stage_id.code, "overdue")
            self.assertEqual(customer.credit_hold_reason, "Cheque bounced")
            # Read-only: no hold changes for a salesperson.
            with self.assertRaises(AccessError):
                customer.action_credit_release("Me")
            # The list view shows the status columns.
            arch = (
                self.env["sale.order"]
                .with_user(self.salesperson)
                .get_views([(self.env.ref("sale.view_quotation_tree").id, "list")])[
                    "views"
                ]["list"]["arch"]
            )
            for name in (
                "ar_credit_hold",
                "ar_collection_stage_id",
                "ar_overdue_amount",
            ):
                self.assertIn(f'name="{name}"', arch)
