from datetime import timedelta

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import MONDAY, CollectionsCase

FINAL_DEMAND = """\
      - email: {template: ar_collections.mail_template_final_demand}
"""
HOLD_WHEN_PAID = FINAL_DEMAND + "      - credit_hold: {reason: Final demand sent}\n"
HOLD_MANUAL = (
    FINAL_DEMAND + "      - credit_hold: {reason: Final demand sent, release: manual}\n"
)
# Wednesday 2026-04-01: day 30 of an invoice due MONDAY, the final demand.
DAY_30 = MONDAY + timedelta(days=30)


class CreditHoldCase(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Hold = cls.env["ar.credit.hold"]
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Ann Buyer",
                "parent_id": cls.customer.id,
                "email": "ann@example.com",
            }
        )
        cls.override_user = new_test_user(
            cls.env,
            login="override_user",
            name="Olga Override",
            email="olga@example.com",
            groups="account.group_account_invoice,"
            "ar_collections.group_credit_hold_override",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.billing_user = new_test_user(
            cls.env,
            login="billing_user",
            name="Bill Billing",
            email="bill@example.com",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def set_final_demand_actions(self, actions):
        self.ladder.yaml_source = self.ladder.yaml_source.replace(FINAL_DEMAND, actions)

    def hold(self, partner=None, reason="Cheque bounced"):
        (partner or self.customer).with_user(self.manager).action_credit_hold(reason)
        return self.Hold.search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("state", "=", "active"),
            ]
        )

    def draft_invoice(self, partner, move_type="out_invoice", amount=50.0, user=None):
        move = self.env["account.move"].with_user(user or self.env.user)
        return move.create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": MONDAY,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )

    def notes(self, record):
        return " ".join(record.message_ids.mapped("body"))


@tagged("post_install", "-at_install")
class TestLadderHold(CreditHoldCase):
    def test_ladder_step_holds_and_payment_releases(self):
        self.set_final_demand_actions(HOLD_WHEN_PAID)
        invoice = self._make_invoice(self.customer, MONDAY)
        result = self.run_collections(DAY_30)
        self.assertEqual(result["credit_hold"], 1)
        self.assertTrue(self.customer.credit_hold)
        self.assertTrue(self.contact.credit_hold, "the hold covers every contact")
        self.assertEqual(self.customer.credit_hold_reason, "Final demand sent")
        self.assertEqual(self.customer.credit_hold_date, DAY_30)
        hold = self.customer.credit_hold_id
        self.assertEqual(
            (hold.source, hold.release_mode, hold.stage_id.code, hold.step_code),
            ("ladder", "when_paid", "final_demand", "final_demand"),
        )
        event = self.events(invoice, action_kind="credit_hold")
        self.assertEqual(event.state, "done")
        self.assertIn("Final demand sent", event.result)
        self.assertIn("Put on credit hold", self.notes(self.customer))

        # The same day again: nothing new.
        self.run_collections(DAY_30)
        self.assertEqual(
            self.Hold.search_count([("partner_id", "=", self.customer.id)]), 1
        )

        with freeze_time(DAY_30 + timedelta(days=1)):
            self.pay(invoice)
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.env.user)
        self.assertIn("paid", hold.release_reason)
        self.assertEqual(hold.release_date, DAY_30 + timedelta(days=1))
        self.assertFalse(self.customer.credit_hold)
        self.assertIn("Released from credit hold", self.notes(self.customer))

    def test_already_on_hold(self):
        self.set_final_demand_actions(HOLD_WHEN_PAID)
        invoice = self._make_invoice(self.customer, MONDAY)
        manual = self.hold(reason="Bankruptcy rumours")
        self.run_collections(DAY_30)
        event = self.events(invoice, action_kind="credit_hold")
        self.assertEqual(event.state, "done")
        self.assertIn("Already on hold", event.result)
        self.assertEqual(self.customer.credit_hold_id, manual)
        # The manual hold is not released by a payment.
        with freeze_time(DAY_30 + timedelta(days=1)):
            self.pay(invoice)
        self.assertEqual(manual.state, "active")

    def test_release_waits_for_every_overdue_invoice_at_the_stage(self):
        self.set_final_demand_actions(HOLD_WHEN_PAID)
        first = self._make_invoice(self.customer, MONDAY)
        second = self._make_invoice(self.customer, MONDAY, amount=70)
        # Not yet at the final demand stage: does not keep the hold.
        lower = self._make_invoice(self.customer, MONDAY + timedelta(days=20))
        self.run_collections(DAY_30)
        self.assertEqual(lower.collection_stage_id.code, "overdue")
        hold = self.customer.credit_hold_id
        self.assertTrue(hold)
        with freeze_time(DAY_30 + timedelta(days=1)):
            self.pay(first)
            self.assertEqual(hold.state, "active")
            self.pay(second, amount=20)  # partly paid: still open
            self.assertEqual(hold.state, "active")
            self.pay(second)
        self.assertEqual(hold.state, "released")
        self.assertEqual(lower.payment_state, "not_paid")

    def test_manual_release_mode_is_not_released_by_payment(self):
        self.set_final_demand_actions(HOLD_MANUAL)
        invoice = self._make_invoice(self.customer, MONDAY)
        self.run_collections(DAY_30)
        hold = self.customer.credit_hold_id
        self.assertEqual(hold.release_mode, "manual")
        with freeze_time(DAY_30 + timedelta(days=1)):
            self.pay(invoice)
        self.assertEqual(hold.state, "active")

    def test_run_releases_holds_with_nothing_overdue_left(self):
        self.set_final_demand_actions(HOLD_WHEN_PAID)
        invoice = self._make_invoice(self.customer, MONDAY)
        self.run_collections(DAY_30)
        hold = self.customer.credit_hold_id
        invoice.button_draft()  # no payment hook: the next run notices
        self.assertEqual(hold.state, "active")
        self.run_collections(DAY_30 + timedelta(days=1), dry_run=True)
        self.assertEqual(hold.state, "active", "a dry run changes nothing")
        self.run_collections(DAY_30 + timedelta(days=1))
        self.assertEqual(hold.state, "released")

    def test_dry_run_proposes_the_hold(self):
        self.set_final_demand_actions(HOLD_WHEN_PAID)
        self._make_invoice(self.customer, MONDAY)
        result = self.run_collections(DAY_30, dry_run=True)
        self.assertEqual(result["credit_hold_proposed"], 1)
        self.assertFalse(self.customer.credit_hold)


