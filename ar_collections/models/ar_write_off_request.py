from collections import defaultdict
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..ladder import LadderError
from ..ladder.write_off_policy import BAD_DEBT, CREDIT_NOTE
from .account_move import OPEN_PAYMENT_STATES

WRITE_OFF_REASONS = [
    ("uncollectible", "Uncollectible"),
    ("insolvent", "Customer insolvent"),
    ("small_balance", "Small balance"),
    ("dispute_settlement", "Dispute settlement"),
    ("allowed_deduction", "Allowed deduction"),
    ("agency_returned", "Returned by the agency"),
]
REQUEST_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("posted", "Posted"),
    ("rejected", "Rejected"),
]
OPEN_REQUEST_STATES = ("draft", "submitted", "approved")
# Fields the requester fills in; frozen once the request leaves the draft state.
REQUEST_FIELDS = {
    "partner_id",
    "move_ids",
    "reason",
    "note",
    "attachment_ids",
    "company_id",
}
# Fields only the workflow sets (submit, approve, reject, post, recover).
WORKFLOW_FIELDS = {
    "name",
    "state",
    "amount",
    "date_submitted",
    "date_posted",
    "band_description",
    "posting_method",
    "approval_ids",
    "decision_comment",
    "write_off_move_ids",
    "recovered",
    "recovery_date",
    "recovery_move_ids",
    "postmortem_required",
    "auto_approved",
}
# Set from the submitting user by the workflow only, for every caller (even sudo).
REQUESTER_FIELD = "requester_id"
# The workflow's own writes carry this object in their context: an RPC caller can
# only send JSON values, so it cannot forge it (see ``_ar_workflow_write``).
_WORKFLOW_WRITE = object()
# The collection event of a posted write-off: its own step code, and an action index
# no ladder step can produce (ladder actions count from 0), so that it never clashes
# with the unique (invoice, step, action) index of the events.
WRITE_OFF_STEP = "write_off"


