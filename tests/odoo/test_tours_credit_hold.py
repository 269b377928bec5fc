from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_credit_hold import CreditHoldCase
from .test_credit_hold_sale import SaleCreditHoldCase

ON_HOLD_URL = "/odoo/action-ar_collections.res_partner_action_credit_hold"


@tagged("post_install", "-at_install", "is_tour")
class TestCreditHoldTours(SaleCreditHoldCase, HttpCase):
    """A salesperson hits the credit hold on a quotation; a manager releases it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_customer = cls._make_customer(
            "Tour Customer", "tour@example.com", user_id=cls.salesperson.id
        )
        cls.tour_customer.with_user(cls.manager).action_credit_hold("Cheque bounced")

    def test_salesperson_blocked_then_manager_releases(self):
        order = self.quotation(partner=self.tour_customer)
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "ar_collections_credit_hold_salesperson",
            login=self.salesperson.login,
        )
        self.assertEqual(order.state, "draft")

        self.start_tour(
            ON_HOLD_URL, "ar_collections_credit_hold_release", login=self.manager.login
        )
        hold = self.tour_customer.credit_hold_ids
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.manager)
        self.assertEqual(hold.release_reason, "Paid by bank transfer")
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install", "is_tour")
class TestCreditHoldInvoiceTours(CreditHoldCase, HttpCase):
    """Override on an invoice, and a recommendation approved by credit control."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_customer = cls._make_customer("Tour Customer", "tour@example.com")

    def test_override_posts_invoice(self):
        self.tour_customer.with_user(self.manager).action_credit_hold("Cheque bounced")
        invoice = self.draft_invoice(self.tour_customer)
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "ar_collections_credit_hold_invoice_override",
            login=self.override_user.login,
        )
        self.assertEqual(invoice.state, "posted")
        self.assertIn("Prepaid by wire", self.notes(self.tour_customer))

    def test_credit_control_approves(self):
        controller = new_test_user(
            self.env,
            login="tour_controller",
            name="Carl Control",
            groups="ar_collections.group_credit_control",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        recommendation = (
            self.env["ar.credit.recommendation"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.tour_customer.id,
                    "new_limit": 2500.0,
                    "reason": "Pays 60 days late",
                }
            )
        )
        recommendation.action_submit()
        self.start_tour(
            "/odoo/action-ar_collections.ar_credit_recommendation_action",
            "ar_collections_credit_recommendation_approve",
            login=controller.login,
        )
        self.assertEqual(recommendation.state, "approved")
        self.assertEqual(
            self.tour_customer.with_company(self.company).credit_limit, 2500.0
        )