@tagged("post_install", "-at_install")
class TestManualHold(CreditHoldCase):
    def test_manual_hold_and_release(self):
        hold = self.hold(reason="Cheque bounced")
        self.assertEqual(hold.user_id, self.manager)
        self.assertEqual((hold.source, hold.release_mode), ("manual", "manual"))
        self.assertTrue(self.contact.credit_hold)
        self.assertEqual(self.contact.credit_hold_id, hold)
        self.assertIn("Cheque bounced", self.notes(self.customer))
        with self.assertRaisesRegex(UserError, "already on credit hold"):
            self.customer.with_user(self.manager).action_credit_hold("Again")

        with self.assertRaisesRegex(UserError, "needs a reason"):
            self.customer.with_user(self.manager).action_credit_release("  ")
        self.contact.with_user(self.manager).action_credit_release("Paid by transfer")
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.manager)
        self.assertEqual(hold.release_reason, "Paid by transfer")
        self.assertFalse(self.customer.credit_hold)
        self.assertIn("Paid by transfer", self.notes(self.customer))
        with self.assertRaisesRegex(UserError, "not on credit hold"):
            self.customer.with_user(self.manager).action_credit_release("Again")

        # A new hold later: the history keeps both.
        self.hold(reason="Second bounce")
        self.assertEqual(len(self.customer.credit_hold_ids), 2)

    def test_hold_needs_reason(self):
        with self.assertRaisesRegex(UserError, "needs a reason"):
            self.customer.with_user(self.manager).action_credit_hold("")
        self.assertFalse(self.customer.credit_hold)

    def test_wizard(self):
        action = self.customer.with_user(self.manager).action_open_credit_hold_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(action["context"])
            .create({"reason": "Disputed everything"})
        )
        wizard.action_confirm()
        self.assertEqual(self.customer.credit_hold_reason, "Disputed everything")
        action = self.customer.with_user(
            self.manager
        ).action_open_credit_release_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(action["context"])
            .create({"reason": "Settled"})
        )
        wizard.action_confirm()
        self.assertFalse(self.customer.credit_hold)

    def test_no_silent_change(self):
        hold = self.hold()
        with self.assertRaisesRegex(UserError, "only by putting a customer on hold"):
            hold.with_user(self.manager).write({"state": "released"})
        with self.assertRaises(UserError):
            hold.with_user(self.manager).unlink()
        self.assertEqual(hold.state, "active")

    def test_search_customers_on_hold(self):
        other = self._make_customer("Other Corp", "other@example.com")
        self.hold()
        Partner = self.env["res.partner"]
        held = Partner.search([("credit_hold", "=", True)])
        self.assertIn(self.customer, held)
        self.assertIn(self.contact, held)
        self.assertNotIn(other, held)
        not_held = Partner.search([("credit_hold", "=", False)])
        self.assertIn(other, not_held)
        self.assertNotIn(self.customer, not_held)
        action = self.env.ref("ar_collections.res_partner_action_credit_hold")
        listed = Partner.search(eval(action.domain))
        self.assertEqual(listed, self.customer)


