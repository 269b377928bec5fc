from datetime import timedelta

from odoo import Command, _, fields, models
from odoo.exceptions import AccessError, UserError

from ..ladder.write_off_policy import BAD_DEBT
from .account_move import OPEN_PAYMENT_STATES


class ArWriteOffRequest(models.Model):
    """Submission and approval of write-off requests: the band and approvals from
    the company's policy, each approval checked by ``ar.approval.mixin``."""

    _inherit = "ar.write.off.request"

    # Submission ----------------------------------------------------------------------

    def action_submit(self):
        """Fix the amount and the approvals the policy requires; approve at once when
        the policy requires none. The submitting user becomes the requester."""
        for request in self:
            if request.state != "draft":
                raise UserError(
                    _(
                        "%(name)s is not a draft; it cannot be submitted.",
                        name=request.name,
                    )
                )
            request._check_still_open()
        self.check_access("write")
        self._ar_set_requester()
        self._ar_submit()
        return True

    def _ar_submit(self):
        """Amount, band and approval rows from the policy (first submission, or a
        new approval after the balance grew or the policy changed)."""
        today = fields.Date.context_today(self)
        recent = self._ar_recent_auto_amounts(today)
        auto_approved = self.browse()
        for request in self:
            company = request.company_id
            policy = request._ar_approval_policy()
            amount = company.currency_id.round(
                request._amount_in_company_currency(today)
            )
            key = (company.id, request.partner_id.id)
            prior = recent.get(key, 0.0)
            band = policy.band_for(amount + prior, request.reason)
            if band is None:
                raise UserError(
                    _(
                        "%(name)s: the write-off policy allows no write-off of "
                        "%(amount)s %(currency)s for the reason '%(reason)s'.",
                        name=request.name,
                        amount=amount + prior,
                        currency=company.currency_id.name,
                        reason=request._reason_label(),
                    )
                )
            method = policy.posting_method(request.reason)
            if method == BAD_DEBT and not company._ar_bad_debt_account(policy):
                raise UserError(
                    _(
                        "No bad-debt account to post %(name)s to: set one in Settings "
                        "> Collections, or posting.bad_debt_account in the write-off "
                        "policy.",
                        name=request.name,
                    )
                )
            # The requester may not create approval rows themselves: they are made
            # here from the policy, after the checks above.
            request.approval_ids.sudo().unlink()
            request._ar_workflow_write(
                {
                    "state": "submitted",
                    "amount": amount,
                    "date_submitted": today,
                    "band_description": band.describe(),
                    "posting_method": method,
                    "auto_approved": not band.approvals,
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
            approvers = (
                ", ".join(request.approval_ids.group_id.mapped("full_name"))
                if band.approvals
                else _("none")
            )
            request.message_post(
                body=_(
                    "Submitted for %(amount)s %(currency)s (policy band: %(band)s). "
                    "Approvals required, in order: %(approvers)s.",
                    amount=amount,
                    currency=company.currency_id.name,
                    band=band.describe(),
                    approvers=approvers,
                ),
                subtype_xmlid="mail.mt_note",
            )
            if prior:
                request.message_post(
                    body=_(
                        "The band was chosen for %(total)s %(currency)s: this request "
                        "plus %(prior)s %(currency)s written off for this customer "
                        "without approval in the last %(days)s days.",
                        total=amount + prior,
                        prior=prior,
                        currency=company.currency_id.name,
                        days=policy.auto_approval_period_days,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            if band.approvals:
                request._ar_schedule_approval_activities()
            else:
                auto_approved |= request
                if policy.auto_approval_period_days:
                    recent[key] = prior + amount
        if auto_approved:
            auto_approved._ar_workflow_write({"state": "approved"})
            for request in auto_approved:
                request.message_post(
                    body=_("Approved automatically: the policy requires no approval."),
                    subtype_xmlid="mail.mt_note",
                )
            auto_approved._post_write_off()

    def _ar_recent_auto_amounts(self, today):
        """{(company id, customer id): amount} of the write-offs posted without any
        approval within the policy's ``auto_approval_period_days`` (none: {})."""
        amounts = {}
        for company in self.company_id:
            days = (
                self.filtered(lambda r, c=company: r.company_id == c)[:1]
                ._ar_approval_policy()
                .auto_approval_period_days
            )
            if not days:
                continue
            groups = self.sudo()._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", self.partner_id.ids),
                    ("auto_approved", "=", True),
                    ("state", "=", "posted"),
                    ("recovered", "=", False),
                    ("date_posted", ">", today - timedelta(days=days)),
                    ("id", "not in", self.ids),
                ],
                ["partner_id"],
                ["amount:sum"],
            )
            for partner, total in groups:
                amounts[(company.id, partner.id)] = total
        return amounts

    def _reason_label(self):
        return dict(self._fields["reason"]._description_selection(self.env)).get(
            self.reason, self.reason
        )

    def _check_still_open(self):
        self.ensure_one()
        if not self.move_ids:
            raise UserError(_("%(name)s has no invoices.", name=self.name))
        closed = self.move_ids.filtered(
            lambda m: m.state != "posted" or m.payment_state not in OPEN_PAYMENT_STATES
        )
        if closed:
            raise UserError(
                _(
                    "%(name)s: %(moves)s no longer open; remove them from the request.",
                    name=self.name,
                    moves=", ".join(closed.mapped("display_name")),
                )
            )

    # Approval ------------------------------------------------------------------------

    def action_approve(self, comment=None):
        """Give the next approval the policy requires; the last one posts.

        When the open balance grew since submission (a payment unreconciled) or
        the policy now asks for other approvals, nothing is approved: the request
        gets the approvals of its new amount, and a warning says so.
        """
        user = self.env.user
        fully_approved = self.browse()
        renewed = []
        recent = self._ar_recent_auto_amounts(fields.Date.context_today(self))
        for request in self:
            request._ar_check_may_decide(user, name=request.name)
            why = request._ar_approval_outdated(recent)
            if why:
                request._ar_request_new_approval(why)
                renewed.append(why)
                continue
            approval = request.next_approval_id
            # Checked above: the user gives the approval the policy asks of them.
            approval.sudo().write(
                {
                    "state": "approved",
                    "user_id": user.id,
                    "date": fields.Datetime.now(),
                    "comment": comment or False,
                }
            )
            request._ar_close_approval_activities(feedback=comment)
            comment_suffix = f": {comment}" if comment else "."
            request.message_post(
                body=_(
                    "Approved by %(user)s as %(group)s%(comment)s",
                    user=user.name,
                    group=approval.group_id.full_name,
                    comment=comment_suffix,
                ),
                subtype_xmlid="mail.mt_note",
            )
            if request.next_approval_id:
                request._ar_schedule_approval_activities()
            else:
                fully_approved |= request
        if fully_approved:
            fully_approved._ar_workflow_write({"state": "approved"})
            fully_approved._post_write_off()
        if renewed:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": _("Not posted: a new approval is needed"),
                    "message": "\n".join(renewed),
                    "type": "warning",
                    "sticky": True,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return True

    def _ar_residual_growth(self):
        """(approved amount, open balance now) when the invoices' open balance,
        at the submission day's rate, is above the approved amount; else None."""
        self.ensure_one()
        currency = self.company_id.currency_id
        now = currency.round(
            self._amount_in_company_currency(
                self.date_submitted or fields.Date.context_today(self)
            )
        )
        if currency.compare_amounts(now, self.amount) > 0:
            return self.amount, now
        return None

    def _ar_approval_outdated(self, recent):
        """Why the approvals of this request no longer fit (None: they do): its
        open balance grew, or the policy asks for other approvals today.
        ``recent``: ``_ar_recent_auto_amounts`` of today."""
        self.ensure_one()
        currency = self.company_id.currency_id
        growth = self._ar_residual_growth()
        if growth:
            return _(
                "%(name)s: the open balance grew from %(approved)s to %(now)s "
                "%(currency)s since submission; the new amount needs a new approval.",
                name=self.name,
                approved=growth[0],
                now=growth[1],
                currency=currency.name,
            )
        prior = recent.get((self.company_id.id, self.partner_id.id), 0.0)
        band = self._ar_approval_policy().band_for(self.amount + prior, self.reason)
        required = band.approvals if band else None
        given = tuple(
            self.approval_ids.sorted(lambda a: (a.sequence, a.id)).mapped("group_xmlid")
        )
        if required != given:
            return _(
                "%(name)s: the write-off policy now requires other approvals for "
                "%(amount)s %(currency)s; it is submitted again under today's policy.",
                name=self.name,
                amount=self.amount + prior,
                currency=currency.name,
            )
        return None

    def _ar_request_new_approval(self, why):
        """Throw the approvals given away and submit again for today's amount."""
        self.ensure_one()
        self._ar_close_approval_activities(done=False)
        self.message_post(body=why, subtype_xmlid="mail.mt_note")
        self._ar_submit()

    def _ar_decision_refusal(self, user):
        """Why ``user`` may not decide (approve or reject) this request now, or None.
        A request that waits for no approval is refused as a UserError."""
        self.ensure_one()
        if self.state != "submitted" or not self.next_approval_id:
            raise UserError(
                _("%(name)s is not waiting for an approval.", name=self.name)
            )
        refusal = self._ar_approval_refusal(user)
        return refusal[1] if refusal else None

    def action_reject(self, comment):
        """Refuse the request (a comment is required); it cannot be posted any more."""
        if not comment or not str(comment).strip():
            raise UserError(_("Say why the write-off is rejected."))
        self._ar_reject_pending_approval(comment)
        return True

    def action_reset_to_draft(self):
        """The requester takes a rejected request back to change and resubmit it."""
        is_manager = self.env.user.has_group("ar_collections.group_collections_manager")
        for request in self:
            if request.state != "rejected":
                raise UserError(_("Only rejected requests can go back to draft."))
            if request.requester_id != self.env.user and not is_manager:
                raise AccessError(
                    _(
                        "Only the requester or a collections manager can reopen "
                        "%(name)s.",
                        name=request.name,
                    )
                )
            request.approval_ids.sudo().unlink()
            request._ar_workflow_write(
                {"state": "draft", "band_description": False, "posting_method": False}
            )
        return True
