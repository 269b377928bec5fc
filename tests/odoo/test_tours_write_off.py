from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MONDAY, CollectionsCase

TO_APPROVE_URL = "/odoo/action-ar_collections.ar_write_off_request_action_to_approve"


@tagged("post_install", "-at_install", "is_tour")
class TestWriteOffTours(CollectionsCase, HttpCase):
    """A collector requests a write-off above 5,000; two managers approve it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ar_bad_debt_account_id = cls.company_data["default_account_expense"]
        cls.accountant = new_test_user(
            cls.env,
            login="chief_accountant",
            name="Carl Accountant",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_collector_requests_two_managers_approve(self):
        move = self._make_invoice(self.customer, MONDAY, amount=7500)
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "ar_collections_write_off_request",
            login=self.collector.login,
        )
        request = self.env["ar.write.off.request"].search(
            [("move_ids", "in", move.ids)]
        )
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.requester_id, self.collector)
        self.assertEqual(request.reason, "uncollectible")

        self.start_tour(
            TO_APPROVE_URL,
            "ar_collections_write_off_first_approval",
            login=self.manager.login,
        )
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.approval_ids[0].user_id, self.manager)

        self.start_tour(
            TO_APPROVE_URL,
            "ar_collections_write_off_final_approval",
            login=self.accountant.login,
        )
        self.assertEqual(request.state, "posted")
        self.assertEqual(request.approval_ids.user_id, self.manager | self.accountant)
        self.assertEqual(move.payment_state, "paid")
        self.assertEqual(move.collection_stage_id.code, "written_off")
