"""The collection screens read as a collector would want them: step names instead of
codes, no sentinel dates, and where each invoice stands on its ladder and why it
waits (the engine's own reason codes)."""

from datetime import date, timedelta

from lxml import etree

from odoo import fields
from odoo.tests import tagged
from odoo.tools import format_date

from odoo.addons.ar_collections.ladder import LADDER_END

from .common import MONDAY, CollectionsCase

SHORT_LADDER = """
version: 1
code: short_one
name: One reminder only
minimum_overdue: 0
steps:
  - code: only_notice
    day: 7
    actions:
      - email: {template: ar_collections.mail_template_first_notice}
"""


def day(offset):
    return MONDAY + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestScreens(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["ar.collection.run"]

    def position(self, invoice, today):
        return self.Run._ar_ladder_positions(invoice, today=today)[invoice.id]

    # Step names -----------------------------------------------------------------------

    def test_step_names_instead_of_codes(self):
        self.ladder.yaml_source = self.ladder.yaml_source.replace(
            "  - code: call\n", "  - code: call\n    name: Phone the customer\n", 1
        )
        step = self.ladder.step_ids.filtered(lambda s: s.code == "call")
        self.assertEqual(step.name, "Phone the customer")
        self.assertEqual(
            self.ladder.step_ids.filtered(lambda s: s.code == "first_notice").name,
            "First notice",
        )
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        self.run_collections(day(7))
        self.assertEqual(invoice.collection_step, "first_notice")
        self.assertEqual(invoice.collection_step_label, "First notice")
        self.assertEqual(invoice.collection_next_step, "call")
        self.assertEqual(invoice.collection_next_step_label, "Phone the customer")
        self.assertEqual(invoice.collection_next_on, invoice.collection_next_date)
        self.assertEqual(
            set(self.events(invoice).mapped("step_label")),
            {"Courtesy", "First notice"},
        )

    def test_kanban_card_shows_step_name_and_days_late(self):
        arch = self.env["account.move"].get_view(
            self.env.ref("ar_collections.account_move_view_kanban_collections").id,
            "kanban",
        )["arch"]
        card = etree.fromstring(arch).xpath("//t[@t-name='card']")[0]
        names = card.xpath(".//field/@name")
        self.assertIn("collection_step_label", names)
        self.assertIn("collection_days_late", names)
        self.assertNotIn("collection_step", names)

    # No sentinel date -----------------------------------------------------------------

    def test_finished_ladder_shows_no_sentinel_date(self):
        short = self.Ladder.create(
            {"yaml_source": SHORT_LADDER, "company_id": self.company.id}
        )
        self.customer.with_company(self.company).collection_ladder_id = short
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        self.run_collections(day(7))
        self.assertEqual(invoice.collection_next_date, LADDER_END)  # the run's own
        self.assertFalse(invoice.collection_next_on)
        self.assertEqual(invoice.collection_next_step_label, "Ladder finished")
        self.assertEqual(self.position(invoice, day(8))["reason"], "finished")

        row = self.env["ar.collection.worklist"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(row), 1)
        self.assertFalse(row.next_action_date)
        self.assertEqual(row.next_action_state, "finished")

    def test_worklist_says_when_every_invoice_waits(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        invoice.write(
            {"collection_excluded": True, "collection_exclusion_reason": "In talks"}
        )
        self.run_collections(day(7))
        self.assertEqual(invoice.collection_next_date, LADDER_END)
        self.assertFalse(invoice.collection_next_on)
        row = self.env["ar.collection.worklist"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertFalse(row.next_action_date)
        self.assertEqual(row.next_action_state, "waiting")
        position = self.position(invoice, day(8))
        self.assertEqual(position["reason"], "paused")
        self.assertEqual(position["paused_by"], [("Exclusion from dunning", None)])
        self.assertIn(
            "Exclusion from dunning (no end date)",
            invoice._ar_position_reason_text(position),
        )

    def test_worklist_empty_state_says_what_to_do(self):
        action = self.env.ref("ar_collections.ar_collection_worklist_action")
        self.assertIn("Nothing to do today", action.help)
        self.assertIn("no customer of yours has an overdue invoice", action.help)

    def test_worklist_keeps_real_next_dates(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        self.run_collections(day(7))
        row = self.env["ar.collection.worklist"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.next_action_date, invoice.collection_next_date)
        self.assertEqual(row.next_action_state, "planned")

    def test_worklist_phone_and_email_one_click_away(self):
        self.customer.phone = "+46 8 123 45 67"
        self._make_invoice(self.customer, MONDAY, 500)
        row = self.env["ar.collection.worklist"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.phone, "+46 8 123 45 67")
        self.assertEqual(row.email, "acme@example.com")
        arch = etree.fromstring(
            self.env["ar.collection.worklist"].get_view(view_type="list")["arch"]
        )
        self.assertEqual(arch.xpath("//field[@name='phone']/@widget"), ["phone"])
        self.assertEqual(arch.xpath("//field[@name='email']/@widget"), ["email"])

    # Ladder position ------------------------------------------------------------------

    def test_position_done_steps_next_step_and_date(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        self.run_collections(day(7))
        position = self.position(invoice, day(8))
        self.assertEqual(position["reason"], "not_due")
        self.assertEqual(position["next_step"], "call")
        self.assertEqual(position["next_step_label"], "Call")
        self.assertEqual(position["next_date"], day(14))
        self.assertEqual(position["ladder"], self.ladder)

        html = str(invoice.collection_position_html)
        self.assertIn("First notice", html)
        self.assertIn("Courtesy", html)  # skipped when first seen late
        self.assertIn(format_date(self.env, day(7)), html)
        self.assertIn("Next step", html)

    def test_position_paused_by_promise_until_its_date(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        self.run_collections(day(7))
        promise = self.env["ar.collection.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "amount": 500,
                "date": day(20),
                "date_start": day(8),
            }
        )
        grace = self.ladder._get_parsed().promise_grace_days
        until = promise.date + timedelta(days=grace)
        position = self.position(invoice, day(14))
        self.assertEqual(position["reason"], "paused")
        self.assertEqual(position["paused_by"], [("Promise to pay", until)])
        self.assertEqual(position["next_date"], until + timedelta(days=1))
        why = invoice._ar_position_reason_text(position)
        self.assertIn(f"Promise to pay until {format_date(self.env, until)}", why)

    def test_position_below_minimum(self):
        small = self._make_invoice(self.customer, MONDAY, 10)  # minimum is 25
        position = self.position(small, day(7))
        self.assertEqual(position["reason"], "below_minimum")
        self.assertEqual(position["overdue"], 10)
        self.assertEqual(position["minimum"], 25)
        self.assertIn("below minimum", small._ar_position_reason_text(position))

    def test_position_quiet_day(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        saturday = day(12)
        self.assertEqual(saturday.weekday(), 5)
        position = self.position(invoice, saturday)
        self.assertEqual(position["reason"], "quiet_day")
        self.assertEqual(position["next_date"], date(2026, 3, 16))  # Monday
        self.assertIn("quiet day", invoice._ar_position_reason_text(position))

    def test_position_due_says_the_run_takes_it(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        position = self.position(invoice, day(7))
        self.assertEqual(position["reason"], "first_seen_late")
        self.assertEqual(position["next_step"], "first_notice")
        self.assertEqual(position["next_date"], day(7))
        # Asking where it stands changes nothing.
        self.assertFalse(self.events(invoice))
        self.assertFalse(invoice.collection_next_date)

    def test_position_agrees_with_the_run(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        self.run_collections(day(7))
        position = self.position(invoice, day(7))
        self.assertEqual(position["next_date"], invoice.collection_next_date)
        self.assertEqual(position["next_step"], invoice.collection_next_step)

    def test_paid_invoice_has_no_position(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        self.pay(invoice)
        self.assertEqual(self.Run._ar_ladder_positions(invoice, today=day(7)), {})
        self.assertFalse(invoice.collection_position_html)

    def test_customer_panel_lists_each_open_invoice(self):
        invoice = self._make_invoice(self.customer, MONDAY, 500)
        today = fields.Date.context_today(self.env.user)
        self.run_collections(today)
        html = str(self.customer.collection_position_html)
        self.assertIn(invoice.name, html)
        self.assertIn(invoice.collection_step_label, html)
        self.assertIn("o_ar_customer_positions", html)
