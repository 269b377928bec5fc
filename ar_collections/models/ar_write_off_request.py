from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..ladder.write_off_policy import BAD_DEBT, CREDIT_NOTE, REASON_LABELS
from .account_move import OPEN_PAYMENT_STATES

# The reasons are listed once, in ladder/write_off_policy.py (REASON_LABELS).
WRITE_OFF_REASONS = list(REASON_LABELS.items())
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
WORKFLOW_FIELDS = frozenset(
    {
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
)
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

    A collection case (``ar.collection.case.mixin``) that does not hold the ladder,
    approved through ``ar.approval.mixin``. The submission and approval workflow
    is in ar_write_off_workflow.py, the accounting in ar_write_off_posting.py.
    """

    _name = "ar.write.off.request"
    _description = "Write-off request"
    # The approval mixin first: its create checks the caller's values before the
    # case mixin numbers the request.
    _inherit = ["ar.approval.chain.mixin", "ar.collection.case.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _ar_case_sequence_code = "ar.write.off.request"
    _ar_case_deletable_states = ("draft",)
    _ar_pausing_states = ()
    _ar_requester_field = "requester_id"
    _ar_workflow_fields = WORKFLOW_FIELDS
    _ar_approval_activity_type = "ar_collections.mail_activity_type_write_off_approval"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
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
    date_posted = fields.Date(string="Posted on", readonly=True, copy=False, index=True)
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

    # Constraints, write, unlink ------------------------------------------------------

    @api.constrains("move_ids")
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

    def write(self, vals):
        frozen = REQUEST_FIELDS & vals.keys()
        if frozen and not self.env.su and not self._ar_is_unlocked():
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

    def _ar_case_undeletable_message(self):
        return _(
            "Only draft write-off requests can be deleted; %(requests)s stays for the "
            "audit trail.",
            requests=", ".join(
                self.filtered(lambda r: r.state != "draft").mapped("name")
            ),
        )

    # Approval hook (ar.approval.mixin) ---------------------------------------------

    def _ar_approval_activity_text(self, group):
        return (
            _("Approve write-off %(name)s", name=self.name),
            _(
                "%(amount)s %(currency)s of %(partner)s, reason: %(reason)s. Your "
                "approval as %(group)s is requested.",
                amount=self.amount,
                currency=self.company_currency_id.name,
                partner=self.partner_id.display_name,
                reason=self._reason_label(),
                group=group.full_name,
            ),
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
