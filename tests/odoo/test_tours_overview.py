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
