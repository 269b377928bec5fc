"""Browser tours of the customer portal: the customer pays with the demo provider,
promises (signed link, no login) and disputes (portal user); the collector then
sees both in the customer's chatter."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CollectionsCase


@tagged("post_install", "-at_install", "is_tour")
class TestPortalTours(CollectionsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.today = today
        cls.late = cls._make_invoice(cls.customer, today - timedelta(days=20), 600)
        cls.not_due = cls._make_invoice(cls.customer, today + timedelta(days=10), 80)
        cls.notice = cls.env["ar.collection.notice"].create(
            {
                "partner_id": cls.customer.id,
                "recipient_id": cls.customer.id,
                "company_id": cls.company.id,
                "step_code": "first_notice",
                "channel": "email",
                "date": today,
                "move_ids": [Command.set(cls.late.ids)],
            }
        )
        contact = cls.env["res.partner"].create(
            {"name": "Ann at Acme", "parent_id": cls.customer.id, "email": "a@x.com"}
        )
        cls.portal_user = new_test_user(
            cls.env, login="acme_portal", groups="base.group_portal"
        )
        cls.portal_user.partner_id = contact

    def notice_url(self):
        return self.notice.get_portal_url()

    def test_promise_through_the_signed_link_then_dispute_as_portal_user(self):
        self.start_tour(self.notice_url(), "ar_collections_portal_promise")
        promise = self.env["ar.collection.promise"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.source, "portal")
        self.assertEqual(promise.amount, 250)
        self.assertEqual(promise.move_ids, self.late)
        self.assertEqual(promise.date, self.today + timedelta(days=30))

        self.start_tour(
            "/my/collections", "ar_collections_portal_dispute", login="acme_portal"
        )
        dispute = self.env["ar.collection.dispute"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.source, "portal")
        self.assertEqual(dispute.reason, "damaged")
        self.assertEqual(dispute.activity_ids.user_id, self.collector)

        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "ar_collections_portal_collector",
            login=self.collector.login,
        )

    def test_pay_all_with_the_demo_provider(self):
        Provider = self.env["payment.provider"].sudo()
        demo = Provider.search(
            [("code", "=", "demo"), ("company_id", "=", self.company.id)], limit=1
        ) or Provider.search([("code", "=", "demo")], limit=1).copy(
            {"company_id": self.company.id}
        )
        demo.write({"state": "test", "is_published": True})
        self.start_tour(self.notice_url(), "ar_collections_portal_pay")
        self.assertIn(self.late.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.not_due.payment_state, "not_paid")
