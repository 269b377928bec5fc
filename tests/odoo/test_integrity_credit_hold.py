"""Credit hold integrity: every path that posts, confirms or changes a hold.

Issue 9: the hold holds on the server whatever the path (plain writes of the state,
creation, superuser mode, contacts leaving the held customer, branch companies); no
context key unlocks a hold change; a customer accepting or paying a quotation while on
hold sees a neutral message, the payment is recorded and the order waits for a person.
"""

import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_credit_hold import CreditHoldCase
from .test_credit_hold_sale import SaleCreditHoldCase

TRANSITION_KEY = {"ar_credit_hold_transition": True}


@tagged("post_install", "-at_install")
class TestPostingPaths(CreditHoldCase):
    """Posting an invoice of a held customer is refused by every path."""

    def test_plain_write_of_the_state_is_refused(self):
        self.hold()
        invoice = self.draft_invoice(self.contact, user=self.billing_user)
        with self.assertRaisesRegex(UserError, "Acme Corp is on credit hold"):
            invoice.with_user(self.billing_user).write({"state": "posted"})
        with self.assertRaisesRegex(UserError, "Cheque bounced"):
            invoice.sudo().write({"state": "posted"})
        self.assertEqual(invoice.state, "draft")

    def test_write_of_the_state_with_a_held_customer_is_refused(self):
        """The customer written along with the state counts, not the former one."""
        self.hold()
        other = self._make_customer("Other Corp", "other@example.com")
        invoice = self.draft_invoice(other)
        with self.assertRaisesRegex(UserError, "Acme Corp is on credit hold"):
            invoice.sudo().write({"partner_id": self.contact.id, "state": "posted"})
        self.assertEqual(invoice.state, "draft")

    def test_post_as_superuser_with_any_context_is_refused(self):
        self.hold()
        invoice = self.draft_invoice(self.customer)
        for context in (
            TRANSITION_KEY,
            {"ar_credit_hold_override": "Because"},  # superuser is no override user
        ):
            with self.assertRaises(UserError):
                invoice.sudo().with_user(self.billing_user).with_context(
                    **context
                )._post(soft=False)
        self.assertEqual(invoice.state, "draft")

    def test_override_is_logged_once(self):
        self.hold()
        invoice = self.draft_invoice(self.customer)
        invoice.with_user(self.override_user).with_context(
            ar_credit_hold_override="Prepaid by wire"
        ).action_post()
        self.assertEqual(invoice.state, "posted")
        overrides = invoice.message_ids.filtered(
            lambda message: "Prepaid by wire" in message.body
        )
        self.assertEqual(len(overrides), 1)

    def test_credit_notes_pass_by_write(self):
        self.hold()
        refund = self.draft_invoice(self.customer, move_type="out_refund")
        refund.action_post()
        self.assertEqual(refund.state, "posted")