@tagged("post_install", "-at_install")
class TestBlockedPosting(CreditHoldCase):
    def test_posting_refused_with_customer_reason_and_releaser(self):
        self.hold(reason="Cheque bounced")
        invoice = self.draft_invoice(self.contact, user=self.billing_user)
        self.assertEqual(invoice.ar_credit_hold_id, self.customer.credit_hold_id)
        self.assertEqual(invoice.ar_credit_hold_reason, "Cheque bounced")
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.billing_user).action_post()
        message = str(caught.exception)
        self.assertIn("Acme Corp", message)
        self.assertIn("Cheque bounced", message)
        self.assertIn("Collections Manager", message)
        self.assertEqual(invoice.state, "draft")
        # Also through a plain ORM call of _post as superuser (imports, RPC, crons).
        with self.assertRaises(UserError):
            invoice.sudo()._post(soft=False)
        self.assertEqual(invoice.state, "draft")

    def test_credit_notes_and_payments_pass(self):
        invoice = self._make_invoice(self.customer, MONDAY, amount=300)
        self.hold()
        refund = self.draft_invoice(self.customer, move_type="out_refund", amount=40)
        refund.action_post()
        self.assertEqual(refund.state, "posted")
        self.pay(invoice, amount=100)
        self.assertEqual(invoice.payment_state, "partial")
        # A vendor bill of a held customer is none of our business either.
        bill = self.draft_invoice(self.customer, move_type="in_invoice")
        bill.action_post()
        self.assertEqual(bill.state, "posted")

    def test_other_customers_are_not_blocked(self):
        self.hold()
        other = self._make_customer("Other Corp", "other@example.com")
        invoice = self.draft_invoice(other)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_override_with_reason(self):
        hold = self.hold(reason="Cheque bounced")
        invoice = self.draft_invoice(self.customer)
        action = invoice.with_user(self.override_user).action_ar_credit_hold_override()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.override_user)
            .with_context(action["context"])
            .create({"reason": "Prepaid by wire"})
        )
        self.assertIn("Cheque bounced", wizard.hold_summary)
        wizard.action_confirm()
        self.assertEqual(invoice.state, "posted")
        for record in (invoice, self.customer, hold):
            self.assertIn("Prepaid by wire", self.notes(record))
            self.assertIn("Olga Override", self.notes(record))
        self.assertEqual(hold.state, "active", "the override is for this document only")
        # Once only: the next invoice is refused again.
        second = self.draft_invoice(self.customer)
        with self.assertRaises(UserError):
            second.with_user(self.override_user).action_post()

    def test_override_needs_the_group_and_a_reason(self):
        self.hold()
        invoice = self.draft_invoice(self.customer, user=self.billing_user)
        # The context key alone is not honoured for a user without the group.
        with self.assertRaises(UserError):
            invoice.with_user(self.billing_user).with_context(
                ar_credit_hold_override="Because"
            ).action_post()
        with self.assertRaises(AccessError):
            self.env["ar.credit.hold.override.wizard"].with_user(
                self.billing_user
            ).create(
                {"res_model": "account.move", "res_ids": invoice.ids, "reason": "x"}
            )
        # An empty reason is no override.
        with self.assertRaises(UserError):
            invoice.with_user(self.override_user).with_context(
                ar_credit_hold_override="  "
            ).action_post()
        self.assertEqual(invoice.state, "draft")


