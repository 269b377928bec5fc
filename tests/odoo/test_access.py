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
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=6))
        as_manager = self.env(user=self.manager)
        stage = as_manager["ar.collection.stage"].create(
            {"name": "Watch", "code": "watch"}
        )
        # A manager edits a ladder: the new YAML is in force, read back from the
        # database (the name and the first notice's delay come from it).
        ladder = as_manager["ar.dunning.ladder"].browse(self.ladder.id)
        ladder.write(
            {
                "sequence": 5,
                "yaml_source": ladder.yaml_source.replace(
                    "name: Standard B2B reminders", "name: Managed B2B"
                ).replace("day: 7\n", "day: 6\n", 1),
            }
        )
        self.env.invalidate_all()
        self.assertEqual((stage.name, stage.code), ("Watch", "watch"))
        self.assertEqual(ladder.sequence, 5)
        self.assertEqual(ladder.name, "Managed B2B")
        self.assertEqual(
            ladder.step_ids.filtered(lambda s: s.code == "first_notice").day, 6
        )
        # ...and runs the ladders: the invoice, 6 days overdue, takes its first
        # notice (on the shipped ladder, day 7, it would get the courtesy reminder).
        result = as_manager["ar.dunning.ladder"].run_collections(today=MONDAY)
        self.assertEqual(result["steps_taken"], 1)
        self.assertEqual(result["emails"], 1)
        event = self.events(invoice, state="done")
        self.assertEqual(event.step_code, "first_notice")
        self.assertEqual(event.ladder_id, self.ladder)
        self.assertEqual(event.user_id, self.manager)
        self.assertEqual(invoice.collection_step, "first_notice")
        self.assertEqual(invoice.collection_stage_id.code, "overdue")
        self.assertEqual(len(self.mails_to(self.customer)), 1)

    def test_plain_user_sees_nothing(self):
        user = new_test_user(self.env, login="plain", groups="base.group_user")
        for model in (
            "ar.dunning.ladder",
            "ar.collection.event",
            "ar.collection.notice",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(user).search([])
