from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MONDAY, CollectionsCase


@tagged("post_install", "-at_install")
class TestAccess(CollectionsCase):
    def test_collector(self):
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        self.run_collections(MONDAY)
        as_collector = self.env(user=self.collector)
        self.assertTrue(
            as_collector["ar.collection.event"].search([("move_id", "=", invoice.id)])
        )
        self.assertTrue(as_collector["ar.collection.stage"].search([]))
        with self.assertRaises(AccessError):
            as_collector["ar.collection.stage"].create({"name": "X", "code": "x"})
        with self.assertRaises(AccessError):
            as_collector["ar.collection.event"].search([], limit=1).unlink()
        # A collector may exclude an invoice, not a whole customer.
        as_collector["ar.collection.exclude.wizard"].create(
            {"res_model": "account.move", "res_ids": invoice.ids, "reason": "Query"}
        ).action_confirm()
        self.assertTrue(invoice.collection_excluded)
        with self.assertRaises(AccessError):
            as_collector["ar.collection.exclude.wizard"].create(
                {
                    "res_model": "res.partner",
                    "res_ids": self.customer.ids,
                    "reason": "x",
                }
            ).action_confirm()

    def test_manager(self):
        as_manager = self.env(user=self.manager)
        stage = as_manager["ar.collection.stage"].create(
            {"name": "Watch", "code": "watch"}
        )
        self.assertTrue(stage)
        ladder = as_manager["ar.dunning.ladder"].browse(self.ladder.id)
        ladder.write({"sequence": 5})
        self.assertTrue(
            as_manager["ar.dunning.ladder"].run_collections(today=MONDAY) is not None
        )

    def test_plain_user_sees_nothing(self):
        user = new_test_user(self.env, login="plain", groups="base.group_user")
        for model in (
            "ar.dunning.ladder",
            "ar.collection.event",
            "ar.collection.notice",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(user).search([])