@tagged("post_install", "-at_install")
class TestHoldPerCompany(CreditHoldCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.env.user.company_ids |= cls.company_2
        cls.manager.company_ids |= cls.company_2

    def test_hold_applies_in_its_company_only(self):
        self.hold()
        self.assertTrue(self.customer.with_company(self.company).credit_hold)
        self.assertFalse(self.customer.with_company(self.company_2).credit_hold)
        invoice_2 = self._make_invoice(self.customer, MONDAY, company=self.company_2)
        self.assertEqual(invoice_2.state, "posted")
        with self.assertRaises(UserError):
            self._make_invoice(self.customer, MONDAY)
        # Held in the second company too, then released there only.
        self.customer.with_user(self.manager).with_company(
            self.company_2
        ).action_credit_hold("Other company")
        self.customer.with_user(self.manager).with_company(
            self.company_2
        ).action_credit_release("Settled there")
        self.assertTrue(self.customer.with_company(self.company).credit_hold)
        self.assertFalse(self.customer.with_company(self.company_2).credit_hold)


@tagged("post_install", "-at_install")
class TestCreditRecommendation(CreditHoldCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.credit_controller = new_test_user(
            cls.env,
            login="credit_controller",
            name="Carl Control",
            email="carl@example.com",
            groups="ar_collections.group_credit_control",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector_in_control = new_test_user(
            cls.env,
            login="collector_control",
            name="Cora Both",
            email="cora@example.com",
            groups="ar_collections.group_collections_user,"
            "ar_collections.group_credit_control",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.company.account_use_credit_limit = False

    def recommend(self, user=None, **values):
        user = user or self.collector
        recommendation = (
            self.env["ar.credit.recommendation"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "new_limit": 5000.0,
                    "reason": "Pays 60 days late",
                }
                | values
            )
        )
        recommendation.action_submit()
        return recommendation

    def test_approval_sets_credit_limit_and_hold(self):
        recommendation = self.recommend(put_on_hold=True)
        self.assertEqual(recommendation.state, "submitted")
        self.assertEqual(recommendation.requested_by_id, self.collector)
        recommendation.with_user(self.credit_controller).action_approve()
        self.assertEqual(recommendation.state, "approved")
        self.assertEqual(recommendation.decided_by_id, self.credit_controller)
        self.assertTrue(self.company.account_use_credit_limit)
        customer = self.customer.with_company(self.company)
        self.assertEqual(customer.credit_limit, 5000.0)
        self.assertTrue(customer.use_partner_credit_limit)
        self.assertTrue(customer.credit_hold)
        hold = recommendation.hold_id
        self.assertEqual(
            (hold.source, hold.user_id), ("recommendation", self.collector)
        )
        self.assertIn("Credit limit set to", self.notes(self.customer))

    def test_limit_is_per_company(self):
        company_2 = self.setup_other_company()["company"]
        self.recommend().with_user(self.credit_controller).action_approve()
        self.assertEqual(self.customer.with_company(self.company).credit_limit, 5000.0)
        self.assertEqual(self.customer.with_company(company_2).credit_limit, 0.0)

    def test_segregation_of_duties(self):
        recommendation = self.recommend(user=self.collector_in_control)
        with self.assertRaisesRegex(UserError, "another member of Credit control"):
            recommendation.with_user(self.collector_in_control).action_approve()
        with self.assertRaisesRegex(UserError, "another member of Credit control"):
            recommendation.with_user(self.collector_in_control).action_reject()
        # A collector (even a collections manager) is not credit control.
        with self.assertRaises(AccessError):
            self.recommend().with_user(self.manager).action_approve()
        # No way around it by writing the state.
        with self.assertRaises(UserError):
            recommendation.with_user(self.collector_in_control).write(
                {"state": "approved"}
            )
        recommendation.with_user(self.credit_controller).action_approve()
        self.assertEqual(recommendation.state, "approved")

    def test_reject_and_redo(self):
        recommendation = self.recommend()
        recommendation.with_user(self.credit_controller).write(
            {"decision_comment": "Not enough history"}
        )
        recommendation.with_user(self.credit_controller).action_reject()
        self.assertEqual(recommendation.state, "rejected")
        self.assertEqual(self.customer.with_company(self.company).credit_limit, 0.0)
        with self.assertRaises(UserError):
            recommendation.with_user(self.collector).write({"new_limit": 1})
        recommendation.with_user(self.collector).action_reset_to_draft()
        recommendation.with_user(self.collector).write({"new_limit": 3000.0})
        self.assertEqual(recommendation.state, "draft")

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self.recommend(partner_id=self.contact.id)
        with (
            self.assertRaises(psycopg2.IntegrityError),
            self.env.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            self.recommend(new_limit=0)

    def test_form_from_customer(self):
        action = self.customer.with_user(
            self.collector
        ).action_new_credit_recommendation()
        form = Form(
            self.env["ar.credit.recommendation"]
            .with_user(self.collector)
            .with_context(action["context"])
        )
        form.new_limit = 1000
        form.reason = "Growing orders, pays on time"
        recommendation = form.save()
        self.assertEqual(recommendation.partner_id, self.customer)


@tagged("post_install", "-at_install")
class TestCreditHoldAccess(CreditHoldCase):
    def test_plain_user_reads_the_flag_only(self):
        hold = self.hold()
        employee = new_test_user(
            self.env, login="employee", name="Emma Employee", groups="base.group_user"
        )
        customer = self.customer.with_user(employee)
        self.assertTrue(customer.credit_hold)
        self.assertEqual(customer.credit_hold_reason, "Cheque bounced")
        with self.assertRaises(AccessError):
            customer.action_credit_release("Me")
        with self.assertRaises(AccessError):
            self.Hold.with_user(employee).create(
                {"partner_id": self.customer.id, "reason": "x"}
            )
        with self.assertRaises(AccessError):
            hold.with_user(employee).write({"reason": "y"})
        with self.assertRaises(AccessError):
            self.env["ar.credit.recommendation"].with_user(employee).search([])

    def test_collector(self):
        hold = self.hold()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).action_credit_hold("Me")
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).action_credit_release("Me")
        with self.assertRaises(AccessError):
            hold.with_user(self.collector).write({"reason": "y"})
        with self.assertRaises(AccessError):
            self.env["ar.credit.hold.wizard"].with_user(self.collector).create(
                {"partner_ids": self.customer.ids, "reason": "x"}
            )
        self.assertEqual(hold.with_user(self.collector).reason, "Cheque bounced")

    def test_billing_user_cannot_release(self):
        self.hold()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.billing_user).action_credit_release("Me")

    def test_credit_control_cannot_create_recommendations(self):
        controller = new_test_user(
            self.env,
            login="controller2",
            name="Cid Control",
            groups="ar_collections.group_credit_control",
        )
        with self.assertRaises(AccessError):
            self.env["ar.credit.recommendation"].with_user(controller).create(
                {"partner_id": self.customer.id, "new_limit": 10, "reason": "x"}
            )

    def test_other_company_holds_are_invisible(self):
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids |= company_2
        own = self.hold()
        self.customer.with_company(company_2).action_credit_hold("Elsewhere")
        # The other company's hold exists, with its reason...
        other = self.Hold.search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", company_2.id)]
        )
        self.assertEqual(len(other), 1)
        self.assertEqual((other.state, other.reason), ("active", "Elsewhere"))
        self.assertEqual(own.company_id, self.company)
        # ...each company's manager sees their own company's hold, and only it.
        manager_2 = new_test_user(
            self.env,
            login="collections_manager_c2",
            name="Mo Manager",
            groups="ar_collections.group_collections_manager",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        mine = [("partner_id", "=", self.customer.id)]
        self.assertEqual(self.Hold.with_user(self.manager).search(mine), own)
        self.assertEqual(self.Hold.with_user(manager_2).search(mine), other)
        visible = self.Hold.with_user(self.manager).search([])
        self.assertFalse(visible.filtered(lambda hold: hold.company_id == company_2))
        self.assertEqual(
            self.customer.with_user(manager_2)
            .with_company(company_2)
            .credit_hold_reason,
            "Elsewhere",
        )
        self.assertEqual(
            self.customer.with_user(self.manager).credit_hold_reason, "Cheque bounced"
        )
