from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..models.ar_collection_contact import (
    CONTACT_CHANNELS,
    CONTACT_OUTCOMES,
    LATE_PAYMENT_REASONS,
)
from ..models.ar_collection_dispute import DISPUTE_REASONS


class ArCollectionContactWizard(models.TransientModel):
    """Log a contact with a customer in one step, with a promise or a dispute."""

    _name = "ar.collection.contact.wizard"
    _description = "Log a collection contact"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id),"
        " ('move_type', '=', 'out_invoice'),"
        " ('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial')),"
        " ('company_id', '=', company_id)]",
        help="The invoices talked about; empty: all the customer's overdue invoices.",
    )
    date = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self)
    )
    contact_person_id = fields.Many2one(
        "res.partner",
        string="Contact person",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    channel = fields.Selection(CONTACT_CHANNELS, required=True, default="call")
    outcome = fields.Selection(CONTACT_OUTCOMES, required=True, default="reached")
    reason = fields.Selection(LATE_PAYMENT_REASONS, string="Reason for late payment")
    note = fields.Text(string="Notes")
    overdue_amount = fields.Monetary(
        compute="_compute_overdue_amount", currency_field="currency_id"
    )

    create_promise = fields.Boolean(string="Promise to pay")
    promise_amount = fields.Monetary(
        string="Promised amount", currency_field="currency_id"
    )
    promise_date = fields.Date(string="Promised for")

    create_dispute = fields.Boolean(string="Open a dispute")
    dispute_reason = fields.Selection(DISPUTE_REASONS, string="Dispute reason")
    dispute_description = fields.Text(string="What is disputed")
    dispute_responsible_id = fields.Many2one("res.users", string="Responsible")
    dispute_date_due = fields.Date(string="Resolve by")

    @api.model
    def _open_for(self, partner, moves=None):
        if not partner:
            raise UserError(_("Choose a customer to log a contact with."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Log contact: %(partner)s", partner=partner.display_name),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": partner.id,
                "default_company_id": (
                    moves.company_id[:1] if moves else self.env.company
                ).id,
                "default_move_ids": [Command.set(moves.ids)] if moves else [],
            },
        }

    def _target_moves(self):
        self.ensure_one()
        if self.move_ids:
            return self.move_ids
        return self.partner_id.commercial_partner_id.with_company(
            self.company_id
        ).collection_overdue_move_ids

    @api.depends("move_ids", "partner_id", "company_id")
    def _compute_overdue_amount(self):
        for wizard in self:
            wizard.overdue_amount = (
                sum(wizard._target_moves().mapped("amount_residual_signed"))
                if wizard.partner_id
                else 0.0
            )

    @api.onchange("create_promise")
    def _onchange_create_promise(self):
        if self.create_promise:
            self.outcome = "promise"
            if not self.promise_amount:
                self.promise_amount = self.overdue_amount
            if not self.promise_date:
                self.promise_date = self.date + timedelta(days=7)

    @api.onchange("create_dispute")
    def _onchange_create_dispute(self):
        if self.create_dispute:
            self.outcome = "dispute"
            self.reason = self.reason or "dispute"

    def action_confirm(self):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        moves = self._target_moves()
        if (self.create_promise or self.create_dispute) and not moves:
            raise UserError(
                _(
                    "%(partner)s has no open overdue invoice: choose the invoices "
                    "the promise "
                    "or dispute is about.",
                    partner=partner.display_name,
                )
            )
        contact = self.env["ar.collection.contact"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "date": self.date,
                "contact_person_id": self.contact_person_id.id,
                "channel": self.channel,
                "outcome": self.outcome,
                "reason": self.reason,
                "note": self.note,
                "move_ids": [Command.set(moves.ids)],
            }
        )
        summary = [
            _(
                "%(channel)s logged: %(outcome)s",
                channel=dict(CONTACT_CHANNELS)[self.channel],
                outcome=dict(CONTACT_OUTCOMES)[self.outcome],
            )
        ]
        if self.reason:
            summary.append(
                _("Reason: %(reason)s", reason=dict(LATE_PAYMENT_REASONS)[self.reason])
            )
        if self.create_promise:
            if (
                not self.promise_amount
                or self.promise_amount <= 0
                or not self.promise_date
            ):
                raise UserError(
                    _("A promise to pay needs a positive amount and a date.")
                )
            promise = self.env["ar.collection.promise"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "move_ids": [Command.set(moves.ids)],
                    "amount": self.promise_amount,
                    "date": self.promise_date,
                    "date_start": self.date,
                    "contact_id": contact.id,
                    "note": self.note,
                }
            )
            contact.promise_id = promise
            summary.append(
                _(
                    "Promise to pay %(amount)s by %(date)s",
                    amount=promise.amount,
                    date=promise.date,
                )
            )
        if self.create_dispute:
            if not self.dispute_reason or not self.dispute_description:
                raise UserError(_("A dispute needs a reason and a description."))
            dispute = self.env["ar.collection.dispute"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "move_ids": [Command.set(moves.ids)],
                    "reason": self.dispute_reason,
                    "description": self.dispute_description,
                    "responsible_id": (self.dispute_responsible_id or self.env.user).id,
                    "date_due": self.dispute_date_due,
                    "date_open": self.date,
                    "contact_id": contact.id,
                }
            )
            contact.dispute_id = dispute
            summary.append(
                _(
                    "Dispute opened: %(reason)s",
                    reason=dict(DISPUTE_REASONS)[dispute.reason],
                )
            )
        if self.note:
            summary.append(self.note)
        # Collectors may log contacts but not edit customers, and posting on a
        # document needs write access: post the note (only) as superuser, signed by
        # the collector.
        partner.sudo().message_post(
            body=" | ".join(summary),
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
