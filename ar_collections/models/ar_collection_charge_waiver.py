"""Waivers of late-payment charges (an ``_inherit`` of ``ar.collection.charge``,
split from the model).

A collector asks with a reason; a charge of at most the company's limit is waived
at once, a larger one waits for a collections manager who is not the requester
(``ar.approval.mixin``). A waiver is a credit note reversing the charge's line,
reconciled with the charge document. The state moves only through these methods.
"""

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

COLLECTOR_GROUP = "ar_collections.group_collections_user"
MANAGER_GROUP = "ar_collections.group_collections_manager"


class ArCollectionCharge(models.Model):
    _inherit = "ar.collection.charge"

    # ar.approval.mixin hooks ---------------------------------------------------------

    def _ar_next_approval_group(self):
        self.ensure_one()
        if self.state == "waiver_requested":
            return self.env.ref(MANAGER_GROUP)
        return self.env["res.groups"]

    @api.model
    def _ar_awaiting_domain(self, user):
        if not user.has_group(MANAGER_GROUP):
            return [("id", "=", False)]
        return [("state", "=", "waiver_requested")]

    def _ar_can_approve_depends(self):
        return ["state", "waiver_requested_by_id"]

    def _ar_approval_activity_text(self, group):
        return _("Approve the waiver of %(charge)s", charge=self.display_name), (
            self.waiver_reason
        )

    # Workflow ------------------------------------------------------------------------

    def action_request_waiver(self, reason):
        """A collector asks to waive these charges, with a reason: waived at once
        up to the company's limit, otherwise sent to a collections manager."""
        if not self.env.user.has_group(COLLECTOR_GROUP):
            raise AccessError(_("Only a collector can ask to waive a charge."))
        self.check_access("read")
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the charge is waived: the reason is required."))
        for charge in self:
            if charge.state != "posted":
                raise UserError(
                    _(
                        "%(charge)s is %(state)s; only a posted charge can be waived.",
                        charge=charge.display_name,
                        state=dict(self._fields["state"].selection)[charge.state],
                    )
                )
        today = fields.Date.context_today(self)
        for charge in self:
            charge._ar_set_requester()
            charge._ar_workflow_write({"waiver_reason": reason, "waiver_date": today})
            if charge._ar_within_waiver_limit():
                charge._ar_waive(
                    _(
                        "Waived by %(user)s (up to the limit of %(limit)s, no "
                        "approval needed): %(reason)s",
                        user=self.env.user.name,
                        limit=charge.company_id.currency_id.format(
                            charge.company_id.ar_charge_waiver_limit
                        ),
                        reason=reason,
                    )
                )
            else:
                charge._ar_workflow_write({"state": "waiver_requested"})
                charge._ar_schedule_approval_activities()
                charge._ar_log(
                    _(
                        "Waiver of %(charge)s (%(amount)s) requested by %(user)s, "
                        "awaiting a collections manager: %(reason)s",
                        charge=charge.display_name,
                        amount=charge.currency_id.format(charge.amount),
                        user=self.env.user.name,
                        reason=reason,
                    )
                )
        return True

    def action_approve_waiver(self):
        self._ar_check_can_decide()
        self._ar_close_approval_activities()
        for charge in self:
            charge._ar_waive(
                _(
                    "Waiver approved by %(user)s (requested by %(requester)s): "
                    "%(reason)s",
                    user=self.env.user.name,
                    requester=charge.waiver_requested_by_id.name,
                    reason=charge.waiver_reason,
                )
            )
        return True

    def action_reject_waiver(self, comment=None):
        self._ar_check_can_decide()
        self._ar_close_approval_activities(feedback=comment)
        for charge in self:
            charge._ar_workflow_write(
                {
                    "state": "posted",
                    "waiver_decided_by_id": self.env.user.id,
                    "waiver_comment": comment or False,
                }
            )
            charge._ar_log(
                _(
                    "Waiver of %(charge)s rejected by %(user)s%(comment)s; the "
                    "charge stands.",
                    charge=charge.display_name,
                    user=self.env.user.name,
                    comment=": " + comment if comment else "",
                )
            )
        return True

    # Internals -----------------------------------------------------------------------

    def _ar_check_can_decide(self):
        """A collections manager decides, never the one who asked."""
        for charge in self:
            if charge.state != "waiver_requested":
                raise UserError(
                    _(
                        "%(charge)s has no waiver awaiting a decision.",
                        charge=charge.display_name,
                    )
                )
            refusal = charge._ar_approval_refusal(self.env.user)
            if refusal:
                raise AccessError(
                    _(
                        "You cannot decide on the waiver of %(charge)s: %(why)s.",
                        charge=charge.display_name,
                        why=refusal[1],
                    )
                )

    def _ar_within_waiver_limit(self):
        self.ensure_one()
        company = self.company_id
        amount = self.currency_id._convert(
            self.amount,
            company.currency_id,
            company,
            fields.Date.context_today(self),
        )
        return (
            company.currency_id.compare_amounts(amount, company.ar_charge_waiver_limit)
            <= 0
        )

    def _ar_waive(self, message):
        """Post the credit note reversing the charge's line, reconcile it with the
        charge document, mark the charge waived and say so in the chatters.

        The caller checked the user's right; the accounting entries are written
        with sudo() (a collector need not be an accountant)."""
        self.ensure_one()
        refund = self._ar_post_waiver_credit_note()
        self._ar_workflow_write(
            {
                "state": "waived",
                "waiver_move_id": refund.id,
                "waiver_decided_by_id": self.env.user.id,
                "waiver_date": fields.Date.context_today(self),
            }
        )
        self._ar_log(
            _(
                "%(message)s. Credit note %(refund)s.",
                message=message,
                refund=refund.name,
            )
        )

    def _ar_post_waiver_credit_note(self):
        self.ensure_one()
        document = self.charge_move_id.sudo()
        line = self.charge_line_id.sudo()
        today = fields.Date.context_today(self)
        Move = self.env["account.move"].sudo().with_company(self.company_id)
        with Move._ar_posting_charges():
            refund = Move.create(
                {
                    "move_type": "out_refund",
                    "partner_id": document.partner_id.id,
                    "journal_id": document.journal_id.id,
                    "currency_id": document.currency_id.id,
                    "invoice_date": today,
                    "date": today,
                    "invoice_date_due": today,
                    "invoice_payment_term_id": False,
                    "fiscal_position_id": document.fiscal_position_id.id,
                    "reversed_entry_id": document.id,
                    "ref": _("Waiver of %(charge)s", charge=self.display_name),
                    "ar_is_charge": True,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "name": _(
                                    "Waived: %(line)s", line=line.name or self.basis
                                ),
                                "account_id": line.account_id.id,
                                "quantity": 1,
                                "price_unit": line.price_unit,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                            }
                        )
                    ],
                }
            )
        refund.action_post()
        receivable = (document | refund).line_ids.filtered(
            lambda l: (
                l.account_id.account_type == "asset_receivable" and not l.reconciled
            )
        )
        if len(receivable.move_id) == 2:
            receivable.reconcile()
        return refund

    def _ar_log(self, body):
        """The waiver in the chatter of the charge and of the customer."""
        root = self.env.ref("base.partner_root")
        author = self.env.user.partner_id or root
        self.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", author_id=author.id
        )
        self.partner_id.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", author_id=author.id
        )
