from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..ladder.write_off_policy import CREDIT_NOTE
from .account_move import OPEN_PAYMENT_STATES
from .ar_write_off_request import WRITE_OFF_STEP


class ArWriteOffRequest(models.Model):
    """The accounting of write-off requests: the credit note or bad-debt entry of
    an approved request, reconciled with its invoices, and the recovery."""

    _inherit = "ar.write.off.request"

    # Posting -------------------------------------------------------------------------

    def _check_approvals_complete(self):
        """The server-side guard of posting: every approval the policy required at
        submission is given, each by a different user who is not the requester."""
        for request in self:
            if request.state != "approved":
                raise UserError(
                    _(
                        "%(name)s is not approved; it cannot be posted.",
                        name=request.name,
                    )
                )
            approvals = request.approval_ids
            users = approvals.user_id
            if (
                any(approval.state != "approved" for approval in approvals)
                or len(users) != len(approvals)
                or request.requester_id in users
                or any(
                    approval.group_id not in approval.user_id.groups_id
                    for approval in approvals
                )
            ):
                raise AccessError(
                    _(
                        "%(name)s lacks the approvals its write-off policy requires.",
                        name=request.name,
                    )
                )

    def _post_write_off(self):
        """Post the write-offs (credit note or bad-debt entry), reconcile them with the
        invoices and record the stage ``written_off``.

        The approvals were checked by the caller (and again here); the accounting
        entries are then created with sudo() because the approvers (collections
        managers) need not be accountants: only the entries of these requests are
        written.
        """
        self._check_approvals_complete()
        for request in self:
            growth = request._ar_residual_growth()
            if growth:
                raise UserError(
                    _(
                        "%(name)s cannot be posted: the open balance grew from "
                        "%(approved)s to %(now)s since it was approved. Approve it "
                        "again for the new amount.",
                        name=request.name,
                        approved=growth[0],
                        now=growth[1],
                    )
                )
        today = fields.Date.context_today(self)
        stage = self.env["ar.collection.stage"]._get_by_code()["written_off"]
        Event = self.env["ar.collection.event"].sudo()
        event_vals = []
        for request in self:
            policy = request._ar_approval_policy()
            company = request.company_id
            moves = request.move_ids.filtered(
                lambda m: m.state == "posted" and m.payment_state in OPEN_PAYMENT_STATES
            )
            if not moves:
                raise UserError(
                    _(
                        "%(name)s: its invoices are no longer open; nothing to "
                        "write off.",
                        name=request.name,
                    )
                )
            residuals = {move.id: move.amount_residual for move in moves}
            sudo_moves = moves.sudo().with_company(company)
            if request.posting_method == CREDIT_NOTE:
                entries = request._post_credit_notes(sudo_moves, today)
            else:
                account = company._ar_bad_debt_account(policy)
                if not account:
                    raise UserError(
                        _("No bad-debt account to post %(name)s to.", name=request.name)
                    )
                entries = request._post_bad_debt_entry(sudo_moves, account, today)
            request._ar_workflow_write(
                {
                    "state": "posted",
                    "date_posted": today,
                    "write_off_move_ids": [Command.link(entry.id) for entry in entries],
                    "postmortem_required": policy.postmortem_required(request.amount),
                }
            )
            for move in moves:
                event_vals.append(
                    {
                        "move_id": move.id,
                        "partner_id": move.commercial_partner_id.id,
                        "company_id": company.id,
                        **Event._origin_values("write_off", request),
                        "step_code": WRITE_OFF_STEP,
                        "action_kind": "write_off",
                        "stage_id": stage.id,
                        "state": "done",
                        "date": today,
                        "amount_residual": residuals[move.id],
                        "result": _(
                            "Written off by %(name)s (%(reason)s): %(entries)s",
                            name=request.name,
                            reason=request._reason_label(),
                            entries=", ".join(entries.mapped("name")),
                        ),
                    }
                )
            request.message_post(
                body=_(
                    "Posted: %(entries)s. The invoices are settled and written off.",
                    entries=", ".join(entries.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
            if request.postmortem_required:
                request.message_post(
                    body=_("A post-mortem is required for this write-off."),
                    subtype_xmlid="mail.mt_note",
                )
        # Events are the collections audit trail; approvers may only read them.
        self.env["ar.collection.event"].sudo().create(event_vals)

    def _post_credit_notes(self, moves, date):
        """One credit note per invoice, for its residual, reconciled with it."""
        refunds = self.env["account.move"].sudo()
        for move in moves:
            residual = move.amount_residual
            if move.currency_id.compare_amounts(residual, move.amount_total) == 0:
                refund = move._reverse_moves(
                    [
                        {
                            "date": date,
                            "invoice_date": date,
                            "invoice_date_due": date,
                            "ref": self._entry_ref(move),
                            "invoice_payment_term_id": False,
                        }
                    ],
                    cancel=False,
                )
            else:
                refund = self._partial_credit_note(move, residual, date)
            refund.action_post()
            self._reconcile(move, refund)
            refunds |= refund
        return refunds

    def _entry_ref(self, move):
        return _(
            "Write-off %(name)s of %(invoice)s (%(reason)s)",
            name=self.name,
            invoice=move.name,
            reason=self._reason_label(),
        )

    def _partial_credit_note(self, move, residual, date):
        """A credit note for the residual of a partly paid invoice.

        Each product line of the invoice is credited at ``residual / total`` of its
        amount (tax excluded, or included when its taxes are price-included) with
        the same taxes, so the tax is reduced in the same proportion. A last line
        without tax takes the rounding difference so that the credit note is
        exactly the residual.
        """
        currency = move.currency_id
        ratio = residual / move.amount_total
        lines = []
        for line in move.invoice_line_ids.filtered(
            lambda l: l.display_type == "product"
        ):
            included = any(tax.price_include for tax in line.tax_ids)
            base = line.price_total if included else line.price_subtotal
            lines.append(
                Command.create(
                    {
                        "name": line.name,
                        "account_id": line.account_id.id,
                        "tax_ids": [Command.set(line.tax_ids.ids)],
                        "quantity": 1,
                        "price_unit": currency.round(base * ratio),
                        "analytic_distribution": line.analytic_distribution,
                    }
                )
            )
        refund = move.create(
            {
                "move_type": "out_refund",
                "partner_id": move.partner_id.id,
                "journal_id": move.journal_id.id,
                "currency_id": currency.id,
                "fiscal_position_id": move.fiscal_position_id.id,
                "invoice_date": date,
                "date": date,
                "invoice_date_due": date,
                "invoice_payment_term_id": False,
                "reversed_entry_id": move.id,
                "ref": self._entry_ref(move),
                "invoice_line_ids": lines,
            }
        )
        difference = residual - refund.amount_total
        if not currency.is_zero(difference):
            account = move.invoice_line_ids.filtered(
                lambda l: l.display_type == "product"
            )[:1].account_id
            refund.write(
                {
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": _("Rounding of the write-off"),
                                "account_id": account.id,
                                "tax_ids": [Command.clear()],
                                "quantity": 1,
                                "price_unit": difference,
                            }
                        )
                    ]
                }
            )
        return refund

    def _post_bad_debt_entry(self, moves, account, date):
        """One miscellaneous entry: the open receivable of each invoice is credited
        (in the invoice currency, at the rate of ``date``) against the bad-debt
        account, then reconciled with the invoice."""
        company = self.company_id
        journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    ("type", "=", "general"),
                    *self.env["account.journal"]._check_company_domain(company),
                ],
                limit=1,
            )
        )
        if not journal:
            raise UserError(
                _(
                    "%(company)s has no miscellaneous journal to post write-offs in.",
                    company=company.name,
                )
            )
        line_vals = []
        pairs = []
        for move in moves:
            debit_balance = 0.0
            debit_currency = 0.0
            for line in self._open_receivable_lines(move):
                amount_currency = line.amount_residual_currency
                balance = line.currency_id._convert(
                    amount_currency, company.currency_id, company, date
                )
                line_vals.append(
                    {
                        "name": self._entry_ref(move),
                        "account_id": line.account_id.id,
                        "partner_id": line.partner_id.id,
                        "currency_id": line.currency_id.id,
                        "amount_currency": -amount_currency,
                        "balance": -balance,
                    }
                )
                pairs.append(line)
                debit_balance += balance
                debit_currency += amount_currency
            line_vals.append(
                {
                    "name": self._entry_ref(move),
                    "account_id": account.id,
                    "partner_id": move.commercial_partner_id.id,
                    "currency_id": move.currency_id.id,
                    "amount_currency": debit_currency,
                    "balance": debit_balance,
                }
            )
        entry = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": _(
                        "Write-off %(name)s (%(reason)s)",
                        name=self.name,
                        reason=self._reason_label(),
                    ),
                    "line_ids": [Command.create(vals) for vals in line_vals],
                }
            )
        )
        entry.action_post()
        credit_lines = entry.line_ids.filtered(lambda l: l.account_id != account)
        for invoice_line, credit_line in zip(pairs, credit_lines, strict=True):
            (invoice_line | credit_line).reconcile()
        return entry

    def _reconcile(self, move, counterpart):
        lines = self._open_receivable_lines(move) | self._open_receivable_lines(
            counterpart
        )
        lines.reconcile()

    @api.model
    def _open_receivable_lines(self, move):
        return move.line_ids.filtered(
            lambda l: (
                l.account_id.account_type == "asset_receivable" and not l.reconciled
            )
        )

    # Recovery ------------------------------------------------------------------------

    def action_recover(self):
        """Money came in after the write-off: reverse the write-off entries so that
        the invoices are open again and the payment can be reconciled with them.

        The write-off entries stay (reversed); the invoices leave the stage
        ``written_off`` (its event is cancelled) and are looked at by the next run.
        """
        if not self.env.user.has_group(
            "ar_collections.group_collections_manager"
        ) and not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                _(
                    "Only a collections manager or an accounting manager can record a "
                    "recovery."
                )
            )
        today = fields.Date.context_today(self)
        for request in self:
            if request.state != "posted" or request.recovered:
                raise UserError(
                    _(
                        "%(name)s is not a posted write-off that can be recovered.",
                        name=request.name,
                    )
                )
            # Permission checked above; the reversal is an accounting write the
            # collections manager may not hold rights for.
            entries = request.write_off_move_ids.sudo()
            reversals = entries._reverse_moves(
                [
                    {
                        "date": today,
                        "ref": _("Recovery of write-off %(name)s", name=request.name),
                        **(
                            {"invoice_date": today, "invoice_date_due": today}
                            if entry.is_invoice()
                            else {}
                        ),
                    }
                    for entry in entries
                ],
                cancel=True,
            )
            request._ar_workflow_write(
                {
                    "recovered": True,
                    "recovery_date": today,
                    "recovery_move_ids": [Command.link(move.id) for move in reversals],
                }
            )
            events = (
                self.env["ar.collection.event"]
                .sudo()
                .search(
                    [
                        ("move_id", "in", request.move_ids.ids),
                        ("origin_model", "=", request._name),
                        ("origin_res_id", "=", request.id),
                        ("state", "=", "done"),
                    ]
                )
            )
            events.write(
                {
                    "state": "cancelled",
                    "result": _(
                        "Recovered on %(date)s (%(entries)s)",
                        date=today,
                        entries=", ".join(reversals.mapped("name")),
                    ),
                }
            )
            request.move_ids._ar_reset_collection_schedule()
            request.message_post(
                body=_(
                    "Recovery: the write-off was reversed by %(entries)s; the invoices "
                    "are open again for the payment to be reconciled.",
                    entries=", ".join(reversals.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
