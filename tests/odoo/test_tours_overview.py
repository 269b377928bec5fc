from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import CollectionsCase


@tagged("post_install", "-at_install", "is_tour")
class TestOverviewTours(CollectionsCase, HttpCase):
    """The managers' overview: open it, click a figure, land on its list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.tour_customer = cls._make_customer("Overview Customer", "ov@example.com")
        other = cls._make_customer("Other Customer", "other@example.com")
        invoice = cls._make_invoice(cls.tour_customer, today - timedelta(days=40), 4321)
        cls._make_invoice(other, today - timedelta(days=10), 1000)
        cls.env["ar.collection.promise"].create(
            {
                "partner_id": cls.tour_customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": 500.0,
                "date": today,
                "date_start": today - timedelta(days=1),
            }
        )

    def test_overview_tour(self):
        self.start_tour(
            "/odoo", "ar_collections_overview_tour", login=self.manager.login
        )

    def test_collector_lands_on_worklist(self):
        self.start_tour(
            "/odoo",
            "ar_collections_overview_collector_tour",
            login=self.collector.login,
        )


@tagged("post_install", "-at_install", "is_tour")
class TestOverviewCurrenciesTour(CollectionsCase, HttpCase):
    """A manager working in two companies of different currencies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one unit of the main currency buys 0.5 unit of the other: 400 = 800 here
        other_currency = cls.setup_other_currency("EUR", rates=[("2026-01-01", 0.5)])
        cls.other = cls.setup_other_company(currency_id=other_currency.id)["company"]
        cls.manager.company_ids = [Command.link(cls.other.id)]
        today = fields.Date.context_today(cls.env.user)
        customer = cls._make_customer("Two Books Customer", "two@example.com")
        cls._make_invoice(customer, today - timedelta(days=40), 1000)
        cls._make_invoice(customer, today - timedelta(days=40), 400, company=cls.other)

    def start_tour_in(self, tour, current, other):
        """The tour as the manager, with ``current`` the current company."""
        self.start_tour(
            "/odoo",
            tour,
            login=self.manager.login,
            cookies={"cids": f"{current.id}-{other.id}"},
        )

    def test_overview_converts_and_says_so(self):
        self.start_tour_in(
            "ar_collections_overview_currencies_tour", self.company, self.other
        )

    def test_overview_warns_of_a_missing_rate(self):
        """Seen from the other company, which has no rates at all."""
        self.start_tour_in(
            "ar_collections_overview_missing_rate_tour", self.other, self.company
        )
