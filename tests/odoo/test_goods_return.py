"""Goods taken back (ar.goods.return): a collector proposes invoice lines and
quantities, the write-off policy (reason goods_returned) says who approves, the
last approval posts a credit note reconciled with the invoice."""

from contextlib import contextmanager
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import MONDAY, CollectionsCase

MANAGER_GROUP = "ar_collections.group_collections_manager"


@tagged("post_install", "-at_install")
class TestGoodsReturn(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Return = cls.env["ar.goods.return"]
        cls.manager2 = new_test_user(
            cls.env,
            login="collections_manager2",
            name="Mona Manager",
            groups=MANAGER_GROUP,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector2 = new_test_user(
            cls.env,
            login="collector2",
            name="Cora Collector",
            groups="ar_collections.group_collections_user",
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
        cls.tax_sale_a.amount = 15.0

    # Helpers --------------------------------------------------------------------------

    @contextmanager
    def assertRefused(self, exception, text):
        """assertRaises (rolled back to a savepoint) and the message says ``text``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def goods_invoice(self, price_a=100.0):
        """10 x product A at ``price_a`` with 15% tax, 4 x product B at 50 less
        10%, no tax."""
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": MONDAY - timedelta(days=30),
                "invoice_date_due": MONDAY,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "quantity": 10,
                            "price_unit": price_a,
                            "tax_ids": [Command.set(self.tax_sale_a.ids)],
                        }
                    ),
                    Command.create(
                        {
                            "product_id": self.product_b.id,
                            "quantity": 4,
                            "price_unit": 50.0,
                            "discount": 10.0,
                            "tax_ids": [],
                        }
                    ),
                ],
            }
        )
        move.action_post()
        return move

    def lines(self, move):
        product = move.invoice_line_ids.filtered(lambda l: l.display_type == "product")
        return product.filtered(lambda l: l.product_id == self.product_a), (
            product.filtered(lambda l: l.product_id == self.product_b)
        )

    def propose(self, move, quantities, user=None, submit=True):
        """A return of ``{invoice line: quantity}`` made (and submitted) by ``user``
        (default: the collector)."""
        goods_return = self.Return.with_user(user or self.collector).create(
            {
                "move_ids": [Command.set(move.ids)],
                "line_ids": [
                    Command.create({"move_line_id": line.id, "quantity": quantity})
                    for line, quantity in quantities.items()
                ],
            }
        )
        if submit:
            goods_return.action_submit()
        return goods_return.with_env(self.env)

    # The credit note ------------------------------------------------------------------

    def test_partial_return_with_taxes_credit_note_and_reconciliation(self):
        move = self.goods_invoice()
        self.assertAlmostEqual(move.amount_total, 1150.0 + 180.0)
        line_a, line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 3, line_b: 1})
        self.assertEqual(goods_return.state, "submitted")
        self.assertEqual(goods_return.partner_id, self.customer)
        self.assertAlmostEqual(goods_return.amount, 390.0)
        self.assertEqual(
            goods_return.approval_ids.group_id, self.env.ref(MANAGER_GROUP)
        )
        goods_return.with_user(self.manager).action_approve()

        self.assertEqual(goods_return.state, "done")
        refund = goods_return.credit_note_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.reversed_entry_id, move)
        self.assertAlmostEqual(refund.amount_untaxed, 300.0 + 45.0)
        self.assertAlmostEqual(refund.amount_tax, 45.0)
        self.assertAlmostEqual(refund.amount_total, 390.0)
        credited = {
            line.product_id: (
                line.quantity,
                line.price_unit,
                line.discount,
                line.tax_ids,
            )
            for line in refund.invoice_line_ids
        }
        self.assertEqual(
            credited,
            {
                self.product_a: (3.0, 100.0, 0.0, self.tax_sale_a),
                self.product_b: (1.0, 50.0, 10.0, self.env["account.tax"]),
            },
        )
        # Reconciled: the credit note is used up, the rest of the invoice is owed
        # and stays on the ladder.
        self.assertTrue(refund.currency_id.is_zero(refund.amount_residual))
        self.assertAlmostEqual(move.amount_residual, 1330.0 - 390.0)
        self.assertEqual(move.payment_state, "partial")
        receivable = move.line_ids.filtered(
            lambda l: l.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.matched_credit_ids.credit_move_id.move_id, refund)
        self.run_collections(MONDAY + timedelta(days=8))
        self.assertTrue(self.events(move, state="done"), "the rest is still dunned")

    def test_from_the_invoice_every_line_with_what_is_left(self):
        move = self.goods_invoice()
        line_a, line_b = self.lines(move)
        self.propose(move, {line_a: 4}, submit=False)
        action = move.with_user(self.collector).action_ar_goods_return()
        goods_return = (
            self.Return.with_user(self.collector)
            .with_context(action["context"])
            .create({})
        )
        self.assertEqual(goods_return.move_id, move)
        self.assertEqual(
            {line.move_line_id: line.quantity for line in goods_return.line_ids},
            {line_a: 6.0, line_b: 4.0},
        )
        self.assertEqual(move.ar_goods_return_count, 2)

    def test_no_return_from_a_paid_invoice(self):
        move = self.goods_invoice()
        self.pay(move)
        with self.assertRaises(UserError):
            move.with_user(self.collector).action_ar_goods_return()
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 1}, submit=False)
        with self.assertRefused(UserError, "no longer open"):
            goods_return.with_user(self.collector).action_submit()

    def test_return_worth_more_than_still_owed_is_refused(self):
        move = self.goods_invoice()
        self.pay(move, 1000.0)
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 3}, submit=False)  # 345 > 330
        with self.assertRefused(UserError, "more than the 330"):
            goods_return.with_user(self.collector).action_submit()

    # Quantities -----------------------------------------------------------------------

    def test_quantity_over_invoiced_is_refused(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        with self.assertRefused(ValidationError, "only 10.0 can be"):
            self.propose(move, {line_a: 11}, submit=False)
        with self.assertRefused(ValidationError, "more than 0"):
            self.propose(move, {line_a: 0}, submit=False)

    def test_quantity_over_what_other_returns_hold_is_refused(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        first = self.propose(move, {line_a: 3})
        with self.assertRefused(ValidationError, "3.0 already in other returns"):
            self.propose(move, {line_a: 8}, submit=False)
        second = self.propose(move, {line_a: 7}, submit=False)
        # Raising a draft's quantity is checked the same way.
        with self.assertRaises(ValidationError):
            second.line_ids.with_user(self.collector).write({"quantity": 8})
        # A rejected return frees its quantities.
        first.with_user(self.manager).action_reject("Customer keeps them")
        second.line_ids.with_user(self.collector).write({"quantity": 10})

    def test_only_lines_of_the_invoice(self):
        move = self.goods_invoice()
        other = self.goods_invoice()
        line_a, _line_b = self.lines(other)
        with self.assertRefused(ValidationError, "only product lines of the return"):
            self.Return.with_user(self.collector).create(
                {
                    "move_ids": [Command.set(move.ids)],
                    "line_ids": [
                        Command.create({"move_line_id": line_a.id, "quantity": 1})
                    ],
                }
            )
        with self.assertRefused(ValidationError, "exactly one invoice"):
            self.Return.with_user(self.collector).create(
                {"move_ids": [Command.set((move | other).ids)]}
            )

    # Approval rules -------------------------------------------------------------------

    def test_requester_never_approves(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 1}, user=self.manager)
        self.assertEqual(goods_return.requester_id, self.manager)
        self.assertFalse(goods_return.with_user(self.manager).can_approve)
        with self.assertRefused(AccessError, "requester"):
            goods_return.with_user(self.manager).action_approve()
        with self.assertRefused(AccessError, "requester"):
            goods_return.with_user(self.manager).action_reject("No")
        self.assertEqual(goods_return.state, "submitted")
        self.assertTrue(goods_return.with_user(self.manager2).can_approve)
        goods_return.with_user(self.manager2).action_approve()
        self.assertEqual(goods_return.state, "done")

    def test_collector_cannot_approve(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 1})
        with self.assertRefused(AccessError, "member of"):
            goods_return.with_user(self.collector2).action_approve()
        self.assertFalse(goods_return.credit_note_id)

    def test_top_band_needs_a_manager_then_an_accounting_manager(self):
        move = self.goods_invoice(price_a=1000.0)
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 5})  # 5750 > 5000
        self.assertEqual(
            goods_return.approval_ids.mapped("group_xmlid"),
            [MANAGER_GROUP, "account.group_account_manager"],
        )
        with self.assertRaises(AccessError):
            goods_return.with_user(self.accountant).action_approve()
        goods_return.with_user(self.manager).action_approve()
        self.assertEqual(goods_return.state, "submitted")
        self.assertFalse(goods_return.credit_note_id)
        # The same person cannot give the second approval, even with both groups.
        self.manager.groups_id |= self.env.ref("account.group_account_manager")
        with self.assertRefused(AccessError, "already approved"):
            goods_return.with_user(self.manager).action_approve()
        goods_return.with_user(self.accountant).action_approve()
        self.assertEqual(goods_return.state, "done")
        self.assertAlmostEqual(goods_return.credit_note_id.amount_total, 5750.0)

    def test_policy_band_without_approvals_credits_at_once(self):
        self.company.ar_write_off_policy = (
            "version: 1\nbands:\n  - max: 500\n    reasons: [goods_returned]\n"
            "    approvals: []\n"
            "  - approvals: [ar_collections.group_collections_manager]\n"
        )
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 1})
        self.assertEqual(goods_return.state, "done")
        self.assertAlmostEqual(goods_return.credit_note_id.amount_total, 115.0)

    def test_rejection_needs_a_comment_and_is_final(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 1})
        with self.assertRaises(UserError):
            goods_return.with_user(self.manager).action_reject("  ")
        wizard = (
            self.env["ar.goods.return.reject"]
            .with_user(self.manager)
            .create({"return_id": goods_return.id, "comment": "They are broken"})
        )
        wizard.action_reject()
        self.assertEqual(goods_return.state, "rejected")
        self.assertEqual(goods_return.decision_comment, "They are broken")
        with self.assertRaises(UserError):
            goods_return.with_user(self.manager2).action_approve()
        self.assertFalse(goods_return.credit_note_id)

    # Attempts around the workflow -------------------------------------------------

    def test_workflow_fields_refused_for_every_caller(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 1})
        attempts = {
            "collector": goods_return.with_user(self.collector),
            "manager": goods_return.with_user(self.manager2),
            "sudo": goods_return.sudo(),
            "context": goods_return.sudo().with_context(
                ar_unlocked=True, ar_goods_return_workflow=True
            ),
        }
        for who, record in attempts.items():
            for vals in (
                {"state": "done"},
                {"credit_note_id": move.id},
                {"amount": 1.0},
                {"approval_ids": [Command.clear()]},
                {"requester_id": self.manager2.id},
                {"date_submitted": "2026-01-01"},
                {"band_description": "forged band"},
                {"decision_comment": "forged"},
            ):
                with self.subTest(who=who, vals=vals), self.assertRaises(UserError):
                    record.write(vals)
        with self.assertRaises(UserError):
            self.Return.with_user(self.collector).create(
                {"move_ids": [Command.set(move.ids)], "state": "done"}
            )
        created = self.Return.with_user(self.collector).create(
            {"move_ids": [Command.set(move.ids)], "requester_id": self.manager.id}
        )
        self.assertEqual(created.requester_id, self.collector)
        self.assertEqual(goods_return.state, "submitted")

    def test_approval_rows_cannot_be_forged(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 1})
        approval = goods_return.approval_ids
        with self.assertRaises(AccessError):
            approval.with_user(self.manager).write({"state": "approved"})
        with self.assertRaises(UserError):
            self.env["ar.goods.return.approval"].sudo().create(
                {
                    "return_id": goods_return.id,
                    "group_xmlid": "base.group_user",
                    "group_id": self.env.ref("base.group_user").id,
                }
            )
        with self.assertRefused(ValidationError, "requester"):
            approval.sudo().write({"state": "approved", "user_id": self.collector.id})
        # Crediting checks the approvals whoever calls it.
        with self.assertRaises(AccessError):
            goods_return.sudo()._ar_credit()
        self.assertFalse(goods_return.credit_note_id)

    def test_proposal_frozen_after_submission(self):
        move = self.goods_invoice()
        line_a, line_b = self.lines(move)
        goods_return = self.propose(move, {line_a: 1})
        as_collector = goods_return.with_user(self.collector)
        with self.assertRaises(UserError):
            as_collector.line_ids.write({"quantity": 2})
        with self.assertRaises(UserError):
            as_collector.line_ids.unlink()
        with self.assertRaises(UserError):
            self.env["ar.goods.return.line"].with_user(self.collector).create(
                {"return_id": goods_return.id, "move_line_id": line_b.id, "quantity": 1}
            )
        with self.assertRaises(UserError):
            as_collector.write({"note": "changed"})
        with self.assertRaises(UserError):
            as_collector.unlink()
        self.assertEqual(goods_return.line_ids.quantity, 1.0)

    def test_rights(self):
        move = self.goods_invoice()
        line_a, _line_b = self.lines(move)
        with self.assertRaises(AccessError):
            self.propose(move, {line_a: 1}, user=self.billing, submit=False)
        with self.assertRaises(AccessError):
            move.with_user(self.billing).action_ar_goods_return()
        goods_return = self.propose(move, {line_a: 1})
        self.assertTrue(goods_return.approval_ids.with_user(self.collector).read())
        with self.assertRaises(AccessError):
            goods_return.approval_ids.with_user(self.collector).unlink()