class ArWriteOffRequest(models.Model):
    """A request to write off the open balance of one customer's invoices.

    Submitting fixes the amount (company currency, at the day's rate) and, from the
    company's write-off policy, the approvals required: one ``ar.write.off.approval``
    row per group, to be given in order, each by a different user who is not the
    requester. The last approval posts the write-off (credit note or bad-debt entry,
    per reason), reconciled with the invoices so that they are settled, and moves
    them to the stage ``written_off``.
    """

    _name = "ar.write.off.request"
    _description = "Write-off request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    move_ids = fields.Many2many(
        "account.move",
        "ar_write_off_request_move_rel",
        "request_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial')),"
        " ('commercial_partner_id', '=', partner_id)]",
    )
    reason = fields.Selection(WRITE_OFF_REASONS, required=True, tracking=True)
    note = fields.Text()
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "ar_write_off_request_attachment_rel",
        "request_id",
        "attachment_id",
        string="Attachments",
    )
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        currency_field="company_currency_id",
        tracking=True,
        help="Open balance of the invoices in company currency, at the day's rate; "
        "fixed when the request is submitted.",
    )
    state = fields.Selection(
        REQUEST_STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    requester_id = fields.Many2one(
        "res.users",
        string="Requested by",
        default=lambda self: self.env.user,
        required=True,
        readonly=True,
        tracking=True,
        help="The user who submitted the request; set on submission, never by hand.",
    )
    auto_approved = fields.Boolean(
        readonly=True,
        copy=False,
        help="Approved without any approval (policy band with no approvals).",
    )
    date_submitted = fields.Date(readonly=True, copy=False)
    date_posted = fields.Date(string="Posted on", readonly=True, copy=False, index=True)
    band_description = fields.Char(string="Policy band", readonly=True, copy=False)
    posting_method = fields.Selection(
        [(CREDIT_NOTE, "Credit note"), (BAD_DEBT, "Bad-debt entry")],
        readonly=True,
        copy=False,
        help="Set from the policy when the request is submitted.",
    )
    approval_ids = fields.One2many(
        "ar.write.off.approval", "request_id", string="Approvals", readonly=True
    )
    next_approval_id = fields.Many2one(
        "ar.write.off.approval",
        compute="_compute_next_approval_id",
        store=True,
        string="Awaiting",
    )
    next_group_id = fields.Many2one(
        related="next_approval_id.group_id", string="Awaiting approval of"
    )
    can_approve = fields.Boolean(
        compute="_compute_can_approve", search="_search_can_approve"
    )
    decision_comment = fields.Text(
        string="Rejection comment", readonly=True, copy=False
    )
    write_off_move_ids = fields.Many2many(
        "account.move",
        "ar_write_off_request_entry_rel",
        "request_id",
        "move_id",
        string="Write-off entries",
        readonly=True,
        copy=False,
    )
    recovered = fields.Boolean(readonly=True, copy=False, tracking=True)
    recovery_date = fields.Date(readonly=True, copy=False)
    recovery_move_ids = fields.Many2many(
        "account.move",
        "ar_write_off_request_recovery_rel",
        "request_id",
        "move_id",
        string="Recovery entries",
        readonly=True,
        copy=False,
    )
    postmortem_ids = fields.One2many(
        "ar.write.off.postmortem", "request_id", string="Post-mortems"
    )
    postmortem_id = fields.Many2one(
        "ar.write.off.postmortem", compute="_compute_postmortem_id", store=True
    )
    root_cause = fields.Selection(
        related="postmortem_id.root_cause", store=True, string="Root cause"
    )
    postmortem_required = fields.Boolean(
        readonly=True,
        copy=False,
        help="Set at posting: the amount is above the policy's post-mortem threshold.",
    )
    postmortem_due = fields.Boolean(
        compute="_compute_postmortem_due", store=True, string="Post-mortem due"
    )

    # Computes ----------------------------------------------------------------------

    @api.depends("move_ids", "move_ids.amount_residual", "company_id")
    def _compute_amount(self):
        today = fields.Date.context_today(self)
        for request in self:
            if request.state != "draft" and request.amount:
                request.amount = request.amount  # fixed at submission
                continue
            request.amount = request._amount_in_company_currency(today)

    def _amount_in_company_currency(self, date):
        self.ensure_one()
        company = self.company_id or self.env.company
        return sum(
            move.currency_id._convert(
                move.amount_residual, company.currency_id, company, date
            )
            for move in self.move_ids
        )

    @api.depends("approval_ids.state", "approval_ids.sequence", "state")
    def _compute_next_approval_id(self):
        for request in self:
            pending = request.approval_ids.filtered(lambda a: a.state == "pending")
            request.next_approval_id = (
                pending.sorted(lambda a: (a.sequence, a.id))[:1]
                if request.state == "submitted"
                else False
            )

    @api.depends_context("uid")
    @api.depends("next_approval_id", "requester_id", "approval_ids.user_id")
    def _compute_can_approve(self):
        user = self.env.user
        for request in self:
            request.can_approve = bool(
                request.next_approval_id
                and not request._approval_refusal(user, request.next_approval_id)
            )

    def _search_can_approve(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'can approve'."))
        user = self.env.user
        approved_by_me = self.env["ar.write.off.approval"]._search(
            [("user_id", "=", user.id)]
        )
        mine = self._search(
            [
                ("state", "=", "submitted"),
                ("next_approval_id.group_id", "in", user.groups_id.ids),
                ("requester_id", "!=", user.id),
                ("approval_ids", "not any", [("id", "in", approved_by_me)]),
            ]
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", mine)]

    @api.depends("postmortem_ids")
    def _compute_postmortem_id(self):
        for request in self:
            request.postmortem_id = request.postmortem_ids[:1]

    @api.depends("postmortem_required", "postmortem_ids", "recovered", "state")
    def _compute_postmortem_due(self):
        for request in self:
            request.postmortem_due = (
                request.state == "posted"
                and request.postmortem_required
                and not request.recovered
                and not request.postmortem_ids
            )

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for request in self:
            request.display_name = (
                f"{request.name} ({request.partner_id.name})"
                if request.partner_id
                else request.name
            )

    # Constraints, create, write, unlink -----------------------------------------------

    @api.constrains("move_ids", "partner_id")
    def _check_moves(self):
        for request in self:
            if request.state != "draft":
                continue
            wrong = request.move_ids.filtered(
                lambda move, r=request: (
                    move.move_type != "out_invoice"
                    or move.state != "posted"
                    or move.commercial_partner_id != r.partner_id.commercial_partner_id
                )
            )
            if wrong:
                raise ValidationError(
                    _(
                        "%(request)s: only posted customer invoices of %(partner)s can "
                        "be written off; not: %(moves)s",
                        request=request.name,
                        partner=request.partner_id.display_name,
                        moves=", ".join(wrong.mapped("display_name")),
                    )
                )
        self._check_not_in_other_request()

    def _check_not_in_other_request(self):
        others = self.search(
            [
                ("move_ids", "in", self.move_ids.ids),
                ("id", "not in", self.ids),
                "|",
                ("state", "in", OPEN_REQUEST_STATES),
                "&",
                ("state", "=", "posted"),
                ("recovered", "=", False),
            ]
        )
        for request in self.filtered(lambda r: r.state in OPEN_REQUEST_STATES):
            clash = others.filtered(lambda o, r=request: o.move_ids & r.move_ids)
            if clash:
                raise ValidationError(
                    _(
                        "%(moves)s already in write-off request %(other)s.",
                        moves=", ".join(
                            (clash.move_ids & request.move_ids).mapped("display_name")
                        ),
                        other=", ".join(clash.mapped("name")),
                    )
                )

    def _ar_workflow_write(self, vals):
        """The workflow's own write (state, amounts, requester, entries): the
        permission was checked by the calling method."""
        return (
            self.sudo()
            .with_context(ar_collections_workflow_write=_WORKFLOW_WRITE)
            .write(vals)
        )

    def _ar_is_workflow_write(self):
        return self.env.context.get("ar_collections_workflow_write") is _WORKFLOW_WRITE

    def _check_workflow_fields(self, vals):
        """State, amounts and entries are set by the workflow methods only; the
        requester is the submitting user and cannot be changed, even with sudo()."""
        if self._ar_is_workflow_write():
            return
        if REQUESTER_FIELD in vals:
            raise UserError(
                _(
                    "The requester of a write-off request is the user who submits "
                    "it; it cannot be set or changed."
                )
            )
        forced = WORKFLOW_FIELDS & vals.keys()
        if forced and not self.env.su:
            raise UserError(
                _(
                    "These fields of a write-off request are set by its workflow, not "
                    "by hand: %(fields)s.",
                    fields=", ".join(sorted(forced)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Whatever the caller says: the creating user, replaced on submission.
            vals.pop(REQUESTER_FIELD, None)
            self._check_workflow_fields(vals)
            vals[REQUESTER_FIELD] = self.env.user.id
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("ar.write.off.request")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_workflow_fields(vals)
        frozen = REQUEST_FIELDS & vals.keys()
        if frozen and not self.env.su and not self._ar_is_workflow_write():
            locked = self.filtered(lambda r: r.state != "draft")
            if locked:
                raise UserError(
                    _(
                        "%(requests)s can no longer be changed (%(fields)s): only "
                        "draft "
                        "requests can be edited.",
                        requests=", ".join(locked.mapped("name")),
                        fields=", ".join(sorted(frozen)),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        kept = self.filtered(lambda r: r.state != "draft")
        if kept:
            raise UserError(
                _(
                    "Only draft write-off requests can be deleted; %(requests)s stays "
                    "for the audit trail.",
                    requests=", ".join(kept.mapped("name")),
                )
            )

    # Creating requests from elsewhere ------------------------------------------------

    @api.model
    def _create_for_moves(self, moves, reason, note=None, attachments=None):
        """One draft request per customer for ``moves`` (customer invoices).

        Invoices that are not open, or already in an open or posted request, are
        left out. The agency referral and the ladder action call this.
        :return: the requests created (possibly none)
        """
        moves = moves.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state in OPEN_PAYMENT_STATES
            )
        )
        moves -= self._moves_in_requests(moves)
        by_key = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            by_key[(move.company_id.id, move.commercial_partner_id.id)] |= move
        vals_list = [
            {
                "company_id": company_id,
                "partner_id": partner_id,
                "move_ids": [Command.set(key_moves.ids)],
                "reason": reason,
                "note": note or False,
                "attachment_ids": [Command.set(attachments.ids)] if attachments else [],
            }
            for (company_id, partner_id), key_moves in by_key.items()
        ]
        return self.create(vals_list)

    @api.model
    def _moves_in_requests(self, moves):
        """The moves already in a request that is open or posted (not recovered)."""
        requests = self.sudo().search(
            [
                ("move_ids", "in", moves.ids),
                "|",
                ("state", "in", OPEN_REQUEST_STATES),
                "&",
                ("state", "=", "posted"),
                ("recovered", "=", False),
            ]
        )
        return moves & requests.move_ids

    @api.model
    def _ar_ladder_action(self, customer_actions):
        """Ladder action ``request_write_off``: one draft request per customer, and
        a to-do for its collector to review and submit it."""
        outcomes = {}
        creating = []
        for customer_action in customer_actions:
            moves = customer_action.moves - self._moves_in_requests(
                customer_action.moves
            )
            if not moves:
                outcomes[customer_action] = {
                    "state": "skipped",
                    "result": _("Already in a write-off request"),
                }
                continue
            creating.append((customer_action, moves))
        vals_list = [
            {
                "company_id": moves.company_id[:1].id,
                "partner_id": customer_action.partner.id,
                "move_ids": [Command.set(moves.ids)],
                "reason": customer_action.action.params["reason"],
                "note": _(
                    "Requested by the dunning ladder %(ladder)s, step %(step)s.",
                    ladder=customer_action.ladder.name,
                    step=customer_action.step.code,
                ),
            }
            for customer_action, moves in creating
        ]
        requests = self.create(vals_list)
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": request.id,
                    "activity_type_id": todo.id,
                    "summary": _("Review and submit the write-off request"),
                    "date_deadline": customer_action.today,
                    "user_id": (
                        customer_action.partner.collector_id or self.env.user
                    ).id,
                }
                for (customer_action, _moves), request in zip(
                    creating, requests, strict=True
                )
            ]
        )
        for (customer_action, _moves), request in zip(creating, requests, strict=True):
            outcomes[customer_action] = {
                "state": "done",
                "result": _("Write-off request %(name)s created", name=request.name),
            }
        return outcomes

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
        self._ar_workflow_write({"requester_id": self.env.user.id})
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
            policy = request._get_policy()
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
                request._schedule_approval_activities()
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
                ._get_policy()
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

    def _get_policy(self):
        self.ensure_one()
        try:
            return self.company_id._ar_parse_write_off_policy()
        except LadderError as error:
            raise UserError(
                _(
                    "The write-off policy of %(company)s is not valid:\n%(problems)s",
                    company=self.company_id.name,
                    problems=str(error),
                )
            ) from error

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

    def _approval_refusal(self, user, approval):
        """Why ``user`` may not give ``approval`` (None: they may)."""
        self.ensure_one()
        if user == self.requester_id:
            return _("the requester cannot approve their own write-off request")
        if user in self.approval_ids.filtered(lambda a: a.state == "approved").user_id:
            return _(
                "%(user)s has already approved this request; each approval must "
                "come from a different person",
                user=user.name,
            )
        if approval.group_id not in user.groups_id:
            return _(
                "this approval must come from a member of '%(group)s'",
                group=approval.group_id.full_name,
            )
        return None

    def action_approve(self, comment=None):
        """Give the next approval the policy requires; the last one posts.

        When the open balance grew since submission (a payment unreconciled) or
        the policy now asks for other approvals, nothing is approved: the request
        gets the approvals of its new amount, and a warning says so.
        """
        user = self.env.user
        fully_approved = self.browse()
        renewed = []
        for request in self:
            if request.state != "submitted" or not request.next_approval_id:
                raise UserError(
                    _("%(name)s is not waiting for an approval.", name=request.name)
                )
            why = request._ar_approval_outdated()
            if why:
                request._ar_request_new_approval(why)
                renewed.append(why)
                continue
            approval = request.next_approval_id
            refusal = request._approval_refusal(user, approval)
            if refusal:
                raise AccessError(
                    _(
                        "You cannot approve %(name)s: %(why)s.",
                        name=request.name,
                        why=refusal,
                    )
                )
            # Checked above: the user gives the approval the policy asks of them.
            approval.sudo().write(
                {
                    "state": "approved",
                    "user_id": user.id,
                    "date": fields.Datetime.now(),
                    "comment": comment or False,
                }
            )
            request._close_approval_activities(feedback=comment)
            request.message_post(
                body=_(
                    "Approved by %(user)s as %(group)s%(comment)s",
                    user=user.name,
                    group=approval.group_id.full_name,
                    comment=f": {comment}" if comment else ".",
                ),
                subtype_xmlid="mail.mt_note",
            )
            if request.next_approval_id:
                request._schedule_approval_activities()
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

    def _ar_approval_outdated(self):
        """Why the approvals of this request no longer fit (None: they do): its
        open balance grew, or the policy asks for other approvals today."""
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
        today = fields.Date.context_today(self)
        prior = self._ar_recent_auto_amounts(today).get(
            (self.company_id.id, self.partner_id.id), 0.0
        )
        band = self._get_policy().band_for(self.amount + prior, self.reason)
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
        self._close_approval_activities(done=False)
        self.message_post(body=why, subtype_xmlid="mail.mt_note")
        self._ar_submit()

    def action_reject(self, comment):
        """Refuse the request (a comment is required); it cannot be posted any more."""
        if not comment or not str(comment).strip():
            raise UserError(_("Say why the write-off is rejected."))
        user = self.env.user
        for request in self:
            if request.state != "submitted" or not request.next_approval_id:
                raise UserError(
                    _("%(name)s is not waiting for an approval.", name=request.name)
                )
            refusal = request._approval_refusal(user, request.next_approval_id)
            if refusal:
                raise AccessError(
                    _(
                        "You cannot reject %(name)s: %(why)s.",
                        name=request.name,
                        why=refusal,
                    )
                )
            request.next_approval_id.sudo().write(
                {
                    "state": "rejected",
                    "user_id": user.id,
                    "date": fields.Datetime.now(),
                    "comment": comment,
                }
            )
            request._ar_workflow_write(
                {"state": "rejected", "decision_comment": comment}
            )
            request._close_approval_activities(feedback=comment, done=False)
            request.message_post(
                body=_(
                    "Rejected by %(user)s: %(comment)s", user=user.name, comment=comment
                ),
                partner_ids=request.requester_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
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

    def _approval_candidates(self):
        """Users who could give the next approval."""
        self.ensure_one()
        approval = self.next_approval_id
        done = self.approval_ids.filtered(lambda a: a.state == "approved").user_id
        return approval.group_id.users.filtered(
            lambda u, r=self: (
                not u.share
                and u.active
                and u != r.requester_id
                and u not in done
                and r.company_id in u.company_ids
                and u.id != self.env.ref("base.user_root").id
            )
        )

    def _schedule_approval_activities(self):
        todo = self.env.ref("ar_collections.mail_activity_type_write_off_approval")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for request in self:
            group = request.next_approval_id.group_id
            for user in request._approval_candidates():
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": request.id,
                        "activity_type_id": todo.id,
                        "summary": _("Approve write-off %(name)s", name=request.name),
                        "note": _(
                            "%(amount)s %(currency)s of %(partner)s, reason: "
                            "%(reason)s. Your approval as %(group)s is requested.",
                            amount=request.amount,
                            currency=request.company_currency_id.name,
                            partner=request.partner_id.display_name,
                            reason=request._reason_label(),
                            group=group.full_name,
                        ),
                        "date_deadline": today + timedelta(days=2),
                        "user_id": user.id,
                    }
                )
        # Approvers may hold no collections group; the activity only points them to
        # a request they are entitled to read (see ir.model.access).
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)

    def _close_approval_activities(self, feedback=None, done=True):
        """The approver's own activity is marked done; the others are removed."""
        activity_type = self.env.ref(
            "ar_collections.mail_activity_type_write_off_approval"
        )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        own = activities.browse()
        if done:
            own = activities.filtered(lambda a: a.user_id == self.env.user)
            own.action_feedback(feedback=feedback or False)
        (activities - own).unlink()

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
            policy = request._get_policy()
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

    # Navigation ----------------------------------------------------------------------

    def action_open_decision(self):
        self.ensure_one()
        return self.env["ar.write.off.decision"]._open_for(
            self, self.env.context.get("decision", "approve")
        )

    def action_view_entries(self):
        self.ensure_one()
        moves = self.write_off_move_ids | self.recovery_move_ids
        return {
            "type": "ir.actions.act_window",
            "name": _("Write-off entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
        }

    def action_new_postmortem(self):
        self.ensure_one()
        if self.state != "posted":
            raise UserError(
                _("A post-mortem is recorded after the write-off is posted.")
            )
        if self.postmortem_id:
            target = {"res_id": self.postmortem_id.id}
        else:
            target = {"context": {"default_request_id": self.id}}
        return {
            "type": "ir.actions.act_window",
            "name": _("Post-mortem"),
            "res_model": "ar.write.off.postmortem",
            "view_mode": "form",
            **target,
        }