@tagged("post_install", "-at_install")
class TestContactLeavingHeldCustomer(CreditHoldCase):
    """A contact cannot leave a held customer to be invoiced on its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contacts = cls.env.ref("base.group_partner_manager")
        (cls.billing_user + cls.collector).groups_id |= contacts

    def test_detaching_is_refused_to_non_managers(self):
        self.hold()
        for user in (self.billing_user, self.collector):
            contact = self.contact.with_user(user)
            for vals in (
                {"parent_id": False},
                {"is_company": False, "parent_id": False},
                {"parent_id": self._make_customer("New Co", "new@example.com").id},
            ):
                with self.assertRaisesRegex(AccessError, "on credit hold"):
                    contact.write(vals)
        self.assertEqual(self.contact.commercial_partner_id, self.customer)
        invoice = self.draft_invoice(self.contact, user=self.billing_user)
        with self.assertRaises(UserError):
            invoice.with_user(self.billing_user).action_post()

    def test_subsidiaries_are_covered(self):
        """A company below the held customer is held with it, and cannot leave."""
        self.hold(reason="Cheque bounced")
        subsidiary = self._make_customer(
            "Acme Nordic", "nordic@example.com", parent_id=self.customer.id
        )
        self.assertEqual(subsidiary.commercial_partner_id, subsidiary)
        self.assertTrue(subsidiary.credit_hold)
        self.assertEqual(subsidiary.credit_hold_reason, "Cheque bounced")
        self.assertIn(
            subsidiary, self.env["res.partner"].search([("credit_hold", "=", True)])
        )
        invoice = self.draft_invoice(subsidiary, user=self.billing_user)
        with self.assertRaisesRegex(UserError, "Acme Corp is on credit hold"):
            invoice.with_user(self.billing_user).action_post()
        # A contact made a company stays below the held customer: still held.
        self.contact.with_user(self.billing_user).write({"is_company": True})
        self.assertEqual(self.contact.commercial_partner_id, self.contact)
        self.assertTrue(self.contact.credit_hold)
        with self.assertRaises(UserError):
            self.draft_invoice(self.contact).action_post()
        with self.assertRaises(AccessError):
            subsidiary.with_user(self.billing_user).write({"parent_id": False})
        # Released by the customer's own hold only, not from the subsidiary.
        with self.assertRaisesRegex(UserError, "release that hold"):
            subsidiary.with_user(self.manager).action_credit_release("Paid")

    def test_held_customer_cannot_become_a_contact_of_another(self):
        self.hold()
        group = self._make_customer("Group Co", "group@example.com")
        with self.assertRaises(AccessError):
            self.customer.with_user(self.billing_user).write(
                {"is_company": False, "parent_id": group.id}
            )
        self.assertEqual(self.customer.commercial_partner_id, self.customer)

    def test_manager_may_detach_and_it_is_logged(self):
        self.hold()
        self.contact.with_user(self.manager).write({"parent_id": False})
        self.assertEqual(self.contact.commercial_partner_id, self.contact)
        self.assertIn("Ann Buyer left this customer", self.notes(self.customer))

    def test_without_hold_anybody_may_detach(self):
        self.contact.with_user(self.billing_user).write({"parent_id": False})
        self.assertEqual(self.contact.commercial_partner_id, self.contact)

    def test_other_changes_of_a_contact_pass(self):
        self.hold()
        self.contact.with_user(self.billing_user).write({"phone": "+46 8 123"})
        self.assertEqual(self.contact.phone, "+46 8 123")


@tagged("post_install", "-at_install")
class TestHoldFieldsAndContextKeys(CreditHoldCase):
    """No context key unlocks a hold change; the hold fields are never written."""

    def test_collector_with_the_transition_key(self):
        hold = self.hold()
        as_collector = self.env(user=self.collector, context=TRANSITION_KEY)
        with self.assertRaises(AccessError):
            as_collector["ar.credit.hold"].browse(hold.id).write(
                {"state": "released", "release_reason": "Mine"}
            )
        with self.assertRaises(AccessError):
            as_collector["ar.credit.hold"].browse(hold.id)._release("Mine")
        with self.assertRaises(AccessError):
            as_collector["ar.credit.hold"].browse(hold.id).action_release("Mine")
        with self.assertRaises(AccessError):
            as_collector["res.partner"].browse(self.customer.id).action_credit_release(
                "Mine"
            )
        with self.assertRaises(AccessError):
            as_collector["ar.credit.hold"].create(
                {"partner_id": self.customer.id, "reason": "Mine"}
            )
        self.assertEqual(hold.state, "active")

    def test_manager_with_the_transition_key_cannot_write_the_state(self):
        hold = self.hold()
        with self.assertRaisesRegex(UserError, "only by putting a customer on hold"):
            hold.with_user(self.manager).with_context(**TRANSITION_KEY).write(
                {"state": "released"}
            )
        self.assertEqual(hold.state, "active")
        self.assertFalse(hold.released_by_id)

    def test_partner_hold_fields_are_not_written(self):
        hold = self.hold()
        customer = self.customer.with_user(self.manager).with_context(**TRANSITION_KEY)
        for vals in (
            {"credit_hold": False},
            {"credit_hold_reason": "Nothing"},
            {"credit_hold_ids": [Command.update(hold.id, {"state": "released"})]},
            {"credit_hold_ids": [Command.create({"reason": "x"})]},
        ):
            with self.assertRaisesRegex(UserError, "not by writing"):
                customer.write(vals)
        with self.assertRaisesRegex(UserError, "not by writing"):
            self.env["res.partner"].with_user(self.manager).create(
                {"name": "Held at birth", "credit_hold_ids": [Command.create({})]}
            )
        self.assertEqual(hold.state, "active")
        self.assertTrue(self.customer.credit_hold)

    def test_release_by_a_manager_still_works(self):
        hold = self.hold()
        self.customer.with_user(self.manager).action_credit_release("Paid")
        self.assertEqual(
            (hold.state, hold.released_by_id, hold.release_reason),
            ("released", self.manager, "Paid"),
        )


@tagged("post_install", "-at_install")
class TestBranches(SaleCreditHoldCase):
    """A hold placed in a company applies to its branches, not to its parent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"child_ids": [Command.create({"name": "Acme Branch"})]})
        cls.cr.precommit.run()  # the branch's chart of accounts
        cls.branch = cls.company.child_ids
        for user in (cls.env.user, cls.manager, cls.billing_user, cls.salesperson):
            user.company_ids |= cls.branch

    def branch_invoice(self):
        return (
            self.env["account.move"]
            .with_company(self.branch)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.contact.id,
                    "company_id": self.branch.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "price_unit": 10.0, "tax_ids": []}
                        )
                    ],
                }
            )
        )

    def test_parent_hold_applies_in_the_branch(self):
        self.hold(reason="Cheque bounced")
        invoice = self.branch_invoice()
        self.assertEqual(invoice.ar_credit_hold_reason, "Cheque bounced")
        with self.assertRaisesRegex(UserError, "Cheque bounced"):
            invoice.action_post()
        order = (
            self.env["sale.order"]
            .with_company(self.branch)
            .create(
                {
                    "partner_id": self.contact.id,
                    "company_id": self.branch.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )
        self.assertTrue(order.ar_credit_hold)
        with self.assertRaises(UserError):
            order.action_confirm()
        customer = self.customer.with_company(self.branch)
        self.assertTrue(customer.credit_hold)
        self.assertIn(
            self.customer,
            self.env["res.partner"]
            .with_company(self.branch)
            .search([("credit_hold", "=", True)]),
        )
        # Released where it was placed, not from the branch.
        with self.assertRaisesRegex(UserError, "Acme Corp in .*: release that hold"):
            customer.with_user(self.manager).action_credit_release("From the branch")
        self.customer.with_user(self.manager).action_credit_release("Paid")
        invoice.invalidate_recordset()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_branch_hold_does_not_apply_to_the_parent(self):
        self.customer.with_user(self.manager).with_company(
            self.branch
        ).action_credit_hold("Branch only")
        with self.assertRaises(UserError):
            self.branch_invoice().action_post()
        self.assertFalse(self.customer.with_company(self.company).credit_hold)
        invoice = self.draft_invoice(self.contact)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")


@tagged("post_install", "-at_install")
class TestConfirmationPaths(SaleCreditHoldCase):
    """Confirming a quotation of a held customer is refused by every path."""

    def test_plain_write_of_the_state_is_refused(self):
        self.hold()
        order = self.quotation()
        with self.assertRaisesRegex(UserError, "confirm this quotation"):
            order.with_user(self.salesperson).write({"state": "sale"})
        with self.assertRaises(UserError):
            order.sudo().with_context(**TRANSITION_KEY).write({"state": "sale"})
        self.assertEqual(order.state, "draft")

    def test_created_confirmed_is_refused(self):
        self.hold()
        with self.assertRaises(UserError):
            self.env["sale.order"].sudo().create(
                {
                    "partner_id": self.contact.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        other = self._make_customer("Other Corp", "other@example.com")
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": other.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )
        self.assertEqual(order.state, "sale")

    def test_invoice_address_of_a_held_customer_is_refused(self):
        self.hold()
        other = self._make_customer("Other Corp", "other@example.com")
        order = self.quotation(partner=other)
        order.partner_invoice_id = self.contact
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_override_is_logged_once(self):
        self.hold()
        order = self.quotation(user=self.sale_override_user)
        order.with_user(self.sale_override_user).with_context(
            ar_credit_hold_override="Cash in advance"
        ).action_confirm()
        self.assertEqual(order.state, "sale")
        overrides = order.message_ids.filtered(
            lambda message: "Cash in advance" in message.body
        )
        self.assertEqual(len(overrides), 1)


@tagged("post_install", "-at_install")
class TestCustomerAcceptance(SaleCreditHoldCase):
    """Signed or paid by the customer while on hold: recorded, waits for a person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Test provider",
                "code": "none",
                "state": "test",
            }
        )
        # The provider's payment method on the bank journal (what a provider module
        # sets up when installed).
        cls.env["account.payment.method.line"].create(
            {
                "name": "Test provider",
                "payment_method_id": cls.env.ref(
                    "account.account_payment_method_manual_in"
                ).id,
                "journal_id": cls.company_data["default_journal_bank"].id,
                "payment_provider_id": cls.provider.id,
            }
        )

    def transaction(self, order):
        return self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"TEST-{order.name}",
                "operation": "online_redirect",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )

    def assert_waiting(self, order):
        self.assertIn(order.state, ("draft", "sent"))
        self.assertTrue(order.ar_confirmation_pending)
        activity = order.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("Cheque bounced", activity.note)
        self.assertIn("Not confirmed", self.notes(order))

    def test_portal_acceptance_waits_for_a_person(self):
        self.hold(reason="Cheque bounced")
        order = self.quotation()
        order.sudo()._validate_order()  # what the portal does once signed
        self.assert_waiting(order)
        # Released: a person confirms; the flag goes.
        self.customer.with_user(self.manager).action_credit_release("Paid")
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.ar_confirmation_pending)

    def test_online_payment_is_recorded_and_the_order_waits(self):
        self.hold(reason="Cheque bounced")
        order = self.quotation()
        tx = self.transaction(order)
        tx._set_done()
        tx._post_process()  # raised (and was retried for days) before
        self.assertTrue(tx.is_post_processed)
        self.assertTrue(tx.payment_id, "the payment is recorded")
        self.assertEqual(tx.payment_id.state, "in_process")
        self.assert_waiting(order)
        # Accepted again (signed after paying): still one activity.
        order.sudo()._validate_order()
        self.assertEqual(len(order.activity_ids), 1)

    def test_customers_not_on_hold_are_confirmed_as_before(self):
        order = self.quotation()
        tx = self.transaction(order)
        tx._set_done()
        tx._post_process()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.ar_confirmation_pending)


@tagged("post_install", "-at_install")
class TestPortalAcceptanceMessage(HttpCase, SaleCreditHoldCase):
    """The customer signing on the portal never sees the internal hold reason."""

    # A 1x1 PNG.
    SIGNATURE = base64.b64encode(
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
            "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
        )
    ).decode()

    def test_signature_shows_a_neutral_message(self):
        self.hold(reason="Cheque bounced, do not tell")
        order = self.quotation()
        order.require_signature = True
        order.require_payment = False
        token = order._portal_ensure_token()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "Ann Buyer", "signature": self.SIGNATURE},
        )
        self.assertNotIn("error", result)
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.ar_confirmation_pending)
        page = self.url_open(result["redirect_url"]).text
        self.assertIn("will be confirmed by our team shortly", page)
        self.assertNotIn("do not tell", page)
        self.assertNotIn("credit hold", page.lower())


@tagged("post_install", "-at_install")
class TestSalespersonCannotDetach(SaleCreditHoldCase):
    def test_salesperson_with_contact_rights(self):
        self.hold()
        seller = new_test_user(
            self.env,
            login="seller_contacts",
            name="Sid Seller",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        with self.assertRaises(AccessError):
            self.contact.with_user(seller).write({"parent_id": False})
        self.assertEqual(self.contact.parent_id, self.customer)
