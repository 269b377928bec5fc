from datetime import timedelta

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MONDAY, CollectionsCase

OTHER_LADDER = """\
version: 1
code: other_company
name: Other company ladder
steps:
  - code: only_notice
    day: 3
    stage: overdue
    actions:
      - email: {template: ar_collections.mail_template_first_notice}
"""


@tagged("post_install", "-at_install")
class TestMultiCompany(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.ladder_2 = cls.env["ar.dunning.ladder"].create(
            {"yaml_source": OTHER_LADDER, "company_id": cls.company_2.id, "sequence": 1}
        )
        cls.company_2.ar_default_ladder_id = cls.ladder_2
        cls.env.user.company_ids |= cls.company_2

    def test_each_company_follows_its_own_ladders(self):
        invoice_1 = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        invoice_2 = self._make_invoice(
            self.customer, MONDAY - timedelta(days=7), company=self.company_2
        )
        self.Ladder.with_context(
            allowed_company_ids=(self.company | self.company_2).ids
        ).run_collections(today=MONDAY)
        self.assertEqual(invoice_1.collection_step, "first_notice")
        self.assertEqual(invoice_2.collection_step, "only_notice")
        self.assertEqual(invoice_2.collection_ladder_id, self.ladder_2)

    def test_cron_runs_every_company(self):
        invoice_2 = self._make_invoice(
            self.customer, MONDAY - timedelta(days=7), company=self.company_2
        )
        # The cron runs as the superuser, for every company.
        self.Ladder.with_user(SUPERUSER_ID)._cron_run_collections()
        self.assertTrue(invoice_2.collection_step)

    def test_users_see_only_their_companies(self):
        self._make_invoice(
            self.customer, MONDAY - timedelta(days=7), company=self.company_2
        )
        self.Ladder.with_context(
            allowed_company_ids=(self.company | self.company_2).ids
        ).run_collections(today=MONDAY)
        collector = new_test_user(
            self.env,
            login="collector_c1",
            groups="ar_collections.group_collections_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        Event = self.env["ar.collection.event"].with_user(collector)
        self.assertFalse(Event.search([("company_id", "=", self.company_2.id)]))
        self.assertFalse(
            self.env["ar.dunning.ladder"]
            .with_user(collector)
            .search([("id", "=", self.ladder_2.id)])
        )
        with self.assertRaises(AccessError):
            self.ladder_2.with_user(collector).read(["name"])
