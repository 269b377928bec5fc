from odoo import Command, _, fields, models
from odoo.exceptions import AccessError, UserError

from .ar_goods_return import GOODS_RETURNED


class ArGoodsReturn(models.Model):
    """Submission, approval and accounting of returns of goods: the approvals
    from the write-off policy (reason ``goods_returned``), checked by
    ``ar.approval.mixin``; the last one posts the credit note."""

    _inherit = "ar.goods.return"

    # Submission ----------------------------------------------------------------------

    def action_submit(self):
        """Fix the value and the approvals the policy requires (none: credited at
        once). The submitting user becomes the requester."""
        for goods_return in self:
            if goods_return.state != "draft":
                raise UserError(
                    _(
                        "%(name)s is not a draft; it cannot be submitted.",
                        name=goods_return.display_name,
                    )
                )
            if not goods_return.line_ids:
                raise UserError(
                    _(
                        "%(name)s takes nothing back: add the invoice lines and "
                        "quantities first.",
                        name=goods_return.display_name,
                    )
                )
            goods_return._ar_check_invoice_open()
            goods_return._ar_check_within_residual()
        self.check_access("write")
        self._ar_set_requester()
        today = fields.Date.context_today(self)
        auto = self.browse()
        for goods_return in self:
            company = goods_return.company_id
            amount = company.currency_id.round(
                goods_return.invoice_currency_id._convert(
                    goods_return.amount_total, company.currency_id, company, today
                )
            )
            band = goods_return._ar_approval_policy().band_for(amount, GOODS_RETURNED)
            if band is None:
                raise UserError(
                    _(
                        "%(name)s: the write-off policy allows no return of goods "
                        "worth %(amount)s %(currency)s (reason 'goods_returned').",
                        name=goods_return.display_name,
                        amount=amount,
                        currency=company.currency_id.name,
                    )
                )
            goods_return._ar_workflow_write(
                {
                    "state": "submitted",
                    "amount": amount,
                    "date_submitted": today,
                    "band_description": band.describe(),
                    "approval_ids": [
                        Command.create(
                            {
                                "sequence": index,
                                "group_xmlid": xmlid,
                                "group_id": self.env.ref(xmlid).id,
                            }
                        )
                        for index, xmlid in enumerate(band.approvals)
                    ],
                }
            )
            goods_return.message_post(
                body=_(
                    "Submitted: goods worth %(amount)s %(currency)s (policy band: "
                    "%(band)s). Approvals required, in order: %(approvers)s.",
                    amount=amount,
                    currency=company.currency_id.name,
                    band=band.describe(),
                    approvers=", ".join(
                        goods_return.approval_ids.group_id.mapped("full_name")
                    )
                    or _("none"),
                ),
                subtype_xmlid="mail.mt_note",
            )
            if band.approvals:
                goods_return._ar_schedule_approval_activities()
            else:
                auto |= goods_return
        auto._ar_credit()
        return True

    def _ar_check_within_residual(self):
        """The credit note may not exceed what the customer still owes."""
        self.ensure_one()
        currency = self.invoice_currency_id
        if (
            currency.compare_amounts(self.amount_total, self.move_id.amount_residual)
            > 0
        ):
            raise UserError(
                _(
                    "%(name)s: the goods taken back are worth %(total)s %(currency)s, "
                    "more than the %(residual)s still owed on %(invoice)s.",
                    name=self.display_name,
                    total=self.amount_total,
                    residual=self.move_id.amount_residual,
                    currency=currency.name,
                    invoice=self.move_id.name,
                )
            )

    # Decisions -----------------------------------------------------------------------

    def _ar_decision_refusal(self, user):
        """Why ``user`` may not decide this return now (None: they may)."""
        self.ensure_one()
        if self.state != "submitted" or not self.next_approval_id:
            raise UserError(
                _("%(name)s is not waiting for an approval.", name=self.display_name)
            )
        refusal = self._ar_approval_refusal(user)
        return refusal[1] if refusal else None

    def action_approve(self, comment=None):
        """Give the next approval the policy requires; the last one credits."""
        user = self.env.user
        approved = self.browse()
        for goods_return in self:
            goods_return._ar_check_may_decide(user)
            approval = goods_return.next_approval_id
            # Checked above: the user gives the approval the policy asks of them.
            approval.sudo().write(
                {
                    "state": "approved",
                    "user_id": user.id,
                    "date": fields.Datetime.now(),
                    "comment": comment or False,
                }
            )
            goods_return._ar_close_approval_activities(feedback=comment)
            goods_return.message_post(
                body=_(
                    "Approved by %(user)s as %(group)s%(comment)s",
                    user=user.name,
                    group=approval.group_id.full_name,
                    comment=": " + comment if comment else ".",
                ),
                subtype_xmlid="mail.mt_note",
            )
            if goods_return.next_approval_id:
                goods_return._ar_schedule_approval_activities()
            else:
                approved |= goods_return
        approved._ar_credit()
        return True

    def action_reject(self, comment):
        """Refuse the return (a comment is required); its quantities are freed."""
        if not comment or not str(comment).strip():
            raise UserError(_("Say why the return of goods is rejected."))
        self._ar_reject_pending_approval(comment)
        return True

    # Accounting ----------------------------------------------------------------------

    def _ar_check_approvals_complete(self):
        """The server-side guard of crediting: every approval required at
        submission given, each by a different user who is not the requester."""
        for goods_return in self:
            approvals = goods_return.approval_ids
            users = approvals.user_id
            if (
                goods_return.state != "submitted"
                or any(approval.state != "approved" for approval in approvals)
                or len(users) != len(approvals)
                or goods_return.requester_id in users
                or any(
                    approval.group_id not in approval.user_id.groups_id
                    for approval in approvals
                )
            ):
                raise AccessError(
                    _(
                        "%(name)s lacks the approvals the write-off policy requires.",
                        name=goods_return.display_name,
                    )
                )

    def _ar_credit(self):
        """Post the credit note of each approved return, reconciled with its
        invoice; then ``_ar_goods_returned`` (the Inventory bridge's hook).

        Checked here again, whoever calls; the entries are made with sudo()
        because approvers (collections managers) need not be accountants: only
        the credit notes of these returns are written.
        """
        if not self:
            return
        self._ar_check_approvals_complete()
        today = fields.Date.context_today(self)
        for goods_return in self:
            goods_return._ar_check_invoice_open()
            goods_return._ar_check_within_residual()
            refund = goods_return._ar_create_credit_note(today)
            refund.action_post()
            receivable = (
                refund.line_ids | goods_return.move_id.sudo().line_ids
            ).filtered(
                lambda l: (
                    l.account_id.account_type == "asset_receivable" and not l.reconciled
                )
            )
            receivable.reconcile()
            goods_return._ar_workflow_write(
                {"state": "done", "date_done": today, "credit_note_id": refund.id}
            )
            body = _(
                "Goods taken back (%(name)s): credit note %(refund)s of %(total)s "
                "%(currency)s, reconciled with %(invoice)s.",
                name=goods_return.name,
                refund=refund.name,
                total=refund.amount_total,
                currency=refund.currency_id.name,
                invoice=goods_return.move_id.name,
            )
            goods_return.message_post(body=body, subtype_xmlid="mail.mt_note")
            goods_return.move_id.sudo().message_post(
                body=body, subtype_xmlid="mail.mt_note"
            )
        self._ar_goods_returned()

    def _ar_create_credit_note(self, date):
        """A draft credit note of the lines taken back: the invoice lines' prices,
        discounts and taxes, the quantities taken back."""
        self.ensure_one()
        move = self.move_id.sudo()
        return (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": move.partner_id.id,
                    "journal_id": move.journal_id.id,
                    "currency_id": move.currency_id.id,
                    "fiscal_position_id": move.fiscal_position_id.id,
                    "invoice_date": date,
                    "date": date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": date,
                    "reversed_entry_id": move.id,
                    "invoice_origin": move.name,
                    "ref": _(
                        "Goods taken back %(name)s of %(invoice)s",
                        name=self.name,
                        invoice=move.name,
                    ),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.move_line_id.product_id.id,
                                "name": line.move_line_id.name,
                                "quantity": line.quantity,
                                "product_uom_id": line.move_line_id.product_uom_id.id,
                                "price_unit": line.move_line_id.price_unit,
                                "discount": line.move_line_id.discount,
                                "tax_ids": [Command.set(line.move_line_id.tax_ids.ids)],
                                "account_id": line.move_line_id.account_id.id,
                                "analytic_distribution": (
                                    line.move_line_id.analytic_distribution
                                ),
                            }
                        )
                        for line in self.line_ids
                    ],
                }
            )
        )

    def _ar_goods_returned(self):
        """Called once the credit notes of these returns are posted (hook: the
        Inventory bridge creates the return transfers)."""
        return True

    # Screens -------------------------------------------------------------------------

    def action_view_credit_note(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_reject(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Reject %(name)s", name=self.name),
            "res_model": "ar.goods.return.reject",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_return_id": self.id},
        }
