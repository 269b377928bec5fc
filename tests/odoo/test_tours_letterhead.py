from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CollectionsCase

LETTERHEAD_LADDER = """\
version: 1
code: lawyers
name: Lawyer's letters
steps:
  - code: lawyer_letter
    day: 10
    stage: final_demand
    actions:
      - letter:
          template: ar_collections.mail_template_final_demand
          letterhead: dupont
"""


@tagged("post_install", "-at_install", "is_tour")
class TestLetterheadTour(CollectionsCase, HttpCase):
    """A collections manager sees a lawyer's letter on the firm's letterhead."""

    def test_manager_sees_the_firm_on_the_letter(self):
        today = fields.Date.context_today(self.env.user)
        firm = self.env["res.partner"].create(
            {
                "name": "Dupont & Associés",
                "is_company": True,
                "city": "Lyon",
                "is_law_firm": True,
                "law_firm_code": "dupont",
                "law_firm_authorised": True,
                "law_firm_authorised_date": today - timedelta(days=30),
                "law_firm_signature": "Maître Jeanne Dupont",
            }
        )
        customer = self._make_customer("Letterhead Customer", "lh@example.com")
        customer.collection_ladder_id = self.Ladder.create(
            {"yaml_source": LETTERHEAD_LADDER}
        )
        invoice = self._make_invoice(customer, today - timedelta(days=10))
        self.run_collections(today)
        notice = self.events(invoice).notice_id
        self.assertEqual(notice.law_firm_id, firm)
        self.start_tour(
            "/odoo/action-ar_collections.ar_collection_notice_action",
            "ar_collections_letterhead_notice",
            login=self.manager.login,
        )
