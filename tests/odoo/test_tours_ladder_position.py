from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .common import CollectionsCase


@tagged("post_install", "-at_install", "is_tour")
class TestLadderPositionTour(CollectionsCase, HttpCase):
    """A collector opens an invoice and reads where it stands on its ladder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The tour runs "today": no quiet weekdays, so it passes on any day.
        cls.ladder.yaml_source = cls.ladder.yaml_source.replace(
            "quiet_weekdays: [sat, sun]\n", ""
        )
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer.name = "Position Tour Customer"
        cls.invoice = cls._make_invoice(
            cls.customer, cls.today - timedelta(days=10), amount=500
        )
        cls.Ladder.run_collections(today=cls.today - timedelta(days=3))

    def test_invoice_shows_its_ladder_position(self):
        # The set-up the tour relies on: first notice done, the call not due yet.
        self.assertEqual(self.invoice.collection_step, "first_notice")
        position = self.env["ar.collection.run"]._ar_ladder_positions(self.invoice)
        self.assertEqual(position[self.invoice.id]["reason"], "not_due")
        self.assertIn(
            format_date(self.env, self.today + timedelta(days=4)),
            str(self.invoice.collection_position_html),
        )
        self.start_tour(
            f"/odoo/account.move/{self.invoice.id}",
            "ar_collections_ladder_position",
            login=self.collector.login,
        )
