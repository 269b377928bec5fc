from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .account_move import OPEN_PAYMENT_STATES

REFERRAL_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("acknowledged", "Acknowledged"),
    ("collecting", "Collecting"),
    ("closed", "Closed"),
    ("recalled", "Recalled"),
]
ACTIVE_STATES = ("sent", "acknowledged", "collecting")
# From sending until a recall the agency owns the case: the ladder leaves it alone.
PAUSING_STATES = ACTIVE_STATES + ("closed",)
CLOSE_REASONS = [
    ("recovered", "Recovered"),
    ("partial", "Partly recovered"),
    ("returned", "Returned uncollectible"),
]
# Statuses an agency may report (manual update or CSV import).
AGENCY_STATUSES = [
    ("acknowledged", "Acknowledged"),
    ("collecting", "Collecting"),
    ("recovered", "Recovered"),
    ("partly_recovered", "Partly recovered"),
    ("returned", "Returned uncollectible"),
]
CLOSING_STATUSES = {
    "recovered": "recovered",
    "partly_recovered": "partial",
    "returned": "returned",
}
MANAGER_GROUP = "ar_collections.group_collections_manager"
USER_GROUP = "ar_collections.group_collections_user"
REFERRAL_STEP = "agency_referral"
RECALL_STEP = "agency_recall"
# Fields fixed once the referral is sent.
FROZEN_FIELDS = {
    "partner_id",
    "agency_id",
    "move_ids",
    "line_ids",
    "company_id",
    "commission_rate",
    "commission_minimum",
}
# Fields only the referral's own methods write (send, agency update, recall, close,
# commission billing, case file), whatever the state: their value on creation.
SYSTEM_FIELDS = {
    "state": "draft",
    "close_reason": False,
    "recall_reason": False,
    "date_sent": False,
    "date_closed": False,
    "amount_collected_agency": 0.0,
    "commission_billed": 0.0,
    "commission_move_ids": [],
    "attachment_ids": [],
    "write_off_request_ids": [],
}


