from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

from .common import CollectionsCase


@tagged("post_install", "-at_install")
class TestReportingTours(CollectionsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_customer = cls._make_customer("Tour Customer", "tour@example.com")

    def pay_on(self, move, day):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": day})._create_payments()

    def test_reporting_tour(self):
        """A collector opens the ageing pivot and graph, amounts by stage, the KPIs."""
        today = date.today()
        self._make_invoice(self.tour_customer, today - timedelta(days=45), 1234.0)
        self.start_tour("/odoo", "ar_collections_reporting_tour", login="collector")

    def test_statement_tour(self):
        """The customer's payment history and the Print statement button."""
        today = date.today()
        # Paid 10 days late within the last 12 months; 2 days late the year before.
        recent = self._make_invoice(
            self.tour_customer, today - timedelta(days=60), 500.0
        )
        self.pay_on(recent, today - timedelta(days=50))
        older = self._make_invoice(
            self.tour_customer, today - timedelta(days=500), 500.0
        )
        self.pay_on(older, today - timedelta(days=498))
        self._make_invoice(self.tour_customer, today, 300.0)
        self.start_tour(
            f"/odoo/res.partner/{self.tour_customer.id}",
            "ar_collections_statement_tour",
            login="collector",
        )
