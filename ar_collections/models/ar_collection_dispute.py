from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

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
WRITE_OFF_REASONS = [
    ("dispute_settlement", "Dispute settlement"),
    ("allowed_deduction", "Allowed deduction"),
]


class ArCollectionDispute(models.Model):
    """A customer disputes one or more invoices.

    While open, its invoices are out of the dunning ladder (they stay in every
    report). It is handed to a responsible user (sales, warehouse...) with a due
    date; resolving it records the outcome: customer right (a write-off request
    for a credit note, "dispute settlement" or "allowed deduction") or customer
    wrong (the ladder resumes where it was).
    """

    _name = "ar.collection.dispute"
    _description = "Invoice dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_due, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
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

    @api.constrains("move_ids", "partner_id")
    def _check_moves(self):
        for dispute in self:
            wrong = dispute.move_ids.filtered(
                lambda m, d=dispute: (
                    m.commercial_partner_id != d.partner_id.commercial_partner_id
                    or m.move_type != "out_invoice"
                    or m.company_id != d.company_id
                )
            )
            if wrong:
                raise ValidationError(
                    _(
                        "A dispute of %(partner)s can only be on its own customer "
                        "invoices "
                        "of %(company)s; not: %(moves)s",
                        partner=dispute.partner_id.display_name,
                        company=dispute.company_id.name,
                        moves=", ".join(wrong.mapped("display_name")),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
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

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open(self):
        if any(dispute.state == "resolved" for dispute in self):
            raise UserError(
                _(
                    "A resolved dispute is part of the customer's history and "
                    "cannot be deleted."
                )
            )

    def unlink(self):
        moves = self.move_ids
        result = super().unlink()
        moves._ar_reset_collection_schedule()
        return result

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
        today = today or fields.Date.context_today(self)
        values = {"state": "resolved", "outcome": outcome, "date_resolved": today}
        if note:
            values["resolution_note"] = note
        requests = (
            self._create_write_off_requests() if outcome == "customer_right" else None
        )
        self.write(values)
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

    # Ladder pause and shift ----------------------------------------------------------

    @api.model
    def _paused_by_dispute(self, moves, today):
        """Open disputes pause their invoices until they are resolved."""
        disputes = self.search([("state", "=", "open"), ("move_ids", "in", moves.ids)])
        wanted = set(moves.ids)
        return {move_id: None for move_id in disputes.move_ids.ids if move_id in wanted}

    @api.model
    def _pause_intervals(self, moves, today):
        """{move_id: [(first paused day, last paused day)]} of every dispute."""
        disputes = self.search([("move_ids", "in", moves.ids)])
        wanted = set(moves.ids)
        intervals = defaultdict(list)
        for dispute in disputes:
            if dispute.date_resolved:
                last = dispute.date_resolved - timedelta(days=1)
            else:
                last = today
            for move_id in dispute.move_ids.ids:
                if move_id in wanted:
                    intervals[move_id].append((dispute.date_open, last))
        return intervals
