from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import MONDAY, CollectionsCase

POSTING_DAY = date(2026, 6, 15)
MANAGER_GROUP = "ar_collections.group_collections_manager"


@tagged("post_install", "-at_install")
@freeze_time(POSTING_DAY)
class TestWriteOff(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["ar.write.off.request"]
        cls.bad_debt_account = cls.company_data["default_account_expense"]
        cls.company.ar_bad_debt_account_id = cls.bad_debt_account
        cls.manager2 = new_test_user(
            cls.env,
            login="collections_manager2",
            name="Mona Manager",
            groups=MANAGER_GROUP,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="chief_accountant",
            name="Carl Accountant",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.billing = new_test_user(
            cls.env,
            login="billing_clerk",
            name="Bill Clerk",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    # Helpers --------------------------------------------------------------------------

    def request(self, moves, reason="uncollectible", user=None, submit=True):
        """A request made (and submitted) by ``user`` (default: the collector)."""
        Request = self.Request.with_user(user or self.collector)
        request = Request.create(
            {
                "partner_id": moves.commercial_partner_id.id,
                "move_ids": [Command.set(moves.ids)],
                "reason": reason,
                "note": "Customer gone",
            }
        )
        if submit:
            request.action_submit()
        return request.with_env(self.env)

    def invoice(self, amount, **kwargs):
        return self._make_invoice(self.customer, MONDAY, amount=amount, **kwargs)

    def taxed_invoice(self, price):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": MONDAY - timedelta(days=30),
                "invoice_date_due": MONDAY,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "quantity": 2,
                            "price_unit": price / 2,
                            "tax_ids": [Command.set(self.tax_sale_a.ids)],
                        }
                    ),
                    Command.create(
                        {
                            "name": "Freight",
                            "quantity": 1,
                            "price_unit": 33.33,
                            "tax_ids": [],
                        }
                    ),
                ],
            }
        )
        move.action_post()
        return move

    def assert_written_off(self, moves):
        for move in moves:
            self.assertTrue(move.currency_id.is_zero(move.amount_residual), move.name)
            self.assertIn(move.payment_state, ("paid", "reversed"), move.name)
            self.assertEqual(move.collection_stage_id.code, "written_off", move.name)

    # Bands of the policy --------------------------------------------------------------

    def test_small_balance_is_approved_and_posted_at_once(self):
        move = self.invoice(30)
        request = self.request(move, reason="small_balance")
        self.assertEqual(request.state, "posted")
        self.assertFalse(request.approval_ids)
        self.assertEqual(request.posting_method, "bad_debt")
        self.assert_written_off(move)
        entry = request.write_off_move_ids
        self.assertEqual(entry.move_type, "entry")
        debit = entry.line_ids.filtered(lambda line: line.debit)
        self.assertEqual(debit.account_id, self.bad_debt_account)
        self.assertAlmostEqual(debit.debit, 30)
        self.assertEqual(entry.date, POSTING_DAY)
        self.assertTrue(
            self.events(move, step_code="write_off", state="done").filtered(
                lambda e: e.stage_id.code == "written_off"
            )
        )

    def test_small_balance_band_is_for_small_balances_only(self):
        request = self.request(self.invoice(30), reason="uncollectible")
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.approval_ids.group_xmlid, MANAGER_GROUP)

    def test_middle_band_one_collections_manager(self):
        move = self.invoice(1000)
        request = self.request(move)
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.amount, 1000)
        self.assertEqual(request.next_group_id, self.env.ref(MANAGER_GROUP))
        activities = request.activity_ids
        self.assertIn(self.manager, activities.user_id)
        self.assertNotIn(self.collector, activities.user_id)
        self.assertNotIn(self.accountant, activities.user_id)
        with self.assertRaises(AccessError):
            request.with_user(self.collector).action_approve()
        request.with_user(self.manager).action_approve(comment="Agreed")
        self.assertEqual(request.state, "posted")
        self.assertEqual(request.approval_ids.user_id, self.manager)
        self.assertEqual(request.approval_ids.comment, "Agreed")
        self.assertFalse(request.activity_ids)
        self.assert_written_off(move)

    def test_top_band_manager_then_accounting_manager(self):
        move = self.invoice(6000)
        request = self.request(move)
        self.assertEqual(
            request.approval_ids.mapped("group_xmlid"),
            [MANAGER_GROUP, "account.group_account_manager"],
        )
        # In order: the accountant cannot give the collections manager's approval.
        with self.assertRaises(AccessError):
            request.with_user(self.accountant).action_approve()
        request.with_user(self.manager).action_approve()
        self.assertEqual(request.state, "submitted")
        self.assertIn(self.accountant, request.activity_ids.user_id)
        self.assertNotIn(self.manager, request.activity_ids.user_id)
        request.with_user(self.accountant).action_approve()
        self.assertEqual(request.state, "posted")
        self.assertEqual(request.approval_ids.user_id, self.manager | self.accountant)
        self.assert_written_off(move)

    def test_amount_above_every_band_is_refused(self):
        self.company.ar_write_off_policy = (
            "version: 1\nbands:\n  - max: 100\n    approvals: []\n"
        )
        request = self.request(self.invoice(500), submit=False)
        with self.assertRaisesRegex(UserError, "allows no write-off of 500"):
            request.action_submit()
        self.assertEqual(request.state, "draft")

    # Segregation of duties ------------------------------------------------------------

    def test_requester_cannot_approve_own_request(self):
        request = self.request(self.invoice(1000), user=self.manager)
        with self.assertRaisesRegex(AccessError, "requester cannot approve"):
            request.with_user(self.manager).action_approve()
        self.assertFalse(request.with_user(self.manager).can_approve)
        self.assertTrue(request.with_user(self.manager2).can_approve)

    def test_one_person_cannot_give_two_approvals(self):
        # The test user is both a collections manager and an accounting manager.
        request = self.request(self.invoice(6000))
        request.action_approve()
        self.assertEqual(request.state, "submitted")
        with self.assertRaisesRegex(AccessError, "already approved"):
            request.action_approve()
        self.assertFalse(request.can_approve)
        self.assertTrue(request.with_user(self.accountant).can_approve)

    def test_same_group_twice_needs_two_people(self):
        self.company.ar_write_off_policy = (
            f"version: 1\nbands:\n  - approvals: [{MANAGER_GROUP}, {MANAGER_GROUP}]\n"
        )
        request = self.request(self.invoice(200))
        request.with_user(self.manager).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.manager).action_approve()
        request.with_user(self.manager2).action_approve()
        self.assertEqual(request.state, "posted")

    def test_to_approve_list(self):
        request = self.request(self.invoice(1000))
        to_approve = self.Request.with_user(self.manager).search(
            [("can_approve", "=", True)]
        )
        self.assertIn(request, to_approve)
        self.assertNotIn(
            request,
            self.Request.with_user(self.collector).search([("can_approve", "=", True)]),
        )
        self.assertNotIn(
            request,
            self.Request.with_user(self.accountant).search(
                [("can_approve", "=", True)]
            ),
        )

    def test_posting_is_checked_on_the_server(self):
        request = self.request(self.invoice(1000))
        with self.assertRaisesRegex(UserError, "set by its workflow"):
            request.sudo().state = "approved"
        self.assertEqual(request.state, "submitted")
        # forged in the database: the approval was never given
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ar_write_off_request SET state = 'approved' WHERE id = %s",
            request.ids,
        )
        request.invalidate_recordset(["state"])
        self.assertEqual(request.state, "approved")
        with self.assertRaisesRegex(AccessError, "lacks the approvals"):
            request._post_write_off()
        self.assertFalse(request.write_off_move_ids)

    # Rejection ------------------------------------------------------------------------

    def test_rejection_needs_a_comment_and_is_final(self):
        move = self.invoice(1000)
        request = self.request(move)
        with self.assertRaises(UserError):
            request.with_user(self.manager).action_reject("  ")
        with self.assertRaises(AccessError):
            request.with_user(self.collector).action_reject("No")
        request.with_user(self.manager).action_reject(
            "Keep chasing: they paid last year"
        )
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.approval_ids.state, "rejected")
        self.assertFalse(request.activity_ids)
        self.assertIn("Keep chasing", request.message_ids[0].body)
        with self.assertRaises(UserError):
            request.with_user(self.manager2).action_approve()
        self.assertEqual(move.payment_state, "not_paid")
        # The requester may take it back, change it and submit again.
        request.with_user(self.collector).action_reset_to_draft()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.approval_ids)

    def test_decision_wizard(self):
        request = self.request(self.invoice(1000))
        Decision = self.env["ar.write.off.decision"].with_user(self.manager)
        with self.assertRaises(UserError):
            Decision.create(
                {"request_id": request.id, "decision": "reject"}
            ).action_confirm()
        Decision.create(
            {"request_id": request.id, "decision": "approve", "comment": "ok"}
        ).action_confirm()
        self.assertEqual(request.state, "posted")

    # Posting methods ------------------------------------------------------------------

    def test_credit_note_for_an_allowed_deduction(self):
        move = self.taxed_invoice(1000)
        request = self.request(move, reason="allowed_deduction")
        request.with_user(self.manager).action_approve()
        self.assertEqual(request.state, "posted")
        refund = request.write_off_move_ids
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.reversed_entry_id, move)
        self.assertEqual(refund.state, "posted")
        self.assertAlmostEqual(refund.amount_total, move.amount_total)
        self.assertAlmostEqual(refund.amount_tax, move.amount_tax)
        self.assertEqual(refund.invoice_date, POSTING_DAY)
        self.assertEqual(move.payment_state, "reversed")
        self.assert_written_off(move)

    def test_partially_paid_invoice_credit_note_for_the_residual(self):
        move = self.taxed_invoice(1000)
        self.pay(move, 500)
        residual = move.amount_residual
        request = self.request(move, reason="dispute_settlement")
        self.assertAlmostEqual(request.amount, residual)
        request.with_user(self.manager).action_approve()
        refund = request.write_off_move_ids
        self.assertEqual(refund.move_type, "out_refund")
        self.assertAlmostEqual(refund.amount_total, residual)
        # The tax is reduced in proportion to the residual (to the cent).
        expected_tax = move.amount_tax * residual / move.amount_total
        self.assertAlmostEqual(refund.amount_tax, expected_tax, delta=0.02)
        self.assert_written_off(move)

    def test_partially_paid_invoice_bad_debt_for_the_residual(self):
        move = self.invoice(100)
        self.pay(move, 60)
        request = self.request(move, reason="small_balance")
        self.assertEqual(request.state, "posted")
        entry = request.write_off_move_ids
        self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), 40)
        self.assert_written_off(move)

    def test_several_invoices_one_entry(self):
        moves = self.invoice(300) | self.invoice(200)
        request = self.request(moves)
        self.assertEqual(request.amount, 500)
        request.with_user(self.manager).action_approve()
        self.assertEqual(len(request.write_off_move_ids), 1)
        self.assert_written_off(moves)

    def test_no_bad_debt_account_is_said_at_submission(self):
        self.company.ar_bad_debt_account_id = False
        request = self.request(self.invoice(1000), submit=False)
        with self.assertRaisesRegex(UserError, "No bad-debt account"):
            request.action_submit()
        # A credit-note reason needs none.
        request.reason = "allowed_deduction"
        request.action_submit()
        self.assertEqual(request.state, "submitted")

    def test_policy_account_wins_over_the_setting(self):
        other = self.bad_debt_account.copy({"code": "699999"})
        self.company.ar_write_off_policy = (
            "version: 1\nbands:\n  - approvals: []\n"
            "posting:\n  bad_debt_account: 699999\n"
        )
        request = self.request(self.invoice(30), reason="small_balance")
        self.assertEqual(
            request.write_off_move_ids.line_ids.filtered("debit").account_id, other
        )

    # Multi-currency -------------------------------------------------------------------

    def test_foreign_currency_at_the_posting_date_rate(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2026-01-01", 2.0), ("2026-06-01", 4.0)]
        )
        move = self.invoice(1000, currency=eur)
        self.assertAlmostEqual(move.amount_residual_signed, 500)  # at the invoice rate
        request = self.request(move)
        self.assertAlmostEqual(request.amount, 250)  # at today's rate
        request.with_user(self.manager).action_approve()
        entry = request.write_off_move_ids
        credit = entry.line_ids.filtered("credit")
        self.assertEqual(credit.currency_id, eur)
        self.assertAlmostEqual(credit.amount_currency, -1000)
        self.assertAlmostEqual(credit.credit, 250)
        self.assertAlmostEqual(entry.line_ids.filtered("debit").debit, 250)
        self.assertEqual(move.amount_residual, 0)
        self.assertTrue(credit.reconciled)
        self.assert_written_off(move)

    def test_foreign_currency_credit_note(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2026-01-01", 2.0), ("2026-06-01", 4.0)]
        )
        move = self.invoice(1000, currency=eur)
        self.pay(move, 400)
        request = self.request(move, reason="allowed_deduction")
        self.assertAlmostEqual(request.amount, 150)
        request.with_user(self.manager).action_approve()
        refund = request.write_off_move_ids
        self.assertEqual(refund.currency_id, eur)
        self.assertAlmostEqual(refund.amount_total, 600)
        self.assertAlmostEqual(refund.amount_total_signed, -150)
        self.assert_written_off(move)

    # Recovery -------------------------------------------------------------------------

    def test_recovery_reverses_the_bad_debt_entry(self):
        move = self.invoice(1000)
        request = self.request(move)
        request.with_user(self.manager).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.collector).action_recover()
        request.with_user(self.manager).action_recover()
        self.assertTrue(request.recovered)
        self.assertEqual(request.state, "posted")
        self.assertEqual(request.recovery_date, POSTING_DAY)
        self.assertEqual(
            request.recovery_move_ids.reversed_entry_id, request.write_off_move_ids
        )
        self.assertEqual(move.payment_state, "not_paid")
        self.assertAlmostEqual(move.amount_residual, 1000)
        self.assertNotEqual(move.collection_stage_id.code, "written_off")
        self.pay(move)
        self.assertEqual(move.payment_state, "paid")
        self.assertEqual(move.collection_stage_id.code, "paid")
        # History kept: the write-off event is cancelled, not deleted.
        self.assertEqual(self.events(move, step_code="write_off").state, "cancelled")
        with self.assertRaises(UserError):
            request.action_recover()

    def test_recovery_of_a_credit_note(self):
        move = self.taxed_invoice(1000)
        request = self.request(move, reason="allowed_deduction")
        request.with_user(self.manager).action_approve()
        request.with_user(self.accountant).action_recover()
        self.assertEqual(move.payment_state, "not_paid")
        self.assertAlmostEqual(move.amount_residual, move.amount_total)
        self.assertIn(request.write_off_move_ids.payment_state, ("paid", "reversed"))
        # Once recovered, the invoice may be written off again later.
        again = self.request(move, reason="uncollectible")
        self.assertEqual(again.state, "submitted")

    # Integrity ------------------------------------------------------------------------

    def test_posted_request_cannot_be_edited_or_deleted(self):
        request = self.request(self.invoice(30), reason="small_balance")
        with self.assertRaises(UserError):
            request.write({"reason": "insolvent"})
        with self.assertRaises(UserError):
            request.unlink()
        draft = self.request(self.invoice(40), submit=False)
        draft.write({"note": "changed"})
        # The state and amounts are the workflow's, even on a draft.
        for forged in ({"state": "posted"}, {"amount": 1}, {"recovered": True}):
            with self.assertRaises(UserError):
                draft.with_user(self.collector).write(forged)
        with self.assertRaises(UserError):
            self.Request.with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(draft.move_ids.ids)],
                    "reason": "insolvent",
                    "state": "approved",
                }
            )
        draft.unlink()

    def test_an_invoice_is_in_one_open_request_only(self):
        move = self.invoice(1000)
        self.request(move, submit=False)
        with self.assertRaisesRegex(ValidationError, "already in write-off request"):
            self.request(move, submit=False)

    def test_only_customer_invoices_of_the_customer(self):
        other = self._make_customer("Other Ltd", "other@example.com")
        move = self._make_invoice(other, MONDAY, 100)
        with self.assertRaises(ValidationError):
            self.Request.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(move.ids)],
                    "reason": "uncollectible",
                }
            )

    def test_state_changes_in_the_chatter(self):
        request = self.request(self.invoice(1000))
        request.with_user(self.manager).action_approve(comment="fine")
        bodies = " ".join(request.message_ids.mapped("body"))
        self.assertIn("Submitted for 1000", bodies)
        self.assertIn("Approved by Maria Manager", bodies)
        self.assertIn("Posted:", bodies)
        self.assertTrue(self.Request._fields["state"].tracking)

    # Entry points ---------------------------------------------------------------------

    def test_create_for_moves_one_request_per_customer(self):
        other = self._make_customer("Other Ltd", "other@example.com")
        moves = (
            self.invoice(100) | self.invoice(50) | self._make_invoice(other, MONDAY, 70)
        )
        taken = self.invoice(80)
        self.request(taken, submit=False)
        requests = self.Request._create_for_moves(
            moves | taken, reason="agency_returned", note="Agency gave up"
        )
        self.assertEqual(len(requests), 2)
        self.assertEqual(requests.partner_id, self.customer | other)
        self.assertNotIn(taken, requests.move_ids)
        self.assertEqual(set(requests.mapped("state")), {"draft"})
        self.assertEqual(set(requests.mapped("reason")), {"agency_returned"})

    def test_wizard_from_invoices_and_customer(self):
        moves = self.invoice(100) | self.invoice(200)
        Wizard = self.env["ar.write.off.request.wizard"].with_user(self.collector)
        action = Wizard._open_for_partners(self.customer)
        self.assertEqual(action["res_model"], "ar.write.off.request.wizard")
        wizard = Wizard.with_context(action["context"]).create({"reason": "insolvent"})
        self.assertEqual(wizard.move_ids, moves)
        result = wizard.action_create_submit()
        request = self.Request.browse(result["res_id"])
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.requester_id, self.collector)
        self.assertEqual(request.move_ids, moves)

    def test_ladder_action_requests_a_write_off(self):
        self.ladder.yaml_source = self.ladder.yaml_source + (
            "  - code: write_off_review\n"
            "    day: 180\n"
            "    actions:\n"
            "      - request_write_off: {reason: uncollectible}\n"
        )
        move = self.invoice(900)
        self.run_collections(MONDAY + timedelta(days=182))  # a Monday
        request = self.Request.search([("move_ids", "in", move.ids)])
        self.assertEqual(len(request), 1)
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.reason, "uncollectible")
        self.assertIn(self.collector, request.activity_ids.user_id)
        event = self.events(move, step_code="write_off_review")
        self.assertEqual(event.result, f"Write-off request {request.name} created")
        self.run_collections(MONDAY + timedelta(days=189))
        self.assertEqual(self.Request.search_count([("move_ids", "in", move.ids)]), 1)

    # Post-mortem ----------------------------------------------------------------------

    def test_postmortem_required_above_the_threshold(self):
        small = self.request(self.invoice(500))
        small.with_user(self.manager).action_approve()
        big = self.request(self.invoice(1500))
        big.with_user(self.manager).action_approve()
        self.assertFalse(small.postmortem_required)
        self.assertTrue(big.postmortem_required)
        self.assertEqual(self.Request.search([("postmortem_due", "=", True)]), big)
        postmortem = (
            self.env["ar.write.off.postmortem"]
            .with_user(self.manager)
            .create(
                {
                    "request_id": big.id,
                    "root_cause": "credit_too_easy",
                    "description": "<p>Credit limit set without a credit check.</p>",
                    "action_item_ids": [
                        Command.create(
                            {
                                "name": "Credit check before any limit",
                                "user_id": self.manager2.id,
                                "deadline": POSTING_DAY + timedelta(days=14),
                            }
                        ),
                        Command.create(
                            {
                                "name": "Review limits of similar customers",
                                "user_id": self.collector.id,
                                "deadline": POSTING_DAY + timedelta(days=30),
                            }
                        ),
                    ],
                }
            )
        )
        self.assertFalse(big.postmortem_due)
        self.assertEqual(big.root_cause, "credit_too_easy")
        items = postmortem.action_item_ids
        self.assertEqual(
            postmortem.activity_ids.user_id, self.manager2 | self.collector
        )
        self.assertEqual(
            sorted(postmortem.activity_ids.mapped("date_deadline")),
            sorted(items.mapped("deadline")),
        )
        ActionItem = self.env["ar.write.off.action.item"]
        self.assertEqual(ActionItem.search([("done", "=", False)]), items)
        items[0].activity_id.with_user(self.manager2).action_feedback("Done")
        self.assertTrue(items[0].done)
        self.assertEqual(ActionItem.search([("done", "=", False)]), items[1])
        items[1].with_user(self.collector).action_done()
        self.assertTrue(items[1].done)
        # The report: write-offs by root cause, month and customer.
        groups = self.Request._read_group(
            [("state", "=", "posted")],
            ["root_cause", "date_posted:month", "partner_id"],
            ["amount:sum"],
        )
        self.assertIn(
            ("credit_too_easy", date(2026, 6, 1), self.customer, 1500), groups
        )

    def test_postmortem_only_for_posted_write_offs(self):
        request = self.request(self.invoice(1000))
        with self.assertRaises(UserError):
            self.env["ar.write.off.postmortem"].create(
                {"request_id": request.id, "root_cause": "other", "description": "x"}
            )

    # Policy configuration -------------------------------------------------------------

    def test_invalid_policy_is_refused_and_previous_stays(self):
        previous = self.company.ar_write_off_policy
        broken = previous.replace("max: 5000", "max: -5").replace(
            "account.group_account_manager", "account.group_nobody"
        )
        with self.assertRaises(ValidationError) as caught:
            self.company.ar_write_off_policy = broken
        message = str(caught.exception)
        self.assertIn("line 6, bands[1].max: expected a number >= 0", message)
        self.assertIn("bands[2].approvals[1]: no group with the XML id", message)
        self.company.invalidate_recordset()
        self.assertEqual(self.company.ar_write_off_policy, previous)

    def test_unknown_account_code_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "no account with code '000042'"):
            self.company.ar_write_off_policy = (
                "version: 1\nbands:\n  - approvals: []\n"
                "posting:\n  bad_debt_account: '000042'\n"
            )

    def test_policy_from_the_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertIn("version: 1", settings.ar_write_off_policy)
        with self.assertRaisesRegex(ValidationError, "at least one item"):
            settings.ar_write_off_policy = "version: 1\nbands: []\n"
            settings.execute()

    # Access ---------------------------------------------------------------------------

    def test_access_by_group(self):
        request = self.request(self.invoice(6000))
        # A collector reads requests but cannot touch approvals.
        request.with_user(self.collector).read(["state", "amount"])
        with self.assertRaises(AccessError):
            request.approval_ids.with_user(self.collector).write({"state": "approved"})
        with self.assertRaises(AccessError):
            self.env["ar.write.off.approval"].with_user(self.collector).create(
                {
                    "request_id": request.id,
                    "group_xmlid": "x.y",
                    "group_id": self.env.ref(MANAGER_GROUP).id,
                }
            )
        # An accounting manager without collections groups reads and approves.
        request.with_user(self.manager).action_approve()
        request.with_user(self.accountant).read(["state"])
        request.with_user(self.accountant).action_approve()
        self.assertEqual(request.state, "posted")
        # A billing clerk sees no write-off requests.
        with self.assertRaises(AccessError):
            request.with_user(self.billing).read(["state"])
        with self.assertRaises(AccessError):
            self.Request.with_user(self.billing).create(
                {"partner_id": self.customer.id, "reason": "insolvent"}
            )
        # Collectors cannot delete a submitted request, nor create post-mortems.
        submitted = self.request(self.invoice(300))
        self.assertEqual(submitted.state, "submitted")
        with self.assertRaisesRegex(
            UserError, "Only draft write-off requests can be deleted"
        ):
            submitted.with_user(self.collector).unlink()
        self.assertTrue(submitted.exists())
        self.assertEqual(submitted.state, "submitted")
        with self.assertRaises(UserError):
            request.with_user(self.collector).unlink()
        self.assertTrue(request.exists())
        with self.assertRaises(AccessError):
            self.env["ar.write.off.postmortem"].with_user(self.collector).create(
                {"request_id": request.id, "root_cause": "other", "description": "x"}
            )
