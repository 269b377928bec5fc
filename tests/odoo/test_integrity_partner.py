"""Manager-only settings of a customer or an agency (issue 9.3).

Who collects from a customer, on which ladder, whether it is dunned at all, and an
agency's terms (where customer data and invoices are sent, what it is paid) change
only by a collections manager, whatever the path (write, create, a ``default_``
context key, copy), and every change is tracked in the chatter.
"""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MONDAY, CollectionsCase

CONTACTS = "base.group_partner_manager"


@tagged("post_install", "-at_install")
class TestManagerOnlySettings(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_collector = new_test_user(
            cls.env,
            login="other_collector",
            name="Otto Collector",
            groups="ar_collections.group_collections_user",
        )
        cls.collector.groups_id |= cls.env.ref(CONTACTS)
        cls.employee = new_test_user(
            cls.env,
            login="employee_contacts",
            name="Emma Employee",
            groups=f"base.group_user,{CONTACTS}",
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="salesperson_contacts",
            name="Sam Sales",
            groups=f"sales_team.group_sale_salesman,{CONTACTS}",
        )
        cls.values = {
            "collector_id": cls.other_collector.id,
            "collection_ladder_id": cls.ladder.id,
            "collection_excluded": True,
            "collection_exclusion_reason": "Friend of the boss",
            "collection_exclusion_until": MONDAY + timedelta(days=365),
            "is_collection_agency": True,
            "collection_agency_code": "grab",
            "agency_commission_rate": 99.0,
            "agency_minimum_fee": 1000.0,
            "agency_email": "attacker@example.com",
            "agency_case_file_format": "csv",
            "agency_billing_mode": "period",
        }

    def users(self):
        return (self.employee, self.collector, self.salesperson)

    def test_write_is_refused_to_non_managers(self):
        for user in self.users():
            for fname, value in self.values.items():
                with (
                    self.subTest(user=user.login, field=fname),
                    self.assertRaises(AccessError),
                ):
                    self.customer.with_user(user).write({fname: value})
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.collector_id, self.collector)
        self.assertFalse(self.customer.collection_excluded)
        self.assertFalse(self.customer.agency_email)

    def test_create_is_refused_to_non_managers(self):
        Partner = self.env["res.partner"]
        for user in self.users():
            for fname, value in self.values.items():
                with self.subTest(user=user.login, field=fname):
                    with self.assertRaises(AccessError):
                        Partner.with_user(user).create({"name": "New", fname: value})
                    with self.assertRaises(AccessError):
                        Partner.with_user(user).with_context(
                            **{f"default_{fname}": value}
                        ).create({"name": "New"})
        # A contact without these settings is created as before (defaults pass).
        partner = Partner.with_user(self.salesperson).create(
            {"name": "Plain", "agency_billing_mode": "referral"}
        )
        self.assertFalse(partner.sudo().collector_id)

    def test_manager_changes_are_tracked(self):
        self.env.cr.precommit.run()  # nothing pending from the set-up
        customer = self.customer.with_user(self.manager).with_context(
            tracking_disable=False, mail_notrack=False
        )
        for fname, value in self.values.items():
            with self.subTest(field=fname):
                customer.write({fname: value})
                self.env.flush_all()
                self.env.cr.precommit.run()  # tracking is logged on commit
                tracked = self.env["mail.tracking.value"].search(
                    [
                        ("mail_message_id.model", "=", "res.partner"),
                        ("mail_message_id.res_id", "=", self.customer.id),
                        ("field_id.name", "=", fname),
                    ]
                )
                self.assertTrue(tracked, f"{fname} change is in the chatter")
        self.assertEqual(self.customer.collector_id, self.other_collector)
        self.assertEqual(self.customer.agency_email, "attacker@example.com")
        created = (
            self.env["res.partner"]
            .with_user(self.manager)
            .create(dict(self.values, name="Agency", collection_agency_code="agency2"))
        )
        self.assertEqual(created.agency_commission_rate, 99.0)

    def test_unchanged_values_and_superuser_pass(self):
        # An import writing back the same collector changes nothing: allowed.
        self.customer.with_user(self.salesperson).write(
            {"collector_id": self.collector.id, "phone": "+46 8 1"}
        )
        self.assertEqual(self.customer.phone, "+46 8 1")
        # Our own code in superuser mode (e.g. collector assignment rules).
        self.customer.with_user(self.employee).sudo().write(
            {"collector_id": self.other_collector.id}
        )
        self.assertEqual(self.customer.collector_id, self.other_collector)

    def test_context_keys_do_not_unlock(self):
        customer = self.customer.with_user(self.collector).with_context(
            ar_credit_hold_transition=True, ar_manager=True, tracking_disable=True
        )
        with self.assertRaises(AccessError):
            customer.write({"collection_excluded": True})

    def test_copy_by_non_manager_drops_the_settings(self):
        self.customer.write(
            {"agency_commission_rate": 20.0, "is_collection_agency": True}
        )
        copy = self.customer.with_user(self.salesperson).copy()
        self.assertFalse(copy.sudo().collector_id)
        self.assertFalse(copy.sudo().is_collection_agency)
        copy = self.customer.with_user(self.manager).copy()
        self.assertEqual(copy.collector_id, self.collector)
        self.assertEqual(copy.agency_commission_rate, 20.0)

    def test_collector_may_still_exclude_an_invoice(self):
        invoice = self._make_invoice(self.customer, MONDAY)
        self.env["ar.collection.exclude.wizard"].with_user(self.collector).create(
            {"res_model": "account.move", "res_ids": invoice.ids, "reason": "Query"}
        ).action_confirm()
        self.assertTrue(invoice.collection_excluded)
        self.customer.with_user(self.manager).write(
            {"collection_excluded": True, "collection_exclusion_reason": "Audit"}
        )
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).action_collection_include()

    def test_fields_hidden_from_users_without_collections(self):
        arch = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for fname in ("agency_email", "collection_excluded", "collection_ladder_id"):
            self.assertNotIn(f'name="{fname}"', arch)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesperson).read(["agency_email"])
        self.assertEqual(
            self.customer.with_user(self.salesperson).collector_id, self.collector
        )
