from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..ladder.write_off_policy import REASON_LABELS

DISPUTE_STATES = [("open", "Open"), ("resolved", "Resolved")]
DISPUTE_REASONS = [
    ("price", "Wrong price"),
    ("quantity", "Wrong quantity"),
    ("damaged", "Damaged or faulty goods"),
    ("not_delivered", "Goods not delivered"),
    ("service", "Service not as agreed"),
    ("not_ordered", "Not ordered"),
    ("duplicate", "Billed twice"),
    ("terms", "Payment terms"),
    ("other", "Other"),
]
DISPUTE_OUTCOMES = [
    ("customer_right", "Customer right"),
    ("customer_wrong", "Customer wrong"),
]
MANAGER_GROUP = "ar_collections.group_collections_manager"
# How a dispute settled in the customer's favour is booked: the credit-note reasons.
WRITE_OFF_REASONS = [
    (code, REASON_LABELS[code]) for code in ("dispute_settlement", "allowed_deduction")
]


class ArCollectionDispute(models.Model):
    """A customer disputes one or more invoices.

    While open, its invoices are out of the dunning ladder (they stay in every
    report). It is handed to a responsible user (sales, warehouse...) with a due
    date; resolving it records the outcome: customer right (a write-off request
    for a credit note, "dispute settlement" or "allowed deduction") or customer
    wrong (the ladder resumes where it was).

    Its invoices and opening day never change once it is open, and it is resolved
    (never reopened) through ``action_resolve`` only: a reopened or widened dispute
    would hold the ladder again without anyone deciding it. Only a collections
    manager records a dispute opened before today.
    """

    _name = "ar.collection.dispute"
    _description = "Invoice dispute"
    _inherit = ["ar.collection.case.mixin"]
    _order = "state, date_due, id desc"

    _ar_case_deletable_states = ("open",)
    _ar_pausing_states = ("open",)
    _ar_pause_shifts_ladder = True
    _ar_case_workflow_fields = frozenset({"state", "outcome", "date_resolved"})
    _ar_case_frozen_fields = frozenset(
        {"partner_id", "company_id", "move_ids", "date_open"}
    )

    move_ids = fields.Many2many(
        "account.move",
        "ar_collection_dispute_move_rel",
        "dispute_id",
        "move_id",
        string="Invoices",
        required=True,
        domain="[('commercial_partner_id', '=', partner_id),"
        " ('move_type', '=', 'out_invoice'),"
        " ('state', '=', 'posted')]",
    )
    reason = fields.Selection(DISPUTE_REASONS, required=True, tracking=True, index=True)
    description = fields.Text(required=True)
    responsible_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
        help="Who investigates (for example in sales or the warehouse).",
    )
    date_open = fields.Date(
        string="Opened on",
        required=True,
        default=lambda self: fields.Date.context_today(self),
    )
    date_due = fields.Date(string="Resolve by", tracking=True)
    date_resolved = fields.Date(string="Resolved on", readonly=True, copy=False)
    state = fields.Selection(
        DISPUTE_STATES,
        required=True,
        default="open",
        tracking=True,
        index=True,
        copy=False,
    )
    outcome = fields.Selection(
        DISPUTE_OUTCOMES, readonly=True, tracking=True, copy=False
    )
    write_off_reason = fields.Selection(
        WRITE_OFF_REASONS,
        default="dispute_settlement",
        help="When the customer is right: how the credit note is booked.",
    )
    resolution_note = fields.Text(tracking=True)
    amount_disputed = fields.Monetary(
        currency_field="currency_id",
        help="Default: what the invoices owed when the dispute was opened.",
    )
    product_ids = fields.Many2many(
        "product.product",
        "ar_collection_dispute_product_rel",
        "dispute_id",
        "product_id",
        string="Products",
        compute="_compute_product_ids",
        store=True,
    )
    contact_id = fields.Many2one(
        "ar.collection.contact", string="Logged contact", readonly=True
    )
    dispute_count = fields.Integer(default=1, aggregator="sum", readonly=True)

    @api.depends("partner_id", "reason")
    def _compute_display_name(self):
        labels = dict(DISPUTE_REASONS)
        for dispute in self:
            dispute.display_name = _(
                "%(partner)s: %(reason)s",
                partner=dispute.partner_id.display_name or "",
                reason=labels.get(dispute.reason, ""),
            )

    @api.depends("move_ids.invoice_line_ids.product_id")
    def _compute_product_ids(self):
        for dispute in self:
            dispute.product_ids = dispute.move_ids.invoice_line_ids.product_id

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        may_backdate = self.env.su or self.env.user.has_group(MANAGER_GROUP)
        for vals in vals_list:
            opened = fields.Date.to_date(vals.get("date_open")) or today
            if opened < today and not may_backdate:
                raise UserError(
                    _(
                        "Only a collections manager can record a dispute opened "
                        "before today (opened on %(date)s).",
                        date=opened,
                    )
                )
        disputes = super().create(vals_list)
        for dispute in disputes.filtered(lambda d: not d.amount_disputed):
            dispute.amount_disputed = sum(
                dispute.move_ids.mapped("amount_residual_signed")
            )
        disputes._schedule_responsible_activity()
        return disputes

    def _schedule_responsible_activity(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        for dispute in self.filtered(lambda d: d.responsible_id and d.state == "open"):
            dispute.activity_schedule(
                activity_type_id=todo.id,
                summary=_("Investigate the dispute"),
                note=dispute.description,
                user_id=dispute.responsible_id.id,
                date_deadline=dispute.date_due or dispute.date_open,
            )

    def _ar_case_undeletable_message(self):
        return _(
            "A resolved dispute is part of the customer's history and cannot be "
            "deleted."
        )

    def _ar_case_frozen_message(self):
        return _("open a new dispute for other invoices.")

    # Resolution ----------------------------------------------------------------------

    def action_resolve(self, outcome, note=None, today=None):
        """Close the disputes with ``outcome`` (customer_right / customer_wrong).

        Customer right: a write-off request (credit note) for the disputed invoices,
        with the dispute's write-off reason. Customer wrong: the ladder resumes.
        :return: the write-off requests' action when some were created, else True
        """
        if outcome not in dict(DISPUTE_OUTCOMES):
            raise UserError(_("Unknown dispute outcome: %(outcome)s", outcome=outcome))
        if any(dispute.state != "open" for dispute in self):
            raise UserError(_("Only open disputes can be resolved."))
        self.check_access("write")
        real_today = fields.Date.context_today(self)
        today = fields.Date.to_date(today) or real_today
        if today > real_today:
            raise UserError(
                _(
                    "A dispute cannot be resolved on a future day (%(date)s).",
                    date=today,
                )
            )
        values = {"state": "resolved", "outcome": outcome, "date_resolved": today}
        if note:
            values["resolution_note"] = note
        requests = (
            self._create_write_off_requests() if outcome == "customer_right" else None
        )
        self._ar_write_unlocked(values)
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.move_ids._ar_reset_collection_schedule()
        if requests:
            return requests._get_records_action(name=_("Write-off requests"))
        return True

    def _create_write_off_requests(self):
        """One write-off request per dispute, when the write-off flow is installed."""
        if "ar.write.off.request" not in self.env:
            return None
        Request = self.env["ar.write.off.request"]
        requests = Request.browse()
        for dispute in self:
            open_moves = dispute.move_ids.filtered(lambda m: m.amount_residual > 0)
            if not open_moves:
                continue
            requests |= Request._create_for_moves(
                open_moves,
                reason=dispute.write_off_reason or "dispute_settlement",
                note=_(
                    "Dispute (%(reason)s) resolved in the customer's favour: %(note)s",
                    reason=dict(DISPUTE_REASONS)[dispute.reason],
                    note=dispute.resolution_note or dispute.description,
                ),
            )
        return requests

    def action_resolve_customer_right(self):
        return self.action_resolve("customer_right")

    def action_resolve_customer_wrong(self):
        return self.action_resolve("customer_wrong")

    # Ladder pause ---------------------------------------------------------------------

    def _ar_pause_span(self, move, today):
        """From the day it was opened to the day before it was resolved."""
        self.ensure_one()
        if not self.date_resolved:
            return (self.date_open, None)
        return (self.date_open, self.date_resolved - timedelta(days=1))
