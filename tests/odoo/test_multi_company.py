from datetime import timedelta

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

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

    def steps_by_company(self, moves):
        """{company: sorted (invoice, step, state)} of the events of ``moves``."""
        found = {}
        for event in self.events(moves):
            found.setdefault(event.company_id, []).append(
                (event.move_id, event.step_code, event.state)
            )
        return {company: sorted(rows, key=str) for company, rows in found.items()}

    def two_invoices(self):
        invoice_1 = self._make_invoice(self.customer, MONDAY - timedelta(days=7))
        invoice_2 = self._make_invoice(
            self.customer, MONDAY - timedelta(days=7), company=self.company_2
        )
        return invoice_1, invoice_2

    def assert_both_companies_dunned(self, invoice_1, invoice_2):
        # Company 1, shipped ladder: entered at day 7, courtesy skipped.
        # Company 2, its own ladder: its only step.
        self.assertEqual(
            self.steps_by_company(invoice_1 | invoice_2),
            {
                self.company: sorted(
                    [
                        (invoice_1, "courtesy", "skipped"),
                        (invoice_1, "first_notice", "done"),
                    ],
                    key=str,
                ),
                self.company_2: [(invoice_2, "only_notice", "done")],
            },
        )
        self.assertEqual(invoice_1.collection_step, "first_notice")
        self.assertEqual(invoice_1.collection_ladder_id, self.ladder)
        self.assertEqual(invoice_2.collection_step, "only_notice")
        self.assertEqual(invoice_2.collection_ladder_id, self.ladder_2)
        notices = self.env["ar.collection.notice"].search(
            [("move_ids", "in", (invoice_1 | invoice_2).ids)]
        )
        self.assertEqual(
            sorted((n.company_id.id, n.step_code, n.move_ids.ids) for n in notices),
            sorted(
                [
                    (self.company.id, "first_notice", invoice_1.ids),
                    (self.company_2.id, "only_notice", invoice_2.ids),
                ]
            ),
        )

    @freeze_time(MONDAY)
    def test_each_company_follows_its_own_ladders(self):
        invoice_1, invoice_2 = self.two_invoices()
        self.Ladder.with_context(
            allowed_company_ids=(self.company | self.company_2).ids
        ).run_collections(today=MONDAY)
        self.assert_both_companies_dunned(invoice_1, invoice_2)

    @freeze_time(MONDAY)
    def test_run_now_runs_the_selected_companies_only(self):
        invoice_1, invoice_2 = self.two_invoices()
        self.Ladder.with_context(
            allowed_company_ids=self.company_2.ids
        ).run_collections(today=MONDAY)
        self.assertFalse(self.events(invoice_1))
        self.assertEqual(invoice_2.collection_step, "only_notice")

    @freeze_time(MONDAY)
    def test_cron_runs_every_company(self):
        invoice_1, invoice_2 = self.two_invoices()
        # The cron runs as the superuser, for every company, as of today (frozen).
        self.env.ref("ar_collections.ir_cron_run_collections").with_user(
            SUPERUSER_ID
        ).method_direct_trigger()
        self.assert_both_companies_dunned(invoice_1, invoice_2)

    def test_users_see_only_their_companies(self):
        invoice_1, invoice_2 = self.two_invoices()
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
        collector_2 = new_test_user(
            self.env,
            login="collector_c2",
            groups="ar_collections.group_collections_user",
            company_id=self.company_2.id,
            company_ids=[Command.set(self.company_2.ids)],
        )
        # The other company's records exist...
        events_1 = self.events(invoice_1)
        events_2 = self.events(invoice_2)
        self.assertEqual(events_1.company_id, self.company)
        self.assertEqual(events_2.company_id, self.company_2)
        self.assertTrue(events_2)
        # ...each collector sees their own company's, and only those.
        Event = self.env["ar.collection.event"]
        everything = [("move_id", "in", (invoice_1 | invoice_2).ids)]
        self.assertEqual(Event.with_user(collector).search(everything), events_1)
        self.assertEqual(Event.with_user(collector_2).search(everything), events_2)
        self.assertFalse(
            Event.with_user(collector).search([("company_id", "=", self.company_2.id)])
        )
        Ladder = self.env["ar.dunning.ladder"]
        self.assertEqual(
            Ladder.with_user(collector).search(
                [("id", "in", (self.ladder | self.ladder_2).ids)]
            ),
            self.ladder,
        )
        self.assertEqual(
            Ladder.with_user(collector_2).search(
                [("id", "in", (self.ladder | self.ladder_2).ids)]
            ),
            self.ladder_2,
        )
        Notice = self.env["ar.collection.notice"]
        self.assertEqual(
            Notice.with_user(collector)
            .search([("partner_id", "=", self.customer.id)])
            .company_id,
            self.company,
        )
        self.assertEqual(
            Notice.with_user(collector_2)
            .search([("partner_id", "=", self.customer.id)])
            .company_id,
            self.company_2,
        )
        with self.assertRaises(AccessError):
            self.ladder_2.with_user(collector).read(["name"])
        with self.assertRaises(AccessError):
            self.ladder.with_user(collector_2).read(["name"])
