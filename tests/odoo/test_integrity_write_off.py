"""Write-off integrity: the requester, the approvals, the amount posted and small
balances split over many requests (issue 9.4), and cases made from invoices."""

from contextlib import contextmanager
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.ar_collections.ladder.write_off_policy import REASON_LABELS

from .common import MONDAY, CollectionsCase

POSTING_DAY = date(2026, 6, 15)
MANAGER_GROUP = "ar_collections.group_collections_manager"
ACCOUNTANT_GROUP = "account.group_account_manager"


@tagged("post_install", "-at_install")
@freeze_time(POSTING_DAY)
class TestWriteOffIntegrity(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["ar.write.off.request"]
        cls.company.ar_bad_debt_account_id = cls.company_data["default_account_expense"]
        cls.manager2 = new_test_user(
            cls.env,
            login="integrity_manager2",
            name="Mona Manager",
            groups=MANAGER_GROUP,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="integrity_accountant",
            name="Carl Accountant",
            groups=ACCOUNTANT_GROUP,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def invoice(self, amount, partner=None):
        return self._make_invoice(partner or self.customer, MONDAY, amount=amount)

    def request(self, moves, reason="uncollectible", user=None, submit=True, **vals):
        request = self.Request.with_user(user or self.collector).create(
            {
                "partner_id": moves.commercial_partner_id.id,
                "move_ids": [Command.set(moves.ids)],
                "reason": reason,
            }
            | vals
        )
        if submit:
            request.action_submit()
        return request.with_env(self.env)

    @contextmanager
    def refused(self, exception, regex):
        """The change is refused and rolled back (the cache too)."""
        with self.assertRaisesRegex(exception, regex), self.env.cr.savepoint():
            yield

    def unreconcile(self, move):
        move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()

    # The requester --------------------------------------------------------------------

    def test_requester_given_at_creation_is_not_kept(self):
        # A manager names the collector as requester to approve alone.
        request = self.request(self.invoice(1000), user=self.manager, submit=False)
        forged = self.Request.with_user(self.manager).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice(800).ids)],
                "reason": "uncollectible",
                "requester_id": self.collector.id,
            }
        )
        self.assertEqual(forged.requester_id, self.manager)
        forged.action_submit()
        self.assertEqual(forged.requester_id, self.manager)
        with self.assertRaisesRegex(AccessError, "requester cannot approve"):
            forged.action_approve()
        self.assertEqual(forged.state, "submitted")
        # The requester is whoever submits, not whoever created the draft.
        request.with_user(self.manager2).action_submit()
        self.assertEqual(request.requester_id, self.manager2)
        with self.assertRaisesRegex(AccessError, "requester cannot approve"):
            request.with_user(self.manager2).action_approve()
        request.with_user(self.manager).action_approve()
        self.assertEqual(request.state, "posted")

    def test_requester_cannot_be_changed(self):
        draft = self.request(self.invoice(1000), submit=False)
        submitted = self.request(self.invoice(900), user=self.manager)
        for request in (draft, submitted):
            for env_request in (
                request.with_user(self.manager),
                request.with_user(self.collector),
                request.sudo(),
            ):
                with self.assertRaisesRegex(UserError, "requester of a write-off"):
                    env_request.write({"requester_id": self.collector.id})
        self.assertEqual(submitted.requester_id, self.manager)
        with self.assertRaises(AccessError):
            submitted.with_user(self.manager).action_approve()

    def test_sudo_does_not_write_the_workflow_fields(self):
        """Server code with sudo() goes through the workflow too: no plain write
        sets a request's state, amount, approvals or posting."""
        request = self.request(self.invoice(1000))
        for vals in (
            {"state": "approved"},
            {"state": "posted"},
            {"amount": 1.0},
            {"date_posted": "2026-06-30"},
            {"approval_ids": [Command.clear()]},
            {"date_submitted": "2026-01-01"},
            {"band_description": "forged band"},
            {"decision_comment": "forged"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "set by its workflow"),
            ):
                request.sudo().write(vals)
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.amount, 1000)
        self.assertTrue(request.approval_ids)

    def test_no_context_key_unlocks_the_workflow_fields(self):
        draft = self.request(self.invoice(1000), submit=False)
        for key in ("ar_collections_workflow_write", "ar_recommendation_transition"):
            forging = draft.with_user(self.collector).with_context(**{key: True})
            with self.assertRaises(UserError):
                forging.write({"state": "approved"})
            with self.assertRaises(UserError):
                forging.write({"requester_id": self.manager.id})
        self.assertEqual(draft.state, "draft")

    # Approval records -----------------------------------------------------------------

    def test_approval_rows_refuse_the_requester_and_one_person_twice(self):
        self.company.ar_write_off_policy = (
            f"version: 1\nbands:\n  - approvals: [{MANAGER_GROUP}, {MANAGER_GROUP}]\n"
        )
        request = self.request(self.invoice(200), user=self.manager)
        first, second = request.approval_ids.sorted("sequence")
        Approval = self.env["ar.write.off.approval"]
        # Without rights: the access rules refuse.
        with self.assertRaises(AccessError):
            first.with_user(self.manager2).write(
                {"state": "approved", "user_id": self.manager2.id}
            )
        # Even with sudo(), the model refuses what breaks the rule.
        with self.refused(ValidationError, "requester cannot approve"):
            first.sudo().write({"state": "approved", "user_id": self.manager.id})
        # Approval rows come from the policy at submission: not even sudo()
        # creates one, decided or pending.
        for extra in ({"state": "approved", "user_id": self.manager.id}, {}):
            with self.refused(UserError, "not created by hand"):
                Approval.sudo().create(
                    {
                        "request_id": request.id,
                        "group_xmlid": MANAGER_GROUP,
                        "group_id": self.env.ref(MANAGER_GROUP).id,
                        **extra,
                    }
                )
        first.sudo().write({"state": "approved", "user_id": self.manager2.id})
        with self.refused(ValidationError, "already approved"):
            second.sudo().write({"state": "approved", "user_id": self.manager2.id})
        with self.refused(ValidationError, "member of"):
            second.sudo().write({"state": "approved", "user_id": self.collector.id})
        with self.refused(ValidationError, "records who made it"):
            second.sudo().write({"state": "approved"})
        with self.refused(UserError, "decided write-off approval"):
            first.sudo().write({"user_id": self.env.user.id})
        self.assertEqual(second.state, "pending")

    def test_policy_changed_since_submission_asks_for_its_approvals(self):
        request = self.request(self.invoice(1000))
        self.assertEqual(request.approval_ids.group_xmlid, MANAGER_GROUP)
        self.company.ar_write_off_policy = (
            "version: 1\nbands:\n"
            f"  - approvals: [{MANAGER_GROUP}, {ACCOUNTANT_GROUP}]\n"
        )
        result = request.with_user(self.manager).action_approve()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(request.state, "submitted")
        self.assertEqual(
            request.approval_ids.sorted("sequence").mapped("group_xmlid"),
            [MANAGER_GROUP, ACCOUNTANT_GROUP],
        )
        self.assertEqual(set(request.approval_ids.mapped("state")), {"pending"})
        request.with_user(self.manager).action_approve()
        request.with_user(self.accountant).action_approve()
        self.assertEqual(request.state, "posted")

    # The amount posted ----------------------------------------------------------------

    def test_residual_grown_after_submission_needs_a_new_approval(self):
        move = self.invoice(1000)
        self.pay(move, 400)
        request = self.request(move)
        self.assertEqual(request.amount, 600)
        self.unreconcile(move)  # the payment is taken off: 1000 open again
        self.assertEqual(move.amount_residual, 1000)
        result = request.with_user(self.manager).action_approve()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("grew from 600", result["params"]["message"])
        self.assertEqual(request.state, "submitted")
        self.assertFalse(request.write_off_move_ids)
        self.assertEqual(request.amount, 1000)
        self.assertEqual(request.approval_ids.state, "pending")
        self.assertIn("grew from 600", " ".join(request.message_ids.mapped("body")))
        self.assertEqual(move.payment_state, "not_paid")
        # Approved again for the new amount, it posts the whole residual.
        request.with_user(self.manager).action_approve()
        self.assertEqual(request.state, "posted")
        self.assertAlmostEqual(
            sum(request.write_off_move_ids.line_ids.mapped("debit")), 1000
        )

    def test_posting_refuses_a_residual_above_the_approved_amount(self):
        move = self.invoice(1000)
        self.pay(move, 400)
        request = self.request(move)
        request.approval_ids.sudo().write(
            {"state": "approved", "user_id": self.manager.id}
        )
        request._ar_workflow_write({"state": "approved"})
        self.unreconcile(move)
        with self.assertRaisesRegex(UserError, "grew from 600"):
            request._post_write_off()
        self.assertFalse(request.write_off_move_ids)

    def test_posting_writes_off_the_residual_at_posting_time(self):
        move = self.invoice(1000)
        request = self.request(move)
        self.pay(move, 300)
        request.with_user(self.manager).action_approve()
        self.assertEqual(request.state, "posted")
        self.assertAlmostEqual(
            sum(request.write_off_move_ids.line_ids.mapped("debit")), 700
        )

    # Small balances split over many requests ----------------------------------------

    def test_ten_small_balances_one_by_one(self):
        requests = self.Request
        for _index in range(10):
            requests |= self.request(self.invoice(40), reason="small_balance")
        self.assertEqual(requests[0].state, "posted")
        self.assertTrue(requests[0].auto_approved)
        for request in requests[1:]:
            self.assertEqual(request.state, "submitted", request.name)
            self.assertEqual(request.approval_ids.group_xmlid, MANAGER_GROUP)
            self.assertFalse(request.auto_approved)
        self.assertIn("plus 40.0", " ".join(requests[1].message_ids.mapped("body")))

    def test_ten_small_balances_in_one_submission(self):
        Request = self.Request.with_user(self.collector)
        requests = Request.create(
            [
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice(40).ids)],
                    "reason": "small_balance",
                }
                for _index in range(10)
            ]
        )
        requests.action_submit()
        self.assertEqual(requests.mapped("state").count("posted"), 1)
        self.assertEqual(requests.mapped("state").count("submitted"), 9)

    def test_period_ends_and_other_customers_do_not_count(self):
        other = self._make_customer("Other Ltd", "other@example.com")
        first = self.request(self.invoice(40), reason="small_balance")
        self.assertEqual(first.state, "posted")
        self.assertEqual(
            self.request(self.invoice(40, other), reason="small_balance").state,
            "posted",
        )
        with freeze_time(POSTING_DAY + timedelta(days=89)):
            self.assertEqual(
                self.request(self.invoice(40), reason="small_balance").state,
                "submitted",
            )
        with freeze_time(POSTING_DAY + timedelta(days=90)):
            self.assertEqual(
                self.request(self.invoice(40), reason="small_balance").state,
                "posted",
            )

    def test_without_a_period_each_request_stands_alone(self):
        self.company.ar_write_off_policy = self.company.ar_write_off_policy.replace(
            "auto_approval_period_days: 90", ""
        )
        states = {
            self.request(self.invoice(40), reason="small_balance").state
            for _index in range(3)
        }
        self.assertEqual(states, {"posted"})

    # A case made from invoices --------------------------------------------------------

    def test_created_from_invoices_alone_takes_their_customer(self):
        contact = self.env["res.partner"].create(
            {"name": "Ann Accounts", "parent_id": self.customer.id, "type": "invoice"}
        )
        move = self.invoice(300, partner=contact)
        request = self.Request.with_user(self.collector).create(
            {"move_ids": [Command.set(move.ids)], "reason": "insolvent"}
        )
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(request.company_id, move.company_id)
        self.assertEqual(request.requester_id, self.collector)

    def test_a_request_does_not_hold_the_ladder(self):
        move = self.invoice(1000)
        self.request(move, submit=False)
        self.assertEqual(self.Request._ar_pauses(move, POSTING_DAY), {})
        self.assertIn(
            "ar.write.off.request",
            self.env["ar.collection.case.mixin"]._ar_case_models(),
        )

    def test_reasons_come_from_one_list(self):
        reasons = list(REASON_LABELS.items())
        self.assertEqual(self.Request._fields["reason"].selection, reasons)
        wizard = self.env["ar.write.off.request.wizard"]
        self.assertEqual(wizard._fields["reason"].selection, reasons)
