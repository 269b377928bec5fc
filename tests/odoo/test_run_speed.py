"""What the faster run keeps: each notice rendered as Odoo renders it alone, each
invoice's chatter telling the step it took."""

from datetime import timedelta

from markupsafe import escape

from odoo.tests import tagged

from .common import MONDAY, CollectionsCase


@tagged("post_install", "-at_install")
class TestRunSpeed(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.others = cls._make_customer("Beta & Co", "beta@example.com") | (
            cls._make_customer("Gamma AB", "gamma@example.com", lang="en_US")
        )
        cls.invoices = cls.env["account.move"]
        for index, partner in enumerate(cls.customer | cls.others):
            for days in range(index + 1):
                cls.invoices |= cls._make_invoice(
                    partner, MONDAY - timedelta(days=days), 100.0 + days
                )

    def test_notices_render_as_one_by_one(self):
        self.run_collections(MONDAY + timedelta(days=8))
        notices = self.env["ar.collection.notice"].search(
            [("partner_id", "in", (self.customer | self.others).ids)]
        )
        self.assertEqual(len(notices), 3)
        template = notices.template_id
        self.assertEqual(len(template), 1)
        fields = ["subject", "body_html", "email_from"]
        batched = template._generate_template(notices.ids, fields)
        for notice in notices:
            alone = template._generate_template(notice.ids, fields)[notice.id]
            self.assertEqual(batched[notice.id]["body_html"], alone["body_html"])
            self.assertEqual(batched[notice.id]["subject"], alone["subject"])
            self.assertIn(
                escape(notice.partner_id.name), str(batched[notice.id]["body_html"])
            )

    def test_each_invoice_chatter_tells_its_step(self):
        self.run_collections(MONDAY + timedelta(days=8))
        for invoice in self.invoices:
            notes = invoice.message_ids.filtered(
                lambda m: "Collection step" in (m.body or "")
            )
            self.assertEqual(len(notes), 1, invoice.name)
            self.assertEqual(notes.message_type, "notification")
            self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
            self.assertEqual(notes.author_id, self.env.ref("base.partner_root"))
            self.assertIn(self.ladder.name, notes.body)
            self.assertIn(invoice.collection_step, notes.body)
