"""The ``notify`` ladder action (sales staff in the loop) and the large-account
route (``applies_to.min_overdue``)."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import MONDAY, CollectionsCase

LARGE_LADDER = """\
version: 1
code: large_accounts
name: Large accounts
applies_to: {min_overdue: 1000}
steps:
  - code: tell_sales
    day: 1
    stage: overdue
    actions:
      - notify: {who: %s, summary: Large account overdue}
"""


@tagged("post_install", "-at_install")
class TestNotify(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="sally_sales",
            name="Sally Sales",
            email="sally@example.com",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer.user_id = cls.salesperson
        cls.large = cls.Ladder.create(
            {
                "yaml_source": LARGE_LADDER % "salesperson",
                "sequence": 1,
                "company_id": cls.company.id,
            }
        )
        cls.today = MONDAY + timedelta(days=2)  # a Wednesday

    def route(self, who):
        self.large.yaml_source = LARGE_LADDER % who

    def activities(self, partner, summary="Large account overdue"):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("summary", "=", summary),
            ]
        )

    def notes(self, partner):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("subtype_id", "=", self.env.ref("mail.mt_note").id),
                ("body", "ilike", "Large account overdue"),
            ]
        )

    # The large-account route ---------------------------------------------------------

    def test_large_account_takes_the_large_ladder_others_the_standard(self):
        big = self._make_invoice(self.customer, MONDAY, amount=1500)
        small_customer = self._make_customer("Small Ltd", "small@example.com")
        small = self._make_invoice(small_customer, MONDAY, amount=300)
        self.run_collections(self.today)
        self.assertEqual(self.events(big, state="done").step_code, "tell_sales")
        self.assertEqual(big.collection_ladder_id, self.large)
        self.assertFalse(self.events(small, step_code="tell_sales"))
        self.assertEqual(small.collection_ladder_id, self.ladder)

    def test_overdue_total_of_the_customer_decides(self):
        # Two invoices of 600: 1,200 overdue in all, a large account.
        first = self._make_invoice(self.customer, MONDAY, amount=600)
        second = self._make_invoice(self.customer, MONDAY, amount=600)
        self.run_collections(self.today)
        self.assertEqual(
            set(self.events(first | second, state="done").mapped("step_code")),
            {"tell_sales"},
        )

    # Routing to each ``who`` ---------------------------------------------------------

    def assert_notified(self, users, partner=None):
        partner = partner or self.customer
        activities = self.activities(partner)
        self.assertEqual(activities.user_id, users)
        self.assertEqual(len(activities), len(users), "one activity per user")
        note = self.notes(partner)
        self.assertEqual(len(note), 1, "one internal note per customer")
        self.assertEqual(note.partner_ids, users.partner_id)
        return activities, note

    def test_salesperson_gets_note_and_activity_with_the_summary(self):
        move = self._make_invoice(self.customer, MONDAY - timedelta(days=20), 900)
        self._make_invoice(self.customer, MONDAY, amount=400)
        self.env["ar.collection.contact"].create(
            {
                "partner_id": self.customer.id,
                "date": MONDAY - timedelta(days=3),
                "channel": "call",
                "note": "Called",
            }
        )
        self.env["ar.collection.dispute"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(move.ids)],
                "reason": "price",
                "description": "Price",
            }
        )
        self.run_collections(self.today)
        activities, note = self.assert_notified(self.salesperson)
        text = activities.note
        self.assertIn("1,300.00", text)  # overdue
        self.assertIn("Oldest days late: 22", text)
        self.assertIn("Open disputes: 1", text)
        self.assertIn("Open promises to pay: 0", text)
        self.assertNotIn("never", text)  # last contact known
        self.assertIn("1,300.00", note.body)

    def test_collector(self):
        self.route("collector")
        self._make_invoice(self.customer, MONDAY, amount=1500)
        self.run_collections(self.today)
        self.assert_notified(self.collector)

    def test_managers(self):
        self.route("manager")
        self._make_invoice(self.customer, MONDAY, amount=1500)
        self.run_collections(self.today)
        managers = self.env.ref("ar_collections.group_collections_manager").users
        expected = managers.filtered(
            lambda u: not u.share and self.company in u.company_ids
        ) - self.env.ref("base.user_root")
        self.assertIn(self.manager, expected)
        self.assert_notified(expected)

    def test_named_user(self):
        self.route(self.manager.login)
        self._make_invoice(self.customer, MONDAY, amount=1500)
        self.run_collections(self.today)
        self.assert_notified(self.manager)

    def test_group_by_xml_id(self):
        self.route("sales_team.group_sale_salesman")
        self.salesperson.groups_id |= self.env.ref("sales_team.group_sale_salesman")
        self._make_invoice(self.customer, MONDAY, amount=1500)
        self.run_collections(self.today)
        group = self.env.ref("sales_team.group_sale_salesman")
        expected = group.users.filtered(
            lambda u: not u.share and u.active and self.company in u.company_ids
        ) - self.env.ref("base.user_root")
        self.assertIn(self.salesperson, expected)
        self.assert_notified(expected)

    def test_customer_without_salesperson_falls_back_to_the_collector(self):
        self.customer.user_id = False
        move = self._make_invoice(self.customer, MONDAY, amount=1500)
        self.run_collections(self.today)
        activities, note = self.assert_notified(self.collector)
        self.assertIn("Nobody to notify as", note.body)
        self.assertIn("sent to Colin Collector instead", activities.note)
        self.assertIn("instead", self.events(move, state="done").result)

    def test_user_archived_after_the_ladder_falls_back_to_the_collector(self):
        leaver = new_test_user(
            self.env, login="leaver", groups="base.group_user", email="l@example.com"
        )
        self.route("leaver")
        leaver.active = False
        self._make_invoice(self.customer, MONDAY, amount=1500)
        self.run_collections(self.today)
        self.assert_notified(self.collector)

    # Who the ladder names, checked when it is saved -------------------------------

    def assert_refused(self, source, *expected):
        with self.assertRaises(ValidationError) as caught:
            self.large.yaml_source = source
        message = str(caught.exception)
        for text in expected:
            self.assertIn(text, message)
        self.assertIn("{who: salesperson", self.large.yaml_source, "previous kept")

    def test_unknown_login_is_refused_when_the_ladder_is_saved(self):
        self.assert_refused(
            LARGE_LADDER % "nobody_here",
            "line 10, steps[0].actions[0].notify.who",
            "no active internal user with the login 'nobody_here'",
        )

    def test_portal_or_archived_user_is_refused(self):
        portal = new_test_user(self.env, login="portal_pat", groups="base.group_portal")
        self.assert_refused(LARGE_LADDER % portal.login, "login 'portal_pat'")
        self.salesperson.active = False
        self.assert_refused(LARGE_LADDER % "sally_sales", "login 'sally_sales'")

    def test_unknown_group_is_refused(self):
        self.assert_refused(
            LARGE_LADDER % "sales_team.no_such_group",
            "no user group with the XML id 'sales_team.no_such_group'",
        )
        self.assert_refused(
            LARGE_LADDER % "base.main_company",
            "no user group with the XML id 'base.main_company'",
        )

    def test_assign_of_activities_and_legal_is_checked_too(self):
        source = LARGE_LADDER.replace(
            "      - notify: {who: %s, summary: Large account overdue}\n",
            "      - activity: {assign: ghost}\n"
            "      - legal: {assign: collections_manager}\n"
            "      - legal: {assign: phantom}\n",
        )
        self.assert_refused(
            source,
            "steps[0].actions[0].activity.assign: no active internal user with the "
            "login 'ghost' (or write one of: collector, salesperson)",
            "steps[0].actions[2].legal.assign",
            "login 'phantom'",
        )
        self.large.yaml_source = source.replace("ghost", "collector").replace(
            "phantom", "sally_sales"
        )

    # Batching ------------------------------------------------------------------------

    def test_batched_one_note_per_customer_and_once_per_step(self):
        other = self._make_customer("Other Corp", "other@example.com")
        other.user_id = self.salesperson
        moves = self._make_invoice(self.customer, MONDAY, amount=800)
        moves |= self._make_invoice(self.customer, MONDAY, amount=700)
        moves |= self._make_invoice(other, MONDAY, amount=2000)
        self.run_collections(self.today)
        self.assert_notified(self.salesperson)
        self.assert_notified(self.salesperson, other)
        self.assertEqual(len(self.events(moves, step_code="tell_sales")), 3)
        # The same day again, and the next day: nothing new.
        self.run_collections(self.today)
        self.run_collections(self.today + timedelta(days=1))
        self.assert_notified(self.salesperson)
        self.assert_notified(self.salesperson, other)

    def test_steps_tab_describes_the_action(self):
        step = self.large.step_ids.filtered(lambda s: s.code == "tell_sales")
        self.assertIn("Notify the salesperson", step.actions_display)


@tagged("post_install", "-at_install")
class TestMyCustomersInCollections(CollectionsCase):
    """The salesperson's own list: their customers with an open collection stage,
    read-only."""

    def test_salesperson_sees_own_customers_in_collections_read_only(self):
        action = self.env.ref(
            "ar_collections_sale.res_partner_action_my_collections",
            raise_if_not_found=False,
        )
        if not action:
            self.skipTest("ar_collections_sale is not installed")
        sales = new_test_user(
            self.env,
            login="sam_sales",
            name="Sam Sales",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        other_sales = new_test_user(
            self.env,
            login="olga_sales",
            name="Olga Sales",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        late = self._make_customer("Late Payer", "late@example.com", user_id=sales.id)
        on_time = self._make_customer("On Time", "ok@example.com", user_id=sales.id)
        others = self._make_customer("Not Mine", "no@example.com")
        others.user_id = other_sales
        for partner in (late, others):
            self._make_invoice(partner, MONDAY)
        self._make_invoice(on_time, MONDAY + timedelta(days=60))
        self.run_collections(MONDAY + timedelta(days=9))
        self.assertEqual(late.collection_stage_id.code, "overdue")

        Partner = self.env["res.partner"].with_user(sales)
        domain = safe_eval(action.domain, {"uid": sales.id})
        self.assertEqual(Partner.search(domain), late)
        menu = self.env.ref("ar_collections_sale.res_partner_menu_my_collections")
        self.assertIn(
            menu.id, self.env["ir.ui.menu"].with_user(sales)._visible_menu_ids()
        )
        self.assertFalse(safe_eval(action.context).get("edit", True))
        with self.assertRaises(AccessError):
            late.with_user(sales).write({"collector_id": sales.id})
