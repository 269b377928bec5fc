from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from .account_move import OPEN_PAYMENT_STATES, PAID_PAYMENT_STATES
from .ar_agency_referral import ACTIVE_STATES, CLOSE_REASONS, RECALL_STEP, REFERRAL_STEP


class ArAgencyReferralLifecycle(models.Model):
    """Lifecycle of a referral: sending (hold, stage ``agency``, case file e-mailed),
    closing, recall, escalation to legal."""

    _inherit = "ar.agency.referral"

    # Sending -------------------------------------------------------------------------

    def action_send(self):
        """Send the drafts to their agency: hold, stage ``agency``, pause, case file."""
        self._check_manager(_("send"))
        drafts = self.filtered(lambda r: r.state == "draft")
        if drafts != self:
            raise UserError(
                _(
                    "Only draft referrals can be sent: %(referrals)s.",
                    referrals=", ".join((self - drafts).mapped("name")),
                )
            )
        for referral in self:
            if not referral.move_ids:
                raise UserError(
                    _("%(name)s has no invoice to refer.", name=referral.name)
                )
            email = referral.agency_id.agency_email or referral.agency_id.email
            if not email:
                raise UserError(
                    _(
                        "%(agency)s has no e-mail address to send the case file to.",
                        agency=referral.agency_id.display_name,
                    )
                )
        today = fields.Date.context_today(self)
        # The amount referred is what each invoice owes when it leaves.
        with self._ar_unlocked():
            for line in self.line_ids:
                line.amount_referred = line.move_id.amount_residual_signed
        self._transition({"state": "sent", "date_sent": today})
        self._check_not_referred_twice()
        self._put_on_hold()
        self._create_stage_events(today)
        self.move_ids._ar_reset_collection_schedule()
        for referral in self:
            referral._send_case_file()
        return True

    def _put_on_hold(self):
        """Credit hold released when no invoice is left at the stage ``agency``."""
        stage = self.env["ar.collection.stage"]._get_by_code().get("agency")
        Hold = self.env["ar.credit.hold"]
        for company in self.company_id:
            referrals = self.filtered(lambda r, c=company: r.company_id == c)
            for referral in referrals:
                Hold._hold(
                    referral.partner_id,
                    _(
                        "Referred to %(agency)s (%(name)s)",
                        agency=referral.agency_id.name,
                        name=referral.name,
                    ),
                    source="referral",
                    release_mode="when_paid",
                    company=company,
                    stage_id=stage.id if stage else False,
                )

    def _create_stage_events(self, today):
        """Move the invoices to the stage ``agency``: one done event per invoice."""
        stage = self.env["ar.collection.stage"]._get_by_code()["agency"]
        Event = self.env["ar.collection.event"].sudo()
        vals_list = [
            {
                "move_id": line.move_id.id,
                "partner_id": line.move_id.commercial_partner_id.id,
                "company_id": referral.company_id.id,
                **Event._origin_values("referral", referral),
                "step_code": REFERRAL_STEP,
                "action_kind": "refer_to_agency",
                "stage_id": stage.id,
                "state": "done",
                "date": today,
                "amount_residual": line.move_id.amount_residual,
                "result": _(
                    "Referred to %(agency)s (%(name)s)",
                    agency=referral.agency_id.name,
                    name=referral.name,
                ),
            }
            for referral in self
            for line in referral.line_ids
        ]
        # Events are the collections audit trail, written by the system only.
        Event.create(vals_list)

    # Closing, recall, recoveries -----------------------------------------------------

    def _close(self, reason, note=None, defer_billing=False):
        """Close with ``reason``; propose a write-off of what is still owed when the
        agency returns the case, and bill the commission (per-referral agencies)."""
        today = fields.Date.context_today(self)
        note_suffix = f" {note}" if note else ""
        for referral in self:
            with referral._ar_unlocked():
                referral.line_ids._freeze()
            referral._transition(
                {"state": "closed", "close_reason": reason, "date_closed": today}
            )
            referral.message_post(
                body=_(
                    "Closed: %(reason)s. Recovered %(recovered)s of %(referred)s; "
                    "commission %(commission)s.%(note)s",
                    reason=dict(CLOSE_REASONS)[reason],
                    recovered=referral.amount_recovered,
                    referred=referral.amount_referred,
                    commission=referral.commission_amount,
                    note=note_suffix,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.filtered(
            lambda r: r.close_reason in ("returned", "partial")
        )._propose_write_off()
        to_bill = self.filtered(lambda r: r.agency_id.agency_billing_mode != "period")
        if not to_bill:
            return
        if not defer_billing:
            to_bill._bill_commission()
            return
        # Closed by a payment, in the middle of a reconciliation that keeps invoices
        # from being synchronised: bill once it is done, before the commit.
        env, ids = self.env, to_bill.ids

        @env.cr.precommit.add
        def bill_commission():
            # sudo: a system bill that follows the payment, whoever registered it.
            env["ar.agency.referral"].sudo().with_context(self._plain_context()).browse(
                ids
            )._bill_commission()
            env.flush_all()

    def action_close_recovered(self):
        self._check_manager(_("close"))
        self._check_active()
        self._close("recovered")
        return True

    def _check_active(self):
        inactive = self.filtered(lambda r: r.state not in ACTIVE_STATES)
        if inactive:
            raise UserError(
                _(
                    "%(referrals)s: not with an agency (sent, acknowledged or "
                    "collecting).",
                    referrals=", ".join(inactive.mapped("name")),
                )
            )

    def action_close_returned(self, reason=None):
        """The agency gives the case back: close, propose a write-off."""
        self._check_manager(_("close"))
        self._check_active()
        self._close("returned", note=reason)
        return True

    def _propose_write_off(self):
        for referral in self:
            moves = referral.move_ids.filtered(
                lambda m: m.payment_state in OPEN_PAYMENT_STATES
            )
            if not moves:
                continue
            requests = self.env["ar.write.off.request"]._create_for_moves(
                moves,
                reason="agency_returned",
                note=_(
                    "%(agency)s returned %(name)s: %(reason)s. Still owed: "
                    "%(residual)s.",
                    agency=referral.agency_id.name,
                    name=referral.name,
                    reason=dict(CLOSE_REASONS)[referral.close_reason],
                    residual=referral.amount_residual,
                ),
            )
            if requests:
                referral._transition(
                    {"write_off_request_ids": [Command.link(r.id) for r in requests]}
                )
                referral.message_post(
                    body=_(
                        "Write-off proposed for the remaining balance: %(requests)s",
                        requests=", ".join(requests.mapped("name")),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def action_recall(self, reason):
        """Take the case back from the agency; the invoices return to the ladder."""
        self._check_manager(_("recall"))
        if not (reason or "").strip():
            raise UserError(_("Recalling a referral needs a reason."))
        wrong = self.filtered(lambda r: r.state not in ("draft",) + ACTIVE_STATES)
        if wrong:
            raise UserError(
                _(
                    "%(referrals)s cannot be recalled: only draft or active referrals.",
                    referrals=", ".join(wrong.mapped("name")),
                )
            )
        today = fields.Date.context_today(self)
        sent = self.filtered(lambda r: r.state in ACTIVE_STATES)
        with sent._ar_unlocked():
            sent.line_ids._freeze()
        self._transition(
            {"state": "recalled", "recall_reason": reason.strip(), "date_closed": today}
        )
        for referral in self:
            referral.message_post(
                body=_(
                    "Recalled from %(agency)s: %(reason)s",
                    agency=referral.agency_id.name,
                    reason=reason.strip(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        sent._create_recall_events(today)
        sent.move_ids._ar_reset_collection_schedule()
        return True

    def _create_recall_events(self, today):
        """Back to the stage the invoice had before the referral."""
        stages = self.env["ar.collection.stage"]._get_by_code()
        leaving = {stages["agency"].id, stages["legal"].id}
        Event = self.env["ar.collection.event"].sudo()
        vals_list = []
        for referral in self:
            for move in referral.move_ids:
                before = max(
                    (
                        event
                        for event in move.collection_event_ids
                        if event.state == "done"
                        and event.stage_id
                        and event.stage_id.id not in leaving
                    ),
                    key=lambda event: (event.date, event.id),
                    default=None,
                )
                stage = before.stage_id if before else stages["current"]
                vals_list.append(
                    {
                        "move_id": move.id,
                        "partner_id": move.commercial_partner_id.id,
                        "company_id": referral.company_id.id,
                        **Event._origin_values("referral", referral),
                        "step_code": RECALL_STEP,
                        "action_kind": "refer_to_agency",
                        "stage_id": stage.id,
                        "state": "done",
                        "date": today,
                        "amount_residual": move.amount_residual,
                        "result": _(
                            "Recalled from %(agency)s (%(name)s): %(reason)s",
                            agency=referral.agency_id.name,
                            name=referral.name,
                            reason=referral.recall_reason,
                        ),
                    }
                )
        self.env["ar.collection.event"].sudo().create(vals_list)

    @api.model
    def _on_invoices_paid(self, moves):
        """Invoices fully paid: referrals whose invoices are all paid are recovered."""
        referrals = self.sudo().search(
            [("move_ids", "in", moves.ids), ("state", "in", ACTIVE_STATES)]
        )
        done = referrals.filtered(
            lambda r: all(m.payment_state in PAID_PAYMENT_STATES for m in r.move_ids)
        )
        if done:
            # sudo: closing follows from a payment registered by an accountant who
            # need not be a collections manager; only these referrals are touched.
            done._close(
                "recovered", note=_("All invoices are paid."), defer_billing=True
            )

    # Legal ---------------------------------------------------------------------------

    def action_send_to_legal(self):
        """Escalate the case to legal: the referral is recalled, a legal case opens."""
        self.ensure_one()
        self._check_manager(_("escalate"))
        moves = self.move_ids.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)
        if not moves:
            raise UserError(_("%(name)s: nothing left to claim.", name=self.name))
        if self.state in ("draft",) + ACTIVE_STATES:
            self.action_recall(_("Escalated to legal"))
        case = self.env["ar.legal.case"]._open_cases(
            self.partner_id, moves, referral=self
        )
        return case._open_form()
