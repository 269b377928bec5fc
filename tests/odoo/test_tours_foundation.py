from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CollectionsCase

LADDERS_URL = "/odoo/action-ar_collections.ar_dunning_ladder_action"
BY_STAGE_URL = "/odoo/action-ar_collections.account_move_action_collections"


@tagged("post_install", "-at_install", "is_tour")
class TestFoundationTours(CollectionsCase, HttpCase):
    """Browser tours of the foundation's flows, logged in as a collections manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The tours run "today": no quiet weekdays, so they pass on any day of the week.
        cls.ladder.yaml_source = cls.ladder.yaml_source.replace(
            "quiet_weekdays: [sat, sun]\n", ""
        )
        cls.tour_customer = cls._make_customer("Tour Customer", "tour@example.com")
        today = fields.Date.context_today(cls.env.user)
        cls.tour_invoice = cls._make_invoice(
            cls.tour_customer, today - timedelta(days=7), amount=500
        )

    def test_edit_ladder_with_error_then_fix(self):
        self.start_tour(
            LADDERS_URL, "ar_collections_ladder_edit", login=self.manager.login
        )
        self.assertIn("day: 8", self.ladder.yaml_source)
        self.assertEqual(self.ladder.step_ids[1].day, 8)

    def test_preview(self):
        self.start_tour(
            LADDERS_URL, "ar_collections_ladder_preview", login=self.manager.login
        )
        self.assertFalse(self.tour_invoice.collection_event_ids)

    def test_run_now_moves_invoice(self):
        cron = self.env.ref("ar_collections.ir_cron_run_collections")
        self.start_tour(
            BY_STAGE_URL, "ar_collections_run_now", login=self.manager.login
        )
        # Run now queued the scheduled run and did nothing itself.
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.assertEqual(self.tour_invoice.collection_stage_id.code, "current")
        cron.method_direct_trigger()
        self.assertEqual(self.tour_invoice.collection_stage_id.code, "overdue")
        self.start_tour(
            BY_STAGE_URL, "ar_collections_run_now_result", login=self.manager.login
        )

    def test_exclude_invoice(self):
        self.start_tour(
            BY_STAGE_URL + "?view_type=list",
            "ar_collections_exclude_invoice",
            login=self.manager.login,
        )
        self.assertTrue(self.tour_invoice.collection_excluded)
