from datetime import timedelta

from odoo.tests import tagged

from .common import MONDAY, CollectionsCase

LETTER_LADDER = """\
version: 1
code: letters
name: Letters only
steps:
  - code: letter_notice
    day: 10
    stage: overdue
    actions:
      - letter: {template: ar_collections.mail_template_first_notice}
"""


@tagged("post_install", "-at_install")
class TestLetter(CollectionsCase):
    def test_letter_step_attaches_a_pdf_to_the_customer(self):
        ladder = self.Ladder.create({"yaml_source": LETTER_LADDER})
        self.customer.collection_ladder_id = ladder
        invoice = self._make_invoice(self.customer, MONDAY - timedelta(days=10))
        result = self.run_collections(MONDAY)
        self.assertEqual(result.get("letters"), 1, result)
        event = self.events(invoice, step_code="letter_notice")
        self.assertEqual(event.state, "done", event.result)
        attachment = event.notice_id.attachment_id
        self.assertEqual(attachment.res_model, "res.partner")
        self.assertEqual(attachment.res_id, self.customer.id)
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertIn(invoice.name, event.notice_id.letter_body)
        self.assertFalse(self.mails_to(self.customer))