class ArAgencyReferral(models.Model):
    """Overdue invoices of one customer handed to a collection agency.

    Sending puts the customer on credit hold, moves the invoices to the stage
    ``agency`` (a collection event per invoice) and pauses the ladder for them; the
    agency receives the case file by e-mail. Recoveries come from payments
    registered on the invoices (``ar.agency.referral.line``) and from what the agency
    reports; the commission is billed to the agency as a draft vendor bill.

    This file holds the fields, the invariants and the write guards; each concern
    extends the model in its own file: ``ar_agency_referral_lifecycle`` (send,
    close, recall, legal), ``ar_agency_case_file`` (PDF, CSV, XLSX),
    ``ar_agency_referral_import`` (agency updates), ``ar_agency_commission``
    (billing) and ``ar_agency_ladder_action`` (ladder action ``refer_to_agency``).
    """

    _name = "ar.agency.referral"
    _description = "Agency referral"
    _inherit = ["ar.collection.case.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _ar_case_deletable_states = ("draft",)
    _ar_case_sequence_code = "ar.agency.referral"
    _ar_pausing_states = PAUSING_STATES
    _ar_pause_shifts_ladder = False

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    agency_id = fields.Many2one(
        "res.partner",
        string="Agency",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_collection_agency', '=', True)]",
    )
    agency_case_reference = fields.Char(
        string="Agency case reference",
        tracking=True,
        copy=False,
        help="The agency's own reference for the case; imports match it or ours.",
    )
    move_ids = fields.Many2many(
        "account.move",
        "ar_agency_referral_move_rel",
        "referral_id",
        "move_id",
        string="Invoices",
        copy=False,
    )
    line_ids = fields.One2many(
        "ar.agency.referral.line", "referral_id", string="Invoice lines", readonly=True
    )
    state = fields.Selection(
        REFERRAL_STATES,
        required=True,
        default="draft",
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    close_reason = fields.Selection(
        CLOSE_REASONS, readonly=True, tracking=True, copy=False
    )
    recall_reason = fields.Char(readonly=True, tracking=True, copy=False)
    date_sent = fields.Date(readonly=True, copy=False, tracking=True)
    date_closed = fields.Date(readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Referred by", default=lambda self: self.env.user
    )
    note = fields.Text(help="Told to the agency in the referral e-mail.")
    commission_rate = fields.Float(
        string="Commission (%)",
        digits=(16, 2),
        tracking=True,
        help="The agency's rate when the case was referred.",
    )
    commission_minimum = fields.Monetary(
        string="Minimum fee",
        help="Charged when a closed case recovered something but the rate gives less.",
    )
    amount_referred = fields.Monetary(
        compute="_compute_amounts",
        store=True,
        help="What the invoices owed when they were referred (company currency).",
    )
    amount_paid = fields.Monetary(
        string="Paid on the invoices",
        compute="_compute_amounts",
        store=True,
        help="Payments registered on the invoices since the referral (agency "
        "remittances and direct payments).",
    )
    amount_collected_agency = fields.Monetary(
        string="Collected (agency report)",
        readonly=True,
        tracking=True,
        copy=False,
        help="Total the agency reports having collected on the case.",
    )
    amount_recovered = fields.Monetary(
        compute="_compute_amounts",
        store=True,
        help="The larger of the payments on the invoices and the agency's report: an "
        "agency remittance registered as a payment shows in both.",
    )
    amount_residual = fields.Monetary(
        string="Still owed", compute="_compute_amounts", store=True
    )
    commission_amount = fields.Monetary(
        string="Commission", compute="_compute_amounts", store=True
    )
    amount_net = fields.Monetary(
        string="Net recovered", compute="_compute_amounts", store=True
    )
    commission_billed = fields.Monetary(readonly=True, copy=False)
    commission_to_bill = fields.Monetary(compute="_compute_commission_to_bill")
    commission_move_ids = fields.Many2many(
        "account.move",
        "ar_agency_referral_commission_rel",
        "referral_id",
        "move_id",
        string="Commission bills",
        readonly=True,
        copy=False,
    )
    update_ids = fields.One2many(
        "ar.agency.referral.update",
        "referral_id",
        string="Agency updates",
        readonly=True,
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "ar_agency_referral_attachment_rel",
        "referral_id",
        "attachment_id",
        string="Case file",
        readonly=True,
        copy=False,
    )
    write_off_request_ids = fields.Many2many(
        "ar.write.off.request",
        "ar_agency_referral_write_off_rel",
        "referral_id",
        "request_id",
        string="Write-off requests",
        readonly=True,
        copy=False,
    )
    legal_case_ids = fields.One2many(
        "ar.legal.case", "referral_id", string="Legal cases", readonly=True
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    _sql_constraints = [
        (
            "commission_rate_range",
            "CHECK(commission_rate >= 0 AND commission_rate <= 100)",
            "The commission rate is a percentage between 0 and 100.",
        ),
    ]

    # Computes ------------------------------------------------------------------------

    @api.onchange("agency_id")
    def _onchange_agency_id(self):
        self.commission_rate = self.agency_id.agency_commission_rate
        self.commission_minimum = self.agency_id.agency_minimum_fee

    @api.depends(
        "line_ids.amount_referred",
        "line_ids.amount_recovered",
        "line_ids.amount_residual",
        "amount_collected_agency",
        "commission_rate",
        "commission_minimum",
        "state",
    )
    def _compute_amounts(self):
        for referral in self:
            rounding = referral.currency_id or self.env.company.currency_id
            referred = sum(referral.line_ids.mapped("amount_referred"))
            paid = sum(referral.line_ids.mapped("amount_recovered"))
            recovered = min(max(paid, referral.amount_collected_agency), referred)
            commission = recovered * referral.commission_rate / 100.0
            if (
                referral.state == "closed"
                and not rounding.is_zero(recovered)
                and commission < referral.commission_minimum
            ):
                commission = min(referral.commission_minimum, recovered)
            commission = rounding.round(commission)
            referral.amount_referred = referred
            referral.amount_paid = paid
            referral.amount_recovered = recovered
            referral.amount_residual = sum(referral.line_ids.mapped("amount_residual"))
            referral.commission_amount = commission
            referral.amount_net = recovered - commission

    @api.depends("commission_amount", "commission_billed")
    def _compute_commission_to_bill(self):
        for referral in self:
            referral.commission_to_bill = max(
                referral.commission_amount - referral.commission_billed, 0.0
            )

    @api.depends("move_ids")
    def _compute_invoice_count(self):
        for referral in self:
            referral.invoice_count = len(referral.move_ids)

    @api.depends("name", "partner_id", "agency_id")
    def _compute_display_name(self):
        for referral in self:
            referral.display_name = _(
                "%(name)s: %(customer)s to %(agency)s",
                name=referral.name,
                customer=referral.partner_id.name or "",
                agency=referral.agency_id.name or "",
            )

    # Constraints ---------------------------------------------------------------------

    @api.constrains("move_ids", "state")
    def _check_referral_moves(self):
        """A draft refers open invoices only (the mixin checks whose they are)."""
        for referral in self:
            if referral.state != "draft":
                continue
            wrong = referral.move_ids.filtered(
                lambda move: move.payment_state not in OPEN_PAYMENT_STATES
            )
            if wrong:
                raise ValidationError(
                    _(
                        "%(referral)s: only open invoices can be referred; not: "
                        "%(moves)s",
                        referral=referral.name,
                        moves=", ".join(wrong.mapped("display_name")),
                    )
                )
        self._check_not_referred_twice()

    @api.constrains("agency_id")
    def _check_agency(self):
        for referral in self:
            if not referral.agency_id.is_collection_agency:
                raise ValidationError(
                    _(
                        "%(partner)s is not a collection agency (tick 'Collection "
                        "agency' on the contact first).",
                        partner=referral.agency_id.display_name,
                    )
                )

    def _check_not_referred_twice(self):
        """An invoice is in at most one active referral and at most one draft."""
        referrals = self.filtered(
            lambda r: r.state == "draft" or r.state in ACTIVE_STATES
        )
        if not referrals:
            return
        others = self.sudo().search(
            [
                ("move_ids", "in", referrals.move_ids.ids),
                ("state", "in", ("draft",) + ACTIVE_STATES),
            ]
        )
        for referral in referrals:
            group = ("draft",) if referral.state == "draft" else ACTIVE_STATES
            clash = others.filtered(
                lambda o, r=referral, g=group: (
                    o != r and o.state in g and o.move_ids & r.move_ids
                )
            )
            if clash:
                raise ValidationError(
                    _(
                        "%(moves)s already in %(what)s referral %(others)s; an invoice "
                        "is never referred to two agencies at once.",
                        moves=", ".join(
                            (clash.move_ids & referral.move_ids).mapped("display_name")
                        ),
                        what=_("a draft")
                        if referral.state == "draft"
                        else _("an active"),
                        others=", ".join(clash.mapped("name")),
                    )
                )
        in_legal = self.env["ar.legal.case"].sudo()._moves_in_cases(referrals.move_ids)
        if in_legal:
            raise ValidationError(
                _(
                    "%(moves)s are with legal; they cannot be referred to an agency.",
                    moves=", ".join(in_legal.mapped("display_name")),
                )
            )

    # CRUD ----------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            given = [
                name
                for name, default in SYSTEM_FIELDS.items()
                if vals.get(name, default) not in (default, False, None)
            ]
            if given:
                raise UserError(
                    _(
                        "A referral starts as a draft; %(fields)s are set by its "
                        "actions (send, agency update, recall, close), not on "
                        "creation.",
                        fields=", ".join(sorted(given)),
                    )
                )
            # Explicit values, so that no default_* context key can set them.
            vals.update(
                {
                    name: list(default) if isinstance(default, list) else default
                    for name, default in SYSTEM_FIELDS.items()
                }
            )
        agencies = self.env["res.partner"].browse(
            [vals["agency_id"] for vals in vals_list if vals.get("agency_id")]
        )
        terms = {
            agency.id: (agency.agency_commission_rate, agency.agency_minimum_fee)
            for agency in agencies
        }
        for vals in vals_list:
            rate, minimum = terms.get(vals.get("agency_id"), (0.0, 0.0))
            vals.setdefault("commission_rate", rate)
            vals.setdefault("commission_minimum", minimum)
        referrals = super().create(vals_list)
        referrals._sync_lines()
        return referrals

    def write(self, vals):
        if not self._ar_is_unlocked():
            self._check_writable(vals)
        result = super().write(vals)
        if "move_ids" in vals:
            self._sync_lines()
        return result

    def _check_writable(self, vals):
        """write() from outside the referral's own methods: never its state or the
        other fields its actions keep, and no frozen field once sent."""
        guarded = SYSTEM_FIELDS.keys() & vals.keys()
        if guarded:
            raise UserError(
                _(
                    "%(fields)s of a referral change only through its actions "
                    "(send, agency update, recall, close, commission billing).",
                    fields=", ".join(sorted(guarded)),
                )
            )
        frozen = FROZEN_FIELDS & vals.keys()
        locked = self.filtered(lambda r: r.state != "draft")
        if frozen and locked:
            raise UserError(
                _(
                    "%(referrals)s: %(fields)s can only change while the referral "
                    "is a draft.",
                    referrals=", ".join(locked.mapped("name")),
                    fields=", ".join(sorted(frozen)),
                )
            )

    def _ar_case_undeletable_message(self):
        return _(
            "%(referrals)s was sent to the agency and stays for the audit trail; "
            "recall it instead.",
            referrals=", ".join(
                self.filtered(lambda r: r.state != "draft").mapped("name")
            ),
        )

    def _sync_lines(self):
        """One line per invoice, amount referred = what it owes now (drafts)."""
        Line = self.env["ar.agency.referral.line"]
        to_unlink = Line
        vals_list = []
        for referral in self:
            lines_by_move = {line.move_id.id: line for line in referral.line_ids}
            to_unlink |= referral.line_ids.filtered(
                lambda line, r=referral: line.move_id not in r.move_ids
            )
            for move in referral.move_ids:
                if move.id not in lines_by_move:
                    vals_list.append(
                        {
                            "referral_id": referral.id,
                            "move_id": move.id,
                            "amount_referred": move.amount_residual_signed,
                        }
                    )
        to_unlink.unlink()
        Line.create(vals_list)

    def _transition(self, vals):
        """Write guarded fields, for the referral's own methods (after their checks)."""
        return self._ar_write_unlocked(vals)

    # Permissions ---------------------------------------------------------------------

    def _check_manager(self, what):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a collections manager can %(what)s a referral.", what=what)
            )

    def _check_collections_user(self, what):
        if not self.env.su and not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                _("Only collections users can %(what)s a referral.", what=what)
            )

    # Views ---------------------------------------------------------------------------

    def _open_moves(self, moves, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "account.move",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", moves.ids)],
        }

    def action_view_invoices(self):
        self.ensure_one()
        return self._open_moves(self.move_ids, _("Referred invoices"))

    def action_view_commission_bills(self):
        self.ensure_one()
        return self._open_moves(self.commission_move_ids, _("Commission bills"))

    def action_open_update_wizard(self):
        return self.env["ar.agency.update.wizard"]._open_for(self)

    def action_open_recall_wizard(self):
        return self.env["ar.agency.close.wizard"]._open_for(self, "recall")

    def action_open_return_wizard(self):
        return self.env["ar.agency.close.wizard"]._open_for(self, "returned")

    # Ladder pause --------------------------------------------------------------------

    def _ar_pause_span(self, move, today):
        """Held from sending until a recall (closed cases stay with the agency)."""
        self.ensure_one()
        if self.state not in self._ar_pausing_states:
            return None
        return (self.date_sent or today, None)

    @api.model
    def _paused_by_referral(self, moves, today):
        """{move_id: None} for the invoices a referral holds (see ``_ar_pauses``)."""
        return dict.fromkeys(self._ar_pauses(moves, today))

    @api.model
    def _moves_in_referrals(self, moves, states=("draft",) + ACTIVE_STATES):
        referrals = self.sudo().search(
            [("move_ids", "in", moves.ids), ("state", "in", states)]
        )
        return moves & referrals.move_ids
